"""Values that installed libraries hand out (redis_lint.semantics.installed): read from the
library's source in the environment's site-packages, never imported, and only where it can carry
a Redis value."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine.run import lint_paths
from redis_lint.semantics.installed import InstalledLibraries, library_roots

QUEUE = '''\
from typing import TYPE_CHECKING, Optional

if TYPE_CHECKING:
    from redis import Redis


class Queue:
    def __init__(self, name: str, connection: Optional["Redis"] = None) -> None:
        self.name = name
        self.connection = connection


class Backend:
    def get_client(self, write: bool = True) -> "Redis":
        raise NotImplementedError


def get_connection():
    import redis
    return redis.Redis.from_url("redis://localhost")
'''

APP = '''\
from taskq import Backend, Queue, get_connection
from plainlib import Store


def purge(queue: Queue, backend: Backend, store: Store):
    queue.connection.keys("cache:*")
    backend.get_client().keys("cache:*")
    get_connection().flushdb()
    store.keys("cache:*")
'''


def environment(tmp_path: Path) -> Path:
    """A virtual environment's layout with two libraries: one that hands out clients, one that
    has nothing to do with Redis."""
    site = tmp_path / "venv" / "lib" / "python3.11" / "site-packages"
    (site / "taskq").mkdir(parents=True)
    (site / "taskq" / "__init__.py").write_text("from .queue import Backend, Queue, get_connection\n")
    (site / "taskq" / "queue.py").write_text(QUEUE)
    (site / "plainlib.py").write_text("class Store:\n    def keys(self, pattern):\n        return []\n")
    return tmp_path / "venv"


def project(tmp_path: Path) -> Path:
    root = tmp_path / "project"
    (root / "app").mkdir(parents=True)
    (root / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (root / "app" / "jobs.py").write_text(APP)
    return root


def found(root: Path, cache: Path | None = None) -> set[tuple[int, str]]:
    run = lint_paths([root], Config(root=root), cache_folder=cache)
    return {(f.line, f.code) for f in run.findings}


def test_what_an_installed_library_hands_out_is_known_from_its_source(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv, root = environment(tmp_path), project(tmp_path)
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert found(root) == set()  # the library is not in this environment: nothing is known
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    assert found(root) == {(6, "RDS301"), (7, "RDS301"), (8, "RDS302")}  # and `store.keys` stays clean


def test_a_project_s_own_dot_venv_is_its_environment(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = project(tmp_path)
    environment(tmp_path).rename(root / ".venv")
    monkeypatch.delenv("VIRTUAL_ENV", raising=False)
    assert found(root) == {(6, "RDS301"), (7, "RDS301"), (8, "RDS302")}


def test_the_cache_tells_one_environment_from_another(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    venv, root = environment(tmp_path), project(tmp_path)
    cache = tmp_path / "cache"
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    assert len(found(root, cache)) == 3
    monkeypatch.delenv("VIRTUAL_ENV")
    assert found(root, cache) == set()
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    assert len(found(root, cache)) == 3
    (venv / "lib" / "python3.11" / "site-packages" / "taskq" / "queue.py").write_text(
        QUEUE.replace('Optional["Redis"]', "Optional[dict]"))
    assert (6, "RDS301") not in found(root, cache)  # the library changed: decided again


def test_only_modules_that_can_carry_a_value_are_read_and_never_a_client_library(tmp_path: Path) -> None:
    site = environment(tmp_path) / "lib" / "python3.11" / "site-packages"
    (site / "taskq" / "util.py").write_text("def helper():\n    return 1\n")
    read: list[Path] = []

    def summary(path: Path, package: str):  # type: ignore[no-untyped-def]
        from redis_lint.summaries import ModuleSummary
        read.append(path)
        return ModuleSummary.read(path.read_bytes(), package)

    libraries = InstalledLibraries((site,), summary)
    assert libraries.may_carry(site / "taskq" / "__init__.py")  # through `from .queue import ...`
    assert not libraries.may_carry(site / "taskq" / "util.py")
    assert not libraries.may_carry(site / "plainlib.py")
    assert site / "plainlib.py" not in read  # a library whose files never name a client library is not read
    assert libraries.find("redis.client") is None and libraries.find("redis_lint.cli") is None


def test_the_environment_is_the_interpreter_s_an_activated_one_and_a_project_s(tmp_path: Path,
                                                                               monkeypatch: pytest.MonkeyPatch) -> None:
    import sysconfig

    venv = environment(tmp_path)
    monkeypatch.setenv("VIRTUAL_ENV", str(venv))
    roots = library_roots([tmp_path / "nowhere"])
    assert Path(sysconfig.get_paths()["purelib"]).absolute() in roots
    assert venv / "lib" / "python3.11" / "site-packages" in roots


def test_an_installed_or_upgraded_library_changes_what_decisions_are_kept_by(tmp_path: Path) -> None:
    site = environment(tmp_path) / "lib" / "python3.11" / "site-packages"
    before = InstalledLibraries((site,), lambda path, package: None).fingerprint
    (site / "taskq-2.0.dist-info").mkdir()
    assert InstalledLibraries((site,), lambda path, package: None).fingerprint != before
