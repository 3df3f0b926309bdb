"""Clients known by how they are used (redis_lint.semantics.usage, redis_lint.inference.usage):
both sides of every threshold, and the look-alikes that must stay clean."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine.run import lint_paths
from redis_lint.inference.usage import REDIS_ONLY, evidence, is_client_by_use, may_call_redis_only
from redis_lint.semantics.layout import called_names
from redis_lint.semantics.command_specs import COMMANDS
from tests.conftest import codes, lint

# Each snippet calls a method only Redis has on a receiver nothing else says is a client, and
# then `keys("cache:*")`: RDS301 once the receiver is known by its use.
KNOWN_BY_USE = {
    "parameter": """
        def purge(conn):
            conn.hset("cache:stats:hits", "n", 1)
            conn.keys("cache:*")
    """,
    "local from an unknown helper": """
        def connect():
            return make_connection()
        def purge():
            conn = connect()
            conn.zadd("cache:board:scores", {"a": 1})
            conn.keys("cache:*")
    """,
    "attribute of the class, used in another method": """
        class Stats:
            def __init__(self, backend):
                self.backend = backend
            def hit(self, name):
                self.backend.hincrby("cache:stats:hits", name, 1)
            def purge(self):
                self.backend.keys("cache:*")
    """,
    "module global, used in a function": """
        def connect():
            return make_connection()
        SERVER = connect()
        def hit():
            SERVER.expire("cache:stats:hits", 60)
        def purge():
            SERVER.keys("cache:*")
    """,
    "a pipeline taken from it is used with Redis-only commands": """
        def purge(server):
            pipe = server.pipeline()
            pipe.incr("cache:stats:hits")
            pipe.expire("cache:stats:hits", 60)
            pipe.execute()
            server.keys("cache:*")
    """,
    "with ... as pipeline": """
        def purge(server):
            with server.pipeline() as pipe:
                pipe.setex("cache:stats:hits", 60, 1)
            server.keys("cache:*")
    """,
    "awaited": """
        async def purge(conn):
            await conn.lpush("queue:jobs:pending", "x")
            await conn.keys("cache:*")
    """,
}

# The same calls on values whose origin says they are something else, and receivers on which only
# names a look-alike shares are called: none of them is a client.
LOOK_ALIKES = {
    "dict literal": """
        def f():
            d = {}
            d.get("a"); d.setdefault("a", 1); d.keys("cache:*"); d.hset("x")
    """,
    "generic names only, however many": """
        def f(store):
            store.get("cache:a:b"); store.set("cache:a:b", 1); store.delete("cache:a:b")
            store.incr("cache:a:b"); store.touch("cache:a:b"); store.exists("x"); store.keys("cache:*")
            store.pipeline(); store.execute(); store.lock("x"); store.ttl("x"); store.publish("c", 1)
    """,
    "Django's cache": """
        from django.core.cache import cache
        def f():
            cache.expire("a", 10); cache.set("abc", 1); cache.keys("cache:*"); cache.hset("h", "f", 1)
    """,
    "Django's caches": """
        from django.core.cache import caches
        def f():
            c = caches["default"]
            c.expire("a", 10); c.set("abc", 1); c.keys("cache:*")
    """,
    "memcache client": """
        from pymemcache.client.base import Client
        mc = Client(("localhost", 11211))
        def f():
            mc.set("abc", 1); mc.incr("abc", 1); mc.touch("abc", 10); mc.setex("abc", 1); mc.keys("cache:*")
    """,
    "SQLAlchemy session": """
        from sqlalchemy.orm import Session, sessionmaker
        Factory = sessionmaker()
        def f(session: Session, obj):
            session.expire(obj); session.delete(obj); session.get(obj, 1); session.keys("cache:*")
        def g(obj):
            s = Factory()
            s.expire(obj); s.keys("cache:*")
    """,
    "requests session": """
        import requests
        def f():
            s = requests.Session()
            s.get("https://x"); s.delete("https://x"); s.expire(1); s.keys("cache:*")
    """,
    "an object of the project's own class": """
        class Memory:
            def expire(self, key, ttl): ...
            def keys(self, pattern): ...
        def f(cache=None):
            local = Memory() if cache is None else cache
            local.expire("a", 1); local.keys("cache:*")
    """,
    "a Redis command's reply": """
        import redis
        def f(r: redis.Redis, key):
            ops = r.bitfield(key)
            ops.incrby("u8", 0, 1); ops.keys("cache:*")
            ops.execute()
    """,
    "a parameter with a non-Redis annotation": """
        def f(d: dict):
            d.hset("x"); d.keys("cache:*")
    """,
}


@pytest.mark.parametrize("code", KNOWN_BY_USE.values(), ids=KNOWN_BY_USE.keys())
def test_a_receiver_used_with_commands_only_redis_has_is_a_client(code: str) -> None:
    assert "RDS301" in codes(textwrap.dedent(code))


@pytest.mark.parametrize("code", LOOK_ALIKES.values(), ids=LOOK_ALIKES.keys())
def test_look_alikes_stay_clean(code: str) -> None:
    assert codes(textwrap.dedent(code)) == []


def test_one_name_only_redis_has_is_enough_and_generic_names_never_are() -> None:
    assert evidence(["get", "set", "hset"]) == ("hset",)
    assert evidence(["get", "set", "delete", "keys", "items", "incr", "touch", "pipeline", "execute"]) == ()
    assert "RDS301" in codes("def f(c):\n    c.sadd('cache:a:b', 1)\n    c.keys('cache:*')\n")
    assert codes("def f(c):\n    c.add('cache:a:b', 1)\n    c.keys('cache:*')\n") == []


def test_the_evidence_is_made_of_redis_py_commands_and_never_of_a_dict_s_or_a_cache_s_names() -> None:
    import redis

    shared = set(dir(dict)) | set(dir(list)) | set(dir(set)) | {"get", "set", "delete", "add", "incr", "decr",
                                                                  "touch", "clear", "keys", "exists", "rename"}
    assert not REDIS_ONLY & shared
    commands = set(dir(redis.Redis)) | set(dir(redis.client.Pipeline))
    assert REDIS_ONLY <= commands, REDIS_ONLY - commands
    assert {"hset", "zadd", "lpush", "expire", "setex", "zrangebyscore"} <= REDIS_ONLY  # the examples
    assert not {"get", "set", "delete", "keys", "items"} & REDIS_ONLY


def test_what_else_is_called_tells_a_client_from_a_pipeline() -> None:
    assert is_client_by_use(["hset", "pipeline"])
    assert not is_client_by_use(["hset", "execute"])
    assert not is_client_by_use(["hset"])  # either: taken as a pipeline
    in_loop = "def f(c, keys):\n    {extra}\n    for k in keys:\n        c.hdel('cache:a:b', k)\n"
    assert "RDS601" in codes(in_loop.format(extra="c.ping()"))  # a client: one round trip a command
    assert "RDS601" not in codes(in_loop.format(extra="c.execute()"))  # a pipeline queues them
    assert "RDS601" not in codes(in_loop.format(extra="pass"))  # either: only what holds for both
    assert "RDS601" in codes(in_loop.format(extra="assert c.llen('cache:a:b') == 0"))  # a reply read: a client
    assert "RDS601" in codes(in_loop.format(extra="if not c.sismember('cache:a:b', 1): return"))
    assert "RDS601" in codes(in_loop.format(extra="entry = c.hget('cache:a:b', 'f')\n    if entry is None: return"))
    assert "RDS601" not in codes(in_loop.format(extra="entry = c.hget('cache:a:b', 'f')\n    entry.hlen('x')"))


def test_the_finding_carries_its_evidence() -> None:
    [finding] = [f for f in lint("def f(conn):\n    conn.hset('cache:a:b', 'f', 1)\n    conn.keys('cache:*')\n")
                 if f.code == "RDS301"]
    assert finding.evidence == "`conn`: used with hset"


def test_the_prefilter_sees_every_name_in_the_names_a_file_calls() -> None:
    for name in sorted(REDIS_ONLY):
        assert may_call_redis_only(called_names(f"x.{name}(1)\nx.{name} (\n1)".encode())), name
    assert not may_call_redis_only(called_names(b"x.get(1)\nhset = 1\nx.hsetx(1)\n"))


def found(project: Path) -> set[tuple[str, int, str]]:
    return {(Path(f.path).relative_to(project).as_posix(), f.line, f.code)
            for f in lint_paths([project], Config(root=project)).findings}


def test_a_file_that_imports_nothing_of_redis_is_analysed_for_a_receiver_known_by_its_use(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "stats.py").write_text(
        "class Stats:\n    def __init__(self, backend):\n        self.backend = backend\n\n"
        "    def hit(self, name):\n        self.backend.hincrby(f'cache:stats:{name}', 'n', 1)\n")
    (tmp_path / "app" / "plain.py").write_text("def f(d):\n    d.set('BadKey', 1)\n")
    assert found(tmp_path) == {("app/stats.py", 6, "RDS101")}


def test_what_another_module_calls_on_its_global_is_evidence_where_it_is_imported(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "store.py").write_text(
        "from app.helpers import connect\nSERVER = connect()\n\ndef hit():\n    SERVER.zincrby('cache:board:x', 1, 'a')\n")
    (tmp_path / "app" / "helpers.py").write_text("def connect():\n    return object.__new__(object)\n")
    (tmp_path / "app" / "views.py").write_text(
        "from app import store\nfrom app.store import SERVER\n\ndef purge():\n    store.SERVER.keys('cache:*')\n"
        "    SERVER.flushdb()\n")
    assert {("app/views.py", 5, "RDS301"), ("app/views.py", 6, "RDS302")} <= found(tmp_path)


def test_a_name_the_project_defines_as_a_method_is_no_evidence(tmp_path: Path) -> None:
    """django-redis's `RedisCache` calls `self.client.sadd(...)` on its own `DefaultClient`."""
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "wrapper.py").write_text("class Client:\n    def sadd(self, key, *values):\n        return 0\n")
    (tmp_path / "app" / "cache.py").write_text(
        "class Cache:\n    def __init__(self, client):\n        self.client = client\n\n"
        "    def add(self, key):\n        self.client.sadd(key, 1)\n        self.client.keys('cache:*')\n")
    assert found(tmp_path) == set()
    assert "RDS301" in codes("def f(c):\n    c.sadd('cache:a:b', 1)\n    c.keys('cache:*')\n")
    assert codes("class W:\n    def sadd(self, k):\n        pass\n\ndef f(c):\n    c.sadd('cache:a:b')\n"
                 "    c.keys('cache:*')\n") == []


HANDS_ON = """
    class Store:
        def __init__(self, url):
            self.client = connect(url)

        def put(self, key, value):
            self.client.{command}

        def guard(self, name):
            return Guard(name, self.client)


    class Guard:
        def __init__(self, name, client):
            self.client = client

        def purge(self):
            self.client.keys("cache:*")
"""


def project_of(tmp_path: Path, code: str) -> Path:
    (tmp_path / "app").mkdir(parents=True)
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "app" / "store.py").write_text(textwrap.dedent(code))
    return tmp_path


def test_a_client_known_by_its_use_where_it_is_handed_on_is_one_where_it_arrives(tmp_path: Path) -> None:
    """The caller calls `setex` on `self.client` and hands it to `Guard`: a client there too."""
    used = project_of(tmp_path / "used", HANDS_ON.format(command='setex("cache:a:b", 60, value)'))
    assert ("app/store.py", 18, "RDS301") in found(used)
    generic = project_of(tmp_path / "generic", HANDS_ON.format(command='set("cache:a:b", value)'))
    assert found(generic) == set()  # no evidence where it is handed: nothing known where it arrives


def test_a_construction_that_says_client_wins_over_a_use_that_cannot_tell_client_from_pipeline(
        tmp_path: Path) -> None:
    """`self.client` is either built from `from_url` or handed in by a caller that uses it with
    `setex` only (a client or a pipeline): both agree on a client, so a command in a loop on it
    is a round trip (a pipeline would queue it)."""
    code = textwrap.dedent('''
        import redis

        CLIENTS = {}


        class Store:
            def __init__(self, client):
                self.client = client

            def put(self, key, value):
                self.client.setex(key, 60, value)

            def guard(self, name):
                return Guard(name, self.client)


        class Guard:
            def __init__(self, name, url):
                if isinstance(url, str):
                    self.client = CLIENTS.get(url, redis.Redis.from_url, url)
                else:
                    self.client = url

            def wait(self):
                while True:
                    if self.client.set("lock:guard:x", 1, ex=9, nx=True):
                        return
    ''')
    assert ("app/store.py", 27, "RDS601") in found(project_of(tmp_path / "built", code))
    either = project_of(tmp_path / "either", code.replace("CLIENTS.get(url, redis.Redis.from_url, url)", "url"))
    assert "RDS601" not in {c for _, _, c in found(either)}


@pytest.mark.slow
def test_flake8_says_why_a_client_known_by_its_use_is_one(tmp_path: Path) -> None:
    (tmp_path / "stats.py").write_text(
        "class Stats:\n    def __init__(self, backend):\n        self.backend = backend\n\n"
        "    def hit(self, name):\n        self.backend.hincrby(f'cache:stats:{name}', 'n', 1)\n")
    result = subprocess.run([sys.executable, "-m", "flake8", "--select", "RDS", "stats.py"], cwd=tmp_path,
                            capture_output=True, text=True, timeout=120)
    assert "stats.py:6:9: RDS101" in result.stdout
    assert "(why a client: `self.backend`: used with hincrby in Stats)" in result.stdout


def test_the_tests_that_take_one_fixture_take_one_value() -> None:
    """pytest hands every test of a module the fixture of the parameter's name: what one test
    calls on it is evidence in the others (python-redis-lock's `conn`: `llen` in one test,
    `ttl` and `get` in the rest)."""
    module = textwrap.dedent("""
        import pytest
        @pytest.fixture
        def conn(make_conn):
            return make_conn()
        def test_ttl(conn):
            conn.get("Lock:foobar")
        def test_signal(conn):
            assert conn.llen("lock:signal:x") == 0
        class TestLock:
            def test_get(self, conn):
                conn.get("Lock:other")
        def test_other(client):
            client.get("Lock:third")
        def helper(conn):
            def inner(conn):
                conn.get("Lock:fourth")
    """)
    found = {(f.line, f.code) for f in lint(module, path="tests/test_lock.py")}
    assert {(7, "RDS202"), (12, "RDS202")} <= found
    assert not {line for line, _ in found} & {14, 17}  # not a fixture's name; a nested function's parameter
    without = module.replace("@pytest.fixture\n", "")
    assert {(7, "RDS202"), (12, "RDS202")}.isdisjoint({(f.line, f.code) for f in lint(without, path="tests/test_lock.py")})
