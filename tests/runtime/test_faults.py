"""Faults of a real redis-server under an instrumented application: killed mid-run,
restarted, slowed down or paused, its connections reset.

Each scenario runs twice against the same server on the same port, without and with the
instrumentation: the application must see exactly the same replies and the same errors
(type, message and chain), and the instrumentation must keep every finding it made before
and during the fault, each once, however often redis-py retried the command inside.
"""

from __future__ import annotations

import asyncio
import json
import os
import resource
import subprocess
import sys
import threading
import time
from collections.abc import Awaitable, Callable
from pathlib import Path
from typing import Any

import pytest
import redis
import redis.asyncio
from redis.asyncio.retry import Retry as AsyncRetry
from redis.backoff import NoBackoff
from redis.retry import Retry

from redis_lint.config import Config
from redis_lint.runtime import RuntimeFinding, instrument
from redis_lint.runtime.ttl_connection import CHECK_TIMEOUT
from tests.conftest import FaultyServer, marked_lines

pytestmark = pytest.mark.slow  # a real redis-server, paused and killed

CONFIG = Config()  # tests/ is an injection point: the clients built here are no finding
HERE = Path(__file__).name
MARKERS = marked_lines(__file__)

Outcome = tuple[Any, ...]
Scenario = Callable[[FaultyServer], list[Outcome]]


def _raised(error: BaseException) -> Outcome:
    return ("raised", type(error), str(error), type(error.__cause__), type(error.__context__))


def outcome(action: Callable[[], Any]) -> Outcome:
    """What the application sees: the reply, or the exception with its message and chain."""
    try:
        return ("reply", action())
    except Exception as error:
        return _raised(error)


async def async_outcome(action: Callable[[], Awaitable[Any]]) -> Outcome:
    try:
        return ("reply", await action())
    except Exception as error:
        return _raised(error)


def application_client(server: FaultyServer, *, retries: int = 1, timeout: float = 0.5) -> redis.Redis:
    """Short timeouts keep the faults quick; a retry shows that a command redis-py sends twice
    is still one command of the application."""
    return redis.Redis.from_url(server.url, retry=Retry(NoBackoff(), retries), socket_timeout=timeout,
                                socket_connect_timeout=timeout)


def found(findings: list[RuntimeFinding]) -> list[tuple[str, str, int]]:
    """(marker, code, count) of this file's findings."""
    by_line = {line: marker for marker, line in MARKERS.items()}
    return sorted((by_line.get(f.line, str(f.line)), f.code, f.count) for f in findings if f.path.endswith(HERE))


def misnamed(*markers: str) -> list[tuple[str, str, int]]:
    """`User:n:profile`, read once at each marker: upper case, and not a known namespace."""
    return sorted((marker, code, 1) for marker in markers for code in ("RDS202", "RDS203"))


def without_and_with_instrumentation(server: FaultyServer,
                                     scenario: Scenario) -> tuple[list[Outcome], list[RuntimeFinding]]:
    server.fresh()
    plain = scenario(server)
    server.fresh()
    with instrument(CONFIG) as session:
        watched = scenario(server)
    assert watched == plain
    return plain, session.findings


def raised(seen: Outcome, kind: type[Exception]) -> bool:
    return seen[0] == "raised" and issubclass(seen[1], kind)


# -- the scenarios: each is what an application does while the fault happens ---------------

def killed_mid_run(server: FaultyServer) -> list[Outcome]:
    client = application_client(server)
    seen = [outcome(lambda: client.set("cache:user:1:profile", "v")),
            outcome(lambda: client.get("User:1:profile"))]  # at: before kill
    server.kill()
    pipe = client.pipeline().set("cache:user:2:profile", "v", ex=60).get("User:3:profile")  # at: pipeline after kill
    seen += [outcome(lambda: client.get("User:2:profile")),  # at: after kill
             outcome(pipe.execute)]
    client.close()
    return seen


def test_server_killed_mid_run(faulty_server: FaultyServer, capsys: pytest.CaptureFixture[str]) -> None:
    seen, findings = without_and_with_instrumentation(faulty_server, killed_mid_run)
    assert [s[0] for s in seen] == ["reply", "reply", "raised", "raised"]
    assert raised(seen[2], redis.ConnectionError) and raised(seen[3], redis.ConnectionError)
    assert found(findings) == misnamed("after kill", "before kill", "pipeline after kill")
    # the SET's missing TTL cannot be decided on a dead server: said once, not guessed
    assert capsys.readouterr().err.count("redis-lint runtime: cannot check TTLs on 127.0.0.1") == 1


def restarted(server: FaultyServer) -> list[Outcome]:
    client = application_client(server)
    seen = [outcome(lambda: client.set("cache:user:1:profile", "v")),  # at: lost in restart
            outcome(lambda: client.get("User:1:profile"))]  # at: before restart
    server.restart()
    seen += [outcome(lambda: client.get("cache:user:1:profile")),
             outcome(lambda: client.set("cache:user:2:profile", "v")),  # at: after restart
             outcome(lambda: client.get("User:2:profile"))]  # at: read after restart
    client.close()
    return seen


def test_server_restarted(faulty_server: FaultyServer) -> None:
    seen, findings = without_and_with_instrumentation(faulty_server, restarted)
    assert seen == [("reply", True), ("reply", None), ("reply", None), ("reply", True), ("reply", None)]
    # the key written before the restart is gone (no persistence): only the later write is RDS101
    assert found(findings) == sorted([("after restart", "RDS101", 1),
                                      *misnamed("before restart", "read after restart")])


def slowed_down(server: FaultyServer) -> list[Outcome]:
    client = application_client(server)
    seen = [outcome(lambda: client.set("cache:user:1:profile", "v", ex=60))]
    asleep = server.sleep(0.2)
    seen.append(outcome(lambda: client.get("User:1:profile")))  # at: while asleep
    asleep.join()
    server.pause()
    seen.append(outcome(lambda: client.get("User:2:profile")))  # at: while paused
    server.resume()
    seen.append(outcome(lambda: client.get("cache:user:1:profile")))
    client.close()
    return seen


def test_server_slow_then_paused(faulty_server: FaultyServer) -> None:
    seen, findings = without_and_with_instrumentation(faulty_server, slowed_down)
    assert seen[:2] == [("reply", True), ("reply", None)]  # slow, but within the client's timeout
    assert raised(seen[2], redis.TimeoutError)
    assert seen[3] == ("reply", b"v")
    assert found(findings) == misnamed("while asleep", "while paused")  # sent twice by redis-py, one finding


def reset_mid_command(server: FaultyServer) -> list[Outcome]:
    client = application_client(server, retries=0, timeout=5)  # no retry: the reset reaches the application
    seen = [outcome(lambda: client.get("User:1:profile"))]  # at: before reset
    resetter = server.reset_clients_when_blocked()
    seen.append(outcome(lambda: client.blpop(["queue:jobs:pending"], timeout=3)))
    resetter.join()
    seen += [outcome(lambda: client.rpush("queue:jobs:pending", "job")),
             outcome(lambda: client.get("User:2:profile"))]  # at: after reset
    client.close()
    return seen


def test_connection_reset_by_client_kill(faulty_server: FaultyServer) -> None:
    seen, findings = without_and_with_instrumentation(faulty_server, reset_mid_command)
    assert raised(seen[1], redis.ConnectionError)
    assert seen[2:] == [("reply", 1), ("reply", None)]
    assert found(findings) == misnamed("after reset", "before reset")


def asyncio_reset_then_killed(server: FaultyServer) -> list[Outcome]:
    async def application() -> list[Outcome]:
        client = redis.asyncio.Redis.from_url(server.url, retry=AsyncRetry(NoBackoff(), 0), socket_timeout=5)
        seen = [await async_outcome(lambda: client.get("User:1:profile"))]  # at: async before reset
        resetter = server.reset_clients_when_blocked()
        seen.append(await async_outcome(lambda: client.blpop(["queue:jobs:pending"], timeout=3)))
        resetter.join()
        seen.append(await async_outcome(lambda: client.get("User:2:profile")))  # at: async after reset
        server.kill()
        seen.append(await async_outcome(lambda: client.get("User:3:profile")))  # at: async after kill
        await client.aclose()
        return seen

    return asyncio.run(application())


def test_asyncio_connection_reset_then_server_killed(faulty_server: FaultyServer) -> None:
    seen, findings = without_and_with_instrumentation(faulty_server, asyncio_reset_then_killed)
    assert [s[0] for s in seen] == ["reply", "raised", "reply", "raised"]
    assert raised(seen[1], redis.ConnectionError) and raised(seen[3], redis.ConnectionError)
    assert found(findings) == misnamed("async after kill", "async after reset", "async before reset")


def test_a_paused_server_delays_the_end_of_the_run_boundedly(
        faulty_server: FaultyServer, capsys: pytest.CaptureFixture[str]) -> None:
    session = instrument(CONFIG)
    client = redis.Redis.from_url(faulty_server.url, socket_timeout=None)  # the application would wait forever
    client.set("cache:user:1:profile", "v")
    client.keys("*")  # at: keys before pause
    faulty_server.pause()
    stopping = threading.Thread(target=session.stop)
    started = time.monotonic()
    stopping.start()
    stopping.join(timeout=CHECK_TIMEOUT + 10)
    elapsed = time.monotonic() - started
    faulty_server.resume()  # lets a hung check finish, so that a failure does not hang the suite
    stopping.join()
    assert elapsed < CHECK_TIMEOUT + 5
    assert found(session.findings) == [("keys before pause", "RDS301", 1)]
    assert "redis-lint runtime: cannot check TTLs on 127.0.0.1" in capsys.readouterr().err


# -- `redis-lint run`: the report of a watched process, and the run's report ---------------

WATCHED = """\
import os, sys
import redis
from redis.backoff import NoBackoff
from redis.retry import Retry
r = redis.Redis.from_url(sys.argv[1], retry=Retry(NoBackoff(), 0))
r.get("User:1:profile")
r.keys("*")
r.set("cache:user:1:profile", "v")
print("ready", os.getpid(), flush=True)
sys.stdin.readline()  # the test breaks something here
try:
    r.get("User:2:profile")
except redis.ConnectionError as error:
    print("the application saw", type(error).__name__, flush=True)
"""


def start_watched(folder: Path, url: str) -> tuple[subprocess.Popen[str], int]:
    """`redis-lint run --output rt.json` on the program above, stopped where it waits; its pid."""
    (folder / "app.py").write_text(WATCHED)
    run = subprocess.Popen([sys.executable, "-m", "redis_lint", "run", "--output", "rt.json", "--",
                            sys.executable, "app.py", url], cwd=folder, text=True,
                           stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.PIPE)
    assert run.stdout is not None
    ready = run.stdout.readline().split()
    assert ready[:1] == ["ready"], run.communicate()
    return run, int(ready[1])


def test_run_reports_what_it_saw_before_the_server_died(faulty_server: FaultyServer, tmp_path: Path) -> None:
    run, _ = start_watched(tmp_path, faulty_server.url)
    faulty_server.kill()
    out, err = run.communicate("\n", timeout=60)
    assert run.returncode == 1, err
    assert "the application saw ConnectionError" in out
    assert "cannot check TTLs" in err and "Traceback" not in err
    report = json.loads((tmp_path / "rt.json").read_text())
    assert sorted((f["line"], f["code"], f["count"]) for f in report) == [
        (6, "RDS202", 1), (6, "RDS203", 1), (7, "RDS301", 1), (12, "RDS202", 1), (12, "RDS203", 1)]


def limit_file_size(pid: int, size: int) -> None:
    """From now on, writing a file beyond `size` bytes fails in that process (EFBIG): a crash
    mid-write, made by the kernel. Processes it started before keep their own limit."""
    resource.prlimit(pid, resource.RLIMIT_FSIZE, (size, size))


def test_a_failed_report_write_leaves_the_previous_report_whole(redis_url: str, tmp_path: Path) -> None:
    previous = '[{"path": "app.py", "line": 1, "code": "RDS301", "message": "from the last run"}]\n'
    (tmp_path / "rt.json").write_text(previous)
    run, _ = start_watched(tmp_path, redis_url)
    limit_file_size(run.pid, 64)  # the report is longer: the write fails after 64 bytes
    _, err = run.communicate("\n", timeout=60)
    assert run.returncode == 2
    assert "redis-lint: cannot write rt.json: File too large" in err
    assert (tmp_path / "rt.json").read_text() == previous
    assert sorted(os.listdir(tmp_path)) == ["app.py", "rt.json"]  # no temporary file left behind


def test_a_failed_write_in_a_watched_process_is_one_line_not_a_traceback(redis_url: str, tmp_path: Path) -> None:
    run, watched_pid = start_watched(tmp_path, redis_url)
    limit_file_size(watched_pid, 16)  # the watched program's findings file cannot be written
    _, err = run.communicate("\n", timeout=60)
    assert run.returncode == 0, err  # the program succeeded; its findings are lost, and it says so
    assert "Traceback" not in err
    assert "redis-lint runtime: the findings of this process are lost (OSError: [Errno 27] File too large)" in err
    assert json.loads((tmp_path / "rt.json").read_text()) == []
