from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import textwrap
import threading
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


def marked_lines(test_file: str) -> dict[str, int]:
    """The lines of a test file that carry `# at: <marker>`, by marker: where runtime findings belong."""
    lines = Path(test_file).read_text().splitlines()
    return {line.rsplit("# at: ", 1)[1].strip(): number for number, line in enumerate(lines, 1) if "# at: " in line}


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


def _free_cluster_port() -> int:
    """A free loopback port whose cluster bus port (10,000 above it) is free too, and below 65,536."""
    import random

    for _ in range(200):
        port = random.randint(20_000, 50_000)
        try:
            for candidate in (port, port + 10_000):
                with socket.socket() as probe:
                    probe.bind(("127.0.0.1", candidate))
            return port
        except OSError:
            continue
    pytest.fail("no free port pair for a cluster node")


def start_redis_server(folder: Path, *extra: str, password: str | None = None, port: int | None = None) -> RedisServer:
    """A redis-server on a free loopback port, or on `port` (to restart one where its clients expect it)."""
    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REDIS_LINT_REQUIRE_SERVER"):
            pytest.fail("redis-server is not installed (.ci/run installs it)")
        pytest.skip("redis-server is not installed")
    import redis

    wanted = port
    for _ in range(5):  # another process may take the port between probe and bind
        port = wanted or _free_port()
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


@contextmanager
def running_redis_cluster(folder: Path, primaries: int = 3) -> Iterator[list[RedisServer]]:
    """A Redis Cluster of `primaries` nodes on loopback ports (`redis-cli --cluster create`), its
    16,384 slots spread over them, stopped when the block ends."""
    import redis

    nodes: list[RedisServer] = []
    try:
        for number in range(primaries):
            home = folder / f"node{number}"
            home.mkdir()
            nodes.append(start_redis_server(home, "--cluster-enabled", "yes", "--cluster-config-file",
                                            str(home / "nodes.conf"), port=_free_cluster_port()))
        cli = shutil.which("redis-cli")
        if cli is None:
            if os.environ.get("REDIS_LINT_REQUIRE_SERVER"):
                pytest.fail("redis-cli is not installed (.ci/run installs it)")
            pytest.skip("redis-cli is not installed")
        subprocess.run([cli, "--cluster", "create", *(f"127.0.0.1:{n.port}" for n in nodes), "--cluster-replicas",
                        "0", "--cluster-yes"], check=True, capture_output=True, timeout=60)
        deadline = time.monotonic() + 30
        for node in nodes:
            client = redis.Redis(port=node.port)
            while client.cluster("INFO").get("cluster_state") != "ok":
                if time.monotonic() > deadline:
                    pytest.fail("the cluster did not become ready")
                time.sleep(0.1)
            client.close()
        yield nodes
    finally:
        for node in nodes:
            node.process.terminate()
            node.process.wait(timeout=10)


@pytest.fixture(scope="session")
def redis_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis_server(tmp_path_factory.mktemp("redis")) as server:
        yield server


@pytest.fixture(scope="session")
def redis_cluster(tmp_path_factory: pytest.TempPathFactory) -> Iterator[list[RedisServer]]:
    """One 3-primary cluster for the tests that only read and write keys of their own on it."""
    with running_redis_cluster(tmp_path_factory.mktemp("cluster")) as nodes:
        yield nodes


@pytest.fixture
def redis_url(redis_server: RedisServer) -> str:
    """The shared server's URL, emptied before each test."""
    import redis

    client = redis.Redis.from_url(redis_server.url)
    client.flushall()
    client.close()
    return redis_server.url


class FaultyServer:
    """A redis-server of the test's own that the test can kill, restart on the same port (so that
    clients and error messages stay the same), pause with SIGSTOP and slow down with DEBUG SLEEP."""

    def __init__(self, folder: Path) -> None:
        self._folder = folder
        self._server = start_redis_server(folder, "--enable-debug-command", "local")
        self.port = self._server.port
        self.url = self._server.url

    @property
    def pid(self) -> int:
        return self._server.process.pid

    def admin(self, **options: object):  # type: ignore[no-untyped-def]
        """A client of the test's own (never instrumented code of the application)."""
        import redis

        return redis.Redis(port=self.port, **{"socket_timeout": 5, **options})  # type: ignore[arg-type]

    def kill(self) -> None:
        self._server.process.kill()
        self._server.process.wait(timeout=10)

    def restart(self) -> None:
        """Kill and start again, empty (no persistence), on the same port."""
        if self._server.process.poll() is None:
            self.kill()
        self._server = start_redis_server(self._folder, "--enable-debug-command", "local", port=self.port)

    def fresh(self) -> None:
        """Running and empty, as at the start of a test."""
        self.resume()
        if self._server.process.poll() is not None:
            self.restart()
        with self.admin() as client:
            client.flushall()

    def pause(self) -> None:
        os.kill(self.pid, signal.SIGSTOP)
        deadline = time.monotonic() + 5
        while _process_state(self.pid) != "T" and time.monotonic() < deadline:  # stopped for sure
            time.sleep(0.001)

    def resume(self) -> None:
        if self._server.process.poll() is None:
            os.kill(self.pid, signal.SIGCONT)

    def sleep(self, seconds: float) -> threading.Thread:
        """DEBUG SLEEP on a connection of its own; returns once the server is busy sleeping."""
        import redis

        def debug_sleep() -> None:
            with self.admin() as client:
                client.execute_command("DEBUG", "SLEEP", seconds)

        thread = threading.Thread(target=debug_sleep)
        thread.start()

        probe = self.admin(socket_timeout=0.02, retry=None)
        try:
            deadline = time.monotonic() + 5
            while time.monotonic() < deadline:
                try:
                    probe.ping()  # answered: not asleep yet
                    time.sleep(0.002)
                except redis.TimeoutError:
                    break
        finally:
            probe.close()
        return thread

    def reset_clients_when_blocked(self) -> threading.Thread:
        """CLIENT KILL every normal client as soon as one is blocked in a command (BLPOP...)."""

        def reset() -> None:
            with self.admin() as client:
                deadline = time.monotonic() + 5
                while client.info("clients")["blocked_clients"] == 0 and time.monotonic() < deadline:
                    time.sleep(0.002)
                client.client_kill_filter(_type="normal", skipme=True)

        thread = threading.Thread(target=reset)
        thread.start()
        return thread

    def close(self) -> None:
        self.resume()
        if self._server.process.poll() is None:
            self._server.process.terminate()
            self._server.process.wait(timeout=10)


def _process_state(pid: int) -> str:
    """R, S, T (stopped)... from /proc; "" where there is no /proc."""
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except (OSError, IndexError):
        return ""


@pytest.fixture
def faulty_server(tmp_path: Path) -> Iterator[FaultyServer]:
    server = FaultyServer(tmp_path)
    try:
        yield server
    finally:
        server.close()
