"""The engine: decoding, parse errors, noqa, discovery, ordering, isolation."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine import linter
from redis_lint.engine.discovery import discover
from redis_lint.engine.linter import lint_file
from redis_lint.engine.run import lint_paths
from redis_lint.source.noqa import noqa_map
from redis_lint.source.reading import SourceError, decode_source
from tests.conftest import codes, lint

FLUSH = "import redis\ndef f(r: redis.Redis):\n    r.flushall(){comment}\n"


# -- decoding ----------------------------------------------------------------

def test_bom_is_dropped() -> None:
    assert decode_source(b"\xef\xbb\xbfx = 1\n") == "x = 1\n"


def test_coding_cookie_is_honoured() -> None:
    assert decode_source("# -*- coding: latin-1 -*-\nk = 'caf\xe9'\n".encode("latin-1")).endswith("'caf\xe9'\n")


@pytest.mark.parametrize(
    ("data", "message"),
    [
        (b"x = '\xff\xfe'\n", "cannot decode as utf-8 (line 1)"),
        (b"# coding: klingon\nx = 1\n", "unknown encoding"),
    ],
)
def test_undecodable_files(data: bytes, message: str) -> None:
    with pytest.raises(SourceError, match=message.replace("(", r"\(").replace(")", r"\)")):
        decode_source(data)


def test_crlf_and_lone_cr_line_endings(tmp_path: Path) -> None:
    for name, newline in (("crlf.py", b"\r\n"), ("cr.py", b"\r")):
        path = tmp_path / name
        path.write_bytes(newline.join([b"import redis", b"def f(r: redis.Redis):", b"    r.flushall()", b""]))
        [finding] = lint_file(path, Config(root=tmp_path))
        assert (finding.code, finding.line) == ("RDS302", 3)


# -- files that cannot be linted ---------------------------------------------

def test_unreadable_undecodable_and_unparsable_files_are_rds000(tmp_path: Path) -> None:
    (tmp_path / "bad_encoding.py").write_bytes(b"x = '\xff'\n")
    (tmp_path / "syntax.py").write_text("import redis\ndef f(:\n")
    (tmp_path / "py2.py").write_text('import redis\nprint "hello"\n')
    (tmp_path / "good.py").write_text(FLUSH.format(comment=""))
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert [(Path(f.path).name, f.line, f.code) for f in run.findings] == [
        ("bad_encoding.py", 1, "RDS000"),
        ("good.py", 3, "RDS302"),
        ("py2.py", 2, "RDS000"),
        ("syntax.py", 2, "RDS000"),
    ]


def test_syntax_errors_are_reported_only_where_redis_code_can_be(tmp_path: Path) -> None:
    """The prefilter does not parse files that cannot hold a Redis value (ruff and flake8 report
    their syntax errors); undecodable files are reported whatever they hold."""
    (tmp_path / "unrelated.py").write_text("def f(:\n")
    (tmp_path / "undecodable.py").write_bytes(b"x = '\xff'\n")
    assert [f.path for f in lint_paths([tmp_path], Config(root=tmp_path)).findings] == [
        (tmp_path / "undecodable.py").as_posix()]
    assert len(lint_paths([tmp_path], Config(root=tmp_path), prefilter=False).findings) == 2


def test_rds000_can_be_ignored(tmp_path: Path) -> None:
    (tmp_path / "syntax.py").write_text("def f(:\n")
    assert lint_paths([tmp_path], Config(root=tmp_path, ignore=("RDS000",))).findings == []


def test_internal_error_costs_one_file_not_the_run(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    def broken(self, context):  # type: ignore[no-untyped-def]
        raise ValueError("boom")

    monkeypatch.setattr(linter.ALL_RULES[0].__class__, "check", broken)
    [finding] = lint("import redis\n")
    assert finding.code == "RDS000"
    assert "internal error" in finding.message and "ValueError" in finding.message


# -- noqa --------------------------------------------------------------------

@pytest.mark.parametrize(
    ("comment", "silenced"),
    [
        ("  # noqa", True),
        ("  # noqa: RDS302", True),
        ("  # NOQA:RDS302", True),
        ("  # noqa: RDS101,RDS302", True),
        ("  # noqa: RDS101 RDS302", True),
        ("  # noqa: RDS3", True),
        ("  # noqa: RDS101", False),
        ("  # noqa: E501", False),
        ("  # no qa", False),
    ],
)
def test_noqa(comment: str, silenced: bool) -> None:
    assert codes(FLUSH.format(comment=comment)) == ([] if silenced else ["RDS302"])


def test_noqa_goes_on_the_line_of_the_finding_as_in_flake8() -> None:
    source = 'import redis\ndef f(r: redis.Redis):\n    r.set(\n        "Cache:a:b", 1, ex=5,\n    )  # noqa: RDS202\n'
    assert codes(source) == ["RDS202"]
    assert codes(source.replace('ex=5,\n    )  # noqa: RDS202', 'ex=5,  # noqa: RDS202\n    )')) == []


def test_noqa_after_a_multiline_string_covers_all_of_its_lines() -> None:
    source = "import redis\ndef f(r: redis.Redis):\n    r.eval(\"\"\"\n        return redis.call('KEYS', '*')\n    \"\"\", 0)  # noqa: RDS301\n"
    assert codes(source) == []


def test_noqa_inside_a_string_is_not_a_comment() -> None:
    assert noqa_map('x = "# noqa"\n') == {}


# -- discovery ---------------------------------------------------------------

def test_discovery_skips_vcs_virtualenvs_caches_and_excludes(tmp_path: Path) -> None:
    for relative in ("a.py", "pkg/b.py", "pkg/c.pyi", "pkg/notes.txt", ".git/hooks/x.py", "__pycache__/x.py",
                     "env/lib/x.py", "node_modules/x.py", "generated/x.py", "pkg.egg-info/x.py"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    (tmp_path / "env" / "pyvenv.cfg").write_text("")  # a virtualenv under an unusual name
    found = discover([tmp_path], Config(root=tmp_path, exclude=("generated",)))
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["a.py", "pkg/b.py", "pkg/c.pyi"]


def test_missing_paths_are_reported_and_the_rest_is_linted(tmp_path: Path) -> None:
    (tmp_path / "a.py").write_text(FLUSH.format(comment=""))
    run = lint_paths([tmp_path / "missing.py", tmp_path / "a.py"], Config(root=tmp_path))
    assert [f.code for f in run.findings] == ["RDS302"]
    assert run.problems == [f"{tmp_path / 'missing.py'}: no such file or directory"]


def test_symlink_loops_do_not_hang(tmp_path: Path) -> None:
    (tmp_path / "pkg").mkdir()
    (tmp_path / "pkg" / "loop").symlink_to(tmp_path / "pkg")
    (tmp_path / "pkg" / "a.py").write_text("")
    assert [p.name for p in discover([tmp_path], Config(root=tmp_path)).files] == ["a.py"]


def test_output_is_sorted_and_deterministic(tmp_path: Path) -> None:
    for name in ("b.py", "a.py", "c/d.py"):
        (tmp_path / name).parent.mkdir(exist_ok=True)
        (tmp_path / name).write_text("import redis\ndef f(r: redis.Redis):\n    r.keys()\n    r.flushall()\n")
    first = lint_paths([tmp_path / "c", tmp_path], Config(root=tmp_path)).findings
    assert [(Path(f.path).name, f.line) for f in first] == [
        ("a.py", 3), ("a.py", 4), ("b.py", 3), ("b.py", 4), ("d.py", 3), ("d.py", 4)]
    assert first == lint_paths([tmp_path], Config(root=tmp_path)).findings


def test_skip_file() -> None:
    source = "# redis-lint: skip-file\n" + FLUSH.format(comment="")
    assert codes(source) == []
    assert codes(FLUSH.format(comment="  # redis-lint: skip-file")) == []  # anywhere in the file


def test_unused_noqa_is_opt_in_and_names_the_idle_codes() -> None:
    from redis_lint.config import Config

    source = FLUSH.format(comment="  # noqa: RDS302, RDS101, E501") + "x = 1  # noqa: RDS301\ny = 2  # noqa\n"
    assert codes(source) == []
    config = Config(root=Path("/project"), extend_select=("RDS900",))
    findings = lint(source, config=config)
    assert [(f.line, f.code, f.message) for f in findings] == [
        (3, "RDS900", "# noqa: RDS101 silences nothing here: remove it"),
        (4, "RDS900", "# noqa: RDS301 silences nothing here: remove it"),
    ]
    assert Config(select=("RDS",)).enabled_codes("x.py") >= {"RDS101"}
    assert "RDS900" not in Config(select=("RDS",)).enabled_codes("x.py")  # a prefix does not turn it on
