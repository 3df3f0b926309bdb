"""The command catalogue: redis-py method name -> what the Redis command does.

Each entry names the method's positional parameters (as redis-py declares
them), which of them are keys, which keys the command creates or overwrites,
and which arguments set an expiry.  Rules bind a call's arguments against
these signatures instead of guessing argument positions themselves.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum


class TtlUnit(Enum):
    SECONDS = "s"
    MILLISECONDS = "ms"
    ABSOLUTE = "abs"  # a point in time (EXAT/PXAT/EXPIREAT): never compared to a maximum
    KEEP = "keep"  # KEEPTTL: keeps whatever expiry the key had


@dataclass(frozen=True)
class TtlParam:
    name: str
    unit: TtlUnit


@dataclass(frozen=True)
class CommandSpec:
    method: str
    command: str  # the Redis command, upper case ("SET", "CONFIG SET")
    params: tuple[str, ...]  # positional parameters; "*name" collects the rest
    keys: tuple[str, ...] = ()  # parameters that hold keys (a "*name" one: every value)
    creates: tuple[str, ...] = ()  # key parameters this command creates or overwrites
    ttl: tuple[TtlParam, ...] = ()  # parameters that give the key an expiry
    sets_expiry_on: str | None = None  # EXPIRE-family: the key parameter it expires
    key_mapping: str | None = None  # a parameter holding a {key: value} mapping (MSET)
    script: str | None = None  # a parameter holding Lua source (EVAL, SCRIPT LOAD)
    numkeys: str | None = None  # a parameter counting how many of the `*` keys parameter's values are keys


_S, _MS, _ABS, _KEEP = TtlUnit.SECONDS, TtlUnit.MILLISECONDS, TtlUnit.ABSOLUTE, TtlUnit.KEEP
_SET_TTL = (TtlParam("ex", _S), TtlParam("px", _MS), TtlParam("exat", _ABS), TtlParam("pxat", _ABS), TtlParam("keepttl", _KEEP))
_GETEX_TTL = (TtlParam("ex", _S), TtlParam("px", _MS), TtlParam("exat", _ABS), TtlParam("pxat", _ABS))


def _spec(method: str, params: str, *, command: str | None = None, keys: str = "", creates: str = "",
          ttl: tuple[TtlParam, ...] = (), **extra: str) -> CommandSpec:
    return CommandSpec(
        method=method,
        command=command or method.upper(),
        params=tuple(params.split()),
        keys=tuple(keys.split()),
        creates=tuple(creates.split()),
        ttl=ttl,
        **extra,  # type: ignore[arg-type]
    )


def _reads(methods: str, params: str = "name", keys: str = "name") -> list[CommandSpec]:
    """Commands that only read or modify an existing key."""
    return [_spec(m, params, keys=keys) for m in methods.split()]


_SPECS: list[CommandSpec] = [
    # strings
    _spec("set", "name value ex px nx xx keepttl get exat pxat", keys="name", creates="name", ttl=_SET_TTL),
    _spec("setex", "name time value", keys="name", creates="name", ttl=(TtlParam("time", _S),)),
    _spec("psetex", "name time_ms value", keys="name", creates="name", ttl=(TtlParam("time_ms", _MS),)),
    _spec("setnx", "name value", keys="name", creates="name"),
    _spec("getset", "name value", keys="name", creates="name"),
    _spec("getex", "name ex px exat pxat persist", keys="name", ttl=_GETEX_TTL),
    _spec("append", "key value", keys="key", creates="key"),
    _spec("setrange", "name offset value", keys="name", creates="name"),
    _spec("setbit", "name offset value", keys="name", creates="name"),
    _spec("mset", "mapping", key_mapping="mapping"),
    _spec("msetnx", "mapping", key_mapping="mapping"),
    *[_spec(m, "name amount", keys="name", creates="name") for m in ("incr", "incrby", "incrbyfloat", "decr", "decrby")],
    *_reads("get getdel strlen type ttl pttl persist dump"),
    _spec("getrange", "key start end", keys="key"),
    _spec("getbit", "name offset", keys="name"),
    _spec("bitcount", "key start end mode", keys="key"),
    _spec("mget", "keys *args", keys="keys *args"),
    _spec("delete", "*names", command="DEL", keys="*names"),
    *[_spec(m, "*names", keys="*names") for m in ("unlink", "exists", "touch", "watch")],
    # `transaction(func, *watches)` WATCHes its keys, then runs `func` on a pipeline in MULTI/EXEC
    _spec("transaction", "func *watches", command="WATCH", keys="*watches"),
    _spec("rename", "src dst", keys="src dst"),
    _spec("renamenx", "src dst", keys="src dst"),
    _spec("copy", "source destination destination_db replace", keys="source destination"),
    _spec("bitop", "operation dest *keys", keys="dest *keys", creates="dest"),
    # expiry
    _spec("expire", "name time nx xx gt lt", keys="name", ttl=(TtlParam("time", _S),), sets_expiry_on="name"),
    _spec("pexpire", "name time nx xx gt lt", keys="name", ttl=(TtlParam("time", _MS),), sets_expiry_on="name"),
    _spec("expireat", "name when nx xx gt lt", keys="name", ttl=(TtlParam("when", _ABS),), sets_expiry_on="name"),
    _spec("pexpireat", "name when nx xx gt lt", keys="name", ttl=(TtlParam("when", _ABS),), sets_expiry_on="name"),
    # members' expiry (hash fields: Redis 7.4+; set members: redis-py 8.2+): the key goes when they do
    *[_spec(f"{prefix}{verb}", f"name {param} *{members} nx xx gt lt", keys="name", ttl=(TtlParam(param, unit),),
            sets_expiry_on="name")
      for prefix, members in (("h", "fields"), ("s", "members"))
      for verb, param, unit in (("expire", "seconds", _S), ("pexpire", "milliseconds", _MS),
                                ("expireat", "unix_time_seconds", _ABS), ("pexpireat", "unix_time_milliseconds", _ABS))],
    _spec("hsetex", "name key value mapping items ex px exat pxat data_persist_option keepttl", keys="name",
          creates="name", ttl=_SET_TTL),
    _spec("hgetex", "name *keys ex px exat pxat persist", keys="name", ttl=_GETEX_TTL),
    _spec("saddex", "name *members ex px exat pxat data_persist_option keepttl", keys="name", creates="name",
          ttl=_SET_TTL),
    _spec("increx", "name byfloat byint lbound ubound saturate ex px exat pxat persist enx", keys="name",
          creates="name", ttl=_GETEX_TTL),
    _spec("msetex", "mapping data_persist_option ex px exat pxat keepttl", key_mapping="mapping", ttl=_SET_TTL),
    # hashes
    _spec("hset", "name key value mapping items", keys="name", creates="name"),
    _spec("hsetnx", "name key value", keys="name", creates="name"),
    _spec("hmset", "name mapping", keys="name", creates="name"),
    _spec("hincrby", "name key amount", keys="name", creates="name"),
    _spec("hincrbyfloat", "name key amount", keys="name", creates="name"),
    _spec("hget", "name key", keys="name"),
    _spec("hmget", "name keys *args", keys="name"),
    _spec("hdel", "name *keys", keys="name"),
    _spec("hexists", "name key", keys="name"),
    *_reads("hgetall hkeys hvals hlen"),
    # lists
    _spec("lpush", "name *values", keys="name", creates="name"),
    _spec("rpush", "name *values", keys="name", creates="name"),
    _spec("lpushx", "name *values", keys="name"),
    _spec("rpushx", "name *values", keys="name"),
    _spec("lpop", "name count", keys="name"),
    _spec("rpop", "name count", keys="name"),
    _spec("blpop", "keys timeout", keys="keys"),
    _spec("brpop", "keys timeout", keys="keys"),
    _spec("lrange", "name start end", keys="name"),
    _spec("lindex", "name index", keys="name"),
    _spec("lrem", "name count value", keys="name"),
    _spec("ltrim", "name start end", keys="name"),
    _spec("lset", "name index value", keys="name"),
    _spec("lpos", "name value rank count maxlen", keys="name"),
    *_reads("llen"),
    _spec("lmove", "first_list second_list src dest", keys="first_list second_list", creates="second_list"),
    _spec("blmove", "first_list second_list timeout src dest", keys="first_list second_list", creates="second_list"),
    _spec("rpoplpush", "src dst", keys="src dst", creates="dst"),
    _spec("brpoplpush", "src dst timeout", keys="src dst", creates="dst"),
    # sets
    _spec("sadd", "name *values", keys="name", creates="name"),
    _spec("srem", "name *values", keys="name"),
    _spec("sismember", "name value", keys="name"),
    _spec("smismember", "name values *args", keys="name"),
    _spec("spop", "name count", keys="name"),
    _spec("srandmember", "name number", keys="name"),
    *_reads("smembers scard"),
    _spec("smove", "src dst value", keys="src dst", creates="dst"),
    *[_spec(m, "keys *args", keys="keys *args") for m in ("sinter", "sunion", "sdiff")],
    *[_spec(m, "dest keys *args", keys="dest keys *args", creates="dest") for m in ("sinterstore", "sunionstore", "sdiffstore")],
    # sorted sets
    _spec("zadd", "name mapping nx xx ch incr gt lt", keys="name", creates="name"),
    _spec("zincrby", "name amount value", keys="name", creates="name"),
    _spec("zrem", "name *values", keys="name"),
    _spec("zscore", "name value", keys="name"),
    _spec("zrank", "name value", keys="name"),
    _spec("zrevrank", "name value", keys="name"),
    _spec("zcount", "name min max", keys="name"),
    _spec("zrange", "name start end desc withscores score_cast_func byscore bylex offset num", keys="name"),
    _spec("zrevrange", "name start end withscores score_cast_func", keys="name"),
    _spec("zrangebyscore", "name min max start num withscores score_cast_func", keys="name"),
    _spec("zrevrangebyscore", "name max min start num withscores score_cast_func", keys="name"),
    _spec("zremrangebyscore", "name min max", keys="name"),
    _spec("zremrangebyrank", "name min max", keys="name"),
    _spec("zpopmin", "name count", keys="name"),
    _spec("zpopmax", "name count", keys="name"),
    *_reads("zcard"),
    _spec("zunionstore", "dest keys aggregate", keys="dest keys", creates="dest"),
    _spec("zinterstore", "dest keys aggregate", keys="dest keys", creates="dest"),
    _spec("zdiffstore", "dest keys", keys="dest keys", creates="dest"),
    _spec("zrangestore", "dest name start end", keys="dest name", creates="dest"),
    # streams, hyperloglog, geo
    _spec("xadd", "name fields id maxlen approximate nomkstream minid limit", keys="name", creates="name"),
    _spec("xlen", "name", keys="name"),
    _spec("xrange", "name min max count", keys="name"),
    _spec("xrevrange", "name max min count", keys="name"),
    _spec("xdel", "name *ids", keys="name"),
    _spec("xtrim", "name maxlen approximate minid limit", keys="name"),
    _spec("pfadd", "name *values", keys="name", creates="name"),
    _spec("pfcount", "*sources", keys="*sources"),
    _spec("pfmerge", "dest *sources", keys="dest *sources", creates="dest"),
    _spec("geoadd", "name values nx xx ch", keys="name", creates="name"),
    # locks and scripts
    _spec("lock", "name timeout sleep blocking blocking_timeout lock_class thread_local", keys="name",
          ttl=(TtlParam("timeout", _S),)),
    *[_spec(m, "script numkeys *keys_and_args", keys="*keys_and_args", numkeys="numkeys", script="script")
      for m in ("eval", "eval_ro")],
    *[_spec(m, "sha numkeys *keys_and_args", keys="*keys_and_args", numkeys="numkeys") for m in ("evalsha", "evalsha_ro")],
    _spec("register_script", "script", command="SCRIPT LOAD", script="script"),
    _spec("script_load", "script", command="SCRIPT LOAD", script="script"),
    # whole-keyspace commands
    _spec("keys", "pattern"),
    _spec("flushall", "asynchronous"),
    _spec("flushdb", "asynchronous"),
    _spec("scan", "cursor match count _type"),
    _spec("scan_iter", "match count _type", command="SCAN"),
    *[_spec(f"{t}scan", "name cursor match count", keys="name") for t in "hsz"],
    *[_spec(f"{t}scan_iter", "name match count", command=f"{t.upper()}SCAN", keys="name") for t in "hsz"],
    # administration
    _spec("debug_object", "key", command="DEBUG", keys="key"),
    _spec("debug_segfault", "", command="DEBUG"),
    _spec("debug_sleep", "seconds", command="DEBUG"),
    _spec("config_set", "name value *args", command="CONFIG SET"),
    _spec("config_rewrite", "", command="CONFIG REWRITE"),
    _spec("config_resetstat", "", command="CONFIG RESETSTAT"),
    _spec("shutdown", "save nosave now force abort"),
    _spec("monitor", ""),
    _spec("save", ""),
    _spec("replicaof", "*args"),
    _spec("slaveof", "host port"),
    _spec("script_flush", "sync_type", command="SCRIPT FLUSH"),
    _spec("client_kill", "address", command="CLIENT KILL"),
    _spec("client_kill_filter", "_id _type addr skipme laddr user maxage", command="CLIENT KILL"),
]

COMMANDS: dict[str, CommandSpec] = {spec.method: spec for spec in _SPECS}

# Calling a registered script (`script(keys=[...], args=[...], client=None)`): EVALSHA of its keys.
SCRIPT_CALL = _spec("__call__", "keys args client", command="EVALSHA", keys="keys")

# RedisJSON through `client.json()` (redis-py's JSON command object).
_JSON_SPECS: list[CommandSpec] = [
    _spec("set", "name path obj nx xx decode_keys", command="JSON.SET", keys="name", creates="name"),
    _spec("get", "name *args", command="JSON.GET", keys="name"),
    _spec("mget", "keys path", command="JSON.MGET", keys="keys"),
    _spec("delete", "key path", command="JSON.DEL", keys="key"),
    _spec("forget", "key path", command="JSON.FORGET", keys="key"),
    _spec("type", "name path", command="JSON.TYPE", keys="name"),
    _spec("arrappend", "name path *args", command="JSON.ARRAPPEND", keys="name"),
    _spec("numincrby", "name path number", command="JSON.NUMINCRBY", keys="name"),
    _spec("strappend", "name value path", command="JSON.STRAPPEND", keys="name"),
    _spec("objkeys", "name path", command="JSON.OBJKEYS", keys="name"),
]
JSON_COMMANDS: dict[str, CommandSpec] = {spec.method: spec for spec in _JSON_SPECS}

# Client methods that send nothing themselves: they hand out an object whose own methods send
# the commands, or work locally (a cluster client computes slots and knows its nodes).  `ft()`
# and `ts()` are not here: they stand for the command chained on them, which the model does
# not follow.
NOT_ROUND_TRIPS = frozenset({
    "pipeline", "lock", "register_script", "json", "pubsub",
    "close", "aclose", "get_connection_kwargs", "get_encoder", "set_response_callback", "get_retry", "set_retry",
    "keyslot", "get_node", "get_nodes", "get_primaries", "get_replicas", "get_random_node", "get_default_node",
    "get_node_from_key",
})

# Redis commands (as sent on the wire) that the command-family rules flag.
KEYSPACE_WALKS = frozenset({"KEYS"})
FLUSHES = frozenset({"FLUSHALL", "FLUSHDB"})
SCANS = frozenset({"SCAN", "HSCAN", "SSCAN", "ZSCAN"})
ADMIN_COMMANDS = frozenset({
    "DEBUG", "CONFIG SET", "CONFIG REWRITE", "CONFIG RESETSTAT", "SHUTDOWN", "MONITOR", "SAVE",
    "REPLICAOF", "SLAVEOF", "SCRIPT FLUSH", "CLIENT KILL",
})
# Commands whose first word alone does not say what they do.
_TWO_WORD_COMMANDS = frozenset({"CONFIG", "SCRIPT", "CLIENT"})


def command_from_words(words: list[str]) -> str:
    """The command name of a raw command ("config", "set", ...) -> "CONFIG SET"."""
    if not words:
        return ""
    first = words[0].upper()
    if first in _TWO_WORD_COMMANDS and len(words) > 1:
        return f"{first} {words[1].upper()}"
    return first
