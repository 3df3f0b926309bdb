"""Which expressions are Redis clients: imports, aliases, bindings, annotations, pipelines."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine.run import lint_paths
from tests.conftest import codes, lint

# Each snippet issues r.keys() (RDS301) on something that must be recognised as a client.
RECOGNISED = {
    "import alias": "import redis as rd\nr = rd.Redis()\nr.keys()\n",
    "from import": "from redis import Redis\nr = Redis()\nr.keys()\n",
    "from import alias": "from redis import StrictRedis as SR\nr = SR()\nr.keys()\n",
    "from_url": "import redis\nr = redis.from_url('redis://localhost')\nr.keys()\n",
    "class from_url": "from redis import Redis\nr = Redis.from_url('redis://localhost')\nr.keys()\n",
    "asyncio": "import redis.asyncio as aioredis\nasync def f():\n    r = aioredis.Redis()\n    await r.keys()\n",
    "asyncio from": "from redis.asyncio import Redis\nasync def f():\n    await Redis().keys()\n",
    "valkey": "import valkey\nr = valkey.Valkey()\nr.keys()\n",
    "cluster": "from redis.cluster import RedisCluster\nRedisCluster().keys()\n",
    "sentinel master": "from redis.sentinel import Sentinel\nr = Sentinel([]).master_for('m')\nr.keys()\n",
    "annotated param": "import redis\ndef f(r: redis.Redis):\n    r.keys()\n",
    "string annotation": "import redis\ndef f(r: 'redis.Redis'):\n    r.keys()\n",
    "optional annotation": "from typing import Optional\nfrom redis import Redis\ndef f(r: Optional[Redis]):\n    r.keys()\n",
    "union annotation": "from redis import Redis\ndef f(r: Redis | None = None):\n    r.keys()\n",
    "async annotation": "from redis.asyncio import Redis\nasync def f(r: Redis):\n    await r.keys()\n",
    "annotated module variable": "from redis import Redis\nr: Redis\ndef f():\n    r.keys()\n",
    "global set later": "import redis\nr = None\ndef init():\n    global r\n    r = redis.Redis()\ndef f():\n    r.keys()\n",
    "self attribute": (
        "import redis\nclass S:\n    def __init__(self, client: redis.Redis):\n        self.client = client\n"
        "    def f(self):\n        self.client.keys()\n"
    ),
    "class annotation": "import redis\nclass S:\n    client: redis.Redis\n    def f(self):\n        self.client.keys()\n",
    "self in subclass": "import redis\nclass Store(redis.Redis):\n    def purge(self):\n        self.keys()\n",
    "factory annotation": "import redis\ndef get_redis() -> redis.Redis:\n    ...\nget_redis().keys()\n",
    "async factory": "import redis.asyncio\nasync def get() -> redis.asyncio.Redis:\n    ...\nasync def f():\n    r = await get()\n    await r.keys()\n",
    "with client": "import redis\nwith redis.Redis() as r:\n    r.keys()\n",
    "walrus": "import redis\nif (r := redis.Redis()):\n    r.keys()\n",
    "closure": "import redis\ndef outer(r: redis.Redis):\n    def inner():\n        r.keys()\n    return inner\n",
    # where it comes from (issue 15)
    "default parameter value": (
        "import redis\nredis_client = redis.Redis()\nclass Store:\n    def __init__(self, client=redis_client):\n"
        "        self.client = client\n    def purge(self):\n        self.client.keys()\n"),
    "pipeline rebound to its own command": (
        "import redis\ndef f(r: redis.Redis):\n    pipe = r.pipeline()\n    pipe = pipe.set('cache:a:b', 1, ex=5)\n"
        "    pipe.keys()\n    pipe.execute()\n"),
    "class from a mapping's pop default": (
        "import redis\ndef f(options):\n    cls = options.pop('client_class', redis.Redis)\n    cls().keys()\n"),
    "class from a mapping's get default": (
        "import redis\ndef f(options):\n    cls = options.get('client_class', default=redis.StrictRedis)\n    cls().keys()\n"),
    "a parameter annotated Callable returning a client": (
        "from typing import Callable\nimport redis\ndef f(factory: Callable[..., redis.Redis]):\n    factory().keys()\n"),
    "a dataclass field annotated Callable returning a client": (
        "import dataclasses\nfrom collections.abc import Callable\nfrom redis.asyncio import Redis\n"
        "def make() -> Redis: ...\n@dataclasses.dataclass\nclass Check:\n"
        "    factory: Callable[[], Redis] = dataclasses.field(default=make)\n"
        "    async def run(self):\n        await self.factory().keys()\n"),
    "local checked by assertIsInstance": (
        "import unittest\nfrom redis import Redis\nclass T(unittest.TestCase):\n    def test(self):\n"
        "        r = self.make()\n        self.assertIsInstance(r, Redis)\n        r.keys()\n"),
    "local checked by isinstance": "import redis\ndef f(x):\n    r = x.make()\n    if isinstance(r, redis.Redis):\n        r.keys()\n",
    "class by getattr on the module": "import redis\ncls = getattr(redis, 'Redis')\ncls().keys()\n",
    "a client built unless the caller hands one": (
        "import redis\nclass Pool:\n    def __init__(self, infos):\n        self.servers = []\n        for info in infos:\n"
        "            if isinstance(info, dict):\n                server = redis.Redis(**info)\n            else:\n"
        "                server = info\n            self.servers.append(server)\n"
        "def f(pool: Pool):\n    pool.servers[0].keys()\n"),
    "a client built unless the configuration names another class": (
        "import redis\nfrom django.utils.module_loading import import_string\ndef f(settings):\n"
        "    if settings.CONNECTION_CLASS:\n        r = import_string(settings.CONNECTION_CLASS)()\n"
        "    else:\n        r = redis.Redis()\n    r.keys()\n"),
    "module by importlib": "import importlib\nmodule = importlib.import_module('redis')\nmodule.Redis().keys()\n",
    "module returned by a function of the module": (
        "import redis\ntry:\n    import valkey\nexcept ImportError:\n    valkey = None\n"
        "def library(url):\n    if url.startswith('valkey'):\n        return valkey\n    return redis\n"
        "def f(url):\n    module = library(url)\n    module.Redis.from_url(url).keys()\n"),
    "Sphinx docstring type": 'import redis\ndef f(r):\n    """Purge.\n\n    :type r: redis.Redis\n    """\n    r.keys()\n',
    "Sphinx param with its type": 'import redis\ndef f(r):\n    """Purge.\n\n    :param redis.Redis r: the client\n    """\n    r.keys()\n',
    "numpy docstring type": (
        'import redis\ndef f(r):\n    """Purge.\n\n    Parameters\n    ----------\n    r : redis.Redis, optional\n'
        '        The client.\n    """\n    r.keys()\n'),
    "Google docstring type": (
        'import redis\ndef f(r):\n    """Purge.\n\n    Args:\n        r (:class:`redis.Redis` or None): the client.\n'
        '    """\n    r.keys()\n'),
    "docstring type of a class imported by name": (
        'from redis import Redis\ndef f(r):\n    """Purge.\n\n    :type r: Redis\n    """\n    r.keys()\n'),
}

PIPELINES = {
    "a transaction's callback": (
        "import redis\ndef f(r: redis.Redis, key):\n    def trans(pipe):\n        pipe.get(key)\n        pipe.flushdb()\n"
        "    r.transaction(trans, key)\n"),
    "with pipeline": "import redis\ndef f(r: redis.Redis):\n    with r.pipeline() as p:\n        p.flushdb()\n",
    "assigned pipeline": "import redis\ndef f(r: redis.Redis):\n    p = r.pipeline(transaction=True)\n    p.flushdb()\n",
    "chained": "import redis\ndef f(r: redis.Redis):\n    r.pipeline().set('cache:a:b', 1, ex=5).flushdb().execute()\n",
    "async pipeline": (
        "from redis.asyncio import Redis\nasync def f(r: Redis):\n    async with r.pipeline() as p:\n"
        "        p.flushdb()\n        await p.execute()\n"
    ),
}

NOT_CLIENTS = {
    "dict": "d = {}\nd.keys()\n",
    "unannotated param": "def f(r):\n    r.keys()\n",
    "other library": "import statsd\nc = statsd.StatsClient()\nc.incr('x')\nc.keys()\n",
    "django cache": "from django.core.cache import cache\ncache.set('X.y', 1)\ncache.keys('*')\n",
    "rebound name": "import redis\nr = redis.Redis()\nr = {}\nr.keys()\n",
    "shadowed import": "import redis\ndef f(redis):\n    redis.Redis().keys()\n",
    "for target": "import redis\nfor r in [redis.Redis(), {}]:\n    r.keys()\n",
    "redis module itself": "import redis\nredis.keys()\n",
    "unrelated Redis class": "class Redis:\n    def keys(self): ...\nRedis().keys()\n",
    "local redis module": "from .redis import Redis\nRedis().keys()\n",
    "other annotation": "import redis\ndef f(r: dict):\n    r.keys()\n",
    "pipeline result": "import redis\ndef f(r: redis.Redis):\n    x = r.pipeline().execute()\n    x.keys()\n",
    "docstring type of another library": 'import redis\ndef f(r):\n    """Purge.\n\n    :type r: dict\n    """\n    r.keys()\n',
    "docstring of another parameter": 'import redis\ndef f(r, c):\n    """Purge.\n\n    :type c: redis.Redis\n    """\n    r.keys()\n',
    "a mapping's default that is no class": "import redis\ndef f(options):\n    cls = options.get('cls', dict)\n    cls().keys()\n",
    "getattr of another module": "import json\ncls = getattr(json, 'Redis')\ncls().keys()\n",
    "a client built, or something else made of what the caller hands": (
        "import redis\ndef f(info):\n    if isinstance(info, dict):\n        server = redis.Redis(**info)\n"
        "    else:\n        server = wrap(info)\n    server.keys()\n"),
    "built, or handed in and annotated as something else": (
        "import redis\ndef f(info: dict, other):\n    if other:\n        server = redis.Redis(**info)\n"
        "    else:\n        server = info\n    server.keys()\n"),
    "only what the configuration names": (
        "import redis\nfrom django.utils.module_loading import import_string\ndef f(settings):\n"
        "    r = import_string(settings.CONNECTION_CLASS)()\n    r.keys()\n"),
    "another module by importlib": "import importlib\nmodule = importlib.import_module('json')\nmodule.Redis().keys()\n",
    "a function returning a module or something else": (
        "import redis\ndef library(url):\n    if url:\n        return redis\n    return make()\n"
        "def f(url):\n    module = library(url)\n    module.Redis().keys()\n"),
    "a Callable returning something else": (
        "from typing import Callable\nimport redis\ndef f(factory: Callable[..., dict]):\n    factory().keys()\n"),
    "a callback handed to another object's transaction": (
        "import redis\ndef f(db, key):\n    def trans(conn):\n        conn.keys()\n    db.transaction(trans, key)\n"),
    "a name rebound to another object's command": (
        "import redis\ndef f(r: redis.Redis, other):\n    x = other.set('a', 1)\n    x.keys()\n"),
}


@pytest.mark.parametrize("source", RECOGNISED.values(), ids=RECOGNISED.keys())
def test_recognised_clients(source: str) -> None:
    assert "RDS301" in codes(source, path="main.py")


@pytest.mark.parametrize("source", PIPELINES.values(), ids=PIPELINES.keys())
def test_pipelines(source: str) -> None:
    assert "RDS302" in codes(source, path="main.py")


@pytest.mark.parametrize("source", NOT_CLIENTS.values(), ids=NOT_CLIENTS.keys())
def test_not_clients(source: str) -> None:
    assert codes(source, path="main.py") == []


def test_a_from_url_handed_as_a_factory_is_a_construction_at_that_call() -> None:
    handed = "import redis\nclients = {}\ndef connect(url):\n    return clients.get(url, redis.StrictRedis.from_url, url)\n"
    assert codes(handed, path="services/user.py") == ["RDS401"]
    partial = "import functools, redis\nbuild = functools.partial(redis.ConnectionPool.from_url, 'redis://localhost')\n"
    assert codes(partial, path="services/user.py") == ["RDS401"]
    checked = "import redis\ndef f(x):\n    return isinstance(x, redis.Redis)\n"
    assert codes(checked, path="services/user.py") == []


@pytest.mark.parametrize(
    "source",
    [
        "import redis\npool = redis.ConnectionPool()\n",
        "import redis\npool = redis.BlockingConnectionPool.from_url('redis://localhost')\n",
        "from redis.asyncio import ConnectionPool\npool = ConnectionPool()\n",
        "from redis.sentinel import Sentinel\ns = Sentinel([('localhost', 26379)])\n",
        "import valkey\nv = valkey.from_url('redis://localhost')\n",
        "import redis.asyncio as aioredis\nr = aioredis.from_url('redis://localhost')\n",
    ],
)
def test_every_constructor_counts_for_injection_points(source: str) -> None:
    assert codes(source, path="services/user.py") == ["RDS401"]
    assert codes(source, path="app/redis/client.py") == []


CONTAINERS = {
    "for over a list literal": "import redis\ndef f(a: redis.Redis, b: redis.Redis):\n    for r in [a, b]:\n        r.keys()\n",
    "for over an annotated iterable": (
        "from collections.abc import Iterable\nimport redis\n"
        "def f(masters: Iterable[redis.Redis]):\n    for m in masters:\n        m.keys()\n"),
    "attribute copy of an iterable": (
        "from typing import Iterable\nimport redis\nclass L:\n"
        "    def __init__(self, masters: Iterable[redis.Redis]):\n        self.masters = frozenset(masters)\n"
        "    def f(self):\n        for m in self.masters:\n            m.keys()\n"),
    "dict values": (
        "import redis\nclass S:\n    def __init__(self):\n        self._servers: dict[str, redis.Redis] = {}\n"
        "    def f(self):\n        for c in self._servers.values():\n            c.keys()\n"),
    "dict item": (
        "import redis\nclass S:\n    def __init__(self):\n        self._servers = {'a': redis.Redis()}\n"
        "    def f(self, name):\n        self._servers[name].keys()\n"),
}


@pytest.mark.parametrize("source", CONTAINERS.values(), ids=CONTAINERS.keys())
def test_clients_in_containers(source: str) -> None:
    assert "RDS301" in codes(source, path="main.py")


def test_a_mixed_container_is_not_a_client() -> None:
    assert codes("import redis\ndef f(a: redis.Redis):\n    for r in [a, {}]:\n        r.keys()\n", path="main.py") == []


# Real code (bench/realworld) hides clients in these ways too.
HIDDEN = {
    "container filled later": (  # channels-redis: a dict of connections filled on demand
        "import redis\nclass Layer:\n    def __init__(self):\n        self._connections = {}\n"
        "    def connection(self, i):\n        if i not in self._connections:\n"
        "            self._connections[i] = redis.Redis()\n        return self._connections[i]\n"
        "    def f(self):\n        self.connection(0).keys()\n"),
    "list appended to": (
        "import redis\nclass Pool:\n    def __init__(self):\n        self.clients = []\n"
        "    def add(self, url):\n        self.clients.append(redis.Redis.from_url(url))\n"
        "    def f(self):\n        for c in self.clients:\n            c.keys()\n"),
    "attribute of an object held in a variable": (  # redis-om: `op.conn` for op in detector.migrations
        "import redis\nfrom typing import List\nclass Op:\n    conn: redis.Redis\n"
        "class Detector:\n    def __init__(self):\n        self.ops: List[Op] = []\n"
        "def f():\n    detector = Detector()\n    for op in detector.ops:\n        op.conn.keys()\n"),
    "declared by the metaclass": (  # redis-om: `cls._meta.database`
        "import redis\nclass Meta:\n    database: redis.Redis\nclass ModelMeta(type):\n    _meta: Meta\n"
        "class Model(metaclass=ModelMeta):\n    @classmethod\n    def db(cls):\n        return cls._meta.database\n"
        "    @classmethod\n    def purge(cls):\n        cls.db().keys()\n"),
    "nested function called with a client": (
        "import redis\ndef save(r: redis.Redis):\n    def _do(conn):\n        conn.keys()\n    return _do(r)\n"),
    "method called with a client": (  # python-redis-lock: register_scripts(cls, redis_client)
        "import redis\nclass Lock:\n    def __init__(self, client: redis.Redis):\n        self.register(client)\n"
        "    @classmethod\n    def register(cls, client):\n        client.keys()\n"
        "def reset_all(client):\n    Lock.register(client)\n"),  # a parameter passed on says nothing
    "module fetched with getattr": (  # celery: `sentinel = getattr(redis, "sentinel", None)`
        "import redis.sentinel\nclass Backend:\n    sentinel = getattr(redis, 'sentinel', None)\n"
        "    def f(self):\n        self.sentinel.Sentinel([]).master_for('m').keys()\n"),
}


@pytest.mark.parametrize("source", HIDDEN.values(), ids=HIDDEN.keys())
def test_clients_real_code_hides(source: str) -> None:
    assert "RDS301" in codes(source, path="main.py")


NOT_PASSED_A_CLIENT = {
    "called with something else too": (
        "import redis\ndef purge(conn):\n    conn.keys()\ndef f(r: redis.Redis):\n    purge(r)\n    purge({})\n"),
    "a call of the same name that cannot be told apart": (
        "import redis\nclass A:\n    def purge(self, conn):\n        conn.keys()\n"
        "    def f(self, r: redis.Redis):\n        self.purge(r)\ndef g(other):\n    other.purge({})\n"),
    "only passed on": "def purge(conn):\n    conn.keys()\ndef f(c):\n    purge(c)\n",
    "passed on with a type of its own": (
        "import redis\ndef purge(conn):\n    conn.keys()\ndef f(r: redis.Redis):\n    purge(r)\n"
        "def g(c: dict):\n    purge(c)\n"),
    "never called": "def purge(conn):\n    conn.keys()\n",
    "a container filled with something else too": (
        "import redis\nclass L:\n    def __init__(self):\n        self.items = {}\n"
        "    def put(self, k):\n        self.items[k] = redis.Redis()\n        self.items['x'] = {}\n"
        "    def f(self):\n        self.items['a'].keys()\n"),
}


@pytest.mark.parametrize("source", NOT_PASSED_A_CLIENT.values(), ids=NOT_PASSED_A_CLIENT.keys())
def test_parameters_not_known_to_hold_a_client(source: str) -> None:
    assert codes(source, path="main.py") == []


def test_a_client_or_a_pipeline_gets_the_rules_that_hold_for_both() -> None:
    # redis-om's `_get_db(pipeline)`: the pipeline when given, else the client
    source = (
        "from typing import Optional\nimport redis\nfrom redis.client import Pipeline\n"
        "def get_db(r: redis.Redis, pipeline: Optional[Pipeline] = None):\n"
        "    return pipeline if pipeline is not None else r\n"
        "def save(r: redis.Redis, fields: dict, pipeline=None):\n"
        "    db = get_db(r, pipeline)\n"
        "    for name in fields:\n        db.hset('cache:user:1', name, 1)\n")
    assert codes(source, path="main.py") == ["RDS101"]  # no RDS601: on a pipeline it is queued


def test_a_module_that_imports_redis_only_by_importlib_is_analysed_in_a_project_run(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "store.py").write_text(
        "import importlib\n\ndef purge(url):\n    module = importlib.import_module('redis')\n"
        "    module.Redis.from_url(url).keys('cache:*')\n")
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert "RDS301" in {f.code for f in run.findings}


def test_the_methods_a_client_subclass_defines_are_its_own_not_redis_py_commands() -> None:
    """`AppRedis.lock()` takes its own prefix and timeout, `keys()` walks with SCAN: calling them
    is no LOCK without timeout, no KEYS; what it inherits stays redis-py's."""
    code = '''\
        import redis

        class Base(redis.Redis):
            def keys(self, pattern="*"):
                return list(self.scan_iter(match=pattern, count=1000))

        class AppRedis(Base):
            def lock(self, name, timeout=None):
                return super().lock("lock:app:" + name, timeout=timeout or 30)

        def f(r: AppRedis, plain: redis.Redis):
            r.keys("cache:*")
            with r.lock("x"):
                r.flushdb()
            plain.keys("cache:*")
        '''
    found = {(f.line, f.code) for f in lint(code)}
    assert (5, "RDS303") in found  # the subclass's own body calls redis-py's scan_iter
    assert (12, "RDS301") not in found and not {c for line, c in found if line == 13}
    assert {(14, "RDS302"), (15, "RDS301")} <= found


def test_a_test_s_parameter_is_what_the_fixture_of_its_name_returns() -> None:
    code = '''\
        import pytest
        import redis

        @pytest.fixture
        def server():
            client = redis.Redis()
            yield client
            client.close()

        @pytest.fixture
        def make_conn():
            def factory(**options):
                return redis.Redis(**options)
            return factory

        @pytest.fixture
        def settings():
            return {"url": "redis://localhost"}

        def test_purge(server, make_conn, settings):
            server.keys("cache:*")
            make_conn(db=1).keys("cache:*")
            settings.keys()
        '''
    assert sorted((f.line, f.code) for f in lint(code) if f.code == "RDS301") == [(21, "RDS301"), (22, "RDS301")]


def test_self_of_a_client_subclass_handed_to_another_object_is_a_client_there(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "clients.py").write_text(
        "import redis\n\n\nclass AppRedis(redis.Redis):\n    def stats(self):\n        return Stats(self)\n\n\n"
        "class Stats:\n    def __init__(self, client):\n        self.client = client\n\n"
        "    def purge(self):\n        self.client.keys('cache:*')\n")
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert [(f.line, f.code) for f in run.findings if f.code == "RDS301"] == [(14, "RDS301")]
