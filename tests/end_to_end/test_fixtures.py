"""The fixtures: the violating service gives exactly its pinned findings, which
agree with the hand labels in its EXPECTED.md; the reference app is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redis_lint.config import load_config
from redis_lint.engine.run import lint_paths
from tests.conftest import REPO

VIOLATING = REPO / "fixtures" / "violating_service"
REFERENCE = REPO / "fixtures" / "reference_app"

PINNED = [
    "auth/service.py:27:25 RDS201",
    "auth/service.py:27:25 RDS203",
    "auth/service.py:35:31 RDS202",
    "auth/service.py:39:9 RDS101",
    "auth/service.py:47:33 RDS102",
    "auth/service.py:55:60 RDS102",
    "auth/service.py:59:9 RDS101",
    "auth/service.py:76:20 RDS101",
    "auth/service.py:79:64 RDS102",
    "auth/service.py:84:17 RDS303",
    "auth/service.py:93:5 RDS101",
    "broadcast/lock.py:32:21 RDS102",
    "broadcast/lock.py:56:75 RDS102",
    "broadcast/lock.py:72:21 RDS303",
    "broadcast/lock.py:82:9 RDS302",
    "broadcast/lock.py:86:33 RDS401",
    "notifications/queue.py:45:9 RDS101",
    "notifications/queue.py:54:9 RDS101",
    "notifications/queue.py:54:27 RDS203",
    "notifications/queue.py:78:20 RDS301",
    "notifications/queue.py:82:12 RDS401",
    "notifications/queue.py:91:11 RDS101",
    "redis_setup.py:12:8 RDS401",
    "redis_setup.py:13:10 RDS401",
    "redis_setup.py:18:5 RDS304",
    "redis_setup.py:23:5 RDS302",
    "users/service.py:14:19 RDS201",  # LEADERBOARD_KEY, where the key is built (used on line 140)
    "users/service.py:14:19 RDS203",
    "users/service.py:78:77 RDS102",
    "users/service.py:81:9 RDS101",
    "users/service.py:81:26 RDS202",
    "users/service.py:84:25 RDS201",
    "users/service.py:102:13 RDS101",
    "users/service.py:106:17 RDS301",
    "users/service.py:115:16 RDS304",
    "users/service.py:127:31 RDS201",
    "users/service.py:131:20 RDS101",
    "users/service.py:131:37 RDS201",
    "users/service.py:131:37 RDS203",
    "users/service.py:134:9 RDS101",
    "users/service.py:137:25 RDS201",
    "users/service.py:140:9 RDS101",
    "users/service.py:144:14 RDS401",
]


def findings_in(folder: Path, monkeypatch: pytest.MonkeyPatch) -> list[str]:
    monkeypatch.chdir(folder)
    run = lint_paths([Path(".")], load_config(start=Path(".")))
    assert run.problems == []
    return [f"{f.path}:{f.line}:{f.column} {f.code}" for f in run.findings]


def test_violating_service_gives_the_pinned_findings(monkeypatch: pytest.MonkeyPatch) -> None:
    assert findings_in(VIOLATING, monkeypatch) == PINNED


def test_pinned_findings_agree_with_the_hand_labels() -> None:
    labels = re.findall(r"^(\S+\.py):(\d+) (RDS\d{3})", (VIOLATING / "EXPECTED.md").read_text(), re.M)
    pinned = [re.match(r"(\S+\.py):(\d+):\d+ (RDS\d{3})", p).groups() for p in PINNED]  # type: ignore[union-attr]
    assert sorted(labels) == sorted(pinned)


def test_must_stay_clean_lines_are_clean() -> None:
    text = (VIOLATING / "EXPECTED.md").read_text()
    clean = re.findall(r"^(\S+\.py):(\d+)\s+--", text.split("## Must stay clean", 1)[1], re.M)
    assert clean
    flagged = {(p.split(":")[0], p.split(":")[1]) for p in PINNED}
    assert not flagged & set(clean)


def test_every_headline_rule_is_exercised() -> None:
    assert {p.split()[1] for p in PINNED} >= {
        "RDS101", "RDS102", "RDS201", "RDS202", "RDS203", "RDS301", "RDS302", "RDS303", "RDS304", "RDS401",
    }


def test_reference_app_is_clean(monkeypatch: pytest.MonkeyPatch) -> None:
    assert findings_in(REFERENCE, monkeypatch) == []
