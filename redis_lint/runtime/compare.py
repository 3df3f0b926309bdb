"""Static against runtime findings: confirmed, static only, and runtime only.

Static against runtime findings: which the runtime confirmed, which only the
static analyzer reported, and which only the runtime saw (static misses).

A runtime finding matches a static one with the same code in the same file
whose line, or the line of one of its related locations, falls within the
runtime call's lines (a call may span several lines, and the static rules
point at the argument that is wrong; a key-naming finding points where the key
is built and names the calls that use it as related locations).

A key-naming finding is about a key, not a line: one the runtime reports where
a command sends it also matches a static one of the same code, anywhere in the
paths compared, whose key template covers the key sent (`redlock:{value}`,
reported where a class builds its keys, covers `redlock:printer`, sent from
wherever an instance of it is used): fixing the template fixes what was sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

import re

from redis_lint.findings import Finding
from redis_lint.rulebook.keys import NAMING_CODES, named_key
from redis_lint.runtime.observed import RuntimeFinding


@dataclass
class Comparison:
    matched: list[tuple[Finding, RuntimeFinding]] = field(default_factory=list)
    # every runtime finding a static one also reports (several may confirm one static finding:
    # a key reported where it is built, sent from many calls)
    runtime_matched: list[RuntimeFinding] = field(default_factory=list)
    static_only: list[Finding] = field(default_factory=list)
    runtime_only: list[RuntimeFinding] = field(default_factory=list)
    # seen in files outside the paths compared (a test framework's own code, calling a bound
    # method it was handed): no static analysis of those paths could report them, so not counted
    outside: list[RuntimeFinding] = field(default_factory=list)
    runtime_total: int = 0
    static_total: int = 0

    @property
    def recall(self) -> float | None:
        """Share of runtime findings the static analyzer also reported."""
        if not self.runtime_total:
            return None
        return (self.runtime_total - len(self.runtime_only)) / self.runtime_total

    def as_dict(self) -> dict[str, object]:
        return {
            "matched": [{"static": s.as_dict(), "runtime": r.as_dict()} for s, r in self.matched],
            "runtime_matched": [r.as_dict() for r in self.runtime_matched],
            "static_only": [s.as_dict() for s in self.static_only],
            "runtime_only": [r.as_dict() for r in self.runtime_only],
            "outside": [r.as_dict() for r in self.outside],
            "counts": {"static": self.static_total, "runtime": self.runtime_total, "matched": len(self.matched),
                       "static_only": len(self.static_only), "runtime_only": len(self.runtime_only),
                       "outside": len(self.outside)},
            "static_recall": self.recall,
        }


def _where(path: str) -> Path:
    return Path(path).absolute()


def compare(static: list[Finding], runtime: list[RuntimeFinding], within: list[Path] | None = None) -> Comparison:
    """`within`: the paths the static findings are of; a runtime finding elsewhere is set apart."""
    roots = [p.absolute() for p in within] if within is not None else None
    outside = [r for r in runtime if roots is not None and not any(_under(_where(r.path), root) for root in roots)]
    runtime = [r for r in runtime if r not in outside]
    result = Comparison(runtime_total=len(runtime), static_total=len(static), outside=outside)
    by_file: dict[tuple[Path, str], list[Finding]] = {}
    for finding in static:
        by_file.setdefault((_where(finding.path), finding.code), []).append(finding)
    confirmed: set[int] = set()
    for observed in runtime:
        candidates = by_file.get((_where(observed.path), observed.code), [])
        last = max(observed.end_line, observed.line)
        hits = [s for s in candidates if any(observed.line <= line <= last for line in _lines(s))]
        if not hits and observed.code in NAMING_CODES:
            hits = _covering(observed, [s for s in static if s.code == observed.code])[:1]
        if not hits:
            result.runtime_only.append(observed)
        else:
            result.runtime_matched.append(observed)
        for hit in hits:
            if id(hit) not in confirmed:
                confirmed.add(id(hit))
                result.matched.append((hit, observed))
    result.static_only = [s for s in static if id(s) not in confirmed]
    return result


def _covering(observed: RuntimeFinding, static: list[Finding]) -> list[Finding]:
    """The static findings whose key template covers the key a runtime finding is about: the
    same literal text, each placeholder standing for any text (a template that starts with one
    is never judged, so none covers every key)."""
    sent = observed.example_key or named_key(observed.message)
    if sent is None:
        return []
    found = []
    for finding in static:
        template = named_key(finding.message)
        literals = re.split(r"\{[^{}]*\}", template) if template else [""]
        if literals[0] and re.fullmatch(".+?".join(map(re.escape, literals)), sent):
            found.append(finding)
    return found


def _under(path: Path, root: Path) -> bool:
    return path == root or root in path.parents


def _lines(finding: Finding) -> list[int]:
    return [finding.line, *(related.line for related in finding.related)]


def report(comparison: Comparison) -> str:
    def percent(part: int, whole: int) -> str:
        return f"{100 * part / whole:.1f}%" if whole else "n/a"

    c = comparison
    matched_runtime = c.runtime_total - len(c.runtime_only)
    lines = [
        f"static findings:  {c.static_total}",
        f"runtime findings: {c.runtime_total}",
        f"  matched:        {matched_runtime} runtime findings, confirming {len(c.matched)} static ones",
        f"  runtime only:   {len(c.runtime_only)} (static analysis missed them)",
        f"  static only:    {len(c.static_only)} (not seen at run time: not exercised, dead code, or false positives)",
        f"static recall on runtime findings: {percent(matched_runtime, c.runtime_total)}",
        f"static findings confirmed at run time: {percent(len(c.matched), c.static_total)}",
    ]
    if c.outside:
        lines.insert(5, f"  outside:        {len(c.outside)} seen in files outside the paths compared, not counted")
    if c.runtime_only:
        lines += ["", "Runtime only:"] + [f"  {r}" for r in c.runtime_only]
    if c.outside:
        lines += ["", "Outside the paths compared:"] + [f"  {r}" for r in c.outside]
    if c.static_only:
        lines += ["", "Static only:"] + [f"  {s}" for s in c.static_only]
    if c.matched:
        lines += ["", "Matched:"] + [f"  {s}" for s, _ in c.matched]
    return "\n".join(lines)
