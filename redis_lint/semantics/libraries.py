"""Which imported names belong to Redis client libraries, and what they build."""

from __future__ import annotations

from enum import Enum

CLIENT_LIBRARIES = ("redis", "valkey")


class Kind(Enum):
    CLIENT = "client"
    PIPELINE = "pipeline"
    POOL = "pool"
    SENTINEL = "sentinel"
    LOCK = "lock"
    SCRIPT = "script"
    JSON = "json"  # client.json(): RedisJSON commands
    OBJECT = "object"  # an instance of one of the project's own classes


_CLASS_KINDS: dict[str, Kind] = {
    **dict.fromkeys(("Redis", "StrictRedis", "RedisCluster", "Valkey", "StrictValkey", "ValkeyCluster"), Kind.CLIENT),
    **dict.fromkeys(("Pipeline", "ClusterPipeline"), Kind.PIPELINE),
    **dict.fromkeys(("ConnectionPool", "BlockingConnectionPool"), Kind.POOL),
    "Sentinel": Kind.SENTINEL,
    "Lock": Kind.LOCK,
    "Script": Kind.SCRIPT,
}
# Classes whose construction the injection-point rule is about.
CONSTRUCTED_KINDS = (Kind.CLIENT, Kind.POOL, Kind.SENTINEL)


def is_library_name(qualified_name: str) -> bool:
    return qualified_name.split(".", 1)[0] in CLIENT_LIBRARIES


def is_async_name(qualified_name: str) -> bool:
    return ".asyncio" in qualified_name


def class_kind(qualified_name: str) -> Kind | None:
    """`redis.asyncio.Redis` -> CLIENT; `redis.lock.Lock` -> LOCK; other names -> None."""
    if not is_library_name(qualified_name):
        return None
    return _CLASS_KINDS.get(qualified_name.rsplit(".", 1)[-1])


def constructor_kind(qualified_name: str) -> Kind | None:
    """What calling an imported name builds: a class, `Class.from_url`, or module-level `from_url`."""
    kind = class_kind(qualified_name)
    if kind in CONSTRUCTED_KINDS:
        return kind
    owner, _, last = qualified_name.rpartition(".")
    if last in ("from_url", "from_pool") and owner:
        owner_kind = class_kind(owner)
        if owner_kind in (Kind.CLIENT, Kind.POOL):
            return owner_kind
        if owner in CLIENT_LIBRARIES or owner in {f"{lib}.asyncio" for lib in CLIENT_LIBRARIES}:
            return Kind.CLIENT  # redis.from_url(...)
    return None
