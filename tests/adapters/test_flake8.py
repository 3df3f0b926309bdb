"""The flake8 plugin, tested by running flake8: same findings as the CLI."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.rules import PROJECT_RULES
from tests.conftest import REPO

PROJECT_CODES = frozenset(rule.code for rule in PROJECT_RULES)


def flake8(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "flake8", *args], cwd=cwd, capture_output=True, text=True, timeout=300)


def redis_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "redis_lint", "check", "-q", *args],
                          cwd=cwd, capture_output=True, text=True, timeout=300)


def locations(output: str) -> list[str]:
    """path:line:col: CODE of each finding line, without the leading ./ flake8 keeps."""
    return sorted(re.sub(r"^\./", "", m) for m in re.findall(r"^(\S+:\d+:\d+: RDS\d{3})", output, re.M))


def per_file(output: str) -> list[str]:
    """The locations of the findings flake8 can give too: not those of the project-level rules,
    which need the whole project in one run (the CLI on folders)."""
    return [line for line in locations(output) if line.rsplit(" ", 1)[1] not in PROJECT_CODES]


def test_plugin_is_registered() -> None:
    result = flake8("--version", cwd=REPO)
    assert "redis-lint" in result.stdout


def test_same_findings_as_the_cli_on_the_fixtures() -> None:
    by_flake8 = flake8("--select", "RDS", "fixtures/violating_service", cwd=REPO)
    by_cli = redis_lint("fixtures/violating_service", cwd=REPO)
    assert by_flake8.returncode == by_cli.returncode == 1
    assert locations(by_flake8.stdout) == locations(by_cli.stdout)
    assert len(locations(by_cli.stdout)) == 43
    # the messages are the same too
    assert sorted(by_flake8.stdout.splitlines()) == sorted(by_cli.stdout.splitlines())


def test_same_per_file_findings_as_the_cli_on_the_lifecycle_fixture() -> None:
    """RDS402 and RDS703 (selected by the fixture's own pyproject.toml) under flake8; the
    project-level rules and the server configuration files are the CLI's alone."""
    folder = REPO / "fixtures" / "violating_lifecycle"
    by_flake8 = flake8("--select", "RDS", ".", cwd=folder)
    by_cli = redis_lint("--no-cache", ".", cwd=folder)
    python = [line for line in per_file(by_cli.stdout) if line.split(":")[0].endswith(".py")]
    assert locations(by_flake8.stdout) == python
    assert {line.rsplit(" ", 1)[1] for line in python} >= {"RDS402", "RDS703"}


def test_reference_app_is_clean_under_flake8() -> None:
    result = flake8("--select", "RDS", "fixtures/reference_app", cwd=REPO)
    assert (result.returncode, result.stdout) == (0, "")


@pytest.fixture
def project(tmp_path: Path) -> Path:
    (tmp_path / "services").mkdir()
    (tmp_path / "services" / "user.py").write_text(
        "import redis\n"
        "client = redis.Redis()\n"
        "client.flushall()\n"
        "client.keys()  # noqa: RDS301\n"
        "client.get('User:1')\n"
    )
    return tmp_path


def test_project_configuration_and_noqa_under_flake8(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.redis-lint]\nignore = ['RDS2']\nextend-injection-points = ['services/**']\n")
    result = flake8("--select", "RDS", ".", cwd=project)
    assert locations(result.stdout) == ["services/user.py:3:1: RDS302"]
    assert locations(result.stdout) == per_file(redis_lint(".", cwd=project).stdout)


def test_disable_noqa_is_flake8s(project: Path) -> None:
    result = flake8("--select", "RDS3", "--disable-noqa", ".", cwd=project)
    assert [line.split()[1] for line in result.stdout.splitlines()] == ["RDS302", "RDS301"]


def test_broken_configuration_under_flake8_is_reported_not_a_crash(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.redis-lint]\nselect = 'RDS'\n")
    result = flake8("--select", "RDS", ".", cwd=project)
    assert "Traceback" not in result.stderr
    assert "RDS000 cannot use the redis-lint configuration" in result.stdout
    assert "select: expected a list of strings" in result.stdout


def test_syntax_errors_are_flake8s_e999(project: Path) -> None:
    (project / "broken.py").write_text("def f(:\n")
    result = flake8("--select", "RDS,E999", ".", cwd=project)
    assert "broken.py:1:8: E999" in result.stdout
    assert "RDS000" not in result.stdout
    assert "Traceback" not in result.stderr


def test_lock_loop_and_security_rules_agree_under_flake8(tmp_path: Path) -> None:
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "jobs.py").write_text(
        "import redis\n"
        "def run(r: redis.Redis, keys: list[str]) -> None:\n"
        "    r.set('lock:jobs:run', 'me', nx=True)\n"
        "    for key in keys:\n"
        "        r.delete(key)\n"
        "    p = r.pipeline()\n"
        "    p.set('cache:user:1:p', 1, ex=5)\n"
        "    r.delete('lock:jobs:run')\n"
        "def connect() -> redis.Redis:\n"
        "    return redis.from_url('redis://:secret@cache.internal:6379/0')\n"
    )
    by_flake8 = locations(flake8("--select", "RDS", ".", cwd=tmp_path).stdout)
    by_cli = per_file(redis_lint(".", cwd=tmp_path).stdout)
    assert by_flake8 == by_cli
    assert {line.split()[-1] for line in by_cli} >= {"RDS501", "RDS502", "RDS503", "RDS601", "RDS602", "RDS701", "RDS702"}


def test_the_project_is_read_once_before_flake8_forks_its_workers(tmp_path: Path,
                                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    """flake8 calls `parse_options` in its main process, before `-j` forks: the plugin reads the
    project there, and the checks of every file (in the workers, which inherit it) reuse it."""
    import argparse
    import ast

    from redis_lint.engine import prefilter, session
    from redis_lint.flake8_plugin import RedisLintPlugin

    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    sources = {"a.py": "import redis\nr = redis.Redis()\nr.keys('*')\n", "b.py": "import redis\nredis.Redis().flushall()\n"}
    for name, text in sources.items():
        (tmp_path / name).write_text(text)
    monkeypatch.chdir(tmp_path)
    for cached in (session.prefilter_for, session.project_for, session.cache_for):
        cached.cache_clear()
    built: list[object] = []
    original = prefilter.Prefilter.__init__

    def counting(self: prefilter.Prefilter, *args: object, **kwargs: object) -> None:
        built.append(self)
        original(self, *args, **kwargs)  # type: ignore[arg-type]

    monkeypatch.setattr(prefilter.Prefilter, "__init__", counting)
    RedisLintPlugin.parse_options(argparse.Namespace())
    assert len(built) == 1  # read before any file is checked
    codes = []
    for name, text in sources.items():
        plugin = RedisLintPlugin(ast.parse(text), str(tmp_path / name), text.splitlines(keepends=True))
        codes += [message.split()[0] for _, _, message, _ in plugin.run()]
    assert "RDS301" in codes and "RDS302" in codes
    assert len(built) == 1  # ...and not again for them
