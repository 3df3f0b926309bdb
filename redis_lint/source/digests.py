"""The digest that names content everywhere: cache keys, module summaries, the scan's snapshot."""

from __future__ import annotations

from hashlib import blake2b


def digest(*parts: bytes) -> str:
    """A digest of the parts, each prefixed by its length (so that ("ab", "c") and ("a", "bc") differ)."""
    hasher = blake2b(digest_size=16)
    for part in parts:
        hasher.update(len(part).to_bytes(8, "little"))
        hasher.update(part)
    return hasher.hexdigest()
