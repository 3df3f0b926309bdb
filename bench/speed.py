"""How fast redis-lint is, next to ruff, flake8 and Fixit on the same files, in one run.

    python bench/speed.py [--runs N] [--cache DIR]

Fetches the corpora from the package registry (bench/corpus.py: Django's sdist, the large
project that barely uses Redis; the Redis-heavy packages of the accuracy evaluation), installs
the peers into a virtualenv of their own (so that flake8 "without the plugin" really runs
without it), then times whole processes side by side, N runs each, and prints medians, ratios
and peak memory (of the process and the children it waited for).  Run it from the repository
with the development environment: `.venv/bin/python bench/speed.py`.
"""

from __future__ import annotations

import argparse
import os
import platform
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
import venv
from dataclasses import dataclass
from pathlib import Path

HERE = Path(__file__).resolve().parent
sys.path.insert(0, str(HERE.parent))

from bench.corpus import django, redis_heavy  # noqa: E402

PEERS = ("ruff==0.17.6", "flake8==7.5.0", "fixit==2.2.1")


@dataclass
class Timing:
    label: str
    seconds: float  # median wall time
    peak_mib: float  # largest resident set of the process or a child it waited for


def measure(label: str, command: list[str], runs: int, cwd: Path, env: dict[str, str] | None = None,
            prepare: list[str] | None = None) -> Timing:
    """The median of `runs` runs of `command` (after `prepare`, untimed, before each run)."""
    times, peaks = [], []
    for _ in range(runs):
        if prepare:
            subprocess.run(prepare, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)
        start = time.perf_counter()
        process = subprocess.Popen(command, cwd=cwd, env={**os.environ, **(env or {})},
                                   stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        _, status, usage = os.wait4(process.pid, 0)
        times.append(time.perf_counter() - start)
        peaks.append(usage.ru_maxrss / 1024)  # KiB on Linux
        process.returncode = os.waitstatus_to_exitcode(status)
    timing = Timing(label, statistics.median(times), max(peaks))
    print(f"  {label:<48} {timing.seconds:8.2f} s  {timing.peak_mib:7.0f} MiB", flush=True)
    return timing


def peers_venv(folder: Path) -> Path:
    bin_dir = folder / "bin"
    if not (bin_dir / "fixit").exists():
        venv.create(folder, with_pip=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *PEERS], check=True)
    return bin_dir


def relint_one_file(roots: list[Path], runs: int) -> float:
    """Milliseconds to lint a ~2,000-line Redis-heavy file again after an edit, in a process whose
    project index is warm (the language server's case)."""
    sys.path.insert(0, str(HERE.parent))
    from redis_lint.config import Config
    from redis_lint.engine.linter import lint_source, project_index

    root, target = min(((root, f) for root in roots for f in root.rglob("*.py") if b"import redis" in f.read_bytes()),
                       key=lambda pair: abs(pair[1].read_bytes().count(b"\n") - 2000))
    config = Config(root=root)
    project = project_index(config)
    source = target.read_text(encoding="utf-8")
    lint_source(source, path=target, display=str(target), config=config, project=project)  # warm the index
    times = []
    for run in range(runs):
        edited = source + f"\n# edit {run}\n"
        start = time.perf_counter()
        lint_source(edited, path=target, display=str(target), config=config, project=project)
        times.append(time.perf_counter() - start)
    lines = source.count("\n")
    milliseconds = statistics.median(times) * 1000
    print(f"  re-lint {target.relative_to(root.parent)} ({lines} lines) {milliseconds:8.0f} ms", flush=True)
    return milliseconds


def verify_prefilter(cache: Path | None) -> None:
    """Every Redis-heavy package, linted with and without the prefilter: the findings must be the same."""
    from redis_lint.config import Config
    from redis_lint.engine.run import default_jobs, lint_paths

    with tempfile.TemporaryDirectory(prefix="redis-lint-bench-") as temporary:
        for root in redis_heavy(((cache or Path(temporary)) / "corpus").absolute()):
            config = Config(root=root)
            filtered = lint_paths([root], config, jobs=default_jobs())
            same = filtered.findings == lint_paths([root], config, jobs=default_jobs(), prefilter=False).findings
            print(f"{root.name:<28} {filtered.analysed:4} of {filtered.files:4} files analysed  "
                  f"{'same findings' if same else 'DIFFERENT FINDINGS'}", flush=True)
            if not same:
                sys.exit(1)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3)
    parser.add_argument("--cache", type=Path, help="keep downloads and the peers' virtualenv here")
    parser.add_argument("--verify", action="store_true",
                        help="instead of timing: check that the prefilter changes no finding on the whole corpus")
    options = parser.parse_args()
    if options.verify:
        verify_prefilter(options.cache)
        return
    python = Path(sys.executable)
    redis_lint = [str(python), "-m", "redis_lint", "check", "--quiet", "--exit-zero"]
    with tempfile.TemporaryDirectory(prefix="redis-lint-bench-") as temporary:
        work = (options.cache or Path(temporary)).absolute()
        print("Fetching the corpora and the peers ...", flush=True)
        heavy = redis_heavy(work / "corpus")
        large = django(work / "corpus")
        peers = peers_venv(work / "peers")
        heavy_dir = heavy[0].parent
        heavy_names = [p.name for p in heavy]
        heavy_files = [f for p in heavy for f in p.rglob("*.py")]
        cache_dir = work / "redis-lint-cache"
        clear_cache = [sys.executable, "-c", f"import shutil; shutil.rmtree({str(cache_dir)!r}, True)"]
        parse_only = [str(python), "-c", "import sys, libcst\nfor p in sys.argv[1:]:\n"
                      "    try: libcst.parse_module(open(p, 'rb').read())\n    except Exception: pass",
                      *map(str, heavy_files)]
        runs = options.runs
        lines = sum(f.read_bytes().count(b"\n") for f in heavy_files)
        large_lines = sum(f.read_bytes().count(b"\n") for f in large.rglob("*.py"))
        print(f"\nMachine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}")

        print(f"\nDjango {large.name} ({large_lines:,} lines of Python):", flush=True)
        d = {t.label: t for t in [
            measure("redis-lint cold", [*redis_lint, "--no-cache", "."], runs, large),
            measure("ruff cold", [str(peers / "ruff"), "check", "--no-cache", "--isolated", "--exit-zero", "-q", "."],
                    runs, large),
            measure("flake8 -j2 without the plugin", [str(peers / "flake8"), "-j2", "--exit-zero", "."], runs, large),
            measure("flake8 -j2 with the plugin", [str(python), "-m", "flake8", "-j2", "--exit-zero", "."], runs, large,
                    env={"REDIS_LINT_CACHE_DIR": str(cache_dir)}, prepare=clear_cache),
        ]}

        print(f"\nRedis-heavy corpus ({len(heavy)} packages, {len(heavy_files)} files, {lines:,} lines):", flush=True)
        h = {t.label: t for t in [
            measure("redis-lint cold", [*redis_lint, "--no-cache", *heavy_names], runs, heavy_dir),
            measure("redis-lint cold, -j 1", [*redis_lint, "--no-cache", "-j", "1", *heavy_names], runs, heavy_dir),
            measure("redis-lint warm cache", [*redis_lint, "--cache-dir", str(cache_dir), *heavy_names], runs,
                    heavy_dir, prepare=[*redis_lint, "--cache-dir", str(cache_dir), *heavy_names]),
            measure("ruff cold", [str(peers / "ruff"), "check", "--no-cache", "--isolated", "--exit-zero", "-q",
                                  *heavy_names], runs, heavy_dir),
            measure("flake8 -j2 without the plugin", [str(peers / "flake8"), "-j2", "--exit-zero", *heavy_names],
                    runs, heavy_dir),
            measure("flake8 -j2 with the plugin", [str(python), "-m", "flake8", "-j2", "--exit-zero", *heavy_names],
                    runs, heavy_dir, env={"REDIS_LINT_CACHE_DIR": str(cache_dir)}, prepare=clear_cache),
            measure("Fixit (default rules)", [str(peers / "fixit"), "lint", *heavy_names], runs, heavy_dir),
            measure("libcst parse only", parse_only, runs, heavy_dir),
        ]}
        print("\nIn process:", flush=True)
        relint = relint_one_file(heavy, max(5, runs))
        shutil.rmtree(cache_dir, ignore_errors=True)

    rows = [
        ("redis-lint cold / ruff cold, Django", d["redis-lint cold"].seconds / d["ruff cold"].seconds, "<= 1.0"),
        ("redis-lint cold / flake8 -j2, Redis-heavy",
         h["redis-lint cold"].seconds / h["flake8 -j2 without the plugin"].seconds, "<= 0.5"),
        ("redis-lint cold / Fixit, Redis-heavy", h["redis-lint cold"].seconds / h["Fixit (default rules)"].seconds,
         "<= 0.05"),
        ("redis-lint warm / ruff cold, Redis-heavy", h["redis-lint warm cache"].seconds / h["ruff cold"].seconds,
         "<= 1.0"),
        ("flake8 -j2 with plugin / without, Django",
         d["flake8 -j2 with the plugin"].seconds / d["flake8 -j2 without the plugin"].seconds, "<= 1.05"),
    ]
    print("\n| measure | ratio | target |\n| --- | ---: | --- |")
    for label, ratio, target in rows:
        print(f"| {label} | {ratio:.2f} | {target} |")
    print(f"| re-lint of one ~2,000-line Redis-heavy file, in process | {relint:.0f} ms | <= 150 ms |")
    print(f"| peak memory, redis-lint -j 1, Redis-heavy corpus | {h['redis-lint cold, -j 1'].peak_mib:.0f} MiB "
          "| <= 150 MiB |")


if __name__ == "__main__":
    main()
