"""Each file gets the configuration nearest above it, whatever else is in the run: the CLI (in
any order of paths), flake8 and the editor's lookup agree."""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

import pytest
from click.testing import CliRunner

from redis_lint.cli import cli
from redis_lint.config import ConfigError
from redis_lint.config.resolve import Configurations
from redis_lint.engine import session

SERVICE = '''import redis


def save(r: redis.Redis, uid: int, value: str) -> None:
    r.set(f"app:user:{uid}:profile", value, ex=60)
    r.set(f"cache:user:{uid}:profile", value, ex=7200)
'''


@pytest.fixture
def tree(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    """myapp/ (namespace `app`, TTL limits replaced), myapp/legacy/ (its own redis-lint.toml), other/ (none)."""
    (tmp_path / "myapp" / "legacy").mkdir(parents=True)
    (tmp_path / "other").mkdir()
    (tmp_path / "myapp" / "pyproject.toml").write_text(
        "[project]\nname = 'myapp'\n\n[tool.redis-lint]\nnamespaces = ['app', 'cache']\n"
        "max-ttl = { 'app' = '1h' }\n")
    (tmp_path / "myapp" / "legacy" / "redis-lint.toml").write_text("ignore = ['RDS1']\n")
    for folder in ("myapp", "myapp/legacy", "other"):
        (tmp_path / folder / "service.py").write_text(SERVICE)
    monkeypatch.chdir(tmp_path)
    return tmp_path


def check(*args: str) -> tuple[int, str]:
    result = CliRunner().invoke(cli, ["check", "-q", "--no-cache", *args], catch_exceptions=False)
    return result.exit_code, result.stdout


def codes_by_file(output: str) -> dict[str, list[str]]:
    found: dict[str, list[str]] = {}
    for line in output.splitlines():
        found.setdefault(line.split(":", 1)[0], []).append(line.split()[1])
    return found


def test_each_file_gets_the_nearest_configuration(tree: Path) -> None:
    by_file = codes_by_file(check("myapp", "other")[1])
    assert "myapp/service.py" not in by_file  # `app` allowed, and its max-ttl has no cache:user limit
    assert by_file["other/service.py"] == ["RDS203", "RDS102"]  # the defaults
    assert by_file["myapp/legacy/service.py"] == ["RDS203"]  # its own file: the defaults but RDS1


@pytest.mark.parametrize("args", [("myapp", "other"), ("myapp/service.py", "other/service.py", "myapp/legacy")])
def test_output_is_byte_identical_whatever_the_order(tree: Path, args: tuple[str, ...]) -> None:
    forward = check(*args)
    backward = check(*reversed(args))
    assert forward == backward
    assert forward[0] == 1 and forward[1]


def test_an_explicit_config_applies_to_every_file(tree: Path) -> None:
    (tree / "strict.toml").write_text("select = ['RDS203']\n")
    _, output = check("--config", "strict.toml", "other", "myapp")
    assert sorted(codes_by_file(output)) == ["myapp/legacy/service.py", "myapp/service.py", "other/service.py"]
    assert {code for codes in codes_by_file(output).values() for code in codes} == {"RDS203"}


def test_a_broken_nested_configuration_stops_the_run(tree: Path) -> None:
    (tree / "myapp" / "legacy" / "redis-lint.toml").write_text("ignore = ['RDS1'\n")
    result = CliRunner().invoke(cli, ["check", "other", "myapp"])
    assert result.exit_code == 2
    assert result.stderr.startswith(f"redis-lint: error: {tree / 'myapp' / 'legacy' / 'redis-lint.toml'}:1:17: "
                                    "invalid TOML: Unclosed array")
    assert "Traceback" not in result.output


def test_excludes_are_the_configuration_of_each_folder(tree: Path) -> None:
    (tree / "myapp" / "pyproject.toml").write_text("[tool.redis-lint]\nexclude = ['legacy']\n")
    (tree / "myapp" / "legacy" / "redis-lint.toml").unlink()
    (tree / "other" / "legacy").mkdir()
    (tree / "other" / "legacy" / "service.py").write_text(SERVICE)
    _, output = check("other", "myapp")
    assert sorted(codes_by_file(output)) == ["myapp/service.py", "other/legacy/service.py", "other/service.py"]


def test_the_lookup_is_cached_per_folder(tree: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from redis_lint.config import resolve

    looked: list[Path] = []
    original = resolve.config_in_folder
    monkeypatch.setattr(resolve, "config_in_folder", lambda folder: looked.append(folder) or original(folder))
    configs = Configurations()
    for _ in range(3):
        assert configs.for_file(tree / "myapp" / "a" / "b.py").source == tree / "myapp" / "pyproject.toml"
        assert configs.for_file(tree / "myapp" / "c.py").source == tree / "myapp" / "pyproject.toml"
    assert len(looked) == len(set(looked))


def test_the_editor_and_flake8_adapters_use_the_same_lookup(tree: Path) -> None:
    config = session.config_for(tree / "myapp" / "legacy")
    assert not isinstance(config, ConfigError)
    assert config.source == tree / "myapp" / "legacy" / "redis-lint.toml"
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "RDS", "other", "myapp"],
                            capture_output=True, text=True, timeout=300)
    assert codes_by_file(result.stdout.replace("./", "")) == codes_by_file(check("myapp", "other")[1])
