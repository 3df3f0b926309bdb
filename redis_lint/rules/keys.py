"""RDS201 key-shape, RDS202 key-case, RDS203 key-namespace.

Only keys whose template starts with literal text are judged, and only their
literal parts: what a placeholder holds at run time is not guessed.
"""

from __future__ import annotations

import re
from collections.abc import Iterator

import libcst as cst
from libcst.metadata import CodeRange

from redis_lint.config import Policy
from redis_lint.rules.base import Fix, Rule, RuleContext, Violation
from redis_lint.semantics.key_templates import KeyTemplate
from redis_lint.semantics.module_model import KeyArg

_FOREIGN_SEPARATORS = (".", "/")
_FOREIGN_SEPARATOR_RE = re.compile("[./]")


def checkable_keys(context: RuleContext) -> Iterator[tuple[KeyArg, KeyTemplate]]:
    for call in context.model.commands:
        for key in call.keys:
            if key.template is not None and key.template.checkable:
                yield key, key.template


def shape_problem(template: KeyTemplate) -> str | None:
    """Why a key breaks namespace:context:entity[:attribute], if it does (a placeholder is one segment)."""
    literal_text = "".join(p for p in template.parts if isinstance(p, str))
    for separator in _FOREIGN_SEPARATORS:
        if separator in literal_text:
            return f"separates segments with '{separator}': use ':'"
    segments = template.segments()
    if any(not segment for segment in segments):
        return "has an empty segment ('::' or a leading/trailing ':')"
    if len(segments) < 3:
        return f"has {len(segments)} segment{'s' if len(segments) > 1 else ''}: use at least three"
    return None


def shape_message(template: KeyTemplate) -> str | None:
    problem = shape_problem(template)
    return f'key "{template.render()}" {problem} (namespace:context:entity[:attribute])' if problem else None


def case_message(template: KeyTemplate) -> str | None:
    if not any(isinstance(p, str) and p != p.lower() for p in template.parts):
        return None
    lowered = KeyTemplate(tuple(p.lower() if isinstance(p, str) else p for p in template.parts))
    return f'key "{template.render()}" has upper-case letters: use "{lowered.render()}"'


def namespace_message(template: KeyTemplate, namespaces: tuple[str, ...]) -> str | None:
    first = template.segments()[0]
    head = first[0] if first and isinstance(first[0], str) else None
    # judged on the word before any separator, case-insensitively: "cache.user.1" and
    # "Cache:..." have a known namespace, and RDS201/RDS202 report their real problem
    if head is None or (len(first) > 1 and not _FOREIGN_SEPARATOR_RE.search(head)):
        return None  # "user{x}:..." - the namespace is not known
    namespace = _FOREIGN_SEPARATOR_RE.split(head, maxsplit=1)[0].lower()
    if namespace in namespaces:
        return None
    return f'key "{template.render()}" is outside the policy namespaces: start it with one of {", ".join(namespaces)}'


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


class KeyShape(KeyRule):
    code = "RDS201"
    name = "key-shape"
    summary = "A key that is not `namespace:context:entity[:attribute]`."

    def message(self, template: KeyTemplate, policy: Policy) -> str | None:
        return shape_message(template)


class KeyCase(KeyRule):
    code = "RDS202"
    name = "key-case"
    summary = "Upper-case letters in the literal parts of a key."
    fixable = "unsafe"

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


class KeyNamespace(KeyRule):
    code = "RDS203"
    name = "key-namespace"
    summary = "A key whose first segment is not one of the policy's namespaces."

    def message(self, template: KeyTemplate, policy: Policy) -> str | None:
        return namespace_message(template, policy.namespaces)


KEY_RULES: tuple[KeyRule, ...] = (KeyShape(), KeyCase(), KeyNamespace())


def key_messages(template: KeyTemplate, policy: Policy) -> Iterator[tuple[str, str]]:
    """(code, message) for every naming rule a checkable key breaks; shared with the runtime."""
    for rule in KEY_RULES:
        message = rule.message(template, policy)
        if message is not None:
            yield rule.code, message
