"""Which modules that can hold a Redis value hold a Redis call (redis_lint.inference.redis_calls):
every way a value reaches a call keeps a module, and a module whose client-library names never
reach one is left unparsed, with the same findings."""

from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from redis_lint.config import load_config
from redis_lint.engine.prefilter import Prefilter
from redis_lint.engine.run import lint_paths
from redis_lint.inference.redis_calls import counted_whatever_the_receiver, holds_redis_call
from redis_lint.rulemeta import CLOSES, PINGS
from redis_lint.summaries.flows import CALLS, ValueFlows
from tests.engine.test_run import write


def may_call_redis(flows: ValueFlows, carried: set[str], *, imports_library: bool) -> bool:
    """Whether the prefilter analyses a holder: it holds a Redis call, or what the project-level
    rules count whatever the receiver (Prefilter._holds)."""
    return holds_redis_call(flows, carried) or bool(counted_whatever_the_receiver(flows, imports_library=imports_library))


def calls_redis(source: str, carried: set[str] | None = None) -> bool:
    """Whether a module importing `redis` (and the names `carried`) can hold a Redis call."""
    flows = ValueFlows.read(textwrap.dedent(source).encode())
    return may_call_redis(flows, {"redis"} | (carried or set()), imports_library=True)


REACHES_A_CALL = {
    "a constructor": "redis.Redis()\n",
    "a chain": "redis.Redis().set('k', 1)\n",
    "a name": "r = redis.Redis()\nr.set('k', 1)\n",
    "a name bound twice": "r = None\nif ok:\n    r = redis.from_url(url)\nr.get('k')\n",
    "an item assignment": "r = make(redis)\nr['k'] = 1\n",
    "an attribute": """
        class Store:
            def __init__(self):
                self.db = redis.Redis()
            def save(self):
                self.db.set('k', 1)
        """,
    "a class attribute": """
        class Store:
            client_class = redis.Redis
            def connect(self):
                return self.client_class()
        """,
    "a container filled by item": "pool = {}\npool['a'] = redis.Redis()\nfor c in pool.values():\n    c.ping2()\n",
    "a container filled by append": "pool = []\npool.append(redis.Redis())\nfor c in pool:\n    c.incr('n')\n",
    "an attribute's container": """
        class Shards:
            def __init__(self):
                self.nodes = []
                self.nodes.append(redis.Redis())
            def first(self):
                return self.nodes[0]
        Shards().first().get('k')
        """,
    "a for loop": "for c in [redis.Redis()]:\n    c.get('k')\n",
    "a comprehension": "[c.get('k') for c in (redis.Redis(),)]\n",
    "a walrus": "if (c := redis.Redis()):\n    c.get('k')\n",
    "a with target": "with redis.Redis() as c:\n    c.get('k')\n",
    "a function's return": "def client():\n    return redis.Redis()\n\nclient().get('k')\n",
    "a generator's yield": "def clients():\n    yield redis.Redis()\n\nfor c in clients():\n    c.get('k')\n",
    "a nested function": """
        def factory():
            def make():
                return redis.Redis()
            return make
        factory()().get('k')
        """,
    "a lambda": "make = lambda: redis.Redis()\nmake().get('k')\n",
    "a method's return": """
        class Service:
            def client(self):
                return redis.Redis()
            def run(self):
                self.client().get('k')
        """,
    "a property": """
        class Service:
            @property
            def client(self):
                return redis.Redis()
        def run(service):
            service.client.get('k')
        """,
    "a parameter's annotation": "def save(conn: redis.Redis):\n    conn.set('k', 1)\n",
    "a string annotation": "def save(conn: 'Optional[redis.Redis]'):\n    conn.set('k', 1)\n",
    "an annotated name": "conn: redis.Redis = make()\nconn.set('k', 1)\n",
    "a return annotation": "def conn() -> redis.Redis:\n    ...\nconn().get('k')\n",
    "a parameter's default": "def save(conn=redis.Redis()):\n    conn.set('k', 1)\n",
    "a parameter its callers pass": "def save(conn):\n    conn.set('k', 1)\n\nsave(redis.Redis())\n",
    "a parameter passed by keyword": "def save(*, conn):\n    conn.set('k', 1)\n\nsave(conn=redis.Redis())\n",
    "a method's parameter": """
        class Store:
            def save(self, conn):
                conn.set('k', 1)
        Store().save(redis.Redis())
        """,
    "a constructor's parameter": """
        class Store:
            def __init__(self, conn):
                self.conn = conn
            def save(self):
                self.conn.set('k', 1)
        Store(redis.Redis())
        """,
    "a dataclass field": """
        @dataclass
        class Store:
            conn: object
        Store(redis.Redis()).conn.set('k', 1)
        """,
    "a lambda's parameter passed to its function": """
        def later(conn=None):
            return lambda conn: conn.get('k')
        later(conn=redis.Redis())
        """,
    "an isinstance check": "def save(conn):\n    if isinstance(conn, redis.Redis):\n        conn.set('k', 1)\n",
    "a subclass's self": "class Cache(redis.Redis):\n    def save(self):\n        self.set('k', 1)\n",
    "a subclass's super()": "class Cache(redis.Redis):\n    def save(self):\n        super().set('k', 1)\n",
    "a classmethod's cls": """
        class Cache(redis.Redis):
            @classmethod
            def build(cls):
                return cls.from_url('redis://')
        """,
    "an exception's handler name": "try:\n    pass\nexcept redis.RedisError as error:\n    error.with_traceback(None)\n",
    "a match capture": "match redis.Redis():\n    case c:\n        c.get('k')\n",
    "an augmented assignment": "clients = []\nclients += [redis.Redis()]\nclients[0].get('k')\n",
    "a decorated function": "@functools.cache\ndef client():\n    return redis.Redis()\n\nclient().get('k')\n",
    "a decorator's wrapper": "@uses(redis)\ndef client():\n    pass\n\nclient().get('k')\n",
    "a close handed to a call": "import atexit\nclient = redis.Redis()\natexit.register(client.close)\n",
    "a client closed by with": "client = redis.Redis()\ndef shutdown():\n    with client:\n        pass\n",
    "a client handed to a closing helper": "client = redis.Redis()\nstack.enter_context(client)\n",
    # in a module that imports a client library, a close in a shutdown hook may close any client
    "a close in an atexit hook": "import atexit\n@atexit.register\ndef shutdown():\n    state.redis.close()\n",
    "a close in a hook registered by an alias": (
        "from atexit import register as on_exit\ndef shutdown():\n    state.redis.close()\non_exit(shutdown)\n"),
    "a close in a hook registered before its import": (
        "def shutdown():\n    state.redis.close()\ndef wire():\n    ae.register(shutdown)\nimport atexit as ae\n"),
    "a close in a nested function of a hook": (
        "@app.on_event('shutdown')\nasync def shutdown():\n    async def inner():\n        await state.r.aclose()\n"),
    "a close in a lambda handed to a framework": "app.add_event_handler('shutdown', lambda: state.redis.close())\n",
    "a close method registered": "import atexit\natexit.register(state.redis.close)\n",
    "a hook of another module registered": "import atexit\nfrom app.hooks import shutdown\natexit.register(shutdown)\n",
    "a lifespan of another module": "from app.life import lifespan\napp = Starlette(lifespan=lifespan)\n",
    "a close in __exit__": "class Session:\n    def __exit__(self, *exc):\n        self.conn.close()\n",
    "a close in a signal's receiver": "@receiver(request_finished)\ndef done(sender, **kw):\n    conn.close()\n",
    "a close in a Flask teardown": "@app.teardown_appcontext\ndef done(exc):\n    g.redis.close()\n",
    "a parameter's documented type": 'def save(conn):\n    """Save.\n\n    :type conn: redis.Redis\n    """\n    conn.set("k", 1)\n',
    "a parameter's numpy-documented type": (
        'def save(conn):\n    """Save.\n\n    Parameters\n    ----------\n    conn : redis.Redis\n    """\n'
        '    conn.set("k", 1)\n'),
    "a from_url handed to another function": "def connect(url):\n    return cache.get(url, redis.Redis.from_url, url)\n",
    "a callable annotated to return a client": "def f(make: 'Callable[[], redis.Redis]'):\n    make().get('k')\n",
    "a transaction's callback": "def trans(pipe):\n    pipe.get('k')\nredis.Redis().transaction(trans, 'k')\n",
    "a local checked by assertIsInstance": "def test(self):\n    r = make()\n    self.assertIsInstance(r, redis.Redis)\n    r.get('k')\n",
    "a class fetched by getattr": "cls = getattr(redis, 'Redis')\ncls().get('k')\n",
    "a class taken from a mapping's default": "def f(options):\n    cls = options.pop('cls', redis.Redis)\n    cls().get('k')\n",
    "a pipeline rebound to its own command": "pipe = redis.Redis().pipeline()\npipe = pipe.set('k', 1)\npipe.execute()\n",
    "a ping on anything": "def healthy(backend):\n    return backend.ping()\n",
    "a raw command on anything": "def healthy(backend):\n    return backend.execute_command('PING')\n",
}


@pytest.mark.parametrize("source", REACHES_A_CALL.values(), ids=REACHES_A_CALL.keys())
def test_every_way_a_value_reaches_a_call_keeps_the_module(source: str) -> None:
    assert calls_redis("import redis\n" + textwrap.dedent(source))


NEVER_REACHES_A_CALL = {
    "an import alone": "",
    "an exception caught": "try:\n    run()\nexcept redis.ConnectionError:\n    log('down')\n",
    "a module kept as an attribute": """
        class Tests:
            def setUp(self):
                self.lib = redis
            @property
            def error(self):
                return self.lib.ResponseError
            def test(self):
                with self.assertRaises(self.error):
                    cache.incr('missing')
                self.assertIsInstance(cache.get_client(), self.lib.Redis)
        """,
    "a class handed to a call of another module": "registry.register('redis', redis.Redis)\n",
    "a mapping's get": "settings.get('REDIS_URL', 'redis://localhost')\ncache.get('k')\n",
    "a close outside any hook": "def test_close():\n    cache.close()\n",
    "a close handed to a registry that is no shutdown's": "registry.register(cache.close)\n",
    "a close in a function no registration is handed": (
        "def shutdown():\n    cache.close()\nregistry.register(shutdown)\nhandlers.append(shutdown)\n"),
}


@pytest.mark.parametrize("source", NEVER_REACHES_A_CALL.values(), ids=NEVER_REACHES_A_CALL.keys())
def test_a_module_whose_client_library_names_reach_no_call_is_not_kept(source: str) -> None:
    assert not calls_redis("import redis\n" + textwrap.dedent(source))


def test_what_a_carried_import_brings_counts_like_the_library() -> None:
    source = "from app.clients import get_client, TIMEOUT\n\nget_client().set('k', 1, ex=TIMEOUT)\n"
    assert calls_redis(source, {"get_client"})
    assert not calls_redis(source, {"TIMEOUT"})  # it reaches the call as an argument only
    assert not calls_redis("from app.clients import TIMEOUT\nsleep(TIMEOUT)\n", {"TIMEOUT"})


def test_what_cannot_be_read_is_kept() -> None:
    assert calls_redis("def f(:\n")  # a syntax error: the analysis reports it
    assert calls_redis("x = 1 # noqa: RDS101\n")  # RDS900 may report an unused noqa of ours
    flows = ValueFlows.read(b"from app import *\n")
    assert may_call_redis(flows, {"*"}, imports_library=False)
    assert not may_call_redis(ValueFlows.read(b"def healthy(b):\n    return b.ping()\n"), {"app"},
                              imports_library=False)


def test_flows_survive_the_cache_entry() -> None:
    flows = ValueFlows.read(b"import redis\nr = redis.Redis()\nr.get('k')  # noqa: RDS101\n")
    assert ValueFlows.from_entry(flows.to_entry()) == flows
    assert flows.names_our_codes and flows.reaches_calls({"redis"})


def test_the_run_leaves_unparsed_a_holder_without_redis_calls(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "app/__init__.py": "",
        "app/clients.py": "import redis\n\ndef get_client():\n    return redis.Redis()\n",
        "app/views.py": "from app.clients import get_client\n\ndef view():\n    get_client().set('cache:a', 1)\n",
        # imports a client library and a name that carries a client, and never calls one
        "app/test_types.py": ("import redis\nfrom app.clients import get_client\n\n"
                              "def test_type():\n    assert isinstance(get_client, object)\n"
                              "    assert redis.Redis.__name__ == 'Redis'\n"),
        # holds no call of its own, but a holder hands its class a client
        "app/store.py": ("import redis\n\nclass Store:\n    def __init__(self, conn: object):\n"
                         "        self.conn = conn\n\n    def save(self):\n        self.conn.set('cache:b', 1)\n"),
        "app/wiring.py": "import redis\nfrom app.store import Store\n\nStore(redis.Redis()).save()\n",
    })
    scan = Prefilter([root])
    analysed = sorted(p.relative_to(root).as_posix() for p in scan.analysed)
    assert analysed == ["app/clients.py", "app/store.py", "app/views.py", "app/wiring.py"]
    assert root / "app/test_types.py" in scan.relevant  # it can still hold a value others ask about
    config = load_config(start=root)
    filtered = lint_paths([root], config)
    assert filtered.analysed == 4
    assert filtered.findings == lint_paths([root], config, prefilter=False).findings
    assert {Path(f.path).name for f in filtered.findings} >= {"views.py", "store.py"}


def test_a_registered_hook_of_another_module_counts_where_it_closes_something(tmp_path: Path) -> None:
    """In a module that imports a client library, a shutdown hook imported from the project may
    close a client (through re-exports too): the module is analysed when the hook closes anything."""
    root = write(tmp_path, {
        "app/__init__.py": "from app.hooks import close_all, log_exit\n",
        "app/hooks.py": ("def close_all():\n    for c in CLIENTS:\n        c.close()\n\n"
                         "def log_exit():\n    print('bye')\n"),
        "app/main.py": "import atexit\nimport redis\nfrom app import close_all\n\natexit.register(close_all)\n",
        "app/other.py": "import atexit\nimport redis\nfrom app import log_exit\n\natexit.register(log_exit)\n",
    })
    scan = Prefilter([root])
    assert {root / "app/main.py", root / "app/other.py"} <= scan.relevant
    assert root / "app/main.py" in scan.analysed
    assert root / "app/other.py" not in scan.analysed


def test_imports_anywhere_are_read_before_the_code_that_uses_them() -> None:
    """A registration by an alias imported in a function, a handler, a match case, below its use."""
    for wrapped in ("def wire():\n    {}", "try:\n    pass\nexcept OSError:\n    {}",
                    "match x:\n    case 1:\n        {}", "if ok:\n    pass\nelse:\n    {}"):
        source = ("def shutdown():\n    state.redis.close()\nlater(lambda: on_exit(shutdown))\n"
                  + wrapped.format("from atexit import register as on_exit") + "\n")
        assert calls_redis(source), wrapped


GATED = {
    "app/__init__.py": "",
    "app/clients.py": "import redis\n\ndef get_client():\n    return redis.Redis()\n",
    "app/views.py": (
        "import json\nfrom app.clients import get_client\n\n"
        "class View:\n    def __init__(self):\n        self.conn = get_client()\n        self.log = []\n\n"
        "    def render(self, data):\n        self.log.append(json.dumps(data))\n        text = str(data).upper()\n"
        "        self.conn.set('cache:view', text)\n        return text.lower().strip()\n"),
}


def test_receivers_no_value_can_reach_are_not_resolved(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """In a file whose values come only from its imports, the analysis asks what a receiver is
    only where its flows let a value reach it; what it finds is the same."""
    from redis_lint.semantics.values import ValueResolver

    root = write(tmp_path, GATED)
    config = load_config(start=root)
    asked: list[str] = []
    original = ValueResolver.resolve

    def resolve(self: ValueResolver, expr: object) -> object:
        asked.append(type(expr).__name__)
        return original(self, expr)

    monkeypatch.setattr(ValueResolver, "resolve", resolve)
    gated = lint_paths([root], config).findings
    gated_asked = len(asked)
    asked.clear()
    monkeypatch.setattr(Prefilter, "value_keys", lambda self, path, text: None)
    assert lint_paths([root], config).findings == gated
    assert gated and gated_asked < len(asked)


def test_value_keys_are_known_only_for_the_text_the_scan_read(tmp_path: Path) -> None:
    """An editor's buffer may differ from the file on disk: its receivers are all resolved."""
    root = write(tmp_path, GATED)
    scan = Prefilter([root])
    views = root / "app/views.py"
    on_disk = scan.value_keys(views, GATED["app/views.py"])
    assert on_disk is not None and {"get_client", ".conn"} <= on_disk and "json" not in on_disk
    edited = GATED["app/views.py"] + "\nbackup = get_client()\nbackup.set('cache:b', 1)\n"
    assert scan.value_keys(views, edited) is None
    assert scan.value_keys(root / "app/clients.py", GATED["app/clients.py"]) == frozenset(
        {"redis", CALLS, "get_client", ".get_client"})
    # a class other holders hand a value: a value may come in through its constructor
    store = "import redis\nclass Store:\n    def __init__(self, conn):\n        self.conn = conn\n"
    root = write(tmp_path / "fed", {"store.py": store, "wiring.py": "import redis\nimport store\nstore.Store(redis.Redis())\n"})
    assert Prefilter([root]).value_keys(root / "store.py", store) is None


def test_a_warm_run_reads_the_flows_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    root = write(tmp_path / "project", GATED)
    config = load_config(start=root)
    cold = lint_paths([root], config, cache_folder=tmp_path / "cache")

    def unread(text: bytes) -> ValueFlows:
        raise AssertionError("flows read again")

    monkeypatch.setattr(ValueFlows, "read", staticmethod(unread))
    assert lint_paths([root], config, cache_folder=tmp_path / "cache").findings == cold.findings


# -- what is called on each receiver (the question "is this a client, by how it is used") ------

USES = """\
    import redis

    client = redis.Redis()
    client.ping()


    class Stats:
        prefix = "stats"

        def __init__(self, backend):
            self.backend = backend

        def bump(self, name):
            self.backend.hincrby(f"stats:{name}", "hits", 1)
            self.backend.expire(f"stats:{name}", 60)
            pipe = self.backend.pipeline(transaction=False)
            pipe.zadd("stats:top", {name: 1})

            def later(key):
                self.backend.delete(key)  # a function nested in a method sees its `self`

        @classmethod
        def build(cls, url):
            return cls(redis.from_url(url).connection_pool.get_connection("PING"))

        @staticmethod
        def helper(self):
            self.items()  # a static method's first parameter is no instance


    def flush(conn, names):
        for name in names:
            conn.unlink(name)
        get_client().set("k", 1)
        clients[0].get("k")
"""


def test_the_methods_called_on_each_receiver_in_each_class_and_function() -> None:
    flows = ValueFlows.read(textwrap.dedent(USES).encode())
    assert flows.methods_called_on("client") == {"ping"}
    assert flows.methods_called_on("self.backend", "Stats") == {"hincrby", "expire", "pipeline", "delete"}
    assert flows.methods_called_on("pipe", "Stats.bump") == {"zadd"}
    assert flows.methods_called_on("redis") == {"Redis"}
    assert flows.methods_called_on("redis", "Stats.build") == {"from_url"}
    assert flows.methods_called_on("self", "Stats.helper") == {"items"}
    assert flows.methods_called_on("conn", "flush") == {"unlink"}
    assert flows.methods_called_on("self.backend") == frozenset()  # asked in the wrong place
    # a call's result or an item is no receiver a reader names
    assert {receiver for _, receiver, _ in flows.receivers()} == {
        "client", "redis", "self.backend", "pipe", "self", "conn"}
    assert ValueFlows.from_entry(flows.to_entry()) == flows


# -- files that can only silence a project-level rule ---------------------------------------

SILENCING = {
    "app/__init__.py": "",
    # a module-level client, never closed nor pinged by any code the analysis can trace
    "app/clients.py": "import redis\n\nclient = redis.Redis(host='cache.internal')\n",
    "app/views.py": "from app.clients import client\n\ndef view():\n    client.set('cache:views:a', 1, ex=60)\n",
    # they import the client library for its exceptions, and ping or close what they are handed
    "app/health.py": ("import redis\n\ndef healthy(backend):\n    try:\n        return backend.ping()\n"
                      "    except redis.ConnectionError:\n        return False\n"),
    "app/shutdown.py": ("import atexit\nimport redis\n\nRESOURCES = []\n\n@atexit.register\ndef close_all():\n"
                        "    for resource in RESOURCES:\n        resource.close()\n"),
}


def test_what_is_counted_whatever_the_receiver_is_told_apart() -> None:
    health = ValueFlows.read(SILENCING["app/health.py"].encode())
    shutdown = ValueFlows.read(SILENCING["app/shutdown.py"].encode())
    assert not holds_redis_call(health, {"redis"}) and not holds_redis_call(shutdown, {"redis", "atexit"})
    assert counted_whatever_the_receiver(health, imports_library=True) == {PINGS}
    assert counted_whatever_the_receiver(shutdown, imports_library=True) == {CLOSES}
    assert counted_whatever_the_receiver(health, imports_library=False) == frozenset()


def silencing_run(root: Path, *, prefilter: bool = True) -> tuple[list[str], int]:
    run = lint_paths([root], load_config(start=root), prefilter=prefilter)
    return sorted(f"{Path(f.path).name}:{f.code}" for f in run.findings), run.analysed


def test_files_that_can_only_silence_a_rule_are_analysed_when_it_would_report(tmp_path: Path) -> None:
    root = write(tmp_path, SILENCING)
    scan = Prefilter([root])
    assert scan.only_silences(root / "app/health.py") == {PINGS}
    assert scan.only_silences(root / "app/shutdown.py") == {CLOSES}
    assert scan.only_silences(root / "app/views.py") == frozenset()
    findings, analysed = silencing_run(root)
    assert analysed == 4  # RDS403 and RDS404 would report without them: both are read
    assert not any(code in finding for finding in findings for code in ("RDS403", "RDS404"))
    assert findings == silencing_run(root, prefilter=False)[0]


def test_files_that_can_only_silence_a_rule_are_skipped_when_it_is_silent(tmp_path: Path) -> None:
    root = write(tmp_path, {**SILENCING, "app/clients.py": SILENCING["app/clients.py"]
                            + "\n\ndef ready():\n    return client.ping()\n"})  # RDS404 is silent already
    findings, analysed = silencing_run(root)
    assert analysed == 3  # shutdown.py may silence RDS403, which would report; health.py is not needed
    assert findings == silencing_run(root, prefilter=False)[0]
    assert not any("RDS404" in finding or "RDS403" in finding for finding in findings)

    root = write(tmp_path / "without", {**SILENCING, "app/clients.py": "import redis\n\n"
                                        "def get():\n    with redis.Redis() as r:\n        return r.get('cache:a:b')\n"})
    findings, analysed = silencing_run(root)
    assert analysed == 2  # no client that lives on, none to ping: neither is needed
    assert findings == silencing_run(root, prefilter=False)[0]


def test_one_file_at_a_time_a_file_that_can_only_silence_is_not_analysed(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    from redis_lint.engine import file_check
    from redis_lint.engine.session import FLAKE8, check_text

    root = write(tmp_path, {**SILENCING, "pyproject.toml": "[tool.redis-lint]\n"})
    analysed: list[Path] = []
    real = file_check.analyse
    monkeypatch.setattr(file_check, "analyse", lambda file, *a, **k: analysed.append(file.path) or real(file, *a, **k))
    found = {name: [f.code for f in check_text(root / name, (root / name).read_text(), display=name, host=FLAKE8)]
             for name in ("app/health.py", "app/shutdown.py", "app/clients.py")}
    assert found == {"app/health.py": [], "app/shutdown.py": [], "app/clients.py": ["RDS401", "RDS702"]}
    assert [p.name for p in analysed] == ["clients.py"]  # flake8 never runs the project-level rules


def test_a_warm_run_decides_on_files_that_can_only_silence_without_importing_a_rule(tmp_path: Path) -> None:
    """RDS404 reports (nothing pings), and the file that can only close something stays unparsed:
    on the warm run, which reads every result and decision from the cache, no rule is imported."""
    import subprocess
    import sys

    files = {name: text for name, text in SILENCING.items() if name != "app/health.py"}
    files["app/clients.py"] = ("import atexit\n\nimport redis\n\nclient = redis.Redis(host='cache.internal')\n"
                               "atexit.register(client.close)\n")
    root = write(tmp_path, files)
    probe = ("import sys, runpy\nsys.argv = ['redis-lint', 'check', '--format', 'json-lines', '.']\n"
             "try:\n    runpy.run_module('redis_lint', run_name='__main__')\n"
             "except SystemExit:\n    pass\nprint('libcst' in sys.modules, file=sys.stderr)\n")
    runs = [subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120)
            for _ in range(2)]
    assert runs[0].stdout == runs[1].stdout and '"RDS404"' in runs[0].stdout and '"RDS403"' not in runs[0].stdout
    assert runs[0].stderr.strip().endswith("True") and runs[1].stderr.strip().endswith("False")
    assert silencing_run(root)[1] == 2  # views.py and clients.py: shutdown.py cannot silence RDS404
