"""Commands as they travel on the wire: ("SET", key, value, "EX", 60).

The runtime sees raw arguments, not redis-py calls.  Where keys sit in them,
which keys a command creates and which arguments give an expiry is derived
from the same catalogue the static analyzer uses (redis-py lists a command's
arguments in the order Redis takes them), with the few commands whose wire
layout differs written out below.
"""

from __future__ import annotations

from dataclasses import dataclass

from redis_lint.semantics.command_specs import COMMANDS, JSON_COMMANDS, CommandSpec, TtlUnit, command_from_words


@dataclass(frozen=True)
class WireCommand:
    name: str
    first_key: int = 0  # argument index of the first key (0: no keys)
    last_key: int = 0  # index of the last key; negative counts from the end
    step: int = 1
    creates: tuple[int, ...] = ()  # indexes of the keys it creates or overwrites
    creates_every_key: bool = False  # MSET/MSETNX: each key it names
    numkeys_at: int = 0  # EVAL and kin: the argument counting the keys that follow it (0: none)

    def keys(self, args: tuple) -> list:
        if self.numkeys_at:
            count = _number(args[self.numkeys_at]) if len(args) > self.numkeys_at else None
            first = self.numkeys_at + 1
            return list(args[first:first + int(count)]) if count is not None and count >= 0 else []
        if not self.first_key or len(args) <= self.first_key:
            return []
        last = self.last_key if self.last_key > 0 else len(args) + self.last_key
        return list(args[self.first_key : last + 1 : self.step])

    def created_keys(self, args: tuple) -> list:
        if self.creates_every_key:
            return self.keys(args)
        return [args[i] for i in self.creates if i < len(args)]


def _derived(spec: CommandSpec) -> WireCommand:
    params = spec.params
    key_params = [p for p in spec.keys]
    if not key_params:
        return WireCommand(spec.command)
    indexes = [params.index(p) + 1 for p in key_params]
    variadic = any(p.startswith("*") for p in key_params) or key_params[-1] in ("keys",)
    return WireCommand(
        spec.command,
        first_key=min(indexes),
        last_key=-1 if variadic else max(indexes),
        creates=tuple(params.index(p) + 1 for p in spec.creates),
    )


# Commands whose keys do not sit where the redis-py signature suggests.
_LAYOUTS = {
    "BLPOP": WireCommand("BLPOP", 1, -2), "BRPOP": WireCommand("BRPOP", 1, -2),
    "BRPOPLPUSH": WireCommand("BRPOPLPUSH", 1, 2, creates=(2,)),
    "BLMOVE": WireCommand("BLMOVE", 1, 2, creates=(2,)),
    "MSET": WireCommand("MSET", 1, -1, 2, creates_every_key=True),
    "MSETNX": WireCommand("MSETNX", 1, -1, 2, creates_every_key=True),
    "HMGET": WireCommand("HMGET", 1, 1), "SMISMEMBER": WireCommand("SMISMEMBER", 1, 1),
    # numkeys-prefixed key lists: only the destination is certain
    "ZUNIONSTORE": WireCommand("ZUNIONSTORE", 1, 1, creates=(1,)),
    "ZINTERSTORE": WireCommand("ZINTERSTORE", 1, 1, creates=(1,)),
    "ZDIFFSTORE": WireCommand("ZDIFFSTORE", 1, 1, creates=(1,)),
    "ZRANGESTORE": WireCommand("ZRANGESTORE", 1, 2, creates=(1,)),
    **{name: WireCommand(name, numkeys_at=2) for name in ("EVAL", "EVALSHA", "EVAL_RO", "EVALSHA_RO")},
    "XADD": WireCommand("XADD", 1, 1, creates=(1,)),
    "GEOADD": WireCommand("GEOADD", 1, 1, creates=(1,)),
    "ZADD": WireCommand("ZADD", 1, 1, creates=(1,)),
    "HSET": WireCommand("HSET", 1, 1, creates=(1,)),
    "LPOS": WireCommand("LPOS", 1, 1), "ZRANGE": WireCommand("ZRANGE", 1, 1),
    "SET": WireCommand("SET", 1, 1, creates=(1,)),
}

WIRE: dict[str, WireCommand] = {}
for _spec in [*COMMANDS.values(), *JSON_COMMANDS.values()]:
    WIRE.setdefault(_spec.command, _derived(_spec))
WIRE.update(_LAYOUTS)

# Arguments that give a key an expiry: positional ones, and option words (SET, GETEX).
EXPIRY_POSITIONS: dict[str, tuple[int, TtlUnit]] = {
    "SETEX": (2, TtlUnit.SECONDS), "PSETEX": (2, TtlUnit.MILLISECONDS),
    "EXPIRE": (2, TtlUnit.SECONDS), "PEXPIRE": (2, TtlUnit.MILLISECONDS),
    "EXPIREAT": (2, TtlUnit.ABSOLUTE), "PEXPIREAT": (2, TtlUnit.ABSOLUTE),
    **{f"{prefix}{verb}": (2, unit) for prefix in ("H", "S") for verb, unit in (
        ("EXPIRE", TtlUnit.SECONDS), ("PEXPIRE", TtlUnit.MILLISECONDS),
        ("EXPIREAT", TtlUnit.ABSOLUTE), ("PEXPIREAT", TtlUnit.ABSOLUTE))},
}
EXPIRY_OPTIONS: dict[str, TtlUnit] = {
    "EX": TtlUnit.SECONDS, "PX": TtlUnit.MILLISECONDS, "EXAT": TtlUnit.ABSOLUTE, "PXAT": TtlUnit.ABSOLUTE,
    "KEEPTTL": TtlUnit.KEEP,
}
OPTION_COMMANDS = frozenset({"SET", "GETEX", "HSETEX", "HGETEX", "SADDEX", "INCREX"})
EXPIRE_COMMANDS = frozenset({"EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT"})
# Commands that expire a key's members (hash fields, set members), not the key: the key goes when
# they do, but its own TTL stays -1, so the end-of-run check must be told.
MEMBER_EXPIRY_COMMANDS = frozenset({f"{prefix}{verb}" for prefix in ("H", "S")
                                    for verb in ("EXPIRE", "PEXPIRE", "EXPIREAT", "PEXPIREAT")})
MEMBER_EXPIRY_OPTIONS = frozenset({"HSETEX", "HGETEX", "SADDEX"})  # with an expiry option
ABSOLUTE_MS = frozenset({"PEXPIREAT", "HPEXPIREAT", "SPEXPIREAT"})  # their absolute time is in milliseconds


def text(arg: object) -> str:
    """An argument as text (redis-py sends str, bytes, numbers)."""
    if isinstance(arg, bytes):
        return arg.decode("utf-8", "replace")
    return str(arg)


def command_name(args: tuple) -> str:
    """("CONFIG SET", "x", ...) or ("CONFIG", "SET", ...) -> "CONFIG SET"."""
    if not args:
        return ""
    words = text(args[0]).split()
    if len(words) == 1 and len(args) > 1:
        words.append(text(args[1]))
    return command_from_words(words)


def expiries(name: str, args: tuple) -> list[tuple[TtlUnit, float | None]]:
    """(unit, value) of every expiry the command gives (value None for KEEPTTL or a non-number)."""
    found: list[tuple[TtlUnit, float | None]] = []
    if name in EXPIRY_POSITIONS:
        index, unit = EXPIRY_POSITIONS[name]
        found.append((unit, _number(args[index]) if index < len(args) else None))
    elif name in OPTION_COMMANDS:
        for i in range(3 if name == "SET" else 2, len(args)):
            word = args[i]
            if not isinstance(word, (str, bytes)) or len(word) > 7:
                continue
            unit = EXPIRY_OPTIONS.get(word.upper() if isinstance(word, str) else text(word).upper())
            if unit is TtlUnit.KEEP:
                found.append((unit, None))
            elif unit is not None:
                found.append((unit, _number(args[i + 1]) if i + 1 < len(args) else None))
    return found


def _number(arg: object) -> float | None:
    try:
        return float(text(arg))
    except ValueError:
        return None
