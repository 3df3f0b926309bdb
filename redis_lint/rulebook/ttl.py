"""RDS101 missing-ttl and RDS102 ttl-over-policy: what they are, and the words of their messages."""

from __future__ import annotations

from redis_lint.rulebook.text import seconds
from redis_lint.rulemeta import RuleMeta


class MissingTtl(RuleMeta):
    code = "RDS101"
    name = "missing-ttl"
    summary = ("A key-creating write with no expiry in the call and no `expire` of the key later in the same function "
               "or pipeline.")
    fixable = "unsafe"


class TtlOverPolicy(RuleMeta):
    code = "RDS102"
    name = "ttl-over-policy"
    summary = "A constant expiry longer than the policy maximum for the key's prefix."


def advice_for(command: str) -> str:
    """What to do instead of a write without TTL, by Redis command; shared with the runtime."""
    if command == "SET":
        return "pass ex="
    if command == "GETSET":
        return "use set(key, value, get=True, ex=...)"
    if command in ("SETNX", "MSETNX"):
        return "use set(key, value, nx=True, ex=...)"
    if command == "MSET":
        return "set each key with set(key, value, ex=...) in a pipeline, or expire() each key"
    return "call expire() on the key in the same function or pipeline"


def policy_cap(limit: tuple[str, int] | None) -> str:
    return f" (policy max for {limit[0]} is {seconds(limit[1])})" if limit else ""


def over_policy_message(ttl: float, key: str, limit: tuple[str, int]) -> str:
    """Shared with the runtime, which judges the TTLs it sees sent."""
    return f"TTL of {seconds(ttl)} on {key} is over the policy maximum for {limit[0]}: use at most {seconds(limit[1])}"
