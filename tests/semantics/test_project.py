"""Facts that cross module boundaries: the project index follows imports of the
linted project's own modules, in the CLI and in the flake8 plugin alike."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from redis_lint.config import Config, Policy
from redis_lint.engine.run import lint_paths
from redis_lint.rules import PROJECT_RULES

PROJECT_CODES = frozenset(rule.code for rule in PROJECT_RULES)

FILES = {
    "app/__init__.py": "",
    "app/keys.py": """
        PROFILE = "cache:user"

        def profile_key(uid):
            return f"{PROFILE}:{uid}:profile"
    """,
    "app/redis/__init__.py": "",
    "app/redis/client.py": """
        import redis

        client = redis.Redis()

        def get_redis():
            return client
    """,
    "app/store.py": """
        import redis

        class Store(redis.Redis):
            pass
    """,
    "app/worker.py": """
        class Worker:
            def __init__(self, conn):
                self.conn = conn

            def purge(self):
                self.conn.keys("cache:*")  # `keys`: no evidence of its own (a dict has it)
    """,
    "app/wrapper.py": """
        class Cache:
            def set(self, key, value):
                return None
    """,
    "app/services/__init__.py": "",
    "app/services/user.py": """
        from app.redis.client import client, get_redis
        from app.redis import client as client_module
        from app.store import Store
        from app.wrapper import Cache
        from ..keys import profile_key, PROFILE

        def save(uid, v):
            client.set(profile_key(uid), v)
            get_redis().get(f"{PROFILE}:{uid}:Avatar")
            client_module.client.keys("*")
            Cache().set("Not.A.Key", v)

        def reset():
            Store().flushall()
    """,
    "main.py": """
        import redis
        from app.worker import Worker

        Worker(redis.Redis()).purge()
    """,
}


@pytest.fixture
def project(tmp_path: Path) -> Path:
    for name, text in FILES.items():
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text(textwrap.dedent(text))
    return tmp_path


def found(project: Path, config: Config | None = None) -> list[tuple[str, int, str]]:
    """The per-file findings: the project-level rules (tests/rules/test_lifecycle.py) do not run under
    flake8, which test_flake8_uses_the_same_index compares with."""
    run = lint_paths([project], config or Config(root=project))
    return [(Path(f.path).relative_to(project).as_posix(), f.line, f.code) for f in run.findings
            if f.code not in PROJECT_CODES]


def test_constants_helpers_clients_factories_and_subclasses_across_modules(project: Path) -> None:
    assert found(project) == [
        ("app/services/user.py", 9, "RDS101"),  # client.set(profile_key(uid)): the helper lives in app/keys.py
        ("app/services/user.py", 10, "RDS202"),  # the f-string's prefix is app/keys.py's PROFILE
        ("app/services/user.py", 11, "RDS301"),  # the module attribute client_module.client
        ("app/services/user.py", 15, "RDS302"),  # Store subclasses redis.Redis in app/store.py
        ("app/services/user.py", 15, "RDS401"),
        ("app/services/user.py", 15, "RDS402"),  # Store() is built, used once and dropped
        ("app/worker.py", 7, "RDS301"),  # main.py builds Worker with a client
    ]


def test_the_message_shows_the_key_resolved_across_modules(project: Path) -> None:
    [finding] = [f for f in lint_paths([project], Config(root=project)).findings if f.code == "RDS101"]
    assert '"cache:user:{uid}:profile"' in finding.message


def test_a_constructor_also_fed_something_else_is_not_a_client(project: Path) -> None:
    (project / "other.py").write_text("from app.worker import Worker\nWorker({}).purge()\n")
    assert ("app/worker.py", 7, "RDS301") not in found(project)


def test_configured_third_party_factories(project: Path) -> None:
    (project / "app" / "legacy.py").write_text(
        "from django_redis import get_redis_connection\n"
        "def purge():\n    get_redis_connection('default').flushdb()\n")
    assert ("app/legacy.py", 3, "RDS302") not in found(project)
    config = Config(root=project, policy=replace(Policy(), client_factories=("django_redis.get_redis_connection",)))
    assert ("app/legacy.py", 3, "RDS302") in found(project, config)


def test_flake8_uses_the_same_index(project: Path) -> None:
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "RDS", "."], cwd=project,
                            capture_output=True, text=True, timeout=300)
    lines = sorted(line.split(":")[0].lstrip("./") + ":" + line.split(":")[1] + " " + line.split()[1]
                   for line in result.stdout.splitlines())
    assert lines == sorted(f"{path}:{line} {code}" for path, line, code in found(project))


def test_a_factory_imported_in_two_branches_of_a_function(project: Path) -> None:
    # redis-om imports its factory inside the function, once per branch that needs it
    (project / "app" / "migrate.py").write_text(textwrap.dedent("""
        def detect():
            try:
                from app.redis.client import get_redis
                conn = get_redis()
            except RuntimeError:
                from app.redis.client import get_redis
                conn = get_redis()
            conn.keys("*")
    """))
    (project / "app" / "redis" / "client.py").write_text(
        "import redis\n\nclient = redis.Redis()\n\ndef get_redis() -> redis.Redis:\n    return client\n")
    assert ("app/migrate.py", 9, "RDS301") in found(project)


def test_a_base_class_key_filled_by_the_subclass_across_modules(project: Path) -> None:
    # pottery: the base class builds the key from a prefix only its subclasses define
    (project / "app" / "primitive.py").write_text(textwrap.dedent("""
        class Primitive:
            def __init__(self, key):
                self.key = key

            @property
            def key(self):
                return self.__key

            @key.setter
            def key(self, value):
                self.__key = f"{self._KEY_PREFIX}:{value}"
    """))
    (project / "app" / "nextid.py").write_text(textwrap.dedent("""
        import redis
        from app.primitive import Primitive

        class NextID(Primitive):
            _KEY_PREFIX = "NextID"

            def current(self, r: redis.Redis):
                return r.get(self.key)
    """))
    run = lint_paths([project], Config(root=project))
    [finding] = [f for f in run.findings if f.path.endswith("nextid.py") and f.code == "RDS202"]
    assert '"NextID:{value}"' in finding.message
