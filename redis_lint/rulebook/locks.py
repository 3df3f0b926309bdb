"""RDS501-RDS503, locks: what they are, and the words of their messages."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta

LOCK_NAMESPACE = "lock"


class LockWithoutExpiry(RuleMeta):
    code = "RDS501"
    name = "lock-without-expiry"
    summary = ("A lock taken with no expiry: `set(..., nx=True)` without `px=`/`ex=`, `setnx()` on a lock key, "
               "`lock()` without `timeout=`.")
    fixable = "unsafe"


class LockUnsafeRelease(RuleMeta):
    code = "RDS502"
    name = "lock-unsafe-release"
    summary = "A lock released with a plain `delete`/`unlink`, without an atomic ownership check."


class LockConstantToken(RuleMeta):
    code = "RDS503"
    name = "lock-constant-token"
    summary = "A lock taken with a constant token instead of a unique random one."
    fixable = "unsafe"


def set_nx_message(key: str) -> str:
    """Shared with the runtime, which sees SET ... NX sent without an expiry."""
    return (f"lock {key} is taken with SET NX and no expiry: pass px= (e.g. px=30000) so a crashed holder "
            "cannot block it forever")
