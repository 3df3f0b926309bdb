"""RDS201 key-shape, RDS202 key-case, RDS203 key-namespace.

Only keys whose template starts with literal text are judged, and only their
literal parts: what a placeholder holds at run time is not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

from redis_lint.rules.base import Rule, RuleContext, Violation
from redis_lint.semantics.keys import KeyTemplate, Placeholder
from redis_lint.semantics.model import KeyArg

_FOREIGN_SEPARATORS = (".", "/")
_FOREIGN_SEPARATOR_RE = re.compile("[./]")


def checkable_keys(context: RuleContext) -> Iterator[tuple[KeyArg, KeyTemplate]]:
    for call in context.model.commands:
        for key in call.keys:
            if key.template is not None and key.template.checkable:
                yield key, key.template


def shape_problem(template: KeyTemplate) -> str | None:
    literal_text = "".join(p for p in template.parts if isinstance(p, str))
    for separator in _FOREIGN_SEPARATORS:
        if separator in literal_text:
            return f"separates segments with '{separator}': use ':'"
    segments = template.segments()
    if any(not segment for segment in segments):
        return "has an empty segment ('::' or a leading/trailing ':')"
    trailing_placeholder = len(segments[-1]) == 1 and isinstance(segments[-1][0], Placeholder)
    if len(segments) < 3 and not trailing_placeholder:
        return f"has {len(segments)} segment{'s' if len(segments) > 1 else ''}: use at least three"
    return None


class KeyShape(Rule):
    code = "RDS201"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for key, template in checkable_keys(context):
            problem = shape_problem(template)
            if problem:
                yield Violation(key.expr, f'key "{template.render()}" {problem} (namespace:context:entity[:attribute])')


class KeyCase(Rule):
    code = "RDS202"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        for key, template in checkable_keys(context):
            if any(isinstance(p, str) and p != p.lower() for p in template.parts):
                lowered = KeyTemplate(tuple(p.lower() if isinstance(p, str) else p for p in template.parts))
                yield Violation(key.expr, f'key "{template.render()}" has upper-case letters: use "{lowered.render()}"')


class KeyNamespace(Rule):
    code = "RDS203"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        namespaces = context.policy.namespaces
        for key, template in checkable_keys(context):
            first = template.segments()[0]
            if len(first) != 1 or not isinstance(first[0], str):
                continue  # "user{x}:..." - the namespace is not known
            # judged on the word before any separator, case-insensitively: "cache.user.1" and
            # "Cache:..." have a known namespace, and RDS201/RDS202 report their real problem
            namespace = _FOREIGN_SEPARATOR_RE.split(first[0], maxsplit=1)[0].lower()
            if namespace not in namespaces:
                yield Violation(
                    key.expr,
                    f'key "{template.render()}" is outside the policy namespaces: '
                    f"start it with one of {', '.join(namespaces)}",
                )
