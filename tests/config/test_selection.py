"""Rule selection from the configuration and the command line, with ruff's precedence (the table
in README.md): --select replaces the configured select, extend-select and ignore; --extend-select
adds; --ignore removes; a longer code beats a shorter one within the same layer; per-file-ignores
apply last."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from redis_lint.cli import cli
from redis_lint.config import Config, Selection

CODE = '''import redis


def handler(r: redis.Redis, uid: int) -> None:
    r.set(f"cache:user:{uid}", "x", ex=7200)
    r.flushall()
'''
# RDS102 (TTL over the cache:user limit), RDS302 (flushall), RDS703 (opt-in: outside a try)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.redis-lint]\nextend-select = ['RDS703']\nrequest-path = ['views.py']\nignore = ['RDS302']\n")
    (tmp_path / "views.py").write_text(CODE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def reported(*args: str) -> list[str]:
    result = CliRunner().invoke(cli, ["check", "-q", "--no-cache", *args, "views.py"], catch_exceptions=False)
    assert result.exit_code in (0, 1), result.output
    return sorted({line.split()[1] for line in result.stdout.splitlines()})


@pytest.mark.parametrize(
    ("args", "codes"),
    [
        ((), ["RDS102", "RDS703"]),  # the configuration: RDS703 added, RDS302 ignored
        (("--select", "RDS102"), ["RDS102"]),  # replaces select AND extend-select: no RDS703
        (("--select", "RDS302"), ["RDS302"]),  # ...and the configured ignore
        (("--select", "RDS1", "--extend-select", "RDS302"), ["RDS102", "RDS302"]),
        (("--extend-select", "RDS302"), ["RDS102", "RDS302", "RDS703"]),  # adds, over the configured ignore
        (("--ignore", "RDS703"), ["RDS102"]),  # wins over the configured extend-select
        (("--extend-select", "RDS3", "--ignore", "RDS3"), ["RDS102", "RDS703"]),  # a tie goes to --ignore
        (("--select", "RDS1,RDS302", "--ignore", "RDS1"), ["RDS302"]),
        (("--select", "RDS102", "--ignore", "RDS1"), ["RDS102"]),  # the more specific code wins
    ],
)
def test_command_line_precedence(project: Path, args: tuple[str, ...], codes: list[str]) -> None:
    assert reported(*args) == codes


def test_per_file_ignores_apply_whatever_selected_the_code(project: Path) -> None:
    (project / "pyproject.toml").write_text(
        "[tool.redis-lint]\nselect = ['RDS102', 'RDS302']\nper-file-ignores = { 'views.py' = ['RDS1'] }\n")
    assert reported() == ["RDS302"]
    assert reported("--select", "RDS102,RDS302") == ["RDS302"]


def test_opt_in_rules_need_their_full_code_in_every_layer() -> None:
    config = Config(command_line=Selection(select=("RDS",)))
    assert "RDS703" not in config.enabled_codes("x.py") and "RDS101" in config.enabled_codes("x.py")
    config = Config(command_line=Selection(extend_select=("RDS7",)))
    assert "RDS703" not in config.enabled_codes("x.py")
