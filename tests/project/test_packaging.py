"""The package as users get it: a wheel that carries the rule pages, installed
into a fresh virtualenv, gives the pinned findings and explains rules."""

from __future__ import annotations

import subprocess
import sys
import venv
import zipfile
from pathlib import Path

import pytest

from redis_lint.catalogue import ALL_CODES
from tests.conftest import REPO
from tests.end_to_end.test_fixtures import PINNED

pytestmark = pytest.mark.slow  # builds and installs the wheel


@pytest.fixture(scope="module")
def wheel(tmp_path_factory: pytest.TempPathFactory) -> Path:
    out = tmp_path_factory.mktemp("wheel")
    subprocess.run(
        [sys.executable, "-m", "pip", "wheel", "--no-deps", "--no-build-isolation", "-q", "-w", str(out), str(REPO)],
        check=True, timeout=300,
    )
    [built] = out.glob("redis_lint-*.whl")
    return built


def test_wheel_carries_the_rule_pages_and_entry_points(wheel: Path) -> None:
    names = zipfile.ZipFile(wheel).namelist()
    for code in ALL_CODES:
        assert f"redis_lint/rule_pages/{code}.md" in names
    entry_points = next(n for n in names if n.endswith("entry_points.txt"))
    text = zipfile.ZipFile(wheel).read(entry_points).decode()
    assert "redis-lint = redis_lint.cli:main" in text
    assert "RDS = redis_lint.flake8_plugin:RedisLintPlugin" in text


def test_fresh_virtualenv_install(wheel: Path, tmp_path: Path) -> None:
    env = tmp_path / "venv"
    venv.create(env, with_pip=True)
    subprocess.run([env / "bin" / "pip", "install", "-q", str(wheel)], check=True, timeout=600)
    command = env / "bin" / "redis-lint"

    result = subprocess.run([command, "check", "-q", "."], cwd=REPO / "fixtures" / "violating_service",
                            capture_output=True, text=True, timeout=120)
    assert result.returncode == 1
    assert [f"{line.split(': ')[0]} {line.split(': ')[1].split()[0]}" for line in result.stdout.splitlines()] == PINNED

    explained = subprocess.run([command, "explain", "RDS203"], cwd=tmp_path, capture_output=True, text=True, timeout=60)
    assert explained.stdout.strip() == (REPO / "rules" / "RDS203.md").read_text().strip()
