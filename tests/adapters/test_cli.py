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
        "app/bad.py:4:5: RDS302 flushall() runs FLUSHALL, which empties every database of the server, not only "
        "the client's: "
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
        "name": "flush-command", "message": findings[0]["message"], "fix": None, "related": [], "evidence": None,
    }
    assert result.exit_code == 1


def test_a_client_known_by_its_use_says_why_in_every_format(project: Path) -> None:
    (project / "app" / "stats.py").write_text(
        "class Stats:\n    def __init__(self, backend):\n        self.backend = backend\n\n"
        "    def hit(self, name):\n        self.backend.hincrby('cache:stats:hits', name, 1)\n")
    why = "`self.backend`: used with hincrby in Stats"
    [finding] = json.loads(invoke("check", "--format", "json", "app/stats.py").stdout)
    assert (finding["code"], finding["evidence"]) == ("RDS101", why)
    assert f"(why a client: {why})" in invoke("check", "--format", "full", "app/stats.py").stdout
    assert f"(why a client: {why})" in invoke("check", "app/stats.py").stdout
    sarif = json.loads(invoke("check", "--format", "sarif", "app/stats.py").stdout)
    assert sarif["runs"][0]["results"][0]["properties"] == {"evidence": why}


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
    assert lines[0].split() == ["code", "name", "fix", "default", "summary"]
    assert [line.split()[0] for line in lines[1:]] == [rule.code for rule in RULES]
    assert lines[2].split()[:4] == ["RDS101", "missing-ttl", "unsafe", "on"]


def test_rules_marks_fixable_and_opt_in_rules() -> None:
    rows = {line.split()[0]: line.split()[2:4] for line in invoke("rules").stdout.splitlines()[1:]}
    assert {code for code, (fix, _) in rows.items() if fix == "unsafe"} == {"RDS101", "RDS202", "RDS501", "RDS503",
                                                                         "RDS702"}
    assert {code for code, (_, default) in rows.items() if default == "opt-in"} == {"RDS703", "RDS900"}
    assert set(fix for fix, _ in rows.values()) == {"unsafe", "-"}


@pytest.mark.parametrize("rule", RULES, ids=lambda rule: rule.code)
def test_a_rule_marked_fixable_is_the_one_its_page_says_is_fixed(rule) -> None:  # type: ignore[no-untyped-def]
    fix = (REPO / "rules" / f"{rule.code}.md").read_text().split("\n## Fix\n", 1)[1]
    assert (rule.fixable == "unsafe") == ("--fix --unsafe-fixes" in " ".join(fix.split()))


def test_explain_prints_the_rule_page() -> None:
    result = invoke("explain", "rds101")
    assert result.exit_code == 0
    assert result.stdout.startswith("# RDS101 missing-ttl")
    assert (REPO / "rules" / "RDS101.md").read_text().strip() == result.stdout.strip()


@pytest.mark.parametrize("name", ["missing-ttl", "MISSING-TTL", "missing_ttl", " missing-ttl "])
def test_explain_by_name(name: str) -> None:
    assert invoke("explain", name).stdout == invoke("explain", "RDS101").stdout


@pytest.mark.parametrize(("given", "said"), [
    ("RDS999", "unknown rule code 'RDS999'; `redis-lint rules` lists every rule"),
    ("mising-ttl", "unknown rule 'mising-ttl': did you mean missing-ttl (RDS101)? `redis-lint rules` lists every rule"),
    ("ttl", "unknown rule 'ttl': did you mean missing-ttl (RDS101) or ttl-over-policy (RDS102)? "
            "`redis-lint rules` lists every rule"),
    ("lock-release", "unknown rule 'lock-release': did you mean lock-unsafe-release (RDS502)? "
                     "`redis-lint rules` lists every rule"),
    ("banana", "unknown rule 'banana'; `redis-lint rules` lists every rule"),
])
def test_explain_unknown_rule(given: str, said: str) -> None:
    result = invoke("explain", given)
    assert result.exit_code == 2
    assert result.stderr == f"redis-lint: error: {said}\n"


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


def test_the_language_server_says_why_too() -> None:
    from redis_lint.findings import Finding
    from redis_lint.lsp import _diagnostic

    finding = Finding("app/stats.py", 6, 9, "RDS101", "hincrby() has no TTL", 6, 20, evidence="`c`: used with hset")
    diagnostic = _diagnostic(finding, "file:///app/stats.py")
    assert diagnostic.message == "hincrby() has no TTL (why a client: `c`: used with hset)"
    [related] = diagnostic.related_information or []
    assert (related.message, related.location.range.start.line, related.location.range.start.character) == (
        "why a client: `c`: used with hset", 5, 8)
