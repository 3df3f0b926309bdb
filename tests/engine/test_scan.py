"""Discovery, the prefilter and the cache work on strings and bytes (a run over thousands of files
pays for no Path per file): the same answers as the pathlib and regex definitions they replace,
and a warm run that imports none of the analysis."""

from __future__ import annotations

import re
import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine.discovery import discover
from redis_lint.engine.prefilter import _IMPORT, Prefilter, _imports
from redis_lint.semantics.layout import calls_by_name, module_name, project_files
from redis_lint.redisconf.kinds import Kind, server_config_kind
from tests.conftest import REPO

TRICKY = (b"1abc( 2(  a1b2 (\n_9(  \xc3\xa9foo( 99_( x.y\t(\r\n) (a)) f(g(h())) print (x)\n"
          b"import a.b as c, d\nfrom .pkg import (x,\n  y as z)  # c\nfrom x import y; import z\n"
          b"  import q \\\n  , r\n'''import s'''\nx = 1; import valkey\nfrom . import (\n)\n")


def repository_texts() -> list[tuple[Path, bytes]]:
    return [(p, p.read_bytes()) for folder in ("redis_lint", "tests", "bench") for p in sorted((REPO / folder).rglob("*.py"))]


def test_calls_by_name_finds_what_a_forward_search_of_every_identifier_finds() -> None:
    forward = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)\s*\(")  # the definition the reversed search replaces
    texts = [(Path("tricky.py"), TRICKY), *repository_texts()]
    expected: dict[str, list[Path]] = {}
    for path, text in texts:
        for name in set(forward.findall(text)):
            expected.setdefault(name.decode(), []).append(path)
    assert calls_by_name(texts) == expected
    assert calls_by_name([("a", TRICKY)])["abc"] == ["a"] and "foo" in calls_by_name([("a", TRICKY)])


def test_imports_are_read_as_a_scan_of_every_line_reads_them() -> None:
    for _, text in [(None, TRICKY), *repository_texts()]:
        assert [m.span() for m in _imports(text)] == [m.span() for m in _IMPORT.finditer(text)]


def test_module_names_follow_the_packages(tmp_path: Path) -> None:
    for relative in ("app/__init__.py", "app/sub/__init__.py", "app/sub/mod.py", "loose/x.py", "app/sub/stub.pyi"):
        (tmp_path / relative).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / relative).write_text("")
    assert module_name(tmp_path / "app/sub/mod.py") == ("app.sub.mod", tmp_path)
    assert module_name(tmp_path / "app/sub/__init__.py") == ("app.sub", tmp_path)
    assert module_name(tmp_path / "app/sub/stub.pyi") == ("app.sub.stub", tmp_path)
    assert module_name(tmp_path / "loose/x.py") == ("x", tmp_path / "loose")


def tree(root: Path) -> Path:
    for relative in ("a b/x.py", "a-c/z.py", "a/__init__.py", "a/m.py", "a/redis.conf", "a/notes.txt",
                     "a/compose.prod.yaml", "env/x.py", ".hidden/h.py", "generated/g.py"):
        (root / relative).parent.mkdir(parents=True, exist_ok=True)
        (root / relative).write_text("import redis\nredis.Redis()\n")
    (root / "env" / "pyvenv.cfg").write_text("")
    (root / "linked").symlink_to(root / "a")  # a symlinked folder is not followed
    (root / "a" / "alias.py").symlink_to(root / "a" / "m.py")  # a symlinked file is a file
    (root / "broken.py").symlink_to(root / "nowhere.py")
    return root


def test_discovery_orders_and_filters_as_the_pathlib_walk_did(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    monkeypatch.chdir(root)
    found = discover([Path(".")], Config(root=root, exclude=("generated",)))
    assert [str(p) for p in found.files] == [  # sorted as posix paths: "a b", "a-c", "a/"
        ".hidden/h.py", "a b/x.py", "a-c/z.py", "a/__init__.py", "a/alias.py", "a/m.py", "broken.py"]
    assert [str(p) for p in found.server_configs] == ["a/compose.prod.yaml", "a/redis.conf"]
    again = discover([Path("a"), root / "a" / "m.py", root], Config(root=root, exclude=("/a b",)))
    assert [str(p) for p in again.files] == [  # what is named twice is listed once, as first named
        *(str(root / p) for p in (".hidden/h.py", "a-c/z.py", "broken.py", "generated/g.py")),
        "a/__init__.py", "a/alias.py", "a/m.py"]


def test_server_configurations_are_recognised_by_name_and_by_glob(tmp_path: Path) -> None:
    config = Config(root=tmp_path, server_config_files=("conf/*.txt",))
    assert server_config_kind(tmp_path / "docker-compose.override.yml", config) is Kind.COMPOSE
    assert server_config_kind(tmp_path / "cache.redis.conf", config) is Kind.REDIS_CONF
    assert server_config_kind(tmp_path / "conf" / "a.txt", config) is Kind.REDIS_CONF
    assert server_config_kind(tmp_path / "compose.py", config) is None


def test_prefilter_answers_for_relative_and_absolute_paths(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = tree(tmp_path)
    monkeypatch.chdir(root)
    scan = Prefilter([Path(".")])
    assert all(isinstance(p, Path) and p.is_absolute() for p in scan.relevant)
    assert scan.text(Path("a/m.py")) == scan.text(root / "a" / "m.py") == b"import redis\nredis.Redis()\n"
    assert scan.may_find(Path("a/m.py")) and scan.digest("a/m.py") == scan.digest(str(root / "a/m.py")) != ""
    assert project_files([root], 100) == sorted(project_files([root], 100) or [])  # pathlib's order
    assert project_files([root], 2) is None


def test_a_warm_run_imports_neither_libcst_nor_the_rules(tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text("import redis\n\nr = redis.Redis()\nr.set('a', 1)\n")
    command = [sys.executable, "-m", "redis_lint", "check", "--exit-zero", "."]
    cold = subprocess.run(command, cwd=tmp_path, capture_output=True, text=True, timeout=300)
    probe = ("import sys, runpy\nsys.argv = ['redis-lint', 'check', '--exit-zero', '.']\n"
             "try:\n    runpy.run_module('redis_lint', run_name='__main__')\nexcept SystemExit:\n    pass\n"
             "heavy = ('libcst', 'redis_lint.rules', 'redis_lint.semantics.project', 'redis_lint.redisconf.lint',\n"
             "         'yaml', 'pygls', 'redis')\n"
             "print(sorted(m for m in sys.modules if any(m == h or m.startswith(h + '.') for h in heavy)),\n"
             "      file=sys.stderr)\n")
    warm = subprocess.run([sys.executable, "-c", probe], cwd=tmp_path, capture_output=True, text=True, timeout=300)
    assert warm.stdout == cold.stdout and "RDS101" in cold.stdout
    assert warm.stderr.strip().splitlines()[-1] == "[]"


def _project(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        (root / name).parent.mkdir(parents=True, exist_ok=True)
        (root / name).write_text(text)


def _age(root: Path, seconds: float = 60) -> None:
    """Files written a while ago: not in the racy instant of the snapshot that reads them."""
    import os
    import time

    for path in [root] if root.is_file() else root.rglob("*.py"):
        os.utime(path, (time.time() - seconds, time.time() - seconds))


APP = {
    "app/__init__.py": "",
    "app/cache.py": "import redis\n\nclient = redis.Redis(host='localhost')\n",
    "app/views.py": "from app.cache import client\n\ndef save(name):\n    client.set(name, 1)\n",
    "app/models.py": "class User:\n    pass\n",
    "app/util.py": "def label(x):\n    return str(x)\n",
}


def test_a_warm_run_reads_only_the_files_whose_status_changed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The prefilter keeps what it read of each file under the file's status: a run on an
    unchanged tree reads no file, and a changed file is read again, whatever its size."""
    from redis_lint.engine import prefilter
    from redis_lint.engine.run import lint_paths

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)
    _age(project)
    config = Config(root=project)
    cold = lint_paths([project], config, cache_folder=cache)
    read: list[str] = []
    original = prefilter.read_source

    def counting(path: str) -> bytes:
        read.append(Path(path).name)
        return original(path)

    monkeypatch.setattr(prefilter, "read_source", counting)
    warm = lint_paths([project], config, cache_folder=cache)
    assert warm.findings == cold.findings and read == [] and warm.analysed == 0
    # the same size, another text: the status (modification time) says it changed
    (project / "app" / "views.py").write_text(APP["app/views.py"].replace("name, 1", "name, 2"))
    _age(project / "app" / "views.py", 30)
    changed = lint_paths([project], config, cache_folder=cache)
    assert read == ["views.py"] and changed.analysed == 1 and len(changed.findings) == len(cold.findings)


def test_a_file_written_as_the_snapshot_was_taken_is_read_again(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """On a file system with coarse times a file may change again within the same tick: a file
    written just before its status was kept is not trusted by the next run."""
    from redis_lint.engine import prefilter
    from redis_lint.engine.run import lint_paths

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)  # just written
    lint_paths([project], Config(root=project), cache_folder=cache)
    read: list[str] = []
    original = prefilter.read_source
    monkeypatch.setattr(prefilter, "read_source", lambda path: read.append(Path(path).name) or original(path))
    lint_paths([project], Config(root=project), cache_folder=cache)
    assert sorted(read) == sorted(Path(name).name for name in APP)


def test_a_new_module_or_a_broken_snapshot_means_reading_the_project_again(tmp_path: Path) -> None:
    from redis_lint.engine.run import lint_paths

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)
    _age(project)
    config = Config(root=project)
    cold = lint_paths([project], config, cache_folder=cache)
    # a package appears: `keys` becomes `app.keys`, imported by a new module using the client
    _project(project, {"app/jobs.py": "from app.cache import client\n\ndef run():\n    client.lpush('queue:jobs', 1)\n"})
    _age(project)
    grown = lint_paths([project], config, cache_folder=cache)
    assert len(grown.findings) > len(cold.findings)
    for entry in cache.rglob("*"):  # every entry broken: misses, not errors
        if entry.is_file() and entry.suffix not in (".TAG",) and entry.name not in (".gitignore", ".pruned"):
            entry.write_text("{not json")
    again = lint_paths([project], config, cache_folder=cache)
    assert again.findings == grown.findings


def test_an_undecodable_file_the_prefilter_rules_out_is_reported_by_a_warm_run_too(tmp_path: Path) -> None:
    from redis_lint.engine.run import lint_paths

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)
    (project / "app" / "latin.py").write_bytes(b"name = '\xe9t\xe9'\n")
    _age(project)
    config = Config(root=project)
    runs = [lint_paths([project], config, cache_folder=cache) for _ in range(2)]
    assert runs[0].findings == runs[1].findings
    assert [f.code for f in runs[1].findings if f.path.endswith("latin.py")] == ["RDS000"]


def test_a_file_that_changes_during_a_run_is_read_as_it_is_now(tmp_path: Path) -> None:
    """Known from the snapshot, then edited before the run reads it: its bytes, digest and imports
    are what the file says when it is read, not what the snapshot said."""
    from redis_lint.engine.cache import Cache, digest

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)
    _age(project)
    Prefilter([project], summaries=Cache(cache, salt="summaries"))  # the snapshot
    scan = Prefilter([project], summaries=Cache(cache, salt="summaries"))
    views = project / "app" / "views.py"
    assert scan.digest(views) == digest(APP["app/views.py"].encode())  # as the snapshot says
    edited = "import redis\n\nclient = redis.Redis()\n"
    views.write_text(edited)
    assert scan.text(views) == edited.encode() and scan.digest(views) == digest(edited.encode())


def test_what_the_prefilter_decided_is_read_again_while_the_contents_are_the_same(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Which files can hold a value or a call is decided once for the files' contents: a second
    scan of the same project reads the decision; a changed text decides again."""
    from redis_lint.engine.cache import Cache

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)
    first = Prefilter([project], summaries=Cache(cache, salt="summaries"))
    decided: list[int] = []
    original = Prefilter._relevant
    monkeypatch.setattr(Prefilter, "_relevant", lambda self: decided.append(1) or original(self))
    again = Prefilter([project], summaries=Cache(cache, salt="summaries"))
    assert decided == []
    assert (again.relevant, again.analysed, again.decisions) == (first.relevant, first.analysed, first.decisions)
    assert (again._handed, again._only_silencing) == (first._handed, first._only_silencing)
    keys = first.value_keys(project / "app/views.py", APP["app/views.py"])
    assert keys is not None and "client" in keys  # what the kept carriers say reaches in views.py
    assert again.value_keys(project / "app/views.py", APP["app/views.py"]) == keys
    (project / "app" / "views.py").write_text(APP["app/views.py"] + "\n# edited\n")
    Prefilter([project], summaries=Cache(cache, salt="summaries"))
    assert decided == [1]


def test_a_broken_decisions_entry_is_decided_again(tmp_path: Path) -> None:
    import json

    from redis_lint.engine.cache import Cache
    from redis_lint.source.digests import digest

    project, cache = tmp_path / "project", tmp_path / "cache"
    _project(project, APP)
    first = Prefilter([project], summaries=Cache(cache, salt="summaries"))
    entries = [p for p in cache.rglob("*") if p.is_file() and b'"holders"' in p.read_bytes()]
    assert len(entries) == 1
    entry = json.loads(entries[0].read_bytes().partition(b"\n")[2])
    for broken in ({**entry, "carrying": []}, {**entry, "handed": 3}, {"holders": "x"}):
        payload = json.dumps(broken).encode()  # written as redis-lint writes an entry: its digest holds
        entries[0].write_bytes(digest(payload).encode() + b"\n" + payload)
        again = Prefilter([project], summaries=Cache(cache, salt="summaries"))
        assert (again.relevant, again.analysed) == (first.relevant, first.analysed)
