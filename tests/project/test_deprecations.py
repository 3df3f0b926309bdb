"""The pytest configuration turns deprecations warned from this project's code into errors, and
leaves other libraries' own deprecations as warnings; redis-lint's own connections pass redis-py
no deprecated argument."""

from __future__ import annotations

import warnings

import pytest
import redis

from redis_lint.runtime.audit import ReadOnlyConnection
from tests.conftest import RedisServer


def deprecated_function_in(module: str):  # type: ignore[no-untyped-def]
    """A function whose deprecation warning is attributed to `module`, as if defined there."""
    scope: dict[str, object] = {"__name__": module, "warnings": warnings}
    exec("def old():\n    warnings.warn('old', DeprecationWarning)\n", scope)
    return scope["old"]


@pytest.mark.parametrize("module", ["redis_lint", "redis_lint.runtime.audit", "tests.adapters.test_cli"])
def test_a_deprecation_from_this_project_fails_the_test(module: str) -> None:
    with pytest.raises(DeprecationWarning):
        deprecated_function_in(module)()


@pytest.mark.parametrize("module", ["libcst.metadata", "redis_lint_plugin"])
def test_a_deprecation_from_another_library_stays_a_warning(module: str) -> None:
    with warnings.catch_warnings(record=True) as caught:  # the configured filters, recorded
        deprecated_function_in(module)()
    assert [str(w.message) for w in caught] == ["old"]


def test_redis_py_deprecated_arguments_fail_the_test(redis_server: RedisServer) -> None:
    """Given to from_url, they are warned from redis-py's own frames (where the pool builds the
    connection): the configuration catches redis-py's message there."""
    client = redis.Redis.from_url(redis_server.url, lib_name=None, lib_version=None)
    try:
        with pytest.raises(DeprecationWarning, match="lib_name"):
            client.ping()
    finally:
        client.close()


def test_the_audit_connection_passes_no_deprecated_argument(redis_server: RedisServer) -> None:
    connection = ReadOnlyConnection(redis_server.url)  # the filter above would raise here
    try:
        assert connection.call("PING") is True
    finally:
        connection.close()
