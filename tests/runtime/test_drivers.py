"""The runtime on the fixtures: the drivers run them against a real server
under `redis-lint run`, and the comparison with the static findings is exact.

fixtures/drivers/README.md explains, finding by finding, why each static
finding of the violating service is also seen at run time.
"""

from __future__ import annotations

import json
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest

from redis_lint.config import load_config
from redis_lint.engine.run import lint_paths
from redis_lint.runtime.compare import compare
from redis_lint.runtime.runner import load_runtime_file
from tests.conftest import REPO, RedisServer, running_redis_server

pytestmark = pytest.mark.slow  # the fixture apps against a real redis-server

DRIVERS = REPO / "fixtures" / "drivers"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    # its own server: the violating service changes the server's configuration and flushes it
    with running_redis_server(tmp_path_factory.mktemp("drivers")) as server:
        yield server


def run_driver(name: str, server: RedisServer, output: Path) -> subprocess.CompletedProcess[str]:
    import redis

    redis.Redis(port=server.port).flushall()
    return subprocess.run(
        [sys.executable, "-m", "redis_lint", "run", "-q", "--output", str(output), "--",
         sys.executable, str(DRIVERS / f"{name}.py"), "--url", server.url],
        cwd=REPO, capture_output=True, text=True, timeout=300,
    )


def test_violating_service_runtime_findings_all_match_static_ones(server: RedisServer, tmp_path: Path) -> None:
    output = tmp_path / "rt.json"
    result = run_driver("violating_service", server, output)
    assert result.returncode == 1, result.stderr
    runtime = load_runtime_file(output)
    static = lint_paths([REPO / "fixtures" / "violating_service"], load_config(start=REPO)).findings
    comparison = compare(static, runtime)
    assert comparison.runtime_only == []  # static recall 100%
    assert comparison.static_only == []  # every static finding happened at run time
    assert len(comparison.matched) == len(static) == 43
    assert {f.code for f in runtime} == {"RDS101", "RDS102", "RDS201", "RDS202", "RDS203",
                                         "RDS301", "RDS302", "RDS303", "RDS304", "RDS401"}


def test_compare_command_on_the_fixtures(server: RedisServer, tmp_path: Path) -> None:
    output = tmp_path / "rt.json"
    run_driver("violating_service", server, output)
    result = subprocess.run([sys.executable, "-m", "redis_lint", "compare", "fixtures/", "--runtime", str(output)],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 0, result.stdout
    assert "static recall on runtime findings: 100.0%" in result.stdout


def test_reference_app_has_no_runtime_findings(server: RedisServer, tmp_path: Path) -> None:
    output = tmp_path / "rt.json"
    result = run_driver("reference_app", server, output)
    assert result.returncode == 0, result.stdout + result.stderr
    assert json.loads(output.read_text()) == []


def test_audit_after_the_violating_driver(server: RedisServer, tmp_path: Path) -> None:
    run_driver("violating_service", server, tmp_path / "rt.json")
    result = subprocess.run([sys.executable, "-m", "redis_lint", "audit", server.url, "--pause", "0", "--format",
                             "json"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1
    templates = {t["template"]: t for t in json.loads(result.stdout)["templates"]}
    without_ttl = {name for name, t in templates.items() if t["without_ttl"] and not t["persistent"]}
    assert {"cache:user:{n}:summary", "inbox:user:{n}", "users.leaderboard", "referral_uses:{n}"} <= without_ttl
    misnamed = {name for name, t in templates.items() if any(p[:6] in ("RDS201", "RDS202", "RDS203")
                                                             for p in t["problems"])}
    assert {"auth_token:{uuid}", "cache:user.avatar:{n}", "cache:user:{n}:notificationSettings",
            "inbox:user:{n}", "users.leaderboard"} <= misnamed
    assert templates["queue:notification:dead"]["problems"] == []  # persistent prefix


def test_fixed_copy_of_the_violating_service_still_runs(server: RedisServer, tmp_path: Path) -> None:
    import shutil

    copy = tmp_path / "violating_service"
    shutil.copytree(REPO / "fixtures" / "violating_service", copy)
    fixed = subprocess.run([sys.executable, "-m", "redis_lint", "check", "--fix", "--unsafe-fixes", "-q", "."],
                           cwd=copy, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in fixed.stderr
    remaining = subprocess.run([sys.executable, "-m", "redis_lint", "check", "--format", "json", "."],
                               cwd=copy, capture_output=True, text=True, timeout=300)
    findings = json.loads(remaining.stdout)
    assert findings and all(f["fix"] is None for f in findings)  # only findings without a fix are left
    before = lint_paths([REPO / "fixtures" / "violating_service"], load_config(start=REPO)).findings
    assert len(findings) < len(before)

    import os

    import redis

    redis.Redis(port=server.port).flushall()
    env = {**os.environ, "VIOLATING_SERVICE_DIR": str(copy)}
    driven = subprocess.run([sys.executable, str(DRIVERS / "violating_service.py"), "--url", server.url],
                            env=env, capture_output=True, text=True, timeout=300)
    assert driven.returncode == 0, driven.stdout[-2000:] + driven.stderr[-2000:]
