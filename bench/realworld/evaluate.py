"""Accuracy of redis-lint on real code: published packages scored against hand labels.

    python bench/realworld/evaluate.py [--details] [--cache DIR] [--unseen | --fresh]

Downloads the pinned package versions named in labels/*.toml (`pip download
--no-deps`, into a temporary or --cache folder; no third-party source is kept
in the repository), lints each package's whole source tree (which must go
without an error), and compares the findings on the labelled files with the
labels: per code, true positives, false positives (a finding no label
expects, look-alikes included) and misses; and key-resolution coverage (the
share of call sites whose key a reader can resolve from the package's own
files for which redis-lint resolved a template).

The labels were written by reading the code, not by running the linter:
labels/README.md says how.  `--unseen` scores the packages of unseen/, labelled
the same way but never used while the analysis was built (until issue 15 read their misses);
`--fresh` those of fresh/, labelled after that and first looked at once it was done.
"""

from __future__ import annotations

import argparse
import sys
import tempfile
from collections import Counter
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent.parent))


from bench.corpus import FRESH_LABELS, LABELS, UNSEEN_LABELS, Package, fetch, label_files  # noqa: E402
from redis_lint.catalogue import ALL_CODES  # noqa: E402
from redis_lint.config import Config  # noqa: E402
from redis_lint.engine.linter import project_index  # noqa: E402
from redis_lint.engine.run import lint_paths  # noqa: E402
from redis_lint.rules.locks import is_lock_acquisition  # noqa: E402
from redis_lint.semantics.project import ProjectIndex  # noqa: E402

# The labels cover RDS101-RDS401, and RDS501 and RDS601 from a second pass (labels/README.md);
# findings of the other rules are not scored.
SCORED_CODES = tuple(c for c in ALL_CODES if "RDS101" <= c <= "RDS401" or c in ("RDS501", "RDS601"))


@dataclass
class Score:
    true: Counter[str] = field(default_factory=Counter)
    false: Counter[str] = field(default_factory=Counter)
    missed: Counter[str] = field(default_factory=Counter)
    resolvable: int = 0
    resolved: int = 0
    locks: int = 0  # lock acquisitions in the labelled files (RDS501's ground to flag on)
    sites: int = 0
    errors: list[str] = field(default_factory=list)
    details: list[str] = field(default_factory=list)
    by_package: dict[str, Counter[str]] = field(default_factory=dict)  # "TP", "FP", "FN" per package


def evaluate(package: Package, root: Path, score: Score) -> None:
    config = Config(root=root)
    run = lint_paths([root], config)
    for finding in run.findings:
        if finding.code == "RDS000":
            score.errors.append(f"{package.name}: {finding.path}:{finding.line}: {finding.message}")
    score.errors.extend(f"{package.name}: {problem}" for problem in run.problems)

    labelled = set(package.files)
    uses: set[tuple[str, int, str]] = set()
    builders: set[tuple[str, int, str]] = set()
    for f in run.findings:
        file = Path(f.path).absolute().relative_to(root).as_posix()
        if f.code not in SCORED_CODES or file not in labelled:
            continue
        # labels name the calls: a key finding counts at every call it names (its related locations)
        uses.update((file, r.line, f.code) for r in f.related)
        (builders if f.related else uses).add((file, f.line, f.code))
    project = project_index(config)  # one index for the three readings below: each file parsed once
    site_lines = {(s["file"], s["line"]) for s in package.sites}
    # where a key is built (a constant, a helper) is no call of its own unless it is one
    found = _at_call_starts(uses, package, root, project) | {
        item for item in _at_call_starts(builders, package, root, project) if item[:2] in site_lines}
    expected = {(s["file"], s["line"], code) for s in package.sites for code in s["codes"]}
    calls = {(s["file"], s["line"]): s["call"] for s in package.sites}
    counts = score.by_package.setdefault(package.name, Counter())
    for file, line, code in sorted(found | expected):
        where = f"{package.name}: {file}:{line} {code}  {calls.get((file, line), '(no label at this line)')}"
        if (file, line, code) in found and (file, line, code) in expected:
            score.true[code] += 1
            counts["TP"] += 1
        elif (file, line, code) in found:
            score.false[code] += 1
            counts["FP"] += 1
            score.details.append(f"FP {where}")
        else:
            score.missed[code] += 1
            counts["FN"] += 1
            score.details.append(f"FN {where}")
    score.sites += len(package.sites)
    _key_coverage(package, root, project, score)
    _count_locks(package, root, project, score)


def _at_call_starts(found: set[tuple[str, int, str]], package: Package, root: Path,
                    project: ProjectIndex) -> set[tuple[str, int, str]]:
    """Labels name the line where a call starts; a key rule points at the key argument, which
    may sit on a later line of the same call.  Move such findings to the call's first line."""
    site_lines = {(s["file"], s["line"]) for s in package.sites}
    spans: dict[str, list[tuple[int, int]]] = {}
    moved = set()
    for file, line, code in found:
        if (file, line) not in site_lines:
            if file not in spans:
                model = project.model_for(root / file)
                positions = model.index.positions if model is not None else {}
                spans[file] = [(positions[c].start.line, positions[c].end.line) for c, _ in model.calls] if model else []
            starts = [start for start, end in spans[file] if start < line <= end and (file, start) in site_lines]
            if starts:
                line = max(starts)  # the innermost call that starts on a labelled line
        moved.add((file, line, code))
    return moved


def _key_coverage(package: Package, root: Path, project: ProjectIndex, score: Score) -> None:
    """Of the sites whose key a reader resolves, how many did redis-lint resolve to a template?"""
    by_file: dict[str, list[dict]] = {}
    for site in package.sites:
        if site.get("key") == "resolvable" and site.get("kind") == "redis":
            by_file.setdefault(site["file"], []).append(site)
    for file, sites in by_file.items():
        model = project.model_for(root / file)
        resolved_lines = set()
        if model is not None:
            positions = model.index.positions
            for command in model.commands:
                if any(key.template is not None and key.template.checkable for key in command.keys):
                    resolved_lines.add(positions[command.node].start.line)
        for site in sites:
            score.resolvable += 1
            if site["line"] in resolved_lines:
                score.resolved += 1
            else:
                score.details.append(f"KEY {package.name}: {file}:{site['line']} {site['call']}  (reader: {site.get('template')})")


def _count_locks(package: Package, root: Path, project: ProjectIndex, score: Score) -> None:
    """How many locks the labelled files take (set(..., nx=True), setnx, lock()): where RDS501 could
    be wrong, so that a row of zeros says "nothing to find, nothing wrongly found"."""
    for file in package.files:
        model = project.model_for(root / file)
        if model is not None:
            score.locks += sum(1 for c in model.commands if is_lock_acquisition(c) or c.method in ("setnx", "lock"))


def ratio(part: int, whole: int) -> str:
    return f"{part / whole:.3f}" if whole else "  n/a"


def report(score: Score, packages: list[Package]) -> str:
    lines = [f"{len(packages)} packages, {score.sites} labelled sites", "",
             "code      TP   FP   FN  precision  recall"]
    for code in SCORED_CODES:
        tp, fp, fn = score.true[code], score.false[code], score.missed[code]
        if tp + fp + fn or code == "RDS501":
            lines.append(f"{code}  {tp:4} {fp:4} {fn:4}  {ratio(tp, tp + fp):>9}  {ratio(tp, tp + fn):>6}")
    tp, fp, fn = sum(score.true.values()), sum(score.false.values()), sum(score.missed.values())
    lines.append(f"overall {tp:4} {fp:4} {fn:4}  {ratio(tp, tp + fp):>9}  {ratio(tp, tp + fn):>6}")
    lines += ["", "package                TP   FP   FN  precision  recall"]
    for name, counts in sorted(score.by_package.items()):
        tp, fp, fn = counts["TP"], counts["FP"], counts["FN"]
        lines.append(f"{name:20} {tp:4} {fp:4} {fn:4}  {ratio(tp, tp + fp):>9}  {ratio(tp, tp + fn):>6}")
    lines += ["", f"key resolution coverage: {ratio(score.resolved, score.resolvable)} "
                  f"({score.resolved} of {score.resolvable} sites whose key a reader resolves)"]
    lines.append(f"lock acquisitions in the labelled files: {score.locks} (each one a chance for an RDS501 false positive)")
    lines.append(f"errors while linting the whole packages: {len(score.errors)}")
    lines += [f"  {e}" for e in score.errors]
    return "\n".join(lines)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--details", action="store_true", help="list every false positive, miss and unresolved key")
    parser.add_argument("--cache", type=Path, help="keep downloads here between runs")
    chosen = parser.add_mutually_exclusive_group()
    chosen.add_argument("--unseen", action="store_true",
                        help="score the packages labelled for issue 15 before it changed the analysis (realworld/unseen/)")
    chosen.add_argument("--fresh", action="store_true",
                        help="score the packages first looked at after issue 15's inference was built (realworld/fresh/)")
    options = parser.parse_args()
    folder = UNSEEN_LABELS if options.unseen else FRESH_LABELS if options.fresh else LABELS
    packages = [Package.load(p) for p in label_files(folder)]
    score = Score()
    with tempfile.TemporaryDirectory(prefix="redis-lint-realworld-") as temporary:
        cache = options.cache or Path(temporary)
        for package in packages:
            evaluate(package, fetch(package, cache.absolute()), score)
    print(report(score, packages))
    if options.details:
        print("\n" + "\n".join(score.details))


if __name__ == "__main__":
    main()
