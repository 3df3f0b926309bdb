"""`redis-lint config` (the file in effect for a path and what it resolves to) and `redis-lint
init` (a starter table that leaves the rest of pyproject.toml as it was)."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from redis_lint.cli import cli
from redis_lint.config import load_config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover
    import tomli as tomllib


def invoke(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def project(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    (tmp_path / "pyproject.toml").write_text(
        "[tool.redis-lint]\nextend-namespaces = ['jobs']\nextend-max-ttl = { 'cache:feed' = 600 }\n"
        "per-file-ignores = { 'scripts/**' = ['RDS3'] }\n")
    (tmp_path / "scripts").mkdir()
    (tmp_path / "scripts" / "wipe.py").write_text("")
    (tmp_path / "other").mkdir()
    (tmp_path / "other" / "redis-lint.toml").write_text("select = ['RDS2']\n")
    monkeypatch.chdir(tmp_path)
    return tmp_path


def test_config_names_the_file_and_prints_the_resolved_table(project: Path) -> None:
    result = invoke("config", "scripts/wipe.py")
    assert result.exit_code == 0
    lines = result.stdout.splitlines()
    assert lines[0] == "# Configuration for scripts/wipe.py: pyproject.toml"
    assert "RDS301" not in result.stdout.split("[tool.redis-lint]")[0]  # per-file-ignores of that file
    table = tomllib.loads(result.stdout)["tool"]["redis-lint"]
    assert table["namespaces"] == ["cache", "session", "queue", "lock", "rate", "jobs"]
    assert table["max-ttl"]["cache:feed"] == "10m" and table["max-ttl"]["cache:user"] == "1h"
    assert "extensions.py" in table["injection-points"]
    # what it prints is a configuration that resolves to the same
    (project / "copy").mkdir()
    (project / "copy" / "pyproject.toml").write_text(result.stdout)
    assert load_config(start=project / "copy").policy == load_config(start=project).policy


def test_config_of_a_folder_with_its_own_file_and_without_any(project: Path,
                                                               tmp_path_factory: pytest.TempPathFactory) -> None:
    data = json.loads(invoke("config", "other", "--format", "json").stdout)
    assert data["configuration"] == "other/redis-lint.toml"
    assert data["enabled"] == ["RDS201", "RDS202", "RDS203"]
    assert data["settings"]["max-ttl"]["cache:user"] == 3600
    elsewhere = tmp_path_factory.mktemp("bare")
    result = invoke("config", str(elsewhere))
    assert result.stdout.startswith(f"# No configuration file at or above {elsewhere}: the defaults apply.")


def test_config_errors_are_one_line(project: Path) -> None:
    result = CliRunner().invoke(cli, ["config", "missing.py"])
    assert (result.exit_code, result.stderr) == (2, "redis-lint: error: missing.py: no such file or directory\n")
    (project / "other" / "redis-lint.toml").write_text("select = ['RDS2'\n")
    result = CliRunner().invoke(cli, ["config", "other"])
    assert result.exit_code == 2 and ":1:17: invalid TOML: Unclosed array" in result.stderr


EXISTING = '''# The project's own comment, kept as written.
[project]
name   =   "demo"    # odd spacing, kept
dependencies = [
    "redis>=5",  # the client
]

[tool.ruff]
line-length = 100

[tool.ruff.lint]
select = ["E", "F"]  # ruff's own

[build-system]
requires = ["hatchling"]
build-backend = "hatchling.build"
'''


def test_init_adds_a_starter_table_and_keeps_every_other_byte(tmp_path: Path) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_bytes(EXISTING.encode())
    result = invoke("init", str(tmp_path))
    assert result.exit_code == 0 and "Added a starter [tool.redis-lint] table" in result.stdout
    text = path.read_bytes().decode()
    start = text.index("[tool.redis-lint]\n")
    end = text.index("[build-system]")
    assert text[:start] + text[end:] == EXISTING  # the rest, byte for byte
    assert text[start:end].count("\n#") > 5  # commented
    data = tomllib.loads(text)
    assert data["tool"]["ruff"]["lint"]["select"] == ["E", "F"]
    assert data["tool"]["redis-lint"] == {"select": ["RDS"]}
    assert load_config(start=tmp_path).source == path  # a configuration redis-lint accepts


def test_init_creates_a_missing_file_and_refuses_a_second_time(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    assert invoke("init").exit_code == 0
    written = (tmp_path / "pyproject.toml").read_bytes()
    assert written.startswith(b"[tool.redis-lint]\n") and written.endswith(b"]\n")
    # the starter's examples, uncommented, are valid options
    examples = [line[2:] for line in written.decode().splitlines() if line.startswith("# ") and " = " in line]
    assert len(examples) >= 8
    (tmp_path / "examples").mkdir()
    (tmp_path / "examples" / "redis-lint.toml").write_text("\n".join(examples) + "\n")
    load_config(tmp_path / "examples" / "redis-lint.toml")
    again = CliRunner().invoke(cli, ["init"])
    assert again.exit_code == 2
    assert "pyproject.toml already has a [tool.redis-lint] table: nothing written" in again.stderr
    assert (tmp_path / "pyproject.toml").read_bytes() == written


@pytest.mark.parametrize(
    ("files", "message"),
    [
        ({"pyproject.toml": "tool = { ruff = { line-length = 100 } }\n"}, "cannot add [tool.redis-lint]"),
        ({"pyproject.toml": "[project\n"}, "invalid TOML"),
        ({"redis-lint.toml": "select = ['RDS']\n"}, "redis-lint.toml configures redis-lint here"),
    ],
)
def test_init_leaves_what_it_cannot_edit_alone(tmp_path: Path, monkeypatch: pytest.MonkeyPatch,
                                               files: dict[str, str], message: str) -> None:
    monkeypatch.chdir(tmp_path)
    for name, text in files.items():
        (tmp_path / name).write_text(text)
    result = CliRunner().invoke(cli, ["init"])
    assert result.exit_code == 2 and message in result.stderr and "Traceback" not in result.output
    assert {p.name: p.read_text() for p in tmp_path.iterdir()} == files
