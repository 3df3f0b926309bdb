"""Each rule's fixture, checked against the expectations written in it and against its snapshot.

A rule's fixture is the folder tests/rules/fixtures/<code>/: the files of a small project (Python
files, redis.conf and compose files, and a pyproject.toml when the rule needs configuring or is
opt-in), linted as `redis-lint check` lints a folder, project-level rules included.  Expectations
are inline, as in flake8-bugbear: a line that must be reported ends with `# expect: RDS301`
(several codes separated by commas); in redis.conf files, where a comment cannot follow a
directive, a comment line `# expect-next: RDS801` expects the line after it, and a comment on the
first line also expects what is reported of the file as a whole (at line 1).  Every other line
must be clean.

The snapshot tests/rules/snapshots/<code>.txt holds, for the same run, each finding exactly as
reported (span, code, message, fix and its applicability, related locations) and the diff that
`--fix --unsafe-fixes` makes of each Python file.  After a deliberate change to a message or a
fix, rewrite the snapshots and review their diff:

    REDIS_LINT_UPDATE_SNAPSHOTS=1 .venv/bin/python -m pytest tests/rules/test_rule_fixtures.py
"""

from __future__ import annotations

import os
import re
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest

from redis_lint.catalogue import ALL_CODES
from redis_lint.config import Config, load_config
from redis_lint.engine.fixes import fix_file
from redis_lint.engine.run import lint_paths
from redis_lint.findings import Finding

HERE = Path(__file__).resolve().parent
FIXTURES = HERE / "fixtures"
SNAPSHOTS = HERE / "snapshots"
UPDATE = os.environ.get("REDIS_LINT_UPDATE_SNAPSHOTS") == "1"
_EXPECT = re.compile(r"#\s*expect(?P<next>-next)?:\s*(?P<codes>RDS\d{3}(?:\s*,\s*RDS\d{3})*)")
_CODES = sorted(p.name for p in FIXTURES.iterdir() if p.is_dir()) if FIXTURES.is_dir() else []


@contextmanager
def _inside(folder: Path) -> Iterator[None]:
    """Display paths are relative to the working directory: the fixture's folder."""
    before = os.getcwd()
    os.chdir(folder)
    try:
        yield
    finally:
        os.chdir(before)


def config_of(folder: Path) -> Config:
    pyproject = folder / "pyproject.toml"
    return load_config(pyproject) if pyproject.exists() else Config(root=folder)


def run_fixture(folder: Path) -> list[Finding]:
    with _inside(folder):
        return lint_paths([folder], config_of(folder), prefilter=False).findings


def _files(folder: Path) -> list[Path]:
    return sorted(p for p in folder.rglob("*") if p.is_file() and p.name != "pyproject.toml")


def expected(folder: Path) -> list[tuple[str, int, str]]:
    """(path, line, code) for every expectation written in the fixture's files."""
    found = []
    for path in _files(folder):
        for number, line in enumerate(path.read_text(encoding="utf-8").split("\n"), start=1):
            match = _EXPECT.search(line)
            if match:
                target = number + 1 if match["next"] else number
                found += [(path.relative_to(folder).as_posix(), target, code.strip())
                          for code in match["codes"].split(",")]
    return sorted(found)


def snapshot(folder: Path) -> str:
    config = config_of(folder)
    lines = []
    with _inside(folder):
        for f in lint_paths([folder], config, prefilter=False).findings:
            lines.append(f"{f.path}:{f.line}:{f.column}-{f.end_line}:{f.end_column} {f.code} {f.message}")
            if f.fix:
                lines.append(f"    fix ({'safe' if f.fix_safe else 'unsafe'}): {f.fix}")
            lines += [f"    related {r.line}:{r.column}-{r.end_line}:{r.end_column} {r.message}" for r in f.related]
        for path in _files(folder):
            if path.suffix == ".py":
                fixed = fix_file(path, config, unsafe=True)
                if fixed is not None and fixed.applied:
                    lines += ["", fixed.diff().rstrip("\n")]
    return "\n".join(lines) + "\n"


def test_every_rule_has_a_fixture() -> None:
    assert _CODES == sorted(ALL_CODES)


@pytest.mark.parametrize("code", _CODES)
def test_findings_are_the_inline_expectations(code: str) -> None:
    folder = FIXTURES / code
    wanted = expected(folder)
    assert code in {c for _, _, c in wanted}, f"the fixture of {code} expects no {code}"
    assert sorted((f.path, f.line, f.code) for f in run_fixture(folder)) == wanted


@pytest.mark.parametrize("code", _CODES)
def test_messages_and_fixes_match_the_snapshot(code: str) -> None:
    stored = SNAPSHOTS / f"{code}.txt"
    actual = snapshot(FIXTURES / code)
    if UPDATE:
        SNAPSHOTS.mkdir(exist_ok=True)
        stored.write_text(actual, encoding="utf-8")
    assert stored.exists(), f"no snapshot for {code}: run with REDIS_LINT_UPDATE_SNAPSHOTS=1 and review it"
    assert actual == stored.read_text(encoding="utf-8")
