"""What the instrumentation promises the application: same replies, same
errors, no exceptions of its own, no secrets in any output."""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
import redis

from redis_lint.runtime import instrument, uninstrument
from redis_lint.runtime.hooks import Hooks
from tests.conftest import REPO, RedisServer, running_redis_server

pytestmark = pytest.mark.slow  # a real redis-server


def workload(client: redis.Redis) -> list[object]:
    """A little of everything, returning every reply."""
    replies: list[object] = [
        client.set("cache:user:1:p", "v", ex=60), client.get("cache:user:1:p"), client.incr("rate:auth:1:n"),
        client.hset("cache:user:1:h", mapping={"a": "1", "b": "2"}), client.hgetall("cache:user:1:h"),
        client.rpush("queue:jobs:all", 1, 2, 3), client.lrange("queue:jobs:all", 0, -1), client.exists("nope"),
    ]
    with client.pipeline() as pipe:
        pipe.set("cache:user:2:p", "w", ex=5).get("cache:user:2:p").ttl("cache:user:2:p")
        replies.append(pipe.execute())
    replies.append(client.eval("return {KEYS[1], ARGV[1]}", 1, "cache:user:1:p", "x"))
    return replies


def errors(client: redis.Redis) -> list[tuple[type, str]]:
    seen = []
    for action in (lambda: client.lpush("cache:user:1:p", "x"),  # WRONGTYPE
                   lambda: client.execute_command("NO_SUCH_COMMAND"),
                   lambda: client.eval("return redis.call('NOPE')", 0)):
        try:
            action()
        except redis.RedisError as error:
            seen.append((type(error), str(error)))
    return seen


def test_replies_and_errors_are_unchanged(redis_url: str) -> None:
    plain = redis.Redis.from_url(redis_url)
    expected_replies, expected_errors = workload(plain), errors(plain)
    plain.flushall()
    with instrument():
        watched = redis.Redis.from_url(redis_url)
        replies, raised = workload(watched), errors(watched)
    assert replies == expected_replies
    assert raised == expected_errors and len(raised) == 3


def test_server_down_gives_the_same_connection_error() -> None:
    def attempt() -> tuple[type, str]:
        client = redis.Redis(port=1, socket_connect_timeout=1)  # nothing listens on port 1
        with pytest.raises(redis.ConnectionError) as error:
            client.get("cache:user:1:p")
        return type(error.value), str(error.value)

    without = attempt()
    with instrument():
        assert attempt() == without


def test_an_internal_failure_never_reaches_the_application(
        redis_url: str, monkeypatch: pytest.MonkeyPatch, capsys: pytest.CaptureFixture[str]) -> None:
    def broken(self, *args):  # type: ignore[no-untyped-def]
        raise ZeroDivisionError("a bug in redis-lint")

    monkeypatch.setattr(Hooks, "_observe", broken)
    with instrument():
        client = redis.Redis.from_url(redis_url)
        assert client.set("cache:user:1:p", "v", ex=5) is True
        assert client.get("cache:user:1:p") == b"v"
    err = capsys.readouterr().err
    assert err.count("redis-lint runtime: internal error (ZeroDivisionError: a bug in redis-lint)") == 1


def test_hooks_are_removed(redis_url: str) -> None:
    original = redis.Redis.execute_command
    instrument()
    assert redis.Redis.execute_command is not original
    uninstrument()
    assert redis.Redis.execute_command is original


@pytest.fixture
def protected_server(tmp_path: Path) -> Iterator[RedisServer]:
    with running_redis_server(tmp_path, password="canary-password-7f3a") as server:
        yield server


def test_no_password_and_no_value_in_any_output(protected_server: RedisServer, tmp_path: Path) -> None:
    secret_value = "canary-value-91c4"
    app = tmp_path / "service.py"
    app.write_text(
        "import redis, sys\n"
        "r = redis.Redis.from_url(sys.argv[1])\n"
        "secret = sys.argv[2]\n"
        "r.set('cache:user:1:profile', secret)\n"
        "r.set(f'session:auth:{secret}', secret, ex=999999)\n"
        "r.get('Cache:user:1:profile')\n"
        "r.keys('*')\n"
    )
    output = tmp_path / "rt.json"
    run = subprocess.run([sys.executable, "-m", "redis_lint", "run", "--output", str(output), "--",
                          sys.executable, str(app), protected_server.url, secret_value],
                         capture_output=True, text=True, cwd=tmp_path)
    assert run.returncode == 1, run.stderr
    compared = subprocess.run([sys.executable, "-m", "redis_lint", "compare", str(app), "--runtime", str(output)],
                              capture_output=True, text=True, cwd=tmp_path)
    audited = subprocess.run([sys.executable, "-m", "redis_lint", "audit", protected_server.url, "--format", "json",
                              "--memory-samples", "1"], capture_output=True, text=True, cwd=tmp_path)
    assert audited.returncode == 1, audited.stderr
    everything = "".join([run.stdout, run.stderr, output.read_text(), compared.stdout, compared.stderr,
                          audited.stdout, audited.stderr])
    codes = {f["code"] for f in json.loads(output.read_text())}
    assert {"RDS101", "RDS102", "RDS202", "RDS301", "RDS401"} <= codes
    assert "canary-password" not in everything
    assert "canary-value" not in everything
    assert "canary" not in everything


def test_library_source_is_not_attributed(redis_url: str) -> None:
    with instrument() as session:
        redis.Redis.from_url(redis_url).keys("*")
    assert session.findings and all(str(REPO) in str(Path(f.path).absolute()) for f in session.findings)
