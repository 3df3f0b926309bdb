"""`compare` on findings made by hand: matching by line, and key-naming findings by the key."""

from __future__ import annotations

from redis_lint.findings import Finding
from redis_lint.runtime.compare import compare
from redis_lint.runtime.observed import RuntimeFinding


def static(path: str, line: int, code: str, key: str) -> Finding:
    return Finding(path, line, 5, code, f'key "{key}" has 2 segments: use at least three', line, 30)


def sent(path: str, line: int, code: str, key: str) -> RuntimeFinding:
    return RuntimeFinding(path, line, 9, code, f'key "{key}" has 2 segments: use at least three', line, 40,
                          example_key=key)


def test_a_runtime_key_finding_matches_the_static_one_whose_template_covers_its_key() -> None:
    built = static("lock.py", 12, "RDS201", "redlock:{value}")  # where the class builds its keys
    other = static("lock.py", 30, "RDS201", "{prefix}:x")  # starts with a placeholder: covers nothing
    runtime = [sent("tests/test_lock.py", 80, "RDS201", "redlock:printer"),
               sent("lock.py", 55, "RDS201", "redlock:{uuid}"),
               sent("tests/test_lock.py", 81, "RDS203", "redlock:printer"),  # another code
               sent("tests/test_lock.py", 82, "RDS201", "other:printer")]
    comparison = compare([built, other], runtime)
    assert [(r.line, r.code) for r in comparison.runtime_matched] == [(80, "RDS201"), (55, "RDS201")]
    assert [(r.line, r.code) for r in comparison.runtime_only] == [(81, "RDS203"), (82, "RDS201")]
    assert [s for s, _ in comparison.matched] == [built] and comparison.static_only == [other]
    assert comparison.recall == 0.5


def test_findings_of_other_rules_match_by_line_only() -> None:
    flushed = Finding("app.py", 7, 5, "RDS302", "flushdb() runs FLUSHDB", 7, 20)
    runtime = [RuntimeFinding("app.py", 7, 5, "RDS302", "FLUSHDB was sent", 7, 20),
               RuntimeFinding("app.py", 9, 5, "RDS302", "FLUSHDB was sent", 9, 20)]
    comparison = compare([flushed], runtime)
    assert [r.line for r in comparison.runtime_matched] == [7]
    assert [r.line for r in comparison.runtime_only] == [9]
