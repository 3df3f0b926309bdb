"""The type a docstring gives a parameter (redis_lint.summaries.docstrings)."""

from __future__ import annotations

import pytest

from redis_lint.summaries.docstrings import documented_type

SPHINX = """Store a value.

:param conn: the client
:type conn: redis.Redis
:param key: the key
:type key: str
"""
SPHINX_INLINE = "Store.\n\n:param redis.asyncio.Redis conn: the client\n:param str key: the key\n"
NUMPY = """Store.

Parameters
----------
conn : :class:`redis.Redis` or None
    The client.
key : str, optional
    The key.
"""
GOOGLE = """Store.

Args:
    conn (redis.Redis): the client.
    key (str): the key.

Returns:
    conn (int): not a parameter.
"""


@pytest.mark.parametrize(
    ("docstring", "param", "expected"),
    [
        (SPHINX, "conn", "redis.Redis"),
        (SPHINX, "key", "str"),
        (SPHINX, "other", None),
        (SPHINX_INLINE, "conn", "redis.asyncio.Redis"),
        (SPHINX_INLINE, "key", "str"),
        (NUMPY, "conn", "redis.Redis"),
        (NUMPY, "key", "str"),
        (GOOGLE, "conn", "redis.Redis"),
        (GOOGLE, "key", "str"),
        ("Args:\n    conn (Redis or StrictRedis): either.\n", "conn", "Redis | StrictRedis"),
        ("The conn is a client.", "conn", None),
        (None, "conn", None),
        ("", "conn", None),
    ],
)
def test_documented_type(docstring: str | None, param: str, expected: str | None) -> None:
    assert documented_type(docstring, param) == expected


def test_a_google_section_ends_at_the_next_one() -> None:
    assert documented_type("Returns:\n    conn (redis.Redis): the client.\n", "conn") is None
