"""The one-file-at-a-time session of the editor: what a change lets go of, and what it keeps.

The language server keeps one project index for every file it checks; a save (or a file changed
outside the editor) and an edited buffer must let go of exactly what was read or derived from the
changed file: the files that depend on it are told the new truth, the others are not analysed
again.
"""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from redis_lint.engine.session import EDITOR, check_text, config_for, files_changed, project_for
from redis_lint.semantics.project import ProjectIndex


def write(root: Path, name: str, text: str) -> Path:
    path = root / name
    path.write_text(textwrap.dedent(text))
    return path


def codes(path: Path) -> list[str]:
    return sorted({f.code for f in check_text(path, path.read_text(), display=path.name, host=EDITOR)})


def index(root: Path) -> ProjectIndex:
    config = config_for(root)
    assert not isinstance(config, Exception)
    return project_for(config)


def saved(root: Path, path: Path, text: str) -> None:
    path.write_text(textwrap.dedent(text))
    config = config_for(root)
    assert not isinstance(config, Exception)
    files_changed(config, [path])


CLIENT = """\
    import redis

    client = redis.Redis(host="cache.internal")
"""
USES_CLIENT = """\
    from connections import client


    def remember(name):
        client.set(f"user:{name}", 1)
"""
ON_ITS_OWN = """\
    import redis


    def forget(client: redis.Redis, name: str) -> None:
        client.delete(f"user:{name}")
        client.keys("user:*")
"""

# a class whose constructor's callers tell what `backend` is, and a caller that hands it a client
SEEN = """\
    import redis


    class Seen:
        def __init__(self, backend):
            self.backend = backend

        def remember(self, name):
            self.backend.set(f"user:{name}", 1)  # `set`: no evidence of its own
"""
HANDS_A_CLIENT = """\
    import redis

    from store import Seen


    def run():
        Seen(redis.Redis(host="cache.internal")).remember("ada")
"""


def project(tmp_path: Path) -> tuple[Path, Path, Path]:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    return (write(tmp_path, "connections.py", CLIENT), write(tmp_path, "views.py", USES_CLIENT),
            write(tmp_path, "tasks.py", ON_ITS_OWN))


def test_a_saved_module_changes_what_an_unchanged_file_importing_it_is_told(tmp_path: Path) -> None:
    connections, views, _ = project(tmp_path)
    assert "RDS101" in codes(views)
    saved(tmp_path, connections, "client = {}\n")  # no longer a Redis client
    assert codes(views) == []
    saved(tmp_path, connections, CLIENT)
    assert "RDS101" in codes(views)


def test_a_save_keeps_what_does_not_depend_on_the_saved_file(tmp_path: Path) -> None:
    connections, views, tasks = project(tmp_path)
    codes(views)
    before = codes(tasks)
    project_index = index(tmp_path)
    kept = project_index._models[tasks.absolute()]
    saved(tmp_path, connections, textwrap.dedent(CLIENT) + "\nTIMEOUT = 5\n")
    assert tasks.absolute() in project_index._models and project_index._models[tasks.absolute()] is kept
    assert views.absolute() not in project_index._models  # it read the saved module: analysed again
    assert connections.absolute() not in project_index._models
    assert "RDS101" in codes(views) and codes(tasks) == before


def test_an_edited_buffer_lets_go_of_the_files_that_read_it_only(tmp_path: Path) -> None:
    connections, views, tasks = project(tmp_path)
    codes(views), codes(tasks)
    project_index = index(tmp_path)
    kept = project_index._models[tasks.absolute()]
    edited = textwrap.dedent(CLIENT) + "\n# typing...\n"
    check_text(connections, edited, display="connections.py", host=EDITOR)  # the buffer, not the disk
    assert project_index._models[tasks.absolute()] is kept
    assert views.absolute() not in project_index._models


def test_a_module_that_appears_is_found_by_the_files_that_missed_it(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    views = write(tmp_path, "views.py", USES_CLIENT)
    assert codes(views) == []  # `connections` is not a module of the project yet
    saved(tmp_path, tmp_path / "connections.py", CLIENT)
    assert "RDS101" in codes(views)


def test_a_new_caller_in_another_file_tells_a_class_what_it_is_handed(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    store = write(tmp_path, "store.py", SEEN)
    jobs = write(tmp_path, "jobs.py", "def run():\n    return 1\n")
    assert codes(store) == []  # nothing says what `backend` is
    saved(tmp_path, jobs, HANDS_A_CLIENT)  # the project's only caller of Seen now hands it a client
    assert "RDS101" in codes(store)


def test_a_caller_that_appears_in_a_file_the_class_never_read_is_seen(tmp_path: Path) -> None:
    """Nothing the prefilter decided moves (the same files hold values and calls); only the callers
    of `Seen` do, which the analysis of store.py searched for."""
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    _, _, tasks = project(tmp_path)
    store = write(tmp_path, "store.py", SEEN)
    write(tmp_path, "jobs.py", HANDS_A_CLIENT)
    other = write(tmp_path, "other.py", """\
        import redis

        from store import Seen


        def run(client: redis.Redis):
            client.ping()
            return Seen
    """)
    assert "RDS101" in codes(store)
    codes(tasks)
    project_index = index(tmp_path)
    kept = project_index._models[tasks.absolute()]
    saved(tmp_path, other, """\
        import redis

        from store import Seen


        def run(client: redis.Redis):
            client.ping()
            return Seen({})
    """)  # a second caller, which hands it no client: `backend` is no longer known to be one
    assert project_index._models.get(tasks.absolute()) is kept
    assert "RDS101" not in codes(store)


def test_a_buffer_that_can_hold_no_redis_call_is_not_analysed(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """Most files of a project have nothing to do with Redis: the editor answers for them, as the
    CLI does, without parsing them, keystroke after keystroke, until their text can hold a call."""
    from redis_lint.engine import file_check

    _, views, tasks = project(tmp_path)
    plain = write(tmp_path, "forms.py", "def clean(data):\n    return data.strip()\n")
    analysed: list[str] = []
    real = file_check.analyse
    monkeypatch.setattr(file_check, "analyse", lambda file, *a, **k: analysed.append(file.path.name) or real(file, *a, **k))

    def lint(path: Path, text: str) -> list[str]:
        return sorted({f.code for f in check_text(path, textwrap.dedent(text), display=path.name, host=EDITOR)})

    assert lint(plain, plain.read_text()) == [] and analysed == []
    assert lint(plain, "def clean(data):\n    return data.strip().lower()\n") == [] and analysed == []
    assert lint(plain, "def clean(data:\n") == [] and analysed == []  # the CLI reports no syntax error there either
    assert "RDS302" in lint(plain, "import redis\n\n\ndef reset(r: redis.Redis):\n    r.flushall()\n")
    assert "RDS101" in lint(plain, "from connections import client\n\n\ndef keep(name):\n    client.set(f'user:{name}', 1)\n")
    assert analysed == ["forms.py", "forms.py"]
    assert "RDS101" in lint(views, views.read_text()) and "RDS302" not in lint(tasks, tasks.read_text())
    assert analysed == ["forms.py", "forms.py", "views.py", "tasks.py"]  # files that can hold calls are


def test_an_edited_buffer_is_analysed_as_the_scan_would_decide_for_its_text(tmp_path: Path,
                                                                            monkeypatch: pytest.MonkeyPatch) -> None:
    from redis_lint.engine import file_check

    project(tmp_path)
    errors = write(tmp_path, "errors.py", "import redis\n\n\ndef transient(error):\n"
                                          "    return isinstance(error, redis.ConnectionError)\n")
    store = write(tmp_path, "store.py", "class Seen:\n    def __init__(self, backend):\n        self.backend = backend\n\n"
                                        "    def remember(self, name):\n        self.backend.hset(f'user:{name}', 'seen', 1)\n")
    write(tmp_path, "jobs.py", "import redis\n\nfrom store import Seen\n\nSeen(redis.Redis(host='cache.internal'))\n")
    analysed: list[str] = []
    real = file_check.analyse
    monkeypatch.setattr(file_check, "analyse", lambda file, *a, **k: analysed.append(file.path.name) or real(file, *a, **k))

    def lint(path: Path, text: str) -> list[str]:
        return sorted({f.code for f in check_text(path, text, display=path.name, host=EDITOR)})

    # it imports the client library, and no value of it reaches a call: no finding, no analysis
    assert lint(errors, errors.read_text() + "\n# typing...\n") == [] and analysed == []
    assert "RDS302" in lint(errors, errors.read_text() + "\n\ndef reset(r: redis.Redis):\n    r.flushall()\n")
    assert analysed == ["errors.py"]
    # a holder hands its class a client: an edit of it is analysed whatever it imports
    assert "RDS101" in lint(store, store.read_text() + "\n# typing...\n")
    assert analysed == ["errors.py", "store.py"]


def test_every_fixture_file_with_a_finding_is_analysed_when_edited() -> None:
    """`may_find_in` never leaves out an edited file the CLI would find something in: every file of
    the fixtures that has a finding of its own, edited by a line, is still analysed."""
    from redis_lint.config import load_config
    from redis_lint.engine.prefilter import Prefilter
    from redis_lint.engine.run import lint_paths
    from tests.conftest import REPO

    for name in ("violating_service", "violating_lifecycle", "reference_app"):
        root = REPO / "fixtures" / name
        scan = Prefilter([root])
        reported = {Path(f.path).absolute() for f in lint_paths([root], load_config(start=root)).findings
                    if f.code not in ("RDS403", "RDS404") and f.path.endswith(".py")}
        assert reported or name == "reference_app"
        for path in reported:
            assert scan.may_find_in(path, path.read_bytes() + b"\n# edited\n"), path
