"""What a credential for Redis looks like, in a string, in a name and in a file's bytes.

No parser is imported here: the prefilter reads the same words in a file's bytes.

A credential is written in the code when a string literal is a Redis URL that carries a
username or password (`redis://:hunter2@redis.internal:6379/0`), or when a literal is what a
name, a settings key or an environment variable that names a Redis secret is given
(`REDIS_PASSWORD = "hunter2"`, `os.getenv("REDIS_PASSWORD", "hunter2")`, a `"PASSWORD"` key in a
settings dict that configures Redis).  redis_lint.rules.security reports it where it is written.
"""

from __future__ import annotations

import re
from urllib.parse import urlsplit

# The URL schemes redis-py and valkey read (`from_url`), and their Sentinel and cluster variants.
_SCHEMES = ("redis", "rediss", "valkey", "valkeys", "unix")
_SECRET_WORDS = ("password", "passwd", "secret")
# What the prefilter looks for in a file's bytes, lowered, before anything is parsed (a superset:
# the analysis decides): a Redis URL with an `@`, a name that says Redis password, or a password
# key in a file that names Redis as a word ("redisplayed" does not).  Case-insensitive patterns
# cost Python's `re` ten times more than a lowered text and a plain substring test.
_URL_WITH_USER = re.compile(rb"(?:redis|valkey)s?(?:\+[a-z]+)?://[^\s'\"/]*@")
_SECRET_NAME = re.compile(rb"(?:redis|valkey)\w*(?:password|passwd|secret|_pass\b)")
_PASSWORD_KEY = re.compile(rb"(?:password|passwd|secret)\w*[\"']\s*:")
_REDIS_WORD = re.compile(rb"(?<![a-z])(?:redis|valkey)(?![a-z])")


def carries_credentials(text: str) -> bool:
    """Whether a string is a Redis URL with a username or a password in it."""
    if "://" not in text or "@" not in text:
        return False
    try:
        parts = urlsplit(text.strip())
        scheme = parts.scheme.split("+", 1)[0].lower()
        return scheme in _SCHEMES and bool(parts.password or parts.username)
    except ValueError:  # a malformed port or address: not a URL a client reads
        return False


def names_redis_secret(name: str) -> bool:
    """Whether a name says it holds a Redis password (`REDIS_PASSWORD`, `valkey_secret`)."""
    lowered = name.lower()
    return ("redis" in lowered or "valkey" in lowered) and (
        any(word in lowered for word in _SECRET_WORDS) or lowered.endswith("_pass"))


def names_secret(name: str) -> bool:
    """Whether a settings key says it holds a password (`PASSWORD`, `password`)."""
    lowered = name.lower()
    return any(word in lowered for word in _SECRET_WORDS)


def may_write_credentials(text: bytes) -> bool:
    """Whether a file's bytes may write a Redis credential (more often than they do)."""
    lowered = text.lower()
    if b"redis" not in lowered and b"valkey" not in lowered:
        return False
    return (_URL_WITH_USER.search(lowered) is not None or _SECRET_NAME.search(lowered) is not None
            or _PASSWORD_KEY.search(lowered) is not None and _REDIS_WORD.search(lowered) is not None)
