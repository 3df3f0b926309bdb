"""`redis-lint check` shows progress on a terminal (a pseudo-terminal here) when the run is slow,
and nowhere else: not in pipes, not with a machine-read format, not with --quiet, not on a quick
run, which does not even import the progress library."""

from __future__ import annotations

import os
import fcntl
import pty
import re
import struct
import subprocess
import sys
import termios
import threading
from pathlib import Path

import pytest

FILES = 400  # about 3 s with one worker: well past the one second before a bar is drawn
MODULE = """\
import redis


def read_{n}(r: redis.Redis, user_id: int) -> bytes | None:
    r.set(f"cache:user:{{user_id}}:n{n}", "v", ex=60)
    return r.get(f"cache:user:{{user_id}}:n{n}")
"""


@pytest.fixture(scope="module")
def slow_project(tmp_path_factory: pytest.TempPathFactory) -> Path:
    root = tmp_path_factory.mktemp("many")
    (root / "app").mkdir()
    for n in range(FILES):
        (root / "app" / f"m{n}.py").write_text(MODULE.format(n=n))
    return root


def check(project: Path, *options: str, terminal: bool, python: tuple[str, ...] = (),
          columns: int = 100) -> tuple[int, str, str]:
    """Run `redis-lint check app` with stderr on a pseudo-terminal or a pipe: (exit code, stdout, stderr)."""
    command = [sys.executable, *python, "-m", "redis_lint", "check", "app", "--no-cache", "-j", "1", *options]
    env = {**os.environ, "TERM": "xterm-256color"}
    if not terminal:
        done = subprocess.run(command, cwd=project, capture_output=True, text=True, timeout=300, env=env)
        return done.returncode, done.stdout, done.stderr
    leader, follower = pty.openpty()
    fcntl.ioctl(follower, termios.TIOCSWINSZ, struct.pack("HHHH", 24, columns, 0, 0))  # as a terminal sets it
    process = subprocess.Popen(command, cwd=project, stdout=subprocess.PIPE, stderr=follower, env=env)
    os.close(follower)
    shown = bytearray()

    def read() -> None:  # while the process runs: a full terminal would stop it
        while True:
            try:
                chunk = os.read(leader, 65536)
            except OSError:  # the process closed its end
                return
            if not chunk:
                return
            shown.extend(chunk)

    reader = threading.Thread(target=read)
    reader.start()
    stdout, _ = process.communicate(timeout=300)
    reader.join(timeout=10)
    os.close(leader)
    return process.returncode, stdout.decode(), shown.decode(errors="replace")


@pytest.mark.parametrize("columns", [100, 0], ids=["sized", "size-unknown"])  # a fresh pseudo-terminal says 0
def test_a_slow_run_on_a_terminal_shows_progress(slow_project: Path, columns: int) -> None:
    code, stdout, stderr = check(slow_project, terminal=True, columns=columns)
    assert code == 0, stderr
    assert f"/{FILES} " in stderr and "file/s" in stderr and "redis-lint:" in stderr
    assert max(len(line) for line in stderr.replace("\r\n", "\n").replace("\r", "\n").split("\n")) <= (columns or 80)
    assert stderr.rstrip().endswith(f"All clean: {FILES} files checked.")  # the bar was erased first
    assert stdout == ""  # never on standard output


@pytest.mark.parametrize(("options", "terminal"), [((), False), (("--format", "json"), True),
                                                   (("--format", "sarif"), True), (("-q",), True)],
                         ids=["pipe", "json", "sarif", "quiet"])
def test_no_progress_in_pipes_machine_formats_or_quiet(slow_project: Path, options: tuple[str, ...],
                                                       terminal: bool) -> None:
    code, _, stderr = check(slow_project, *options, terminal=terminal)
    assert code == 0
    assert "file/s" not in stderr and "\r" not in stderr.replace("\r\n", "\n")


def test_a_quick_run_on_a_terminal_shows_none_and_imports_no_progress_library(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "m.py").write_text(MODULE.format(n=0))
    code, _, stderr = check(tmp_path, terminal=True, python=("-X", "importtime"))
    assert code == 0
    assert re.search(r"\|\s+redis_lint\.engine\.run\b", stderr)  # -X importtime lists the imports on stderr...
    assert "tqdm" not in stderr and "file/s" not in stderr  # ...and tqdm is not one of them
