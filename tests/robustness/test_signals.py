"""A run that is stopped leaves nothing behind: its worker processes end with it whatever signal it
got (SIGINT, SIGTERM, SIGKILL), Ctrl-C and SIGTERM print one line and exit 130 and 143, and the
cache is never half-written.

The runs are real `redis-lint check -j 2` processes over generated modules that each take a good
part of a second to analyse, caught midway: their workers are busy, most files are still to do.
Each is started in a session of its own, so that whatever a test leaves running is killed by
process group, and nothing else."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from redis_lint.engine.cache import _MAX_AGE, Cache
from redis_lint.engine.interrupt import Stopped
from redis_lint.source.digests import digest
from tests.conftest import REPO

# slow: signals to redis-lint processes; Linux only
pytestmark = [pytest.mark.slow, pytest.mark.skipif(sys.platform != "linux", reason="Linux signals, prctl and /proc")]

# Workers take milliseconds to go (prctl(PR_SET_PDEATHSIG), or their parent kills them); the
# deadline leaves room for a loaded machine.  Before the workers died with their parent, they
# lived on for the whole run or, blocked on the pool's queue, for ever.
DEADLINE = 2.0


def module(functions: int) -> str:
    """A module with findings whose analysis takes a noticeable time: about 0.01 s a function."""
    return "import redis\n\nr = redis.Redis()\n\n" + "".join(
        f"def f{i}(user_id):\n    r.set(f'cache:user:{{user_id}}:{i}', 1)\n    r.get('Cache:x:{i}')\n"
        "    for k in r.keys('*'):\n        r.delete(k)\n\n"
        for i in range(functions))


def generate(folder: Path, modules: int, functions: int) -> Path:
    folder.mkdir()
    for number in range(modules):
        (folder / f"m{number:03}.py").write_text(module(functions))
    return folder


@pytest.fixture(scope="module")
def slow_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Far more work than a test waits for: about 60 x 0.4 s on two workers."""
    return generate(tmp_path_factory.mktemp("signals") / "project", 60, 40)


def start(*args: str, cwd: Path) -> subprocess.Popen[str]:
    return subprocess.Popen([sys.executable, "-m", "redis_lint", "check", "-q", "-j", "2", *args], cwd=cwd,
                            stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True, start_new_session=True,
                            preexec_fn=_as_from_a_terminal)


def _as_from_a_terminal() -> None:
    """SIGINT at its default, as a shell leaves it for a command it runs in the foreground.  A test
    run started in the background (`pytest &` in a script) inherits SIGINT ignored, and redis-lint
    rightly keeps a signal its caller ignores ignored."""
    signal.signal(signal.SIGINT, signal.SIG_DFL)


@contextmanager
def killed_at_the_end(process: subprocess.Popen[str]) -> Iterator[subprocess.Popen[str]]:
    """Whatever happens, nothing of the run outlives the test (its own process group only)."""
    try:
        yield process
    finally:
        try:
            os.killpg(process.pid, signal.SIGKILL)
        except ProcessLookupError:
            pass
        process.communicate()


def _stat(pid: int) -> list[str] | None:
    """state, ppid, pgrp, ... of /proc/<pid>/stat; None once the process is gone."""
    try:
        return (Path("/proc") / str(pid) / "stat").read_text().rsplit(")", 1)[1].split()
    except (OSError, IndexError):
        return None


def children(pid: int) -> list[int]:
    found = []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit() and (stat := _stat(int(entry.name))) is not None and int(stat[1]) == pid:
            found.append(int(entry.name))
    return found


def alive(pid: int) -> bool:
    """Not gone and not a zombie (an orphan is reaped by whoever adopts it, maybe never here)."""
    stat = _stat(pid)
    return stat is not None and stat[0] != "Z"


def workers_of(process: subprocess.Popen[str], count: int = 2) -> list[int]:
    deadline = time.monotonic() + 60
    while len(found := children(process.pid)) < count:
        assert process.poll() is None, process.communicate()
        assert time.monotonic() < deadline, "the workers never started"
        time.sleep(0.01)
    return found


def seconds_until_gone(pids: list[int], limit: float) -> float | None:
    """How long until none of `pids` runs; None if some still runs after `limit` seconds."""
    start = time.monotonic()
    while any(alive(pid) for pid in pids):
        if time.monotonic() - start > limit:
            return None
        time.sleep(0.002)
    return time.monotonic() - start


# -- the workers end with their parent ------------------------------------------


@pytest.mark.parametrize(("signum", "whole_group"), [
    (signal.SIGINT, False),
    (signal.SIGINT, True),  # Ctrl-C in a terminal: every process of the group gets it
    (signal.SIGTERM, False),  # a timeout (pre-commit, CI), an editor stopping the run
    (signal.SIGKILL, False),  # what comes after a timeout's SIGTERM: no handler runs in the parent
], ids=["SIGINT", "Ctrl-C", "SIGTERM", "SIGKILL"])
def test_workers_end_with_their_parent(slow_project: Path, signum: int, whole_group: bool) -> None:
    with killed_at_the_end(start("--no-cache", ".", cwd=slow_project)) as process:
        workers = workers_of(process)
        time.sleep(0.5)  # analysing
        assert process.poll() is None, "the run ended before it could be stopped midway"
        (os.killpg if whole_group else os.kill)(process.pid, signum)
        took = seconds_until_gone(workers, DEADLINE)
        assert took is not None, f"workers still running {DEADLINE} s after {signal.Signals(signum).name}"
        stdout, stderr = process.communicate(timeout=10)  # the parent is gone too: no hang at exit

    if signum == signal.SIGKILL:
        assert process.returncode == -signal.SIGKILL
        return
    # one line, no traceback (from the parent or a worker), no half report
    message = "redis-lint: interrupted" if signum == signal.SIGINT else "redis-lint: terminated"
    assert (process.returncode, stderr.splitlines(), stdout) == (128 + signum, [message], "")


def test_a_worker_whose_parent_is_already_gone_exits() -> None:
    """The race of prctl(PR_SET_PDEATHSIG): a parent that died before the call sends no signal."""
    code = "from redis_lint.engine.interrupt import end_with_parent; end_with_parent(-1); print('alive')"
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True, timeout=60)
    assert (result.returncode, result.stdout, result.stderr) == (1, "", "")


def test_without_prctl_a_watchdog_ends_the_worker() -> None:
    """Where prctl is missing (not Linux), a thread watches the parent pid: a process stands in for
    a worker, its parent for the run, killed with SIGKILL."""
    worker = ("import os; from redis_lint.engine.interrupt import watch_parent; "
              "parent = os.getppid(); print(os.getpid(), flush=True); watch_parent(parent)")
    parent = f"import subprocess, sys, time; subprocess.Popen([sys.executable, '-c', {worker!r}]); time.sleep(60)"
    with killed_at_the_end(subprocess.Popen([sys.executable, "-c", parent], stdout=subprocess.PIPE, text=True,
                                            start_new_session=True)) as process:
        assert process.stdout is not None
        pid = int(process.stdout.readline())
        os.kill(process.pid, signal.SIGKILL)
        assert seconds_until_gone([pid], DEADLINE) is not None


def test_check_runs_in_a_thread_that_is_not_the_main_one(tmp_path: Path) -> None:
    """Only the main thread can set signal handlers: from another one (a program embedding the
    command), `check` sets none and runs as before."""
    code = ("import sys, threading; from redis_lint.cli import cli\n"
            "def run():\n"
            "    try:\n        cli(['check', '--no-cache', '-q', sys.argv[1]])\n"
            "    except SystemExit as e:\n        print('exit', e.code)\n"
            "t = threading.Thread(target=run); t.start(); t.join()\n")
    (tmp_path / "a.py").write_text("import redis\nr = redis.Redis()\nr.flushall()\n")
    result = subprocess.run([sys.executable, "-c", code, str(tmp_path)], capture_output=True, text=True,
                            timeout=120, cwd=REPO)
    assert result.stdout.splitlines()[-1] == "exit 1", result.stderr


# -- the cache ------------------------------------------------------------------


def entries(cache: Path) -> list[Path]:
    return [p for p in cache.glob("v*/*/*.json") if not p.name.startswith(".tmp-")]


def test_a_stopped_run_leaves_a_whole_cache_and_keeps_what_it_finished(tmp_path: Path) -> None:
    project = generate(tmp_path / "project", 8, 20)
    cache = tmp_path / "cache"
    with killed_at_the_end(start("--cache-dir", str(cache), ".", cwd=project)) as process:
        workers_of(process)
        deadline = time.monotonic() + 120
        while len(entries(cache)) < 2:  # midway: some files are done and kept
            assert process.poll() is None, "the run ended before it could be stopped midway"
            assert time.monotonic() < deadline
            time.sleep(0.005)
        process.send_signal(signal.SIGTERM)
        process.communicate(timeout=10)
    assert process.returncode == 128 + signal.SIGTERM

    kept = entries(cache)
    assert 2 <= len(kept) < 8
    for entry in kept:  # each entry whole: its digest holds, and what follows it is JSON
        check, _, payload = entry.read_bytes().partition(b"\n")
        assert check.decode() == digest(payload) and isinstance(json.loads(payload), dict)
    assert list(cache.rglob(".tmp-*")) == []
    # the next run takes what the stopped one finished and reports as a run without a cache does
    resumed = subprocess.run([sys.executable, "-m", "redis_lint", "check", "-j", "2", "--cache-dir", str(cache),
                              "."], cwd=project, capture_output=True, text=True, timeout=300)
    fresh = subprocess.run([sys.executable, "-m", "redis_lint", "check", "-j", "2", "--no-cache", "."],
                           cwd=project, capture_output=True, text=True, timeout=300)
    assert (resumed.returncode, resumed.stdout, resumed.stderr) == (fresh.returncode, fresh.stdout, fresh.stderr)
    assert fresh.returncode == 1 and len(fresh.stdout.splitlines()) > 8 * 20
    assert len(entries(cache)) > len(kept)


@pytest.mark.parametrize("failure", ["stopped before the rename", "disk full while writing"])
def test_a_cache_entry_is_written_whole_or_not_at_all(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                                      failure: str) -> None:
    """Entries go to a temporary file renamed into place (os.replace): an entry is the old one or
    the new one, never a mix, and a write that does not finish leaves no temporary file."""
    cache = Cache(tmp_path, salt="")
    cache.put("ab01", {"findings": "before"})

    def stopped(*args: object) -> None:
        raise Stopped(signal.SIGINT)

    def full(*args: object) -> None:
        raise OSError(28, "No space left on device")

    if failure == "stopped before the rename":
        monkeypatch.setattr(os, "replace", stopped)
        with pytest.raises(Stopped):
            cache.put("ab01", {"findings": "after"})
    else:
        monkeypatch.setattr(os, "fdopen", lambda handle, mode: _FailingFile(handle))
        cache.put("ab01", {"findings": "after"})  # a cache that cannot be written only costs speed
    monkeypatch.undo()
    assert cache.get("ab01") == {"findings": "before"}
    assert list(tmp_path.rglob(".tmp-*")) == []


class _FailingFile:
    """A file that takes half of what it is given, then reports a full disk."""

    def __init__(self, handle: int) -> None:
        self.handle = handle

    def __enter__(self) -> _FailingFile:
        return self

    def __exit__(self, *exc: object) -> None:
        os.close(self.handle)

    def write(self, data: bytes) -> None:
        os.write(self.handle, data[: len(data) // 2])
        raise OSError(28, "No space left on device")


def test_a_temporary_file_left_by_a_killed_run_is_pruned(tmp_path: Path) -> None:
    """SIGKILL allows no cleanup: what a write left is never read, and pruned with old entries."""
    cache = Cache(tmp_path, salt="")
    cache.put("ab01", {})
    left = next(tmp_path.glob("v*/ab")) / ".tmp-killed.json"
    left.write_text('{"findings": [[')
    old = time.time() - _MAX_AGE - 1
    os.utime(left, (old, old))
    cache.prune()
    assert not left.exists() and cache.get("ab01") == {}
