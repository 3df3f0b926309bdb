"""What a rule says about itself (code, name, summary, default, fix, page), declared on its class.

Also the two rules the engine reports itself, which have no class of their own to check with.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import ClassVar, Literal


# What the analysis counts whatever the receiver in a module that imports a client library (a
# `ping()`, a close in a shutdown hook: redis_lint.inference.redis_calls), and which can only
# silence a project-level rule (`RuleMeta.silenced_by`).
PINGS = "pings"
CLOSES = "closes"


class RuleMeta:
    """A rule's facts, as class attributes of the rule (Fixit and ruff keep them there too).

    Everything else (the catalogue, `redis-lint rules`, the SARIF metadata, the rule tables of
    the READMEs) is derived from these: see redis_lint.registry and `python -m redis_lint.docs`."""

    code: ClassVar[str]  # RDS + three digits
    name: ClassVar[str]  # kebab-case, accepted wherever a code is (explain)
    summary: ClassVar[str]  # one sentence: what it flags
    default: ClassVar[bool] = True  # False: opt-in, runs only when its full code is selected
    # "unsafe": `--fix --unsafe-fixes` rewrites some findings; "safe": `--fix` alone (not `fix`: a
    # rule may well have a method of that name)
    fixable: ClassVar[Literal["", "safe", "unsafe"]] = ""
    secret: ClassVar[bool] = False  # the finding's span is a secret: no report ever shows its source
    # For a project-level rule: what the analysis counts whatever the receiver that can only silence
    # it (PINGS, CLOSES); a run analyses the files holding nothing else only when the rule would
    # report without them (redis_lint.engine.run).
    silenced_by: ClassVar[frozenset[str]] = frozenset()

    @classmethod
    def page(cls) -> str:
        """The rule's page, relative to the repository's root (`redis-lint explain` reads it packaged)."""
        return f"rules/{cls.code}.md"


class ParseError(RuleMeta):
    code = "RDS000"
    name = "parse-error"
    summary = "A file that cannot be read, decoded or parsed; reported, never a crash."


class UnusedNoqa(RuleMeta):
    code = "RDS900"
    name = "unused-noqa"
    summary = "A `# noqa: RDSnnn` that silences nothing."
    default = False


PARSE_ERROR = ParseError.code
UNUSED_NOQA = UnusedNoqa.code


@dataclass(frozen=True)
class RuleInfo:
    """A rule's metadata as plain data: what the generated catalogue holds, so that a run knows
    every rule without importing one (and libcst with it)."""

    code: str
    name: str
    summary: str
    default: bool = True
    fixable: str = ""
    secret: bool = False
    silenced_by: tuple[str, ...] = ()

    @classmethod
    def of(cls, rule: type[RuleMeta]) -> RuleInfo:
        return cls(rule.code, rule.name, rule.summary, rule.default, rule.fixable, rule.secret,
                   tuple(sorted(rule.silenced_by)))
