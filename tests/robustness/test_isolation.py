"""Isolation: a bug of redis-lint while checking one file costs that file (an RDS000 naming the
exception and asking for a report), not the run; `check --debug` prints its traceback.

The bug is planted in a real `redis-lint check` process: a rule that raises on one file.  The
worker processes of `-j 2` are forked from it, so they carry the bug too."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine import linter
from redis_lint.engine.run import lint_paths

FLUSH = "import redis\ndef f(r: redis.Redis):\n    r.flushall()\n"
INTERNAL_ERROR = "internal error while checking this file (ZeroDivisionError): please report it"

# A rule that divides by zero on the files named explode*.py, then the command line as usual.
PLANTED = """
import sys
from redis_lint.rules import ALL_RULES
from redis_lint.cli import main

rule = type(ALL_RULES[0])
original = rule.check

def check(self, context):
    name = context.relative_path.rsplit("/", 1)[-1]
    if name.startswith("explode"):
        return 1 / 0
    if name.startswith("crash"):
        import os, signal
        os.kill(os.getpid(), signal.SIGSEGV)  # as a crash in native code (libcst's parser) would
    return original(self, context)

rule.check = check
sys.argv = ["redis-lint", *sys.argv[1:]]
main()
"""


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name in ("a_before.py", "explode.py", "explode_too.py", "z_after.py"):
        (tmp_path / name).write_text(FLUSH)
    return tmp_path


def planted(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-c", PLANTED, "check", "--no-cache", "-q", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=180)


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_an_internal_error_costs_one_file(project: Path, jobs: str) -> None:
    result = planted("-j", jobs, ".", cwd=project)
    assert result.stdout.splitlines() == [
        f"a_before.py:3:5: RDS302 {_flush_message(project)}",
        f"explode.py:1:1: RDS000 {INTERNAL_ERROR}",
        f"explode_too.py:1:1: RDS000 {INTERNAL_ERROR}",
        f"z_after.py:3:5: RDS302 {_flush_message(project)}",
    ]
    assert result.stderr == ""  # no traceback without --debug
    assert result.returncode == 1


@pytest.mark.parametrize("jobs", ["1", "2"])
def test_debug_prints_the_traceback(project: Path, jobs: str) -> None:
    result = planted("--debug", "-j", jobs, ".", cwd=project)
    assert f"explode.py:1:1: RDS000 {INTERNAL_ERROR}" in result.stdout.splitlines()
    assert result.stdout.count("RDS302") == 2
    for name in ("explode.py", "explode_too.py"):
        assert f"redis-lint: internal error while checking {name}:\nTraceback (most recent call last):" in result.stderr
    assert result.stderr.count("ZeroDivisionError: division by zero") == 2
    assert result.stderr.count("Traceback") == 2  # the two files' errors, nothing else
    assert result.returncode == 1


def test_a_worker_that_dies_costs_one_file(project: Path) -> None:
    """The pool breaks; the unfinished files are analysed again, one process each."""
    (project / "crash.py").write_text(FLUSH)
    result = planted("-j", "2", ".", cwd=project)
    lines = result.stdout.splitlines()
    assert "crash.py:1:1: RDS000 internal error while checking this file (its process died): please report it" in lines
    assert [line.split(":", 1)[0] for line in lines] == [
        "a_before.py", "crash.py", "explode.py", "explode_too.py", "z_after.py"]
    assert result.stderr == ""
    assert result.returncode == 1


def test_an_internal_error_in_process(project: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    original = type(linter.ALL_RULES[0]).check

    def check(self, context):  # type: ignore[no-untyped-def]
        if context.relative_path.startswith("explode"):
            raise KeyError("boom")
        return original(self, context)

    monkeypatch.setattr(type(linter.ALL_RULES[0]), "check", check)
    run = lint_paths([project], Config(root=project))
    assert [(f.path.rsplit("/", 1)[-1], f.code) for f in run.findings] == [
        ("a_before.py", "RDS302"), ("explode.py", "RDS000"), ("explode_too.py", "RDS000"), ("z_after.py", "RDS302")]
    assert "(KeyError): please report it" in run.findings[1].message


def _flush_message(project: Path) -> str:
    [finding] = lint_paths([project / "a_before.py"], Config(root=project)).findings
    return finding.message


def test_an_internal_error_in_a_project_level_rule(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A project-level rule that raises: an RDS000 naming it, the other findings as usual."""
    from redis_lint.rules import PROJECT_RULES

    (tmp_path / "app.py").write_text("import redis\nclient = redis.Redis()\nclient.flushall()\n")

    def check_project(self, facts, policy):  # type: ignore[no-untyped-def]
        raise RuntimeError("boom")

    monkeypatch.setattr(type(PROJECT_RULES[0]), "check_project", check_project)
    run = lint_paths([tmp_path], Config(root=tmp_path))
    codes = [f.code for f in run.findings]
    assert "RDS302" in codes
    [problem] = [f for f in run.findings if f.code == "RDS000"]
    assert problem.message == (f"internal error while checking the project ({PROJECT_RULES[0].code}, RuntimeError): "
                               "please report it")
