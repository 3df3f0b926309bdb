"""RDS703 unguarded-call: what it is."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta


class UnguardedCall(RuleMeta):
    code = "RDS703"
    name = "unguarded-call"
    summary = "A command in a `request-path` module outside a `try` that handles Redis errors."
    default = False
