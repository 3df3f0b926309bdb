"""Concrete keys as templates: `session:auth:token:9f2c...` -> `session:auth:token:{hex}`.

Segments that hold data (numbers, UUIDs, hex digests, tokens, emails) become
placeholders, so that the naming rules judge only the words a programmer
wrote, exactly as the static rules judge only the literal parts of a key.
The same templates group an audited keyspace and redact example keys.
"""

from __future__ import annotations

import re
from functools import lru_cache

from redis_lint.semantics.keys import KeyTemplate, Placeholder

_NUMBER = re.compile(r"-?\d+(?:\.\d+)?")
_UUID = re.compile(r"[0-9a-fA-F]{8}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{4}-?[0-9a-fA-F]{12}")
_HEX = re.compile(r"(?=.*\d)[0-9a-fA-F]{8,}")
_WORD = re.compile(r"[A-Za-z_\-]{1,24}")  # what a programmer writes: no digits, short
_WORD_WITH_SEPARATORS = re.compile(r"[A-Za-z_\-]+(?:[./][A-Za-z_\-]+|[./]\d+)*")

NUMBER, UUID, HEX, ID = (Placeholder(name) for name in ("n", "uuid", "hex", "id"))


def _segment(segment: str) -> list[str | Placeholder]:
    if segment == "":
        return [""]
    if _NUMBER.fullmatch(segment):
        return [NUMBER]
    if _UUID.fullmatch(segment):
        return [UUID]
    if _HEX.fullmatch(segment):
        return [HEX]
    if _WORD.fullmatch(segment):
        return [segment]
    if _WORD_WITH_SEPARATORS.fullmatch(segment) and len(segment) <= 64:
        # "cache.user.1": keep the words and the separators, so RDS201 sees the dots
        return [NUMBER if _NUMBER.fullmatch(part) else part for part in re.split(r"([./])", segment)]
    return [ID]


@lru_cache(maxsize=4096)
def templatize(key: str) -> KeyTemplate:
    parts: list[str | Placeholder] = []
    for i, segment in enumerate(key.split(":")):
        if i:
            parts.append(":")
        parts.extend(_segment(segment))
    return KeyTemplate.of(*parts)
