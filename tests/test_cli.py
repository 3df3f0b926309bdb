"""The `redis-lint` command, invoked as users invoke it."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from redis_lint import __version__
from redis_lint.catalogue import RULES
from redis_lint.cli import cli
from tests.conftest import REPO

BAD = "import redis\n\ndef f(r: redis.Redis):\n    r.flushall()\n    r.get('Cache:user:1')\n"


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text("[project]\nname = 'demo'\n\n[tool.redis-lint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "bad.py").write_text(BAD)
    (tmp_path / "app" / "good.py").write_text("import redis\n\ndef f(r: redis.Redis):\n    return r.get('cache:user:1')\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


def test_text_output_and_exit_code(project: Path) -> None:
    result = invoke("check")
    assert result.exit_code == 1
    assert result.stdout.splitlines() == [
        "app/bad.py:4:5: RDS302 flushall() runs FLUSHALL, which deletes every key of the database: "
        "delete the keys you own by name; give tests their own database or server",
        'app/bad.py:5:11: RDS202 key "Cache:user:1" has upper-case letters: use "cache:user:1"',
    ]
    assert "Found 2 findings in 1 file (2 files checked)." in result.stderr


def test_clean_run_exits_zero(project: Path) -> None:
    result = invoke("check", "app/good.py")
    assert (result.exit_code, result.stdout) == (0, "")


def test_json_output(project: Path) -> None:
    result = invoke("check", "--format", "json")
    findings = json.loads(result.stdout)
    assert findings[0] == {
        "path": "app/bad.py", "line": 4, "column": 5, "end_line": 4, "end_column": 17, "code": "RDS302",
        "name": "flush-command", "message": findings[0]["message"], "fix": None, "related": [],
    }
    assert result.exit_code == 1


def test_select_and_ignore(project: Path) -> None:
    assert [line.split()[1] for line in invoke("check", "-q", "--select", "RDS2").stdout.splitlines()] == ["RDS202"]
    assert [line.split()[1] for line in invoke("check", "-q", "--ignore", "RDS202").stdout.splitlines()] == ["RDS302"]


def test_configuration_is_read(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.redis-lint]\nper-file-ignores = { 'app/bad.py' = ['RDS3'] }\n")
    assert [line.split()[1] for line in invoke("check", "-q").stdout.splitlines()] == ["RDS202"]


def test_broken_configuration_is_one_line_and_exit_2(project: Path) -> None:
    (project / "pyproject.toml").write_text("[tool.redis-lint]\nselect = ['RDS99']\n")
    result = invoke("check")
    assert result.exit_code == 2
    assert result.stderr.strip() == (
        f"redis-lint: error: {project / 'pyproject.toml'}: [tool.redis-lint] select: unknown rule code 'RDS99'"
    )


def test_unknown_code_on_the_command_line(project: Path) -> None:
    result = invoke("check", "--select", "XYZ1")
    assert result.exit_code == 2
    assert "--select: unknown rule code 'XYZ1'" in result.stderr


def test_missing_path_is_reported_and_the_rest_linted(project: Path) -> None:
    result = invoke("check", "nope.py", "app")
    assert result.exit_code == 2
    assert "redis-lint: nope.py: no such file or directory" in result.stderr
    assert len(result.stdout.splitlines()) == 2


def test_folder_of_binary_files(project: Path) -> None:
    (project / "bin").mkdir()
    (project / "bin" / "blob.py").write_bytes(bytes(range(256)))
    result = invoke("check", "-q", "bin")
    assert result.exit_code == 1
    assert result.stdout.startswith("bin/blob.py:1:1: RDS000 cannot decode as utf-8")


def test_rules_lists_every_rule() -> None:
    lines = invoke("rules").stdout.splitlines()
    assert [line.split()[0] for line in lines] == [rule.code for rule in RULES]
    assert "missing-ttl" in lines[1]


def test_explain_prints_the_rule_page() -> None:
    result = invoke("explain", "rds101")
    assert result.exit_code == 0
    assert result.stdout.startswith("# RDS101 missing-ttl")
    assert (REPO / "rules" / "RDS101.md").read_text().strip() == result.stdout.strip()


def test_explain_unknown_code() -> None:
    result = invoke("explain", "RDS999")
    assert result.exit_code == 2
    assert "unknown rule code 'RDS999'" in result.stderr


@pytest.mark.parametrize("command", [[], ["check"], ["rules"], ["explain"]])
def test_help_everywhere(command: list[str]) -> None:
    result = invoke(*command, "--help")
    assert result.exit_code == 0 and "Usage:" in result.stdout


def test_version() -> None:
    assert invoke("--version").stdout.strip() == f"redis-lint, version {__version__}"


@pytest.mark.parametrize("entry", [["redis-lint"], [sys.executable, "-m", "redis_lint"]])
def test_installed_entry_points(entry: list[str], project: Path) -> None:
    if entry[0] == "redis-lint":
        entry = [str(Path(sys.executable).parent / "redis-lint")]
    result = subprocess.run([*entry, "check", "app"], capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert len(result.stdout.splitlines()) == 2
    assert "Traceback" not in result.stderr
