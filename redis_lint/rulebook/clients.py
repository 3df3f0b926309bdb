"""RDS401 client-outside-injection-point: what it is, and the words of its message."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta


class ClientOutsideInjectionPoint(RuleMeta):
    code = "RDS401"
    name = "client-outside-injection-point"
    summary = "A client or connection pool constructed in a module that is not an injection point."


def outside_message(constructor: str, kind: str) -> str:
    """Shared with the runtime, which sees the constructions happen."""
    return (
        f"{constructor}() builds a {kind} outside an injection point: "
        f"build it once where the application starts (e.g. redis/client.py) and inject it"
    )
