"""Which method names tell a Redis client by its use, and what they make of a receiver.

A reader who sees `self.backend.hincrby(...)`, `zadd(...)` and `expire(...)` knows that
`self.backend` is a Redis client, wherever it came from.  The analysis does the same with the
names below, graded by one question: does any API a Python program commonly holds besides a
Redis client have a method of that name?

- **Evidence** (`REDIS_ONLY`): the names of redis-py's commands that no common look-alike has
  (the builtin containers and `collections`, Django's cache API and django-redis's additions to
  it, memcache clients, SQLAlchemy sessions, requests sessions, files and paths, locks, queues,
  executors, sockets, Elasticsearch and MQTT clients).  One of them called on a receiver is
  enough: `hset`, `zadd`, `lpush`, `expire`, `setex`, `zrangebyscore`, `execute_command`.
- **Not evidence** (everything else): names some look-alike has (`get`, `set`, `delete`, `keys`,
  `items`, `incr`, `touch`, `exists`, `rename`, `unlink`, `scan`, `publish`, `pipeline`,
  `execute`, `lock`, `ttl`, ...), however many of them are called together: `get`, `set` and
  `delete` are a dict, a cache or a session as much as a client.
- A receiver with evidence on which `execute` or `multi` is called is a **pipeline** (a client
  has neither); one on which `pipeline`, `transaction`, `pubsub`, `lock`, `register_script`,
  `ping` or a close is called, from which a pipeline is taken, or whose commands' replies are
  read (compared, tested: a pipeline's commands return the pipeline), is a **client**; any other
  may be either, and is taken as a pipeline, so that only the rules that hold for both apply
  (a command in a loop is a round trip on a client, not on a pipeline).

A name that a class of the project defines as a method is no evidence in that project: the
project may wrap Redis under the same names (django-redis's `DefaultClient.sadd`), and a call by
that name may be the wrapper's.

A value whose origin the analysis knows to be something else (a literal, a builtin container,
an object of the project's own classes, anything built by or taken from another library) is
what it is, whatever is called on it (redis_lint.semantics.usage).  This module is plain data
and imports no parser: the prefilter reads the same names in the names a file's bytes call, and
in its flows.
"""

from __future__ import annotations

from collections.abc import Iterable

from redis_lint.summaries.flows import ValueFlows
from redis_lint.summaries.module import ModuleSummary

# redis-py command methods whose names only Redis has (the grading above); kept to names a
# look-alike does not share, not to the command catalogue (which also holds `get` and `set`).
REDIS_ONLY = frozenset({
    # strings and counters
    "setex", "psetex", "setnx", "getset", "getex", "getdel", "getrange", "setrange", "strlen",
    "incrby", "incrbyfloat", "decrby", "msetnx", "mset", "substr",
    # expiry
    "expire", "pexpire", "expireat", "pexpireat", "expiretime", "pexpiretime", "pttl",
    "hexpire", "hpexpire", "hexpireat", "hpexpireat", "hpersist", "httl", "hpttl", "hsetex", "hgetex",
    # hashes
    "hset", "hget", "hgetall", "hmset", "hmget", "hsetnx", "hdel", "hexists", "hincrby", "hincrbyfloat",
    "hkeys", "hvals", "hlen", "hstrlen", "hrandfield", "hscan", "hscan_iter", "hgetdel",
    # lists
    "lpush", "rpush", "lpushx", "rpushx", "lpop", "rpop", "llen", "lrange", "ltrim", "lindex", "lset",
    "lrem", "linsert", "lpos", "lmove", "blmove", "lmpop", "blmpop", "blpop", "brpop", "rpoplpush",
    "brpoplpush",
    # sets
    "sadd", "srem", "smembers", "sismember", "smismember", "scard", "spop", "srandmember", "smove",
    "sdiff", "sdiffstore", "sinter", "sinterstore", "sintercard", "sunion", "sunionstore", "sscan",
    "sscan_iter",
    # sorted sets
    "zadd", "zrem", "zrange", "zrevrange", "zrangebyscore", "zrevrangebyscore", "zrangebylex",
    "zrevrangebylex", "zrangestore", "zcard", "zcount", "zlexcount", "zscore", "zmscore", "zrank",
    "zrevrank", "zincrby", "zpopmin", "zpopmax", "bzpopmin", "bzpopmax", "zmpop", "bzmpop",
    "zremrangebyrank", "zremrangebyscore", "zremrangebylex", "zrandmember", "zunionstore",
    "zinterstore", "zdiffstore", "zunion", "zinter", "zdiff", "zintercard", "zscan", "zscan_iter",
    # streams, HyperLogLog, geo, bits
    "xadd", "xdel", "xlen", "xrange", "xrevrange", "xtrim", "xread", "xreadgroup", "xack", "xclaim",
    "xautoclaim", "xpending", "xpending_range", "xgroup_create", "xgroup_destroy", "xinfo_stream",
    "xinfo_groups", "xinfo_consumers", "pfadd", "pfcount", "pfmerge", "geoadd", "geodist", "geohash",
    "geopos", "georadius", "georadiusbymember", "geosearch", "geosearchstore", "setbit", "getbit",
    "bitcount", "bitop", "bitpos", "bitfield",
    # keys, scripts, pub/sub, server
    "scan_iter", "renamenx", "randomkey", "dbsize", "flushdb", "flushall", "evalsha",
    "eval_ro", "evalsha_ro", "register_script", "script_load", "script_exists", "script_flush",
    "pubsub", "execute_command", "config_set", "config_get", "config_rewrite", "config_resetstat",
    "client_kill", "client_kill_filter", "client_list", "client_setname", "client_getname",
    "debug_object", "debug_segfault", "slaveof", "replicaof", "bgsave", "bgrewriteaof",
    "lastsave", "slowlog_get", "memory_usage",
})

# What only a pipeline has, and what a pipeline is not used for, among the names of a receiver
# that has evidence.
PIPELINE_ONLY = frozenset({"execute", "multi"})
CLIENT_ONLY = frozenset({"pipeline", "transaction", "pubsub", "lock", "register_script", "ping", "close", "aclose"})


def evidence(methods: Iterable[str]) -> tuple[str, ...]:
    """The names among `methods` that only Redis has, sorted: a receiver's evidence."""
    return tuple(sorted(set(methods) & REDIS_ONLY))


def is_client_by_use(methods: Iterable[str]) -> bool:
    """Whether a receiver with evidence is a client, not a pipeline (or either), by what else is
    called on it."""
    called = set(methods)
    return called.isdisjoint(PIPELINE_ONLY) and not called.isdisjoint(CLIENT_ONLY)


def may_call_redis_only(called: frozenset[str]) -> bool:
    """Whether a file that calls (or defines) the names `called` (redis_lint.semantics.layout.called_names,
    which the prefilter reads from every file's bytes anyway) may call a method only Redis has, or
    define one (a wrapper's method)."""
    return not REDIS_ONLY.isdisjoint(called)


def wrapped_names(summary: ModuleSummary) -> frozenset[str]:
    """The names only Redis has that a module's classes define as methods: the project wraps Redis
    under them (django-redis's `DefaultClient.sadd`), so a call by such a name may be the wrapper's
    and is no evidence in that project."""
    return frozenset(name for cls in summary.classes.values() if cls is not None for name in cls.methods
                     if name in REDIS_ONLY)


def held_by_use(flows: ValueFlows) -> bool:
    """Whether a module calls a method only Redis has on a receiver it names (`self.client.hset`,
    `conn.zadd`): such a receiver may be a client known by its use, wherever it came from."""
    return any(evidence(methods) for _, _, methods in flows.receivers())
