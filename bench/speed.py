"""How fast redis-lint is, next to ruff, flake8 and Fixit on the same files, in one run.

    python bench/speed.py [--runs N] [--cache DIR] [--only ROW,ROW...]

Fetches the corpora from the package registry (bench/corpus.py: Django's sdist, the large
project that barely uses Redis; the Redis-heavy packages of the accuracy evaluation) and
generates a 4,300-module application, installs the peers into a virtualenv of their own (so
that flake8 "without the plugin" really runs without it), then times whole processes side by
side, N runs each, and prints medians, peak memory (of the process and the children it waited
for) and one table: each measure of issue 14 with redis-lint's figure, the peer's, their ratio,
the target and whether it is met.  Only ratios of tools measured in the same run are compared.
Run it from the repository with the development environment: `.venv/bin/python bench/speed.py`.
"""

from __future__ import annotations

import argparse
import compileall
import json
import os
import platform
import queue
import shutil
import statistics
import subprocess
import sys
import tempfile
import threading
import time
import venv
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from functools import cached_property
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent
sys.path.insert(0, str(REPO))

from bench.corpus import django, redis_heavy, redis_sample, synthetic_app  # noqa: E402

PEERS = ("ruff==0.17.6", "flake8==7.5.0", "fixit==2.2.1")
PRECOMMIT_FILE = "django/core/cache/backends/redis.py"  # Django's Redis cache backend, 233 lines
LARGE_FILE = "tests/cache/tests.py"  # Django's cache tests, about 3,000 lines
EDITED_LINES = 1_200  # the editor row re-lints the Redis-heavy file closest to this length
PLAIN_FILE = "django/db/models/query.py"  # 2,764 lines that have nothing to do with Redis
SAMPLE_FILES = 233
CACHE_FOLDER = ".redis_lint_cache"  # redis_lint.engine.cache.DEFAULT_FOLDER


@dataclass
class Timing:
    label: str
    seconds: float  # median wall time
    peak_mib: float  # largest resident set of the process or a child it waited for


# Times a command and reads its peak memory from a small process of its own: Linux carries the
# resident size of the process that forks over into the child's ru_maxrss, and this one grows
# (the in-process rows load libcst and a project).
_TIMED = ("import json, os, subprocess, sys, time\n"
          "start = time.perf_counter()\n"
          "process = subprocess.Popen(sys.argv[1:], stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)\n"
          "_, status, usage = os.wait4(process.pid, 0)\n"
          "print(json.dumps([time.perf_counter() - start, usage.ru_maxrss, os.waitstatus_to_exitcode(status)]))\n")


def measure(label: str, command: list[str], runs: int, cwd: Path, env: dict[str, str] | None = None,
            prepare: Callable[[], object] | None = None) -> Timing:
    """The median of `runs` runs of `command` (after `prepare`, untimed, before each run)."""
    times, peaks = [], []
    for _ in range(runs):
        if prepare is not None:
            prepare()
        result = subprocess.run([sys.executable, "-c", _TIMED, *command], cwd=cwd, env={**os.environ, **(env or {})},
                                capture_output=True, text=True, check=True)
        seconds, peak_kib, code = json.loads(result.stdout)
        if code not in (0, 1):  # 1: findings (the pre-commit hook and flake8 on one file)
            print(f"  WARNING: {label}: exit status {code}")
        times.append(seconds)
        peaks.append(peak_kib / 1024)  # KiB on Linux
    timing = Timing(label, statistics.median(times), max(peaks))
    print(f"  {label:<72} {timing.seconds:8.2f} s  {timing.peak_mib:7.0f} MiB", flush=True)
    return timing


def peers_venv(folder: Path) -> Path:
    bin_dir = folder / "bin"
    if not (bin_dir / "fixit").exists():
        venv.create(folder, with_pip=True)
        subprocess.run([str(bin_dir / "python"), "-m", "pip", "install", "--quiet", *PEERS], check=True)
    return bin_dir


def run_command(command: list[str], cwd: Path | None = None) -> None:
    subprocess.run(command, cwd=cwd, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, check=False)


# -- in-process and language-server measures -------------------------------------


def relint_one_file(roots: list[Path], runs: int) -> tuple[float, str]:
    """Milliseconds to lint a Redis-heavy file of about 1,200 lines again after one edit, with the
    language server's warm state (the project index and prefilter of `redis_lint.engine.session`,
    after a first lint of the file)."""
    from redis_lint.config import Config
    from redis_lint.engine.linter import lint_source
    from redis_lint.engine.session import project_for

    root, target = min(((root, f) for root in roots for f in sorted(root.rglob("*.py"))
                        if b"import redis" in f.read_bytes()),
                       key=lambda pair: abs(pair[1].read_bytes().count(b"\n") - EDITED_LINES))
    config = Config(root=root)
    kept = (root / CACHE_FOLDER).exists()
    try:
        project = project_for(config)  # the session keeps the modules' summaries in the project's cache
        source = target.read_text(encoding="utf-8")
        lint_source(source, path=target, display=str(target), config=config, project=project)  # the file as opened
        times = []
        for run in range(runs):
            edited = source + f"\n# edit {run}\n"  # one edit: a line typed at the end
            start = time.perf_counter()
            lint_source(edited, path=target, display=str(target), config=config, project=project)
            times.append(time.perf_counter() - start)
    finally:
        if not kept:  # the corpus is left as it was found
            shutil.rmtree(root / CACHE_FOLDER, ignore_errors=True)
    milliseconds = statistics.median(times) * 1000
    what = f"{target.relative_to(root.parent)} ({source.count(chr(10)):,} lines)"
    print(f"  re-lint of {what} after one edit, in process {milliseconds:8.0f} ms", flush=True)
    return milliseconds, what


def _frame(payload: dict) -> bytes:
    body = json.dumps(payload).encode()
    return b"Content-Length: %d\r\n\r\n" % len(body) + body


def _read_frames(stream, messages: queue.Queue) -> None:  # type: ignore[no-untyped-def, type-arg]
    """LSP messages from the server's stdout (Content-Length framing) onto a queue; None at the end."""
    while True:
        length = None
        while True:
            line = stream.readline()
            if not line:
                messages.put(None)
                return
            if not line.strip():
                break
            name, _, value = line.partition(b":")
            if name.strip().lower() == b"content-length":
                length = int(value)
        if length is not None:
            messages.put(json.loads(stream.read(length)))


def first_diagnostics(python: Path, workspace: Path, target: Path, timeout: float = 120) -> tuple[float, int]:
    """Seconds from starting `redis-lint server` (whose client sends `initialize` at once) to the
    first textDocument/publishDiagnostics of `target` after `initialized` and `didOpen`; and how
    many diagnostics it held."""
    start = time.perf_counter()
    process = subprocess.Popen([str(python), "-m", "redis_lint", "server"], cwd=workspace,
                               stdin=subprocess.PIPE, stdout=subprocess.PIPE, stderr=subprocess.DEVNULL)
    assert process.stdin is not None and process.stdout is not None
    messages: queue.Queue[dict | None] = queue.Queue()
    threading.Thread(target=_read_frames, args=(process.stdout, messages), daemon=True).start()

    def send(payload: dict) -> None:
        process.stdin.write(_frame({"jsonrpc": "2.0", **payload}))  # type: ignore[union-attr]
        process.stdin.flush()  # type: ignore[union-attr]

    def wait_for(wanted: Callable[[dict], bool]) -> dict:
        deadline = time.monotonic() + timeout
        while True:
            message = messages.get(timeout=max(0.0, deadline - time.monotonic()))
            if message is None:
                raise RuntimeError("the language server stopped")
            if "method" in message and "id" in message:  # a request of the server's: answer it
                send({"id": message["id"], "result": None})
            if wanted(message):
                return message

    try:
        send({"id": 1, "method": "initialize",
              "params": {"processId": os.getpid(), "rootUri": workspace.as_uri(), "capabilities": {}}})
        wait_for(lambda m: m.get("id") == 1 and "method" not in m)
        send({"method": "initialized", "params": {}})
        uri = target.as_uri()
        send({"method": "textDocument/didOpen", "params": {"textDocument": {
            "uri": uri, "languageId": "python", "version": 1, "text": target.read_text(encoding="utf-8")}}})
        published = wait_for(lambda m: m.get("method") == "textDocument/publishDiagnostics"
                             and m["params"]["uri"] == uri)
        elapsed = time.perf_counter() - start
        send({"id": 2, "method": "shutdown"})
        wait_for(lambda m: m.get("id") == 2 and "method" not in m)
        send({"method": "exit"})
        process.wait(timeout=30)
    finally:
        if process.poll() is None:
            process.kill()
            process.wait()
    return elapsed, len(published["params"]["diagnostics"])


# -- the bench ---------------------------------------------------------------------


@dataclass
class Row:
    key: str  # for --only
    measure: str
    target: str
    compute: Callable[[Bench], tuple[str, str, float | None, bool]]  # redis-lint, peer, ratio, met


class Bench:
    """The corpora, tools and timings of one run; every timing is measured once and shared by rows."""

    def __init__(self, work: Path, runs: int) -> None:
        self.work = work
        self.runs = runs
        self.python = Path(sys.executable)
        self.redis_lint = [str(self.python), "-m", "redis_lint", "check", "--quiet", "--exit-zero"]
        self._timings: dict[str, Timing] = {}

    # corpora and tools, fetched on first use

    @cached_property
    def peers(self) -> Path:
        bin_dir = peers_venv(self.work / "peers")
        versions = {subprocess.run(command, capture_output=True, text=True).stdout.split()[0]
                    for command in ([str(bin_dir / "flake8"), "--version"], [str(self.python), "-m", "flake8", "--version"])}
        if len(versions) != 1:
            print(f"WARNING: flake8 with and without the plugin differ in version: {sorted(versions)}")
        return bin_dir

    @cached_property
    def django(self) -> Path:
        return django(self.work)

    @cached_property
    def heavy(self) -> list[Path]:
        return redis_heavy(self.work)

    @cached_property
    def app(self) -> Path:
        return synthetic_app(self.work)

    @cached_property
    def sample(self) -> list[Path]:
        return redis_sample(self.heavy, SAMPLE_FILES)

    def timing(self, label: str, command: list[str], cwd: Path, env: dict[str, str] | None = None,
               prepare: Callable[[], object] | None = None) -> Timing:
        if label not in self._timings:
            self._timings[label] = measure(label, command, self.runs, cwd, env, prepare)
        return self._timings[label]

    # the tools on a folder

    def ruff(self, name: str, cwd: Path, *paths: str) -> Timing:
        return self.timing(f"{name}: ruff cold", [str(self.peers / "ruff"), "check", "--no-cache", "--isolated",
                                                  "--exit-zero", "-q", *(paths or ["."])], cwd)

    def flake8(self, name: str, cwd: Path, *paths: str, plugin: bool = False,
               prepare: Callable[[], object] | None = None) -> Timing:
        if plugin:  # the development environment's flake8, where the plugin is installed
            command = [str(self.python), "-m", "flake8", "-j2", "--exit-zero", *(paths or ["."])]
            # the plugin keeps its results in the project root (it has no --cache-dir): none from a run before
            clear = prepare or (lambda: shutil.rmtree(cwd / CACHE_FOLDER, ignore_errors=True))
            timing = self.timing(f"{name}: flake8 -j2 with the plugin", command, cwd, prepare=clear)
            shutil.rmtree(cwd / CACHE_FOLDER, ignore_errors=True)
            return timing
        command = [str(self.peers / "flake8"), "-j2", "--exit-zero", *(paths or ["."])]
        return self.timing(f"{name}: flake8 -j2 without the plugin", command, cwd, prepare=prepare)

    def cold(self, name: str, cwd: Path, *paths: str, jobs: int | None = None) -> Timing:
        label = f"{name}: redis-lint cold" + (f", -j {jobs}" if jobs else "")
        return self.timing(label, [*self.redis_lint, "--no-cache", *(["-j", str(jobs)] if jobs else []),
                                   *(paths or ["."])], cwd)

    def warm(self, name: str, cwd: Path, *paths: str) -> Timing:
        """A run on an unchanged tree whose results an earlier run kept (run once untimed to fill the cache)."""
        label = f"{name}: redis-lint warm cache"
        folder = self.work / "redis-lint-cache" / name
        command = [*self.redis_lint, "--cache-dir", str(folder), *(paths or ["."])]
        if label in self._timings:
            return self._timings[label]
        shutil.rmtree(folder, ignore_errors=True)
        run_command(command, cwd)
        entries = sum(len(files) for _, _, files in os.walk(folder))
        timing = self.timing(label, command, cwd)
        if sum(len(files) for _, _, files in os.walk(folder)) != entries:  # the timed runs wrote results
            print("  WARNING: the warm runs analysed files again: was redis_lint's code edited meanwhile?")
        return timing

    @property
    def heavy_names(self) -> list[str]:
        return [p.name for p in self.heavy]

    @property
    def heavy_dir(self) -> Path:
        return self.heavy[0].parent

    def fresh_sample(self) -> None:
        """A new copy of the sample's files: no cache of an earlier run in it."""
        tree = self.work / "sample-tree"
        shutil.rmtree(tree, ignore_errors=True)
        for relative in self.sample:
            (tree / relative).parent.mkdir(parents=True, exist_ok=True)
            shutil.copyfile(self.heavy_dir / relative, tree / relative)

    def describe(self, measure: str) -> str:
        """A row's measure with the size of its corpus filled in."""
        from redis_lint.engine.prefilter import Prefilter
        from redis_lint.semantics.layout import project_files

        def analysed(root: Path) -> str:  # what the prefilter keeps of the project
            return f"{len(project_files([root], 10**6) or []):,} files, {len(Prefilter([root]).analysed):,} analysed"

        fills = {}
        if "{django}" in measure:
            fills["django"] = analysed(self.django)
        if "{app}" in measure:
            fills["app"] = analysed(self.app)
        if "{heavy}" in measure:
            files = [f for package in self.heavy for f in package.rglob("*.py")]
            lines = sum(f.read_bytes().count(b"\n") for f in files)
            fills["heavy"] = f"{len(self.heavy)} packages, {len(files)} files, {lines:,} lines"
        return measure.format(**fills)


def ratio_row(bench_value: Timing, peer: Timing, limit: float) -> tuple[str, str, float, bool]:
    ratio = bench_value.seconds / peer.seconds
    return f"{bench_value.seconds:.2f} s", f"{peer.seconds:.2f} s", ratio, ratio <= limit


def _server_row(b: Bench) -> tuple[str, str, float | None, bool]:
    with tempfile.TemporaryDirectory(prefix="redis-lint-lsp-") as folder:
        workspace = Path(folder) / "violating_service"
        shutil.copytree(REPO / "fixtures" / "violating_service", workspace)
        target = workspace / "auth" / "service.py"
        results = [first_diagnostics(b.python, workspace, target) for _ in range(b.runs)]
    seconds = statistics.median(r[0] for r in results)
    print(f"  language server: start, initialize to the first diagnostics of {target.name} "
          f"({results[0][1]} diagnostics) {seconds:8.2f} s", flush=True)
    return f"{seconds:.2f} s", "—", None, seconds <= 0.5


def relint_plain_file(django: Path, runs: int) -> float:
    """Milliseconds to answer for a file of Django without Redis after one edit, as the language
    server does (`engine.session.check_text`, which first asks whether the text can hold a Redis
    call), with the server's warm state.  The working folder is Django's: with no redis-lint
    configuration there, the project is the folder the server was started in."""
    from redis_lint.engine.session import EDITOR, check_text

    target = django / PLAIN_FILE
    source = target.read_text(encoding="utf-8")
    start_folder = os.getcwd()
    kept = (django / CACHE_FOLDER).exists()
    os.chdir(django)
    try:
        check_text(target, source, display=PLAIN_FILE, host=EDITOR)  # the file as opened
        times = []
        for run in range(runs):
            start = time.perf_counter()
            check_text(target, source + f"\n# edit {run}\n", display=PLAIN_FILE, host=EDITOR)
            times.append(time.perf_counter() - start)
    finally:
        os.chdir(start_folder)
        if not kept:  # the corpus is left as it was found
            shutil.rmtree(django / CACHE_FOLDER, ignore_errors=True)
    milliseconds = statistics.median(times) * 1000
    print(f"  re-lint of {PLAIN_FILE} ({source.count(chr(10)):,} lines) after one edit, in process "
          f"{milliseconds:8.1f} ms", flush=True)
    return milliseconds


def _editor_plain_row(b: Bench) -> tuple[str, str, float | None, bool]:
    milliseconds = relint_plain_file(b.django, max(5, b.runs))
    return f"{milliseconds:,.1f} ms", "—", None, milliseconds <= 150


def _editor_row(b: Bench) -> tuple[str, str, float | None, bool]:
    milliseconds, _ = relint_one_file(b.heavy, max(5, b.runs))
    return f"{milliseconds:,.0f} ms", "—", None, milliseconds <= 150


def _precommit_row(b: Bench) -> tuple[str, str, float | None, bool]:
    folder = b.work / "redis-lint-cache" / "pre-commit"  # the hook's own cache, empty: the file was just edited
    ours = b.timing(f"{PRECOMMIT_FILE}: redis-lint check --quiet (the pre-commit hook)",
                    [str(b.python), "-m", "redis_lint", "check", "--quiet", PRECOMMIT_FILE], b.django,
                    env={"REDIS_LINT_CACHE_DIR": str(folder)}, prepare=lambda: shutil.rmtree(folder, ignore_errors=True))
    peer = b.timing(f"{PRECOMMIT_FILE}: flake8", [str(b.peers / "flake8"), PRECOMMIT_FILE], b.django)
    return ratio_row(ours, peer, 1.0)


def _precommit_edit_row(b: Bench) -> tuple[str, str, float | None, bool]:
    """The hook as it runs from the second commit on: the file was edited since the run of the
    commit before, whose cache the hook keeps (the rest of the project is unchanged)."""
    folder = b.work / "redis-lint-cache" / "pre-commit-edit"
    path = b.django / PRECOMMIT_FILE
    original = path.read_bytes()
    command = [str(b.python), "-m", "redis_lint", "check", "--quiet", PRECOMMIT_FILE]
    env = {"REDIS_LINT_CACHE_DIR": str(folder)}
    edits = iter(range(1, 1000))

    def edit() -> None:  # the commit before ran on the file as it was; then one line is added
        path.write_bytes(original)
        shutil.rmtree(folder, ignore_errors=True)
        time.sleep(2.1)  # the file's time leaves the snapshot's racy instant (redis_lint.engine.snapshot)
        subprocess.run(command, cwd=b.django, env={**os.environ, **env}, capture_output=True, check=False)
        path.write_bytes(original + f"# edit {next(edits)}\n".encode())

    try:
        ours = b.timing(f"{PRECOMMIT_FILE} after an edit, with the hook's cache of the commit before",
                        command, b.django, env=env, prepare=edit)
    finally:
        path.write_bytes(original)
    peer = b.timing(f"{PRECOMMIT_FILE}: flake8", [str(b.peers / "flake8"), PRECOMMIT_FILE], b.django)
    return ratio_row(ours, peer, 1.0)


def _large_file_row(b: Bench) -> tuple[str, str, float | None, bool]:
    ours = b.timing(f"{LARGE_FILE}: redis-lint check --quiet --no-cache",
                    [str(b.python), "-m", "redis_lint", "check", "--quiet", "--no-cache", LARGE_FILE], b.django)
    return f"{ours.seconds:.2f} s", "—", None, ours.seconds <= 1.5


def _sample_row(b: Bench) -> tuple[str, str, float | None, bool]:
    tree = b.work / "sample-tree"
    without = b.flake8(f"{SAMPLE_FILES} Redis-heavy files", tree, prepare=b.fresh_sample)
    with_plugin = b.flake8(f"{SAMPLE_FILES} Redis-heavy files", tree, plugin=True, prepare=b.fresh_sample)
    shutil.rmtree(tree, ignore_errors=True)
    return ratio_row(with_plugin, without, 1.05)


def _memory_row(b: Bench) -> tuple[str, str, float | None, bool]:
    peak = b.cold("Redis-heavy", b.heavy_dir, *b.heavy_names, jobs=1).peak_mib
    return f"{peak:.0f} MiB", "—", None, peak <= 150


ROWS = [
    Row("django", "Django ({django}): redis-lint / ruff", "≤ 1.0",
        lambda b: ratio_row(b.cold("Django", b.django), b.ruff("Django", b.django), 1.0)),
    Row("pre-commit", f"`{PRECOMMIT_FILE}` alone, as pre-commit runs it: redis-lint / flake8", "≤ 1.0",
        _precommit_row),
    Row("pre-commit-edit", f"`{PRECOMMIT_FILE}` after an edit, with the hook's cache of the commit before: "
        "redis-lint / flake8 (not in issue 14's table)", "≤ 1.0", _precommit_edit_row),
    Row("large-file", f"`{LARGE_FILE}` of Django alone", "≤ 1.5 s", _large_file_row),
    Row("heavy-flake8", "Redis-heavy corpus ({heavy}): redis-lint / flake8 -j2", "≤ 0.5",
        lambda b: ratio_row(b.cold("Redis-heavy", b.heavy_dir, *b.heavy_names),
                            b.flake8("Redis-heavy", b.heavy_dir, *b.heavy_names), 0.5)),
    Row("heavy-fixit", "Redis-heavy corpus: redis-lint / Fixit", "≤ 0.05",
        lambda b: ratio_row(b.cold("Redis-heavy", b.heavy_dir, *b.heavy_names),
                            b.timing("Redis-heavy: Fixit (default rules)", [str(b.peers / "fixit"), "lint",
                                                                            *b.heavy_names], b.heavy_dir), 0.05)),
    Row("heavy-warm", "Redis-heavy corpus, warm cache (unchanged tree): redis-lint / ruff cold", "≤ 1.0",
        lambda b: ratio_row(b.warm("Redis-heavy", b.heavy_dir, *b.heavy_names),
                            b.ruff("Redis-heavy", b.heavy_dir, *b.heavy_names), 1.0)),
    Row("django-warm", "warm cache on Django (unchanged tree): redis-lint / ruff cold", "≤ 1.0",
        lambda b: ratio_row(b.warm("Django", b.django), b.ruff("Django", b.django), 1.0)),
    Row("plugin-django", "flake8 -j2 with / without the plugin, Django", "≤ 1.05",
        lambda b: ratio_row(b.flake8("Django", b.django, plugin=True), b.flake8("Django", b.django), 1.05)),
    Row("plugin-sample", f"flake8 -j2 with / without the plugin, {SAMPLE_FILES} files of Redis-heavy libraries, "
        "fresh tree", "≤ 1.05", _sample_row),
    Row("editor", f"editor: re-lint of a {EDITED_LINES:,}-line file after one edit, warm server", "≤ 150 ms",
        _editor_row),
    Row("editor-plain", f"editor: re-lint of `{PLAIN_FILE}` (no Redis) after one edit, warm server "
        "(not in issue 14's table)", "≤ 150 ms", _editor_plain_row),
    Row("server", "language server: `initialize` to first diagnostics", "≤ 0.5 s", _server_row),
    Row("memory", "peak memory, Redis-heavy, -j 1", "≤ 150 MiB", _memory_row),
    Row("app", "a 4,300-file application ({app}), 3 files importing redis: redis-lint / ruff", "≤ 1.0",
        lambda b: ratio_row(b.cold("Application", b.app), b.ruff("Application", b.app), 1.0)),
]


def compile_bytecode() -> None:
    """Compile redis-lint's modules, as installing a wheel does: in a checkout, with
    PYTHONDONTWRITEBYTECODE set (as on the project's machine), every measured process would compile
    them from source again (about 0.15 s of each whole-process timing) while the peers, installed
    from wheels, start from their bytecode."""
    package = Path(__file__).resolve().parent.parent / "redis_lint"
    if not compileall.compile_dir(package, quiet=1):
        print("bench: could not compile redis_lint's bytecode: start-up times include compiling it", flush=True)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=3, help="runs of each timing; the median is reported")
    parser.add_argument("--cache", type=Path, help="keep the corpora (as bench/realworld/evaluate.py --cache does), "
                                                   "the generated application and the peers' virtualenv here")
    parser.add_argument("--only", metavar="ROWS", help="comma-separated rows to measure, of: "
                        + ", ".join(row.key for row in ROWS))
    parser.add_argument("--verify", action="store_true",
                        help="instead of timing: check that the prefilter changes no finding on the whole corpus")
    options = parser.parse_args()
    if options.verify:
        verify_prefilter(options.cache)
        return
    keys = options.only.split(",") if options.only else [row.key for row in ROWS]
    unknown = set(keys) - {row.key for row in ROWS}
    if unknown:
        parser.error(f"unknown rows: {', '.join(sorted(unknown))}")
    rows = [row for row in ROWS if row.key in keys]
    compile_bytecode()
    with tempfile.TemporaryDirectory(prefix="redis-lint-bench-") as temporary:
        bench = Bench((options.cache or Path(temporary)).absolute(), options.runs)
        print(f"{date.today()}: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
              f"load average {os.getloadavg()[0]:.2f}, {options.runs} run(s) each\n", flush=True)
        results = []
        try:
            for row in rows:
                print(f"{row.key}:", flush=True)
                try:
                    results.append((row, row.compute(bench)))
                except Exception as error:  # one broken measure (a command that fails) costs its row only
                    print(f"  {row.key} failed: {type(error).__name__}: {error}", flush=True)
                    results.append((row, (f"failed ({type(error).__name__})", "—", None, False)))
        finally:
            shutil.rmtree(bench.work / "redis-lint-cache", ignore_errors=True)
            shutil.rmtree(bench.work / "sample-tree", ignore_errors=True)
        print(f"\nload average at the end {os.getloadavg()[0]:.2f}\n")
        print("| measure | redis-lint | peer | ratio | target | met? |\n| --- | ---: | ---: | ---: | ---: | --- |")
        for row, (ours, peer, ratio, met) in results:
            print(f"| {bench.describe(row.measure)} | {ours} | {peer} | {'—' if ratio is None else f'{ratio:.2f}'} "
                  f"| {row.target} | {'yes' if met else 'no'} |")


def verify_prefilter(cache: Path | None) -> None:
    """Every Redis-heavy package, linted with and without the prefilter: the findings must be the same."""
    from redis_lint.config import Config
    from redis_lint.engine.run import default_jobs, lint_paths

    with tempfile.TemporaryDirectory(prefix="redis-lint-bench-") as temporary:
        for root in redis_heavy((cache or Path(temporary)).absolute()):
            config = Config(root=root)
            filtered = lint_paths([root], config, jobs=default_jobs())
            same = filtered.findings == lint_paths([root], config, jobs=default_jobs(), prefilter=False).findings
            print(f"{root.name:<28} {filtered.analysed:4} of {filtered.files:4} files analysed  "
                  f"{'same findings' if same else 'DIFFERENT FINDINGS'}", flush=True)
            if not same:
                sys.exit(1)


if __name__ == "__main__":
    main()
