"""A finding: one reported violation, with everything every output format needs."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from redis_lint.catalogue import BY_CODE


@dataclass(frozen=True)
class Finding:
    path: str  # as shown to the user (relative to the working directory when below it)
    line: int  # 1-based
    column: int  # 1-based
    code: str
    message: str
    end_line: int
    end_column: int

    @property
    def name(self) -> str:
        return BY_CODE[self.code].name

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        return {**asdict(self), "name": self.name}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"
