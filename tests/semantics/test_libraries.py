"""What redis-lint knows of the client libraries, checked against the installed ones."""

from __future__ import annotations

import importlib
import inspect

import pytest

from redis_lint.semantics.libraries import EXCEPTIONS, is_exception


@pytest.mark.parametrize("module", ["redis.exceptions", "valkey.exceptions", "redis", "redis.asyncio",
                                    "valkey", "valkey.asyncio"])
def test_every_exception_of_the_installed_libraries_is_known(module: str) -> None:
    names = {name for name, value in vars(importlib.import_module(module)).items()
             if inspect.isclass(value) and issubclass(value, BaseException)
             and value.__module__.split(".", 1)[0] in ("redis", "valkey")}
    assert names and names <= EXCEPTIONS, sorted(names - EXCEPTIONS)


def test_exceptions_are_told_from_what_holds_a_connection() -> None:
    assert is_exception("redis.exceptions", "ConnectionError") and is_exception("redis", "RedisError")
    assert is_exception("redis", "exceptions") and is_exception("valkey.exceptions", "*")
    assert not is_exception("redis", "Redis") and not is_exception("redis.asyncio", "from_url")
    assert not is_exception("redis.lock", "Lock") and not is_exception("redis", "*")
