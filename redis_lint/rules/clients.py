"""RDS401 client-outside-injection-point."""

from __future__ import annotations

from collections.abc import Iterator

from redis_lint.rulebook import clients as book
from redis_lint.rulebook.clients import outside_message
from redis_lint.rules.base import Rule, RuleContext, Violation


class ClientOutsideInjectionPoint(book.ClientOutsideInjectionPoint, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        if context.policy.is_injection_point(context.relative_path):
            return
        for construction in context.model.constructions:
            yield Violation(construction.node, outside_message(construction.qualified_name, construction.value.kind.value))


