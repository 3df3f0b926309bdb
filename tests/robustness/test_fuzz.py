"""Fuzzing the analyser: programs generated from the Python grammar (hypothesmith) and mutants
of the violating fixtures (byte edits, deletions, duplications).  Whatever the input, linting
it raises nothing and reports no internal error, and on the mutants the CLI and the flake8
plugin report the same findings.

CI runs a bounded number of examples; a benchmark run sets REDIS_LINT_FUZZ_EXAMPLES (e.g. 5000)
for as many grammar-generated programs and mutants:

    REDIS_LINT_FUZZ_EXAMPLES=5000 python -m pytest tests/robustness/test_fuzz.py
"""

from __future__ import annotations

import json
import os
import random
import re
import subprocess
import sys
from pathlib import Path

import hypothesmith
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from redis_lint.config import Config
from redis_lint.engine.linter import analyse_source, project_index
from redis_lint.source.reading import SourceError, decode_source
from redis_lint.rules import PROJECT_RULES
from redis_lint.source.syntax import parse_quietly
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # generated programs

LONG = os.environ.get("REDIS_LINT_FUZZ_EXAMPLES")
EXAMPLES = int(LONG) if LONG else 40
MUTANTS = int(LONG) if LONG else 30
FUZZ = settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=not LONG,
                suppress_health_check=list(HealthCheck))
FIXTURES = sorted((REPO / "fixtures" / "violating_service").rglob("*.py"))
CONFIG = Config(root=Path("/project"))
PROJECT = project_index(CONFIG, [Path("/project")])
PATH = Path("/project/app/generated.py")
PROJECT_CODES = {rule.code for rule in PROJECT_RULES}


def lint_text(source: str) -> None:
    """Lint a module's text in-process: raises if the engine does, fails on an internal error."""
    result = analyse_source(source, path=PATH, display="app/generated.py", config=CONFIG, project=PROJECT,
                            facts=True)
    for finding in result.findings:
        assert "internal error" not in finding.message, (finding, source)


# -- generated programs --------------------------------------------------------

@FUZZ
@pytest.mark.filterwarnings("ignore::SyntaxWarning")  # hypothesmith compiles what it generates
@given(hypothesmith.from_grammar())
def test_programs_from_the_grammar(source: str) -> None:
    lint_text("import redis\n" + source)


@settings(FUZZ, max_examples=max(EXAMPLES // 4, 5))  # hypothesmith takes about a second an example here
@given(hypothesmith.from_node())
def test_programs_from_libcst_nodes(source: str) -> None:
    lint_text("import redis\n" + source)


REDIS_CALLS = st.sampled_from([
    "r.set(key, value)", "r.set(f'cache:{x}', 1, ex=60)", "r.keys('*')", "r.flushall()", "r.expire(key, ttl)",
    "r.pipeline()", "p = r.pipeline(transaction=False)", "p.execute()", "r.lock('lock:x')", "r.get(key)",
    "r.hset(key, mapping=m)", "r.eval(script, 0)", "r.scan_iter(match='*')", "r.delete(*keys)",
    "redis.Redis(password='hunter2')", "r = redis.Redis.from_url(url)", "r.close()", "r.blpop(key)",
    "for k in r.scan_iter(): r.delete(k)", "with r.pipeline() as p: p.set(k, v)", "r.setex(k, 10, v)",
])


KEYS = st.one_of(st.text(alphabet="abc:{}*?[]%$\\'\" \n\x00é", max_size=20).map(repr),
                 st.sampled_from(["key", "f'user:{x}'", "'a' + x", "b'raw'", "None", "*keys"]))
VALUES = st.one_of(st.integers(-2**70, 2**70).map(str), st.sampled_from(["ttl", "-1", "0", "3600.5", "x", "None"]))
COMMANDS = st.sampled_from(["set", "get", "expire", "keys", "delete", "eval", "setex", "lock", "hset", "pipeline",
                            "scan_iter", "blpop", "publish", "execute_command", "config_set", "flushall"])


@st.composite
def redis_lines(draw: st.DrawFn) -> str:
    if draw(st.booleans()):
        return draw(REDIS_CALLS)
    receiver = draw(st.sampled_from(["r", "p", "self.r", "redis.Redis()", "get()", "r.pipeline()"]))
    args = draw(st.lists(st.one_of(KEYS, VALUES), max_size=4))
    keywords = draw(st.lists(st.tuples(st.sampled_from(["ex", "px", "nx", "keepalive", "password", "timeout"]),
                                       VALUES), max_size=2))
    return f"{receiver}.{draw(COMMANDS)}({', '.join(args + [f'{k}={v}' for k, v in keywords])})"


@FUZZ
@given(st.lists(st.tuples(redis_lines(), st.integers(0, 3)), max_size=12))
def test_redis_calls_at_random_nesting(lines: list[tuple[str, int]]) -> None:
    """Calls the rules look at, with odd arguments, at random nesting."""
    body = []
    for call, depth in lines:
        body.extend(f"{'    ' * level}if x:" for level in range(depth))
        body.append(f"{'    ' * depth}{call}")
    lint_text("import redis\nr = redis.Redis()\ndef f(key, value, x, ttl, m, keys, k, v, url, script):\n"
              + "".join(f"    {line}\n" for line in body or ["pass"]))


# -- mutants of the fixtures -----------------------------------------------------

INTERESTING = [b"(", b")", b"[", b"]", b"{", b"}", b":", b"\n", b"\t", b" ", b"'", b'"', b"\\", b"#", b"\x00",
               b"\xff", b"\r", b"\x0c", b"f'", b"lambda", b"async ", b"await ", b"# noqa", b"\xef\xbb\xbf"]


def mutate(data: bytes, rng: random.Random) -> bytes:
    for _ in range(rng.randint(1, 4)):
        if not data:
            break
        start = rng.randrange(len(data))
        end = min(len(data), start + rng.randint(1, 80))
        kind = rng.choice(("edit", "delete", "duplicate", "insert"))
        if kind == "edit":
            data = data[:start] + bytes([rng.randrange(256)]) + data[start + 1:]
        elif kind == "delete":
            data = data[:start] + data[end:]
        elif kind == "duplicate":
            at = rng.randrange(len(data))
            data = data[:at] + data[start:end] + data[at:]
        else:
            data = data[:start] + rng.choice(INTERESTING) + data[start:]
    return data


@pytest.fixture(scope="module")
def mutants(tmp_path_factory: pytest.TempPathFactory) -> Path:
    folder = tmp_path_factory.mktemp("mutants")
    rng = random.Random(8)  # fixed: the same mutants on every run
    for number in range(MUTANTS):
        original = rng.choice(FIXTURES)
        (folder / f"mutant_{number:04d}_{original.stem}.py").write_bytes(mutate(original.read_bytes(), rng))
    return folder


def test_mutants_never_raise(mutants: Path) -> None:
    for path in sorted(mutants.glob("*.py")):
        try:
            source = decode_source(path.read_bytes())
        except SourceError:
            continue
        lint_text(source)


def test_cli_and_flake8_agree_on_mutants(mutants: Path) -> None:
    cli = subprocess.run([sys.executable, "-m", "redis_lint", "check", "--no-cache", "-q", "--format", "json", "."],
                         cwd=mutants, capture_output=True, text=True, timeout=300)
    assert cli.returncode in (0, 1) and cli.stderr == "", cli.stderr
    by_cli: dict[str, set[tuple[int, int, str]]] = {}
    for finding in json.loads(cli.stdout):
        assert "internal error" not in finding["message"], finding
        if finding["code"] not in PROJECT_CODES:  # whole-project rules: flake8 hands over one file at a time
            by_cli.setdefault(finding["path"], set()).add((finding["line"], finding["column"], finding["code"]))

    flake8 = subprocess.run([sys.executable, "-m", "flake8", "--select", "RDS,E999", "."],
                            cwd=mutants, capture_output=True, text=True, timeout=300)
    assert "Traceback" not in flake8.stderr, flake8.stderr
    by_flake8: dict[str, set[tuple[int, int, str]]] = {}
    unparsable = set()
    for path, line, column, code in re.findall(r"^\./(\S+?):(\d+):(\d+): ([A-Z]+\d+)", flake8.stdout, re.M):
        if code == "E999":
            unparsable.add(path)  # flake8 does not run plugins on files Python cannot parse
        else:
            by_flake8.setdefault(path, set()).add((int(line), int(column), code))

    compared = 0
    for path in sorted(p.name for p in mutants.glob("*.py")):
        if path in unparsable or not _parses(mutants / path):  # flake8 silences E999 on a noqa line too
            continue
        compared += 1
        assert by_flake8.get(path, set()) == by_cli.get(path, set()), path
    assert compared >= MUTANTS // 3  # most mutants still parse: the comparison means something


def _parses(path: Path) -> bool:
    """Whether flake8 runs the plugin on the file: Python parses it as flake8 reads it (in its
    encoding, else in latin-1)."""
    data = path.read_bytes()
    try:
        source = decode_source(data)
    except SourceError:
        source = data.decode("latin-1")
    try:
        parse_quietly(source)
    except (SyntaxError, ValueError, RecursionError, MemoryError):
        return False
    return True
