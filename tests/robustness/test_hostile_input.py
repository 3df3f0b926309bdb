"""Hostile files: whatever a file holds (or is), the run reports RDS000 or normal findings for it,
lints every other file as usual, exits with the documented code, prints no traceback and ends.

Most cases share one `redis-lint check` over a folder holding every hostile file next to a
file with a known finding; each case is its own test over that run's output.  Each hostile
file imports redis: the prefilter would skip it otherwise (and not parse it at all)."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable
from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine import run as running
from redis_lint.engine.run import lint_paths
from redis_lint.source.syntax import MAX_SOURCE_SIZE

FLUSH = "import redis\ndef f(r: redis.Redis):\n    r.flushall()\n"
TIMEOUT = 180  # seconds: a hang fails the test instead of blocking the suite
ROOT = hasattr(os, "geteuid") and os.geteuid() == 0  # root reads a chmod 000 file anyway


def check(*args: str | Path, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, "-m", "redis_lint", "check", "--no-cache", "-q", *map(str, args)],
                            cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in result.stderr, result.stderr
    assert "internal error" not in result.stdout + result.stderr
    return result


def findings(output: str) -> dict[str, list[tuple[int, str, str]]]:
    """path -> [(line, code, message)] from the text format."""
    found: dict[str, list[tuple[int, str, str]]] = {}
    for line in output.splitlines():
        path, number, _column, rest = line.split(":", 3)
        code, _, message = rest.strip().partition(" ")
        found.setdefault(path, []).append((int(number), code, message))
    return found


def _bytes(data: bytes) -> Callable[[Path], None]:
    return lambda path: path.write_bytes(data)


def _nested(open_: str, close: str, depth: int = 5000) -> bytes:
    return f"import redis\nx = {open_ * depth}1{close * depth}\n".encode()


def _directory(path: Path) -> None:
    path.mkdir()
    (path / "inner.py").write_text(FLUSH)


def _symlink_loop(path: Path) -> None:
    path.symlink_to(path.name)


def _fifo(path: Path) -> None:
    os.mkfifo(path)


def _unreadable(path: Path) -> None:
    path.write_text(FLUSH)
    path.chmod(0)


LONG_LINE = "import redis\nBLOB = '" + "k" * 100_000 + "'\ndef f(r: redis.Redis):\n    r.flushall()\n"
assert len(LONG_LINE.splitlines()[1]) >= 100_000

SEPARATORS = ('import redis\nX = "a\u2028b\x0bc\x0cd\x1ce\x85f"  # \u2029\x1d\x1e\n'
              'def f(r: redis.Redis):\n    r.flushall()  # noqa: RDS302\n    r.flushdb()\n')

# name -> (how to make it, {path: [(line, code, words in the message)]} expected)
CASES: dict[str, tuple[Callable[[Path], None], dict[str, list[tuple[int, str, str]]]]] = {
    "empty.py": (_bytes(b""), {}),
    "bom_only.py": (_bytes(b"\xef\xbb\xbf"), {}),
    "bom.py": (_bytes(b"\xef\xbb\xbf" + FLUSH.encode()), {"bom.py": [(3, "RDS302", "flushall")]}),
    "crlf.py": (_bytes(FLUSH.replace("\n", "\r\n").encode()), {"crlf.py": [(3, "RDS302", "flushall")]}),
    "lone_cr.py": (_bytes(FLUSH.replace("\n", "\r").encode()), {"lone_cr.py": [(3, "RDS302", "flushall")]}),
    "tabs_and_form_feeds.py": (
        _bytes(b"import redis\n\x0c\ndef f(r: redis.Redis):\n\tif r:\x0c\n\t\tr.flushall()\t# tab\n\x0c\n"),
        {"tabs_and_form_feeds.py": [(5, "RDS302", "flushall")]}),
    # Valid Python that libcst's tokenizer refuses (a form feed before the indentation): RDS000.
    "form_feed_before_indentation.py": (
        _bytes(b"import redis\ndef f(r: redis.Redis):\n    if r:\n\x0c        r.flushall()\n"),
        {"form_feed_before_indentation.py": [(1, "RDS000", "cannot parse: tokenizer error")]}),
    "nul_byte.py": (_bytes(FLUSH.encode() + b"x = 1\x00\n"),
                    {"nul_byte.py": [(1, "RDS000", "cannot contain null bytes")]}),
    "latin1.py": (_bytes(("# -*- coding: latin-1 -*-\n" + FLUSH + "NAME = 'caf\xe9'\n").encode("latin-1")),
                  {"latin1.py": [(4, "RDS302", "flushall")]}),
    "unknown_coding.py": (_bytes(b"# -*- coding: klingon -*-\n" + FLUSH.encode()),
                          {"unknown_coding.py": [(1, "RDS000", "unknown encoding: klingon")]}),
    # Codecs that exist but do not decode text: Python says "encoding problem", so does RDS000.
    **{f"coding_{name}.py": (_bytes(f"# -*- coding: {name} -*-\n{FLUSH}".encode()),
                             {f"coding_{name}.py": [(1, "RDS000", f"cannot decode: encoding problem: {name}")]})
       for name in ("rot13", "zlib", "hex", "undefined", "punycode")},
    "coding_euc_jp.py": (_bytes(b"# -*- coding: euc_jp -*-\n" + FLUSH.encode()),
                         {"coding_euc_jp.py": [(4, "RDS302", "flushall")]}),
    "invalid_utf8.py": (_bytes(FLUSH.encode() + b"NAME = 'caf\xe9'\n"),
                        {"invalid_utf8.py": [(1, "RDS000", "cannot decode as utf-8 (line 4)")]}),
    "nested_parentheses.py": (_bytes(_nested("(", ")")),
                              {"nested_parentheses.py": [(1, "RDS000", "the code is nested")]}),
    "nested_lists.py": (_bytes(_nested("[", "]")), {"nested_lists.py": [(1, "RDS000", "the code is nested")]}),
    "nested_lambdas.py": (_bytes(_nested("lambda: ", "")),
                          {"nested_lambdas.py": [(1, "RDS000", "the code is nested")]}),
    "nested_nots.py": (_bytes(_nested("not ", "")), {"nested_nots.py": [(1, "RDS000", "the code is nested")]}),
    "chained_calls.py": (_bytes(b"import redis\nx = f" + b"()" * 5000 + b"\n"),
                         {"chained_calls.py": [(1, "RDS000", "the code is nested")]}),
    # Deeper than redis-lint analyses (libcst would take minutes): reported at once.
    "method_chain.py": (_bytes(b"import redis\nr = redis.Redis()\nx = r" + b".pipeline()" * 600 + b"\n"),
                        {"method_chain.py": [(1, "RDS000", "nested more than 1000 levels deep")]}),
    # Deep, but within the limit: analysed (past Python's default recursion limit).
    "elif_chain.py": (_bytes(("import redis\ndef f(r: redis.Redis, x):\n    if x == 0:\n        pass\n"
                              + "".join(f"    elif x == {i}:\n        pass\n" for i in range(1, 600))
                              + "    r.flushall()\n").encode()),
                      {"elif_chain.py": [(1203, "RDS302", "flushall")]}),
    "long_sum.py": (_bytes(("import redis\ndef f(r: redis.Redis, x):\n    y = " + " + ".join(["x"] * 700)
                            + "\n    r.flushall()\n").encode()),
                    {"long_sum.py": [(4, "RDS302", "flushall")]}),
    # Characters str.splitlines() ends lines at, Python does not: positions and noqa stay right.
    "line_separators.py": (_bytes(SEPARATORS.encode()), {"line_separators.py": [(5, "RDS302", "flushdb")]}),
    "long_line.py": (_bytes(LONG_LINE.encode()), {"long_line.py": [(4, "RDS302", "flushall")]}),
    "python2.py": (_bytes(b"import redis\nprint 'hello'\nexec 'x = 1'\n"),
                   {"python2.py": [(2, "RDS000", "cannot parse: Missing parentheses in call to 'print'")]}),
    "x.py": (_directory, {"x.py/inner.py": [(3, "RDS302", "flushall")]}),  # a folder, linted as one
    "symlink_loop.py": (_symlink_loop, {"symlink_loop.py": [(1, "RDS000", "cannot read: Too many levels")]}),
    "fifo.py": (_fifo, {"fifo.py": [(1, "RDS000", "cannot read: not a regular file (a FIFO)")]}),
}
if not ROOT:
    CASES["unreadable.py"] = (_unreadable, {"unreadable.py": [(1, "RDS000", "cannot read: Permission denied")]})


@pytest.fixture(scope="module")
def hostile_run(tmp_path_factory: pytest.TempPathFactory) -> tuple[Path, subprocess.CompletedProcess[str]]:
    folder = tmp_path_factory.mktemp("hostile")
    (folder / "good.py").write_text(FLUSH)
    for name, (make, _) in CASES.items():
        make(folder / name)
    try:
        return folder, check(".", cwd=folder)
    finally:
        if not ROOT:
            (folder / "unreadable.py").chmod(0o644)  # so that pytest can clean up


@pytest.mark.parametrize("name", sorted(CASES))
def test_hostile_file(name: str, hostile_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = hostile_run
    found = findings(result.stdout)
    for path, expected in CASES[name][1].items():
        got = found.get(path, [])
        assert [(line, code) for line, code, _ in got] == [(line, code) for line, code, _ in expected], result.stdout
        for (_, _, message), (_, _, words) in zip(got, expected):
            assert words in message
    if not CASES[name][1]:
        assert name not in found
    # the rest of the run is unaffected, and the exit code is that of a run with findings
    assert found["good.py"] == [(3, "RDS302", found["good.py"][0][2])]
    assert result.returncode == 1


def test_every_finding_of_the_run_is_expected(hostile_run: tuple[Path, subprocess.CompletedProcess[str]]) -> None:
    _, result = hostile_run
    expected = {path for _, paths in CASES.values() for path in paths} | {"good.py"}
    assert set(findings(result.stdout)) == expected
    assert result.stderr == ""


def test_special_files_named_on_the_command_line(tmp_path: Path) -> None:
    """A FIFO, a symlink loop and a folder named like modules, and a path that does not exist,
    given as arguments: RDS000 for the files, a folder is walked, a missing path is exit 2."""
    (tmp_path / "good.py").write_text(FLUSH)
    for name in ("fifo.py", "loop.py", "x.py"):
        {"fifo.py": _fifo, "loop.py": _symlink_loop, "x.py": _directory}[name](tmp_path / name)
    result = check("fifo.py", "loop.py", "x.py", "missing.py", "good.py", cwd=tmp_path)
    assert {path: [code for _, code, _ in found] for path, found in findings(result.stdout).items()} == {
        "fifo.py": ["RDS000"], "loop.py": ["RDS000"], "x.py/inner.py": ["RDS302"], "good.py": ["RDS302"]}
    assert result.stderr == "redis-lint: missing.py: no such file or directory\n"
    assert result.returncode == 2


def test_a_fifo_in_the_project_does_not_block_a_file_run(tmp_path: Path) -> None:
    """The prefilter reads every module of the project, not only the files linted."""
    (tmp_path / "good.py").write_text(FLUSH)
    os.mkfifo(tmp_path / "pipe.py")
    result = check("good.py", cwd=tmp_path)
    assert list(findings(result.stdout)) == ["good.py"]
    assert result.returncode == 1


@pytest.mark.slow  # a 20 MB file
def test_a_20_mb_file_is_reported_not_analysed(tmp_path: Path) -> None:
    block = "def handler_{n}(r: redis.Redis, user_id: int) -> None:\n    r.set(f'cache:user:{{user_id}}', b'x')\n\n\n"
    blocks = ["import redis\n\n\n"]
    size = 0
    while size < 20 * 1024 * 1024:
        blocks.append(block.format(n=len(blocks)))
        size += len(blocks[-1])
    (tmp_path / "generated.py").write_text("".join(blocks))
    (tmp_path / "good.py").write_text(FLUSH)
    result = check(".", cwd=tmp_path)
    assert findings(result.stdout) == {
        "generated.py": [(1, "RDS000", f"file too large to analyse (21.0 MB > {MAX_SOURCE_SIZE / 1e6:g} MB)")],
        "good.py": [(3, "RDS302", findings(result.stdout)["good.py"][0][2])],
    }
    assert result.returncode == 1


def test_a_file_just_under_the_limit_is_analysed(tmp_path: Path) -> None:
    padding = "# " + "x" * 98 + "\n"
    text = FLUSH + padding * ((MAX_SOURCE_SIZE - len(FLUSH)) // len(padding))
    assert len(text) <= MAX_SOURCE_SIZE
    (tmp_path / "padded.py").write_text(text)
    assert [(f.line, f.code) for f in lint_paths([tmp_path], Config(root=tmp_path)).findings] == [(3, "RDS302")]


def test_a_path_that_vanishes_during_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Found by discovery, gone when read: RDS000 for it, the other files as usual."""
    (tmp_path / "good.py").write_text(FLUSH)
    (tmp_path / "vanishing.py").write_text(FLUSH)
    discover = running.discover

    def discover_then_delete(paths, config):  # type: ignore[no-untyped-def]
        found = discover(paths, config)
        (tmp_path / "vanishing.py").unlink()
        return found

    monkeypatch.setattr(running, "discover", discover_then_delete)
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert [(Path(f.path).name, f.code, f.message) for f in run.findings] == [
        ("good.py", "RDS302", run.findings[0].message),
        ("vanishing.py", "RDS000", "cannot read: No such file or directory"),
    ]
    assert run.problems == []


def test_an_unreadable_file_even_as_root(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """chmod 000 does not stop root (the case above is skipped then): the read fails here instead."""
    from redis_lint.engine import linter, prefilter
    from redis_lint.source import reading

    (tmp_path / "good.py").write_text(FLUSH)
    (tmp_path / "unreadable.py").write_text(FLUSH)

    def read_source(path: Path) -> bytes:
        if Path(path).name == "unreadable.py":
            raise PermissionError(13, "Permission denied", str(path))
        return reading.read_source(path)

    for module in (running, linter, prefilter):
        monkeypatch.setattr(module, "read_source", read_source)
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert [(Path(f.path).name, f.code, f.message) for f in run.findings] == [
        ("good.py", "RDS302", run.findings[0].message),
        ("unreadable.py", "RDS000", "cannot read: Permission denied"),
    ]


def test_the_full_format_shows_the_right_line_despite_line_separators(tmp_path: Path) -> None:
    (tmp_path / "separators.py").write_text(SEPARATORS, encoding="utf-8")
    result = check("--format", "full", "separators.py", cwd=tmp_path)
    assert "5 |     r.flushdb()\n" in result.stdout


@pytest.mark.parametrize("output_format", ["full", "gitlab"])
def test_formats_that_show_source_lines_do_not_read_a_fifo(tmp_path: Path, output_format: str) -> None:
    (tmp_path / "good.py").write_text(FLUSH)
    os.mkfifo(tmp_path / "fifo.py")
    result = check("--format", output_format, "fifo.py", "good.py", cwd=tmp_path)
    assert "not a regular file (a FIFO)" in result.stdout and "RDS302" in result.stdout
    assert result.returncode == 1


def test_code_python_warns_about_is_analysed_without_a_warning(tmp_path: Path) -> None:
    """An invalid escape sequence or a call of a literal makes Python warn while parsing; those
    warnings are the analysed code's business and must not land in redis-lint's output."""
    (tmp_path / "app.py").write_text(FLUSH + "PATTERN = '\\o'\nvalue = (1)(2)\n" + "\n".join(
        f"def f{i}(r: redis.Redis):\n    r.set('user:{i}', '\\d')" for i in range(3)) + "\n")
    result = subprocess.run([sys.executable, "-W", "always", "-m", "redis_lint", "check", "--no-cache", "app.py"],
                            cwd=tmp_path, capture_output=True, text=True, timeout=120)
    assert "RDS302" in result.stdout and "RDS101" in result.stdout  # analysed...
    assert "Warning" not in result.stderr  # ...in silence


def _height(tree: object) -> int:
    import ast

    best, pending = 0, [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        best = max(best, depth)
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))  # type: ignore[arg-type]
    return best


@pytest.mark.parametrize("source", [
    "x = " + "-" * 150 + "y\n",  # a level a byte: the densest nesting Python has
    "x = " + "not " * 150 + "y\n",
    "x = r" + ".p()" * 120 + "\n",
    "x = y" + "[0]" * 200 + "\n",
    "x = " + "**".join(["a"] * 200) + "\n",
    "x = 1\r\ny = " + "-" * 100 + "z\r\n",  # lines ended as Python ends them
    "x = 1\ry = " + "-" * 100 + "z\r",
    "x = 'é€' + " + "-" * 100 + "z\n",  # columns are UTF-8 bytes
    "class C:\n    def f(self):\n        if x:\n            return a" + ".b()" * 140 + "\n",
])
def test_the_depth_check_walks_only_what_can_be_deep_and_finds_what_is(source: str) -> None:
    """The depth limit, checked on a small limit against a walk of every node: the nodes too short
    to hold that much nesting are skipped, never a node that holds it."""
    import ast

    from redis_lint.source.syntax import _deeper_than

    height = _height(ast.parse(source))
    for limit in (height - 1, height, height + 1, 2 * height):
        assert _deeper_than(ast.parse(source), limit, source) is (height > limit), limit
