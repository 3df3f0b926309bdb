"""What a rule is: a class with its metadata that looks at a module's model and yields violations.

The metadata is redis_lint.rulemeta's.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

import libcst as cst

from redis_lint.config import Policy
from redis_lint.findings import LocatedFact
from redis_lint.rulemeta import RuleMeta
from redis_lint.semantics.key_templates import KeyTemplate
from redis_lint.semantics.module_model import KeyArg, ModuleModel


@dataclass(frozen=True)
class Fix:
    """Replace one node of the module with another (a libcst node: formatting and comments
    elsewhere are untouched).  Unsafe fixes change what the program does; --fix alone does not
    apply them."""

    description: str
    node: cst.CSTNode
    replacement: cst.CSTNode
    safe: bool = False
    imports: tuple[str, ...] = ()  # modules the replacement needs imported ("uuid")
    # more (node, replacement) pairs applied together with this one: renaming a key written as
    # the same literal at several calls must rename every one of them, or the calls part ways
    also: tuple[tuple[cst.CSTNode, cst.CSTNode], ...] = ()

    def edits(self) -> tuple[tuple[cst.CSTNode, cst.CSTNode], ...]:
        return ((self.node, self.replacement), *self.also)


@dataclass(frozen=True)
class Violation:
    node: cst.CSTNode  # where the finding points
    message: str
    fix: Fix | None = None
    related: tuple[tuple[cst.CSTNode, str], ...] = ()  # other nodes of the module it is about, and why


@dataclass(frozen=True)
class RuleContext:
    model: ModuleModel
    policy: Policy
    relative_path: str  # relative to the project root, for policy globs


class Rule(RuleMeta):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        raise NotImplementedError


def describe_key(key: KeyArg | None) -> str:
    """How a message names a key: its template in quotes, or the expression that holds it."""
    if key is None:
        return "the key"
    if key.template is not None:
        return f'"{key.template.render()}"'
    return f"key `{key.source}`"


def prefix_segments(template: KeyTemplate | None) -> list[str]:
    return template.literal_prefix_segments() if template is not None and template.checkable else []


def with_keyword(call: cst.Call, name: str, value: cst.BaseExpression) -> cst.Call:
    """`call` with one more keyword argument, following the call's own comma style."""
    args = list(call.args)
    new = cst.Arg(value=value, keyword=cst.Name(name),
                  equal=cst.AssignEqual(whitespace_before=cst.SimpleWhitespace(""),
                                        whitespace_after=cst.SimpleWhitespace("")))
    if args and isinstance(args[-1].comma, cst.Comma):
        # one argument a line, with a trailing comma: the new one takes the last line's comma, and
        # the old last argument takes the comma that separates arguments
        closing = args[-1].comma
        between = args[-2].comma if len(args) > 1 and isinstance(args[-2].comma, cst.Comma) else closing
        args[-1] = args[-1].with_changes(comma=between)
        new = new.with_changes(comma=closing)
    elif args:
        args[-1] = args[-1].with_changes(comma=cst.Comma(whitespace_after=cst.SimpleWhitespace(" ")))
    return call.with_changes(args=[*args, new])


# -- project-level rules ------------------------------------------------------


@dataclass(frozen=True)
class Fact:
    """Something one file contributes to a project-level rule: a client built here, `ping()`
    called here.  The engine turns it into a `LocatedFact`, which is plain data, so that it can be
    cached with the file's findings and sent between worker processes."""

    kind: str  # "RDS403:close": every project rule sees every fact, so kinds carry the rule's code
    node: cst.CSTNode  # where a finding about it would point
    detail: str = ""  # anything the rule needs later (a qualified name, a variable name)


class ProjectRule(RuleMeta):
    """A rule that can only be decided with the whole project in view (RDS403, RDS404).

    Each file contributes facts (`facts`, called with the same context as `Rule.check`); once
    every file of the run is checked, `check_project` sees all of them and says which facts to
    report, with what message.  The engine runs it only when the run covers the project (folders
    given on the command line), never for a single file in the editor or a list of files from
    flake8 or pre-commit, and applies noqa and per-file-ignores at the reported fact's line."""

    def facts(self, context: RuleContext) -> Iterator[Fact]:
        raise NotImplementedError

    def check_project(self, facts: list[LocatedFact], policy: Policy) -> Iterator[tuple[LocatedFact, str]]:
        raise NotImplementedError
