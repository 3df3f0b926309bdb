"""The pre-commit hook, run by the real pre-commit against this repository."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

pytestmark = pytest.mark.slow  # the real pre-commit

VIOLATING = "import redis\n\n\ndef purge(r: redis.Redis) -> None:\n    r.flushall()\n"
FIXED = "import redis\n\n\ndef purge(r: redis.Redis) -> None:\n    r.delete('cache:user:1:profile')\n"


def git(*args: str, cwd: Path) -> None:
    subprocess.run(["git", *args], cwd=cwd, check=True, capture_output=True)


@pytest.fixture
def project(tmp_path: Path) -> Path:
    if shutil.which("git") is None:
        pytest.skip("git is not installed")
    folder = tmp_path / "project"
    folder.mkdir()
    git("init", "-q", cwd=folder)
    git("config", "user.email", "test@example.invalid", cwd=folder)
    git("config", "user.name", "test", cwd=folder)
    (folder / "svc.py").write_text(VIOLATING)
    git("add", "svc.py", cwd=folder)
    return folder


def try_repo(project: Path, home: Path) -> subprocess.CompletedProcess[str]:
    env = {**os.environ, "PRE_COMMIT_HOME": str(home)}
    return subprocess.run([sys.executable, "-m", "pre_commit", "try-repo", str(REPO), "redis-lint", "--all-files"],
                          cwd=project, env=env, capture_output=True, text=True, timeout=900)


def test_hook_fails_on_a_violation_and_passes_once_fixed(project: Path, tmp_path: Path) -> None:
    failed = try_repo(project, tmp_path / "cache")
    assert failed.returncode == 1, failed.stdout + failed.stderr
    assert "svc.py:5:5: RDS302" in failed.stdout
    (project / "svc.py").write_text(FIXED)
    git("add", "svc.py", cwd=project)
    passed = try_repo(project, tmp_path / "cache")
    assert passed.returncode == 0, passed.stdout + passed.stderr
    assert "Passed" in passed.stdout
