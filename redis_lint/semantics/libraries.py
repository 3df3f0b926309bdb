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


# The exception classes of redis-py and valkey (their `exceptions` modules, partly re-exported by the
# packages and their `asyncio` modules; tests/semantics/test_libraries.py checks the installed ones).
EXCEPTIONS = frozenset({
    "AskError", "AuthenticationError", "AuthenticationWrongNumberOfArgsError", "AuthorizationError",
    "BusyLoadingError", "ChildDeadlockedError", "ClusterCrossSlotError", "ClusterDownError", "ClusterError",
    "ConnectionError", "CrossSlotTransactionError", "DataError", "ExecAbortError", "ExternalAuthProviderError",
    "IncorrectPolicyType", "InvalidPipelineStack", "InvalidResponse", "LockError", "LockNotOwnedError",
    "MasterDownError", "MaxClientsReachedError", "MaxConnectionsError", "ModuleError", "MovedError",
    "NoPermissionError", "NoScriptError", "NoSuchFieldsetError", "OutOfMemoryError", "PubSubError",
    "ReadOnlyError", "RedisClusterException", "RedisClusterUnreachableError", "RedisError", "ResponseError",
    "SlotNotCoveredError", "TimeoutError", "TryAgainError", "ValkeyClusterException", "ValkeyError",
    "WatchError",
})


def is_exception(module: str, name: str) -> bool:
    """Whether `from module import name`, from a client library, brings in one of its exceptions
    (or their module): an exception holds no connection, so no Redis value comes with it."""
    if module.rpartition(".")[2] == "exceptions":
        return True
    return name == "exceptions" or name in EXCEPTIONS


def is_library_name(qualified_name: str) -> bool:
    return qualified_name.split(".", 1)[0] in CLIENT_LIBRARIES


def is_async_name(qualified_name: str) -> bool:
    return ".asyncio" in qualified_name


# Redis Cluster's clients (a project building one runs on Redis Cluster), and their pipelines,
# which are no transaction unless asked for (`transaction=True`)
CLUSTER_CLIENTS = frozenset({"RedisCluster", "ValkeyCluster"})
_CLUSTER_CLASSES = CLUSTER_CLIENTS | {"ClusterPipeline"}


def is_cluster_name(qualified_name: str) -> bool:
    """`redis.cluster.RedisCluster`, `redis.RedisCluster.from_url` -> True."""
    return not _CLUSTER_CLASSES.isdisjoint(qualified_name.split(".")[-2:])


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
