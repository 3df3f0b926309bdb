"""RDS601 command-in-loop and RDS602 pipeline-not-executed: what they are, and the words of their messages."""

from __future__ import annotations

import os

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


CLUSTER_CLIENTS = frozenset({"RedisCluster", "ValkeyCluster"})  # a project building one runs on Redis Cluster
# Commands redis-py's and valkey's cluster clients split by slot themselves (one command per slot,
# summed): several keys are no error there, only inside a MULTI/EXEC transaction.
SPLIT_BY_CLUSTER_CLIENTS = frozenset({"delete", "exists", "touch", "unlink"})


def hash_tag(template: KeyTemplate) -> tuple[Part, ...] | None:
    """What Redis Cluster hashes of a key: the content of its first `{...}`, when that content is
    not empty, else the whole key (as parts: text and placeholders).  None when a placeholder
    stands where the first `{` or the `}` that ends the tag may be (its value may hold one)."""
    parts = template.parts
    for index, part in enumerate(parts):
        if not isinstance(part, str):
            return None  # a value before any `{`: it may hold the first `{`
        opening = part.find("{")
        if opening < 0:
            continue
        content: list[Part] = []
        rest = [part[opening + 1:], *parts[index + 1:]]
        for piece in rest:
            if not isinstance(piece, str):
                return None  # a value inside the tag: it may hold the `}` that ends it
            closing = piece.find("}")
            if closing >= 0:
                content.append(piece[:closing])
                text = "".join(str(c) for c in content)
                return (text,) if text else tuple(parts)  # `{}`: no tag, the whole key is hashed
            content.append(piece)
        return tuple(parts)  # a `{` never closed: the whole key
    return tuple(parts)


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
    return len(hashed) == 1 and None not in hashed or _tag_in_shared_prefix(templates)


def _tag_in_shared_prefix(templates: list[KeyTemplate]) -> bool:
    """Whether the keys begin alike up to a hash tag that is not empty whatever their values:
    text, `{`, text, and then a `}` (`f"{{user:{uid}}}:a"` and `f"{{user:{uid}}}:b"`: a value inside
    the tag ends it, if it holds a `}`, at the same place in every key)."""
    prefix = _shared_prefix(templates)
    if not prefix or not isinstance(prefix[0], str) or "{" not in prefix[0]:
        return False  # a value before the first `{` may hold one, and an empty `{}` after it
    inside = [prefix[0][prefix[0].index("{") + 1:], *prefix[1:]]
    if not isinstance(inside[0], str) or not inside[0] or inside[0].startswith("}"):
        return False  # the tag may be empty: then the whole key is hashed
    return any(isinstance(p, str) and "}" in p for p in inside)


def _shared_prefix(templates: list[KeyTemplate]) -> list[Part]:
    """The parts every template begins with (text cut to what they all share)."""
    shared: list[Part] = []
    for parts in zip(*(t.parts for t in templates)):
        first = parts[0]
        if all(p == first for p in parts):
            shared.append(first)
            continue
        if all(isinstance(p, str) for p in parts):
            shared.append(os.path.commonprefix(list(parts)))  # type: ignore[arg-type]
        break
    return shared


def cross_slot_message(what: str, keys: list[KeyTemplate]) -> str:
    """Shared with the runtime, which computes the slots of the keys it sees."""
    shown = ", ".join(f'"{k.render()}"' for k in keys[:3]) + (", ..." if len(keys) > 3 else "")
    return (f"{what} takes keys that may hash to different cluster slots ({shown}): on Redis Cluster it "
            "fails with CROSSSLOT; give them one hash tag (\"{user:42}:profile\", \"{user:42}:posts\")")
