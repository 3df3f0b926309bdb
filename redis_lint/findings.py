"""A finding: one reported violation, with everything every output format needs."""

from __future__ import annotations

from dataclasses import asdict, dataclass

from redis_lint.catalogue import BY_CODE


@dataclass(frozen=True)
class Related:
    """Another place in the same file that a finding is about (a call that uses the key the
    finding reports where it is built): SARIF's relatedLocations, LSP's relatedInformation."""

    line: int  # 1-based
    column: int  # 1-based
    end_line: int
    end_column: int
    message: str


@dataclass(frozen=True)
class Finding:
    path: str  # as shown to the user (relative to the working directory when below it)
    line: int  # 1-based
    column: int  # 1-based
    code: str
    message: str
    end_line: int
    end_column: int
    fix: str | None = None  # what `--fix` would change, when the rule knows a fix
    fix_safe: bool = False  # False: it changes behaviour, applied only with --unsafe-fixes
    # why the receiver is taken for a Redis client when only its use says so (redis_lint.semantics.usage):
    # "`self.backend`: used with hincrby, zadd in Stats"
    evidence: str | None = None
    related: tuple[Related, ...] = ()  # in the same file, sorted

    @property
    def explained(self) -> str:
        """The message, with the evidence when there is some: what formats without a field for it show."""
        return f"{self.message} (why a client: {self.evidence})" if self.evidence else self.message

    @property
    def name(self) -> str:
        return BY_CODE[self.code].name

    def sort_key(self) -> tuple[str, int, int, str, str]:
        return (self.path, self.line, self.column, self.code, self.message)

    def as_dict(self) -> dict[str, object]:
        data = {k: v for k, v in asdict(self).items() if k not in ("fix", "fix_safe")}
        fix = {"description": self.fix, "applicability": "safe" if self.fix_safe else "unsafe"} if self.fix else None
        return {**data, "name": self.name, "fix": fix}

    def __str__(self) -> str:
        return f"{self.path}:{self.line}:{self.column}: {self.code} {self.message}"


@dataclass(frozen=True)
class LocatedFact:
    """A project-level rule's fact (redis_lint.rules.base.Fact) placed in its file: plain data,
    cached with the file's findings and sent between worker processes."""

    path: str  # display path of the file
    line: int
    column: int  # 1-based
    end_line: int
    end_column: int
    kind: str
    detail: str = ""
