"""RDS601 command-in-loop and RDS602 pipeline-not-executed: what they are, and the words of their messages."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta
from redis_lint.semantics.key_templates import KeyTemplate, Part

BLOCKING_METHODS = frozenset({"blpop", "brpop", "brpoplpush", "blmove", "bzpopmin", "bzpopmax", "bzmpop", "blmpop",
                       "xread", "xreadgroup", "wait", "pubsub", "get_message", "listen"})


class CommandInLoop(RuleMeta):
    code = "RDS601"
    name = "command-in-loop"
    summary = ("A client command issued once per loop iteration instead of on a pipeline (blocking consumer reads "
               "excepted).")


class PipelineNotExecuted(RuleMeta):
    code = "RDS602"
    name = "pipeline-not-executed"
    summary = "A pipeline that queues commands and is never executed."


def loop_message(what: str) -> str:
    """Shared with the runtime, which sees one call site send command after command."""
    return (f"{what} in a loop costs one round trip per iteration: queue the commands on a pipeline and "
            "execute it once (or use a multi-key command)")



class CrossSlot(RuleMeta):
    code = "RDS603"
    name = "cross-slot"
    summary = ("A multi-key command, transaction or script whose keys do not provably hash to one cluster slot "
               "(on Redis Cluster).")


# Commands redis-py's and valkey's cluster clients split by slot themselves (one command per slot,
# summed): several keys are no error there, only inside a MULTI/EXEC transaction.
SPLIT_BY_CLUSTER_CLIENTS = frozenset({"delete", "exists", "touch", "unlink"})


def hash_tag(template: KeyTemplate) -> tuple[Part, ...] | None:
    """What Redis Cluster hashes of a key: the content of its first `{...}`, when that content is
    not empty, else the whole key (as parts: text and placeholders).  None when a placeholder
    stands where the first `{` or the `}` that ends the tag may be (its value may hold one)."""
    parts = template.parts
    rest = _after_first_brace(parts)
    if rest is None:  # no `{`, or a value before the first one
        return tuple(parts) if all(isinstance(p, str) for p in parts) else None
    content: list[str] = []
    for piece in rest:
        if not isinstance(piece, str):
            return None  # a value inside the tag: it may hold the `}` that ends it
        closing = piece.find("}")
        if closing >= 0:
            text = "".join(content) + piece[:closing]
            return (text,) if text else tuple(parts)  # `{}`: no tag, the whole key is hashed
        content.append(piece)
    return tuple(parts)  # a `{` never closed: the whole key


def _after_first_brace(parts: tuple[Part, ...]) -> list[Part] | None:
    """The parts after a key's first `{`; None when it has none, or a value comes before it (the
    value may hold one)."""
    for index, part in enumerate(parts):
        if not isinstance(part, str):
            return None
        opening = part.find("{")
        if opening >= 0:
            return [part[opening + 1:], *parts[index + 1:]]
    return None


SLOTS = 16384


def key_slot(key: bytes) -> int:
    """The cluster slot of a key, as Redis computes it: CRC16 (XMODEM) of its hash tag (the content
    of its first `{...}` when not empty), else of the whole key, modulo 16384."""
    opening = key.find(b"{")
    if opening >= 0:
        closing = key.find(b"}", opening + 1)
        if closing > opening + 1:
            key = key[opening + 1:closing]
    crc = 0
    for byte in key:
        crc ^= byte << 8
        for _ in range(8):
            crc = ((crc << 1) ^ 0x1021) & 0xFFFF if crc & 0x8000 else (crc << 1) & 0xFFFF
    return crc % SLOTS


def one_slot(templates: list[KeyTemplate]) -> bool:
    """Whether keys provably hash to one slot: the same hash tag, or the same whole key (a
    placeholder standing for the same expression each time)."""
    if len(set(templates)) == 1:
        return True  # the same key each time (`delete(key, key)`)
    hashed = {hash_tag(t) for t in templates}
    if len(hashed) == 1 and None not in hashed:
        return True
    regions = {_tag_region(t) for t in templates}
    return len(regions) == 1 and None not in regions


def _tag_region(template: KeyTemplate) -> tuple[Part, ...] | None:
    """What follows a key's first `{` up to the first `}` in its text, when only text comes before
    that `{` (`queue:{user:{uid}}:done`: `user:`, uid; `user:{{uid}}:posts`: uid).  Keys with the
    same region hash alike: a value holding a `}` ends the tag at the same place in each, and a
    value is taken never to be empty nor to begin with `}` (an id), so the tag is not empty.
    None when the key has no such region."""
    rest = _after_first_brace(template.parts)
    if rest is None or rest[0] == "" and len(rest) == 1 or isinstance(rest[0], str) and rest[0].startswith("}"):
        return None  # no `{` after text alone, or an empty `{}`: then the whole key is hashed
    region: list[Part] = []
    for piece in rest:
        if isinstance(piece, str) and "}" in piece:
            return (*region, piece[:piece.index("}")])
        region.append(piece)
    return None  # no `}` in the text: a value may close the tag anywhere


def cross_slot_message(what: str, keys: list[KeyTemplate]) -> str:
    """Shared with the runtime, which computes the slots of the keys it sees."""
    names = list(dict.fromkeys(k.render() for k in keys))  # a key watched and then written: once
    shown = ", ".join(f'"{name}"' for name in names[:3]) + (", ..." if len(names) > 3 else "")
    return (f"{what} takes keys that may hash to different cluster slots ({shown}): on Redis Cluster it "
            "fails with CROSSSLOT; give them one hash tag (\"{user:42}:profile\", \"{user:42}:posts\")")
