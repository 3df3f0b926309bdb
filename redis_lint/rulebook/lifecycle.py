"""RDS402-RDS404, a client's lifecycle: what they are."""

from __future__ import annotations

from redis_lint.rulemeta import CLOSES, PINGS, RuleMeta


class ClientPerCall(RuleMeta):
    code = "RDS402"
    name = "client-per-call"
    summary = ("A client or pool built in a loop, or built, used and dropped in one function (in an injection point: "
               "only in loops and request or task handlers).")


class ClientNeverClosed(RuleMeta):
    code = "RDS403"
    name = "client-never-closed"
    summary = ("A long-lived client (module-level, or returned by an injection point's factory) that nothing in the "
               "project closes (project-level).")
    silenced_by = frozenset({CLOSES})  # a close the analysis cannot trace: any client may be the one


class MissingHealthCheck(RuleMeta):
    code = "RDS404"
    name = "missing-health-check"
    summary = "The project creates clients but never calls `ping()`; reported once (project-level)."
    silenced_by = frozenset({PINGS})  # a ping on an injected client is a health check
