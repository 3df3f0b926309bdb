"""RDS401 client-outside-injection-point."""

from __future__ import annotations

from collections.abc import Iterator

from redis_lint.rules.base import Rule, RuleContext, Violation


class ClientOutsideInjectionPoint(Rule):
    code = "RDS401"
    name = "client-outside-injection-point"
    summary = "A client or connection pool constructed in a module that is not an injection point."

    def check(self, context: RuleContext) -> Iterator[Violation]:
        if context.policy.is_injection_point(context.relative_path):
            return
        for construction in context.model.constructions:
            yield Violation(construction.node, outside_message(construction.qualified_name, construction.value.kind.value))


def outside_message(constructor: str, kind: str) -> str:
    """Shared with the runtime, which sees the constructions happen."""
    return (
        f"{constructor}() builds a {kind} outside an injection point: "
        f"build it once where the application starts (e.g. redis/client.py) and inject it"
    )
