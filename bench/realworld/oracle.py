"""The runtime as the oracle: a package's own test suite run under `redis-lint run`, then `compare`.

    python bench/realworld/oracle.py [--cache DIR] [--package NAME] [--repository URL=GITDIR] [--again]

For each package below whose test suite runs against a local server, the script fetches the
pinned source distribution from the registry (and the test files it leaves out from the project's
repository at the release's commit: cloned, or taken from a local clone named with
`--repository`), installs it and redis-lint (this checkout) in a virtual environment of its own,
runs the suite under `redis-lint run` on a private `redis-server` on a free loopback port (handed
to the suite as `REDIS_URL`, `REDIS_HOST` and `REDIS_PORT`; a suite that knows only 6379 gets its
server there when the port is free; a suite that starts its own server, as python-redis-lock's
does, uses that one), and compares the runtime findings with the static
ones on the package's code: static recall on the runtime findings, per code, with every
runtime-only finding listed. Nothing is labelled by hand: what the runtime sees is what the code
does. A runtime-only finding that no static analysis can know (a value the tests choose at run
time) is listed with its reason and left out of the recall; one attributed outside the
package's code (a bound method a test framework calls itself) is listed apart.

The suites take minutes (python-redis-lock's: about six); this is a measurement, not a test.
"""

from __future__ import annotations

import argparse
import json
import os
import shutil
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path

HERE = Path(__file__).resolve().parent
REPO = HERE.parent.parent
sys.path.insert(0, str(REPO / "bench"))

from corpus import Package as Pinned, fetch  # noqa: E402


@dataclass(frozen=True)
class Suite:
    name: str
    version: str
    requirements: tuple[str, ...]  # what the suite needs besides the package and pytest
    pytest_args: tuple[str, ...]
    static: tuple[str, ...]  # the package's own code, relative to its source tree
    # runtime findings no static analysis can know: (path, line, code) -> why
    unknowable: dict[tuple[str, int, str], str] = field(default_factory=dict)
    # test files the source distribution leaves out, taken from the project's repository at the
    # release's commit: (repository URL, commit or tag, paths)
    tests_from: tuple[str, str, tuple[str, ...]] | None = None
    port: int | None = None  # a suite that connects to one port only (6379) gets its server there


SUITES = [
    Suite(
        "redis-collections", "0.13.0", (),
        ("tests", "-p", "no:randomly"),
        ("redis_collections", "tests"),
        # the sdist ships the tests without their package and base class (REDIS_HOST, REDIS_PORT)
        tests_from=("https://github.com/redis-collections/redis-collections", "5b2576f",
                    ("tests/__init__.py", "tests/base.py")),
    ),
    Suite(
        "pottery", "3.0.1", ("pytest-asyncio", "uvloop", "mmh3"),
        # the doctests and the timing-bound executor tests are the suite's own business
        ("tests", "-p", "no:randomly", "--ignore", "tests/test_doctests.py"),
        ("pottery", "tests"),
        tests_from=("https://github.com/brainix/pottery", "v3.0.1", ("tests/conftest.py", "pytest.ini")),
        port=6379,
    ),
    Suite(
        "python-redis-lock", "4.0.1", ("process-tests",),
        # gevent and eventlet are the suite's optional effects: their parameters are left out
        ("tests/test_redis_lock.py", "-k", "not gevent and not eventlet"),
        ("src", "tests"),
        {
            ("src/redis_lock/__init__.py", 232, "RDS101"):
                "SET NX with ex=self._expire: the tests pass expire=None to some locks, others a number",
            ("src/redis_lock/__init__.py", 232, "RDS102"):
                "the expiry is the caller's expire= (100 s in a test), unknown where the lock is written",
            ("src/redis_lock/__init__.py", 232, "RDS501"):
                "the same SET NX: without an expiry only when a test passes expire=None",
        },
    ),
]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--cache", type=Path, default=HERE / ".oracle", help="downloads, environments, reports")
    parser.add_argument("--package", action="append", help="only this package (repeatable)")
    parser.add_argument("--repository", action="append", default=[], metavar="URL=GITDIR",
                        help="a local clone (or bare repository) to take a suite's missing test files from, "
                             "instead of cloning URL")
    parser.add_argument("--again", action="store_true",
                        help="compare the last run's runtime findings with the static analysis of this checkout, "
                             "without running the suite again")
    options = parser.parse_args()
    chosen = [s for s in SUITES if not options.package or s.name in options.package]
    if not chosen:
        sys.exit(f"no such package; known: {', '.join(s.name for s in SUITES)}")
    if shutil.which("redis-server") is None:
        sys.exit("redis-server is not installed (apt-get install redis-server)")
    options.cache.mkdir(parents=True, exist_ok=True)
    clones = dict(item.split("=", 1) for item in options.repository)
    for suite in chosen:
        print(report(suite, measure(suite, options.cache, run_suite=not options.again, clones=clones)))


def measure(suite: Suite, cache: Path, *, run_suite: bool = True, clones: dict[str, str] | None = None) -> dict:
    """Run the suite under the runtime (or take the last run's findings) and compare:
    `redis-lint compare --format json`."""
    work = cache / "work" / f"{suite.name}-{suite.version}"
    findings = work / "runtime.json"
    kept = cache / f"{suite.name}.json"
    python = cache / "venvs" / f"{suite.name}-{suite.version}" / "bin" / "python"
    if not run_suite:
        if not (findings.exists() and kept.exists() and python.exists()):
            sys.exit(f"{suite.name}: no earlier run in {cache}; run without --again first")
        return _compared(suite, work, python, json.loads(kept.read_text())["suite"])
    source = fetch(Pinned(suite.name, suite.version, files=[], sites=[]), cache / "sources", sdist=True)
    shutil.rmtree(work, ignore_errors=True)
    shutil.copytree(source, work)  # a fresh tree: the suite writes into it
    if suite.tests_from is not None:
        _add_test_files(suite.tests_from, work, cache, (clones or {}).get(suite.tests_from[0]))
    python = _environment(suite, work, python.parent.parent)
    lint = [str(python), "-m", "redis_lint"]
    with _private_server(suite.port) as (host, port):
        env = {**os.environ, "REDIS_URL": f"redis://{host}:{port}/0", "REDIS_HOST": host, "REDIS_PORT": str(port)}
        started = time.monotonic()
        run = subprocess.run([*lint, "run", "--quiet", "--output", str(findings), "--", str(python), "-m", "pytest",
                              "-q", "-p", "no:cacheprovider", *suite.pytest_args],
                             cwd=work, env=env, capture_output=True, text=True)
        elapsed = time.monotonic() - started
    # pytest's last line ("3 failed, 40 passed in 300.12s"); the runtime reports on stderr
    summary = [line.strip("= ") for line in run.stdout.splitlines() if " passed" in line or " failed" in line][-1:]
    summary = summary or ["(no pytest summary)"]
    return _compared(suite, work, python, {"exit": run.returncode, "summary": summary[0], "seconds": round(elapsed)})


def _compared(suite: Suite, work: Path, python: Path, suite_run: dict) -> dict:
    compared = subprocess.run([str(python), "-m", "redis_lint", "compare", *suite.static,
                               "--runtime", str(work / "runtime.json"), "--format", "json"],
                              cwd=work, capture_output=True, text=True)
    result = json.loads(compared.stdout)
    result["suite"] = suite_run
    result["root"] = str(work)
    (work.parent.parent / f"{suite.name}.json").write_text(json.dumps(result, indent=1))
    return result


def report(suite: Suite, result: dict) -> str:
    """Static recall on the runtime findings, per code, and every runtime-only finding."""
    root = Path(result["root"])
    inside, outside, unknowable = [], list(result.get("outside", [])), []
    for found in result["runtime_only"]:
        relative = _relative(found["path"], root)
        if relative is None or not relative.startswith(tuple(f"{s}/" for s in suite.static)):
            outside.append(found)
        elif (relative, found["line"], found["code"]) in suite.unknowable:
            unknowable.append((found, suite.unknowable[relative, found["line"], found["code"]]))
        else:
            inside.append(found)
    matched = Counter(found["code"] for found in result["runtime_matched"])
    missed = Counter(found["code"] for found in inside)
    suite_run = result["suite"]
    lines = [f"## {suite.name} {suite.version}", "",
             f"Suite: {suite_run['summary']} (exit {suite_run['exit']}, {suite_run['seconds']} s under the runtime)", "",
             "| code | runtime findings | also found statically | static recall |", "| --- | ---: | ---: | ---: |"]
    for code in sorted(set(matched) | set(missed)):
        total = matched[code] + missed[code]
        lines.append(f"| {code} | {total} | {matched[code]} | {matched[code] / total:.3f} |")
    total = sum(matched.values()) + sum(missed.values())
    if total:
        lines.append(f"| **all** | **{total}** | **{sum(matched.values())}** | **{sum(matched.values()) / total:.3f}** |")
    lines += ["", "Runtime only (static analysis missed them):", ""]
    lines += [f"- `{_relative(f['path'], root)}:{f['line']}` {f['code']} {f['message']}" for f in inside] or ["- none"]
    lines += ["", "Runtime only, that no static analysis can know (left out of the recall):", ""]
    lines += [f"- `{_relative(f['path'], root)}:{f['line']}` {f['code']}: {why}" for f, why in unknowable] or ["- none"]
    lines += ["", "Attributed outside the package's code (left out of the recall):", ""]
    lines += [f"- `{f['path']}:{f['line']}` {f['code']}" for f in outside] or ["- none"]
    return "\n".join(lines) + "\n"


def _relative(path: str, root: Path) -> str | None:
    try:
        return Path(path).resolve().relative_to(root.resolve()).as_posix()
    except ValueError:
        return None if Path(path).is_absolute() else Path(path).as_posix()


def _environment(suite: Suite, work: Path, venv: Path) -> Path:
    """A virtual environment with redis-lint from this checkout, the package and its suite's needs."""
    python = venv / "bin" / "python"
    if not python.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-e", str(REPO), "-e", str(work), "pytest",
                    *suite.requirements], check=True)
    return python


def _add_test_files(tests_from: tuple[str, str, tuple[str, ...]], work: Path, cache: Path, clone: str | None) -> None:
    """Put the test files a source distribution leaves out into its tree, from the project's
    repository at the release's commit (a local clone when given, else cloned into the cache)."""
    url, commit, paths = tests_from
    if clone is None:
        clone = str(cache / "repositories" / url.rstrip("/").rsplit("/", 1)[-1])
        if not Path(clone).exists():
            subprocess.run(["git", "clone", "--quiet", "--bare", url, clone], check=True)
    archive = subprocess.run(["git", "--git-dir", _git_dir(clone), "archive", commit, *paths],
                             check=True, capture_output=True).stdout
    subprocess.run(["tar", "-x", "-C", str(work)], input=archive, check=True)


def _git_dir(clone: str) -> str:
    return str(Path(clone) / ".git") if (Path(clone) / ".git").exists() else clone


@contextmanager
def _private_server(wanted: int | None = None) -> Iterator[tuple[str, int]]:
    """A redis-server of its own on a free loopback port (`wanted`, when the suite knows only one
    and it is free), without persistence."""
    with socket.socket() as probe:
        try:
            probe.bind(("127.0.0.1", wanted or 0))
        except OSError:
            sys.exit(f"port {wanted} is taken: the suite connects to it only; stop what listens there")
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        process = subprocess.Popen(["redis-server", "--port", str(port), "--bind", "127.0.0.1", "--save", "",
                                    "--appendonly", "no", "--dir", folder], stdout=subprocess.DEVNULL)
        try:
            for _ in range(200):
                with socket.socket() as client:
                    if client.connect_ex(("127.0.0.1", port)) == 0:
                        break
                time.sleep(0.05)
            yield "127.0.0.1", port
        finally:
            process.terminate()
            process.wait()


if __name__ == "__main__":
    main()
