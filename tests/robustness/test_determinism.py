"""Determinism: the same input gives byte-identical output, whatever the run: again, with
other `-j` settings, with the paths given in another order, under another hash seed (set
iteration order), from a cold or a warm cache."""

from __future__ import annotations

import os
import random
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # runs of the CLI in subprocesses, with worker processes

TIMEOUT = 300


@pytest.fixture(scope="module")
def service(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """A copy of the violating service, so that nothing the runs write lands in the repository."""
    copy = tmp_path_factory.mktemp("determinism") / "violating_service"
    shutil.copytree(REPO / "fixtures" / "violating_service", copy)
    return copy


def check(*args: str, cwd: Path, seed: int = 0) -> tuple[str, str, int]:
    env = {**os.environ, "PYTHONHASHSEED": str(seed)}
    result = subprocess.run([sys.executable, "-m", "redis_lint", "check", *args], cwd=cwd, env=env,
                            capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in result.stderr, result.stderr
    return result.stdout, result.stderr, result.returncode


def test_folders_in_any_order_and_any_jobs(service: Path) -> None:
    folders = sorted(p.name for p in service.iterdir() if p.is_dir())
    shuffled = folders[:]
    random.Random(5).shuffle(shuffled)
    baseline = check("--no-cache", "--format", "full", "-j", "1", *folders, cwd=service, seed=1)
    assert baseline[2] == 1 and baseline[0].count("RDS") >= 10
    for jobs, order, seed in (("2", folders[::-1], 2), ("2", shuffled, 3)):
        assert check("--no-cache", "--format", "full", "-j", jobs, *order, cwd=service, seed=seed) == baseline


def test_files_in_any_order_and_any_jobs(service: Path) -> None:
    files = sorted(p.relative_to(service).as_posix() for p in service.rglob("*.py"))
    baseline = check("--no-cache", "--format", "json", "-j", "2", *files, cwd=service, seed=1)
    assert baseline[2] == 1
    for jobs, order, seed in (("1", random.Random(7).sample(files, len(files)), 2),):
        assert check("--no-cache", "--format", "json", "-j", jobs, *order, cwd=service, seed=seed) == baseline


def test_a_cold_and_a_warm_cache_give_the_same_report(service: Path, tmp_path: Path) -> None:
    baseline = check("--no-cache", "--format", "sarif", ".", cwd=service, seed=1)
    cache = str(tmp_path / "cache")
    assert check("--cache-dir", cache, "--format", "sarif", ".", cwd=service, seed=2) == baseline  # cold
    assert check("--cache-dir", cache, "--format", "sarif", "-j", "1", ".", cwd=service, seed=3) == baseline  # warm
