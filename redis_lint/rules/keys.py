"""RDS201 key-shape, RDS202 key-case, RDS203 key-namespace.

Only keys whose template starts with literal text are judged, and only their
literal parts: what a placeholder holds at run time is not guessed.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from libcst.metadata import CodeRange

from redis_lint.config import Policy
from redis_lint.rulebook import keys as book
from redis_lint.rulebook.keys import case_message, namespace_message, shape_message
from redis_lint.rules.base import Fix, Rule, RuleContext, Violation
from redis_lint.semantics.key_templates import KeyTemplate
from redis_lint.semantics.module_model import KeyArg


def checkable_keys(context: RuleContext) -> Iterator[tuple[KeyArg, KeyTemplate]]:
    for call in context.model.commands:
        for key in call.keys:
            if key.template is not None and key.template.checkable:
                yield key, key.template


class KeyRule(Rule):
    """A naming problem belongs to the key, not to each call that uses it: the keys of a module
    that share a template (placeholder names aside: only literal parts are judged) give one
    finding, at the expression that builds the key (the first, in source order, when several
    do), and every call that uses it is a related location."""

    def message(self, template: KeyTemplate, policy: Policy) -> str | None:
        raise NotImplementedError

    def fix(self, origins: list[cst.BaseExpression]) -> Fix | None:
        return None

    def check(self, context: RuleContext) -> Iterator[Violation]:
        groups: dict[tuple[str | None, ...], list[tuple[KeyArg, str]]] = {}
        for key, template in checkable_keys(context):
            message = self.message(template, context.policy)
            if message is not None:
                shape = tuple(p if isinstance(p, str) else None for p in template.parts)
                groups.setdefault(shape, []).append((key, message))
        positions = context.model.index.positions
        resolver = context.model.keys
        for uses in groups.values():
            built_at = [(resolver.origin(key.expr), key, message) for key, message in uses]
            origins = sorted({id(o): o for o, _, _ in built_at}.values(), key=lambda node: _start(positions[node]))
            reported = origins[0]
            message = next(m for origin, _, m in built_at if origin is reported)
            related = {id(key.expr): (key.expr, "the same key is used here") for _, key, _ in built_at
                       if key.expr is not reported}
            yield Violation(reported, message, self.fix(origins), tuple(related.values()))


def _start(where: CodeRange) -> tuple[int, int]:
    return where.start.line, where.start.column


class KeyShape(book.KeyShape, KeyRule):
    def message(self, template: KeyTemplate, policy: Policy) -> str | None:
        return shape_message(template)


class KeyCase(book.KeyCase, KeyRule):
    def message(self, template: KeyTemplate, policy: Policy) -> str | None:
        return case_message(template)

    def fix(self, origins: list[cst.BaseExpression]) -> Fix | None:
        """Lower-case the key where it is written, when every place that writes it is a plain
        string literal: all of them at once, so that the calls keep using one key (renames the
        key: existing data stays under the old name)."""
        edits = []
        for node in origins:
            if not isinstance(node, cst.SimpleString) or "\\" in node.value:
                return None
            prefix_length = len(node.prefix) + len(node.quote)
            body = node.value[prefix_length : len(node.value) - len(node.quote)]
            edits.append((node, node.with_changes(value=node.value[:prefix_length] + body.lower() + node.quote)))
        (first, lowered), *others = edits
        return Fix(f"rename the key to {lowered.value}", first, lowered, also=tuple(others))


class KeyNamespace(book.KeyNamespace, KeyRule):
    def message(self, template: KeyTemplate, policy: Policy) -> str | None:
        return namespace_message(template, policy.namespaces)


