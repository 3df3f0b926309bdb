"""fixtures/violating_lifecycle gives exactly its pinned findings, which agree with the hand
labels of its EXPECTED.md; the reference app, its redis.conf included, is clean under the same
rules.  Both are linted as folders, as `redis-lint check` lints them, so that the
project-level rules run, and with their Redis server configurations."""

from __future__ import annotations

import json
import re
import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.config import load_config
from redis_lint.engine.discovery import discover
from redis_lint.engine.run import lint_paths
from redis_lint.findings import Finding
from redis_lint.redisconf import lint_server_config
from redis_lint.source.paths import display_path
from tests.conftest import REPO

VIOLATING = REPO / "fixtures" / "violating_lifecycle"
REFERENCE = REPO / "fixtures" / "reference_app"

PINNED = [
    "app.py:11:10 RDS403",
    "app.py:11:10 RDS404",
    "app.py:15:12 RDS403",
    "app.py:26:9 RDS402",
    "app.py:33:17 RDS402",
    "app.py:34:23 RDS601",
    "deploy/cache.redis.conf:1:1 RDS801",
    "deploy/cache.redis.conf:1:1 RDS805",
    "deploy/cache.redis.conf:2:1 RDS804",
    "deploy/cache.redis.conf:3:1 RDS803",
    "deploy/cache.redis.conf:5:1 RDS802",
    "deploy/queue.redis.conf:5:1 RDS806",
    "docker-compose.yml:7:5 RDS801",
    "docker-compose.yml:7:5 RDS803",
    "docker-compose.yml:7:5 RDS804",
    "docker-compose.yml:7:5 RDS805",
    "docker-compose.yml:9:9 RDS802",
    "docker-compose.yml:16:5 RDS803",
    "docker-compose.yml:16:5 RDS804",
    "docker-compose.yml:16:5 RDS805",
    "docker-compose.yml:16:14 RDS806",
    "web/views.py:26:15 RDS703",
    "web/views.py:39:13 RDS703",
    "web/views.py:51:13 RDS703",
    "web/views.py:59:13 RDS703",
    "web/views.py:63:9 RDS401",
    "web/views.py:63:9 RDS402",
    "web/views.py:71:24 RDS401",
]


def findings_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[Finding]:
    """The folder's findings: its Python (project-level rules included) and its server
    configurations.  A run's own server configuration findings are merged without duplicates,
    whether or not lint_paths already includes them."""
    monkeypatch.chdir(folder)
    config = load_config(start=Path("."))
    run = lint_paths([Path(".")], config)
    assert run.problems == []
    servers = {f for path in discover([Path(".")], config).server_configs
               for f in lint_server_config(path, display_path(path), config)}
    return sorted(set(run.findings) | servers, key=Finding.sort_key)


def test_violating_lifecycle_gives_the_pinned_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert [f"{f.path}:{f.line}:{f.column} {f.code}" for f in findings_in(VIOLATING, monkeypatch)] == PINNED


def test_pinned_findings_agree_with_the_hand_labels() -> None:
    text = (VIOLATING / "EXPECTED.md").read_text()
    labels = re.findall(r"^(\S+):(\d+) (RDS\d{3})", text.split("## Must stay clean")[0], re.M)
    pinned = [re.match(r"(\S+):(\d+):\d+ (RDS\d{3})", p).groups() for p in PINNED]  # type: ignore[union-attr]
    assert sorted(labels) == sorted(pinned)
    total = re.search(r"^(\d+) findings: (.*?)\n\n", text, re.M | re.S)
    assert total is not None and int(total[1]) == len(PINNED)
    counts = dict(re.findall(r"(RDS\d{3}) (\d+)", total[2]))
    assert {code: int(n) for code, n in counts.items()} == {
        code: sum(p.endswith(code) for p in PINNED) for code in {p.split()[1] for p in PINNED}}


def test_must_stay_clean_lines_are_clean() -> None:
    text = (VIOLATING / "EXPECTED.md").read_text()
    clean = re.findall(r"^(\S+):(\d+)\s+--", text.split("## Must stay clean", 1)[1], re.M)
    assert clean
    flagged = {tuple(p.split(":")[:2]) for p in PINNED}
    assert not flagged & set(clean)


def test_every_new_rule_is_exercised() -> None:
    assert {p.split()[1] for p in PINNED} >= {
        "RDS402", "RDS403", "RDS404", "RDS703", "RDS801", "RDS802", "RDS803", "RDS804", "RDS805", "RDS806"}


def test_the_reference_app_is_clean_with_its_configuration(monkeypatch: pytest.MonkeyPatch) -> None:
    config = load_config(start=REFERENCE)
    assert "RDS703" in config.extend_select and config.policy.request_paths
    assert discover([REFERENCE], config).server_configs == [REFERENCE / "redis.conf"]
    assert [str(f) for f in findings_in(REFERENCE, monkeypatch)] == []


def test_the_cli_reports_the_fixture() -> None:
    result = subprocess.run([sys.executable, "-m", "redis_lint", "check", "--no-cache", "--format", "json", "."],
                            cwd=VIOLATING, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    reported = {f"{f['path']}:{f['line']}:{f['column']} {f['code']}" for f in json.loads(result.stdout)}
    python = {p for p in PINNED if p.split(":")[0].endswith(".py")}
    assert python <= reported  # RDS403/RDS404 included: the CLI was given a folder
