"""A runtime finding: a static finding's fields, how often it happened and an example key.

The example key is redacted: placeholders for every data segment.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass

from redis_lint.catalogue import BY_CODE


@dataclass
class RuntimeFinding:
    path: str
    line: int
    column: int
    code: str
    message: str
    end_line: int
    end_column: int
    count: int = 1
    example_key: str | None = None

    @property
    def name(self) -> str:
        return BY_CODE[self.code].name

    @property
    def identity(self) -> tuple[str, int, int, str]:
        return (self.path, self.line, self.column, self.code)

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "name": self.name}

    @classmethod
    def from_dict(cls, data: dict[str, object]) -> RuntimeFinding:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)  # type: ignore[arg-type]

    def __str__(self) -> str:
        times = f" [{self.count}x]" if self.count > 1 else ""
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}{times}"


def merge(findings: list[RuntimeFinding]) -> list[RuntimeFinding]:
    """One finding per site and code, with the counts added up; sorted."""
    merged: dict[tuple[str, int, int, str], RuntimeFinding] = {}
    for finding in findings:
        known = merged.get(finding.identity)
        if known is None:
            merged[finding.identity] = RuntimeFinding(**asdict(finding))
        else:
            known.count += finding.count
    return sorted(merged.values(), key=RuntimeFinding.sort_key)
