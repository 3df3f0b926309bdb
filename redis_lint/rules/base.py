"""What a rule is: a class with a code that looks at a module's model and yields violations."""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import ClassVar

import libcst as cst

from redis_lint.config import Policy
from redis_lint.semantics.keys import KeyTemplate
from redis_lint.semantics.model import KeyArg, ModuleModel


@dataclass(frozen=True)
class Violation:
    node: cst.CSTNode  # where the finding points
    message: str


@dataclass(frozen=True)
class RuleContext:
    model: ModuleModel
    policy: Policy
    relative_path: str  # relative to the project root, for policy globs


class Rule:
    code: ClassVar[str]

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


def seconds(value: float) -> str:
    return f"{value:g} s" if value != int(value) else f"{int(value)} s"
