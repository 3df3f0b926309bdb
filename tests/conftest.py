from __future__ import annotations

import os
import shutil
import socket
import subprocess
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine.linter import lint_source
from redis_lint.findings import Finding

REPO = Path(__file__).resolve().parent.parent


def lint(code: str, path: str = "app/services/example.py", config: Config | None = None) -> list[Finding]:
    """Lint a snippet as if it were the file `path` of a project rooted at /project."""
    config = config or Config(root=Path("/project"))
    return lint_source(textwrap.dedent(code), path=Path("/project") / path, display=path, config=config)


def codes(code: str, path: str = "app/services/example.py", config: Config | None = None) -> list[str]:
    return [f.code for f in lint(code, path, config)]


@pytest.fixture
def repo() -> Path:
    return REPO


# -- a real redis-server for the runtime tests ------------------------------------

@dataclass(frozen=True)
class RedisServer:
    port: int
    process: subprocess.Popen[bytes]
    password: str | None = None

    @property
    def url(self) -> str:
        auth = f":{self.password}@" if self.password else ""
        return f"redis://{auth}127.0.0.1:{self.port}/0"


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def start_redis_server(folder: Path, *extra: str, password: str | None = None) -> RedisServer:
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REDIS_LINT_REQUIRE_SERVER"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed")
    import redis

    for _ in range(5):  # another process may take the port between probe and bind
        port = _free_port()
        args = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                "--dir", str(folder), *extra]
        if password:
            args += ["--requirepass", password]
        process = subprocess.Popen(args, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        client = redis.Redis(port=port, password=password, socket_timeout=1)
        deadline = time.monotonic() + 10
        while time.monotonic() < deadline and process.poll() is None:
            try:
                client.ping()
                client.close()
                return RedisServer(port, process, password)
            except redis.ConnectionError:
                time.sleep(0.05)
        process.kill()
        process.wait()
    pytest.fail("could not start redis-server")


@contextmanager
def running_redis_server(folder: Path, *extra: str, password: str | None = None) -> Iterator[RedisServer]:
    """A redis-server of the test's own, stopped when the block ends."""
    server = start_redis_server(folder, *extra, password=password)
    try:
        yield server
    finally:
        server.process.terminate()
        server.process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The shared server's URL, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url
