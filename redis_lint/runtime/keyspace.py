"""Concrete keys as templates: `session:auth:token:9f2c...` -> `session:auth:token:{hex}`.

Segments that hold data (numbers, UUIDs, hex digests, tokens, emails) become
placeholders, so that the naming rules judge only the words a programmer
wrote, exactly as the static rules judge only the literal parts of a key.
The same templates group an audited keyspace and redact example keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

from redis_lint.semantics.key_templates import KeyTemplate, Placeholder

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_HEX = re.compile(r"(?=.*\d)[0-9a-fA-F]{8,}")
_WORD = re.compile(r"[A-Za-z_\-]{1,24}")  # what a programmer writes: no digits, short
_NUMBERED_WORD = re.compile(r"([A-Za-z_\-]{1,24}?)(\d+)")  # "shard7", "v2": a word and a number
_SEPARATORS = re.compile(r"([./])")

NUMBER, UUID, HEX, ID = (Placeholder(name) for name in ("n", "uuid", "hex", "id"))


def _token(token: str) -> list[str | Placeholder] | None:
    """A piece between separators as template parts, or None when it is data."""
    if token == "" or _WORD.fullmatch(token):
        return [token]
    if _NUMBER.fullmatch(token):
        return [NUMBER]
    numbered = _NUMBERED_WORD.fullmatch(token)
    if numbered:
        return [numbered.group(1), NUMBER]
    return None


def _segment(segment: str) -> list[str | Placeholder]:
    if segment == "":
        return [""]  # "cache::x": the empty segment is the key's shape, not data
    if segment.isdigit():
        return [NUMBER]
    if len(segment) <= 24 and segment.isalpha():
        return [segment]
    if _NUMBER.fullmatch(segment):
        return [NUMBER]
    if _UUID.fullmatch(segment):
        return [UUID]
    if _HEX.fullmatch(segment):
        return [HEX]
    if len(segment) <= 64:
        # "cache.user.1": keep the words and the separators, so that RDS201 sees the dots
        parts: list[str | Placeholder] = []
        for token in _SEPARATORS.split(segment):
            kept = [token] if token in (".", "/") else _token(token)
            if kept is None:
                return [ID]
            parts.extend(kept)
        if not any(isinstance(p, str) and p not in (".", "/", "") for p in parts):
            return [ID]  # "10.0.0.1", "2024/05/01": numbers with separators are data
        return parts
    return [ID]


@lru_cache(maxsize=4096)
def templatize(key: str) -> KeyTemplate:
    parts: list[str | Placeholder] = []
    for i, segment in enumerate(key.split(":")):
        pieces = _segment(segment)
        # merge literal text as we go (what KeyTemplate.of does), this runs for every key sent
        if i:
            if parts and isinstance(parts[-1], str):
                parts[-1] += ":"
            else:
                parts.append(":")
        for piece in pieces:
            if isinstance(piece, str):
                if not piece:
                    continue
                if parts and isinstance(parts[-1], str):
                    parts[-1] += piece
                    continue
            parts.append(piece)
    return KeyTemplate(tuple(parts))
