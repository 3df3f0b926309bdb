"""Module summaries, and the project facts the analysis reads from them instead of
parsing the modules a file imports.

A summary is read with `ast` and must say no less than the libcst analysis
would find: what an import re-exports, which names a module can bind, which
helpers expire a key they are handed.  The runs below count the modules parsed
with libcst, and check that a warm run notices when a fact it relied on
changes in another file."""

from __future__ import annotations

from pathlib import Path

import pytest
from libcst.helpers import get_full_name_for_node

from redis_lint.config import Config
from redis_lint.engine.run import lint_paths
from redis_lint.inference.reexports import canonical
from redis_lint.semantics import project as project_module
from redis_lint.summaries import ModuleSummary, SummaryStore

SOURCE = b"""\
import a.b.c as d
from .x import y, z as w
from redis import *
try:
    import redis
except ImportError as missing:
    redis = None
for i in range(3):
    pass
if (n := 3):
    pass

def touch(client, key):
    client.expire(key, 10)

def untouched(client, key):
    client.expire("fixed", 10)

class Store:
    def refresh(self, k):
        def inner():
            global G
            G = 1
        self.r.pexpireat(name=k, when=5)

match v:
    case {"a": q, **rest}:
        pass
"""


def test_a_summary_holds_imports_bindings_and_helpers() -> None:
    summary = ModuleSummary.read(SOURCE, "pkg")
    assert ("a.b.c", None, "d") in summary.imports and ("pkg.x", "z", "w") in summary.imports
    assert summary.global_imports["w"] == [(".x", (("y", None), ("z", "w")))]
    assert [module for module, _ in summary.global_imports["redis"]] == [""]  # a star import binds nothing seen
    assert summary.expiring == {"touch", "refresh"}  # `untouched` expires a constant key
    for name in ("d", "y", "w", "redis", "missing", "i", "n", "touch", "Store", "refresh", "G", "q", "rest"):
        assert summary.may_bind(name), name
    assert not summary.may_bind("Redis") and not summary.may_bind("client_factory")
    assert not ModuleSummary.read(b"def broken(:\n", "pkg").readable
    assert ModuleSummary.read(b"def broken(:\n", "pkg").may_bind("anything")


def test_a_summary_says_what_each_call_is_handed() -> None:
    from redis_lint.summaries.module import LOCAL

    summary = ModuleSummary.read(
        b"import json\nLIMIT = 5\nclient = object()\n"
        b"Store(LIMIT, json.dumps([len('x')]), key=client)\n"
        b"def build(conn, *rest):\n    return Store(conn), other.Wrap(*rest), Plain(LIMIT), Fancy(lambda: 1)\n"
        b"Empty()\n", "app")
    assert summary.call_arguments["Store"] == {"LIMIT", "json", "client", LOCAL}  # `conn`, in build()
    assert summary.call_arguments["Wrap"] == {LOCAL} and summary.call_arguments["Plain"] == {"LIMIT"}
    assert summary.call_arguments["Fancy"] == {LOCAL} and "Empty" not in summary.call_arguments
    assert summary.call_arguments["dumps"] == set()  # a builtin's call hands nothing it could carry


def test_a_summary_survives_the_cache_as_it_was_read(tmp_path: Path) -> None:
    from redis_lint.engine.cache import Cache

    cache = Cache(tmp_path, salt="summaries")
    first = SummaryStore(cache).summary(SOURCE, "pkg")
    again = SummaryStore(cache).summary(SOURCE, "pkg")  # another process: from the cache
    assert vars(again) == vars(first)


def test_reexports_are_followed_through_summaries() -> None:
    modules = {
        "app": ModuleSummary.read(b"from .clients import Redis\nfrom . import clients\n", "app"),
        "app.clients": ModuleSummary.read(b"from redis.asyncio import Redis as Redis\n", "app"),
        "app.other": ModuleSummary.read(b"Redis = object\n", "app"),
        "app.codecs": ModuleSummary.read(b"try:\n    from .slow import Codec\nexcept ImportError:\n"
                                         b"    from .fast import Codec\n", "app"),
    }

    def lookup(qualified: str) -> tuple[ModuleSummary, str, str] | None:
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module in modules:
                package = module if module == "app" else module.rpartition(".")[0]
                return modules[module], package, ".".join(parts[cut:])
        return None

    assert canonical("app.Redis", lookup) == "redis.asyncio.Redis"
    assert canonical("app.Redis.from_url", lookup) == "redis.asyncio.Redis.from_url"
    assert canonical("app.other.Redis", lookup) == "app.other.Redis"  # defined there: its own name
    assert canonical("redis.Redis", lookup) == "redis.Redis"
    assert canonical("app.codecs.Codec", lookup) == "app.fast.Codec"  # of two imports, the same one in every run


def test_a_name_bound_only_by_an_import_is_a_re_export() -> None:
    summary = ModuleSummary.read(
        b"from .clients import client\nfrom .a import b as B\nimport x.y\n"
        b"try:\n    from .fast import codec\nexcept ImportError:\n    codec = None\n"
        b"from .one import first\nfrom .two import first\n"
        b"from .e import failed\ntry:\n    pass\nexcept OSError as failed:\n    pass\n"
        b"from .g import moved\ndef move():\n    global moved\n    moved = 1\n", "app")
    assert summary.imported_only == {"client": (".clients", (("client", None),)),
                                     "B": (".a", (("b", "B"),)), "x": ("", (("x.y", None),))}


def test_a_re_exported_name_is_looked_up_where_it_is_bound() -> None:
    from redis_lint.inference.reexports import bound_at

    texts = {
        "app": b"from .clients import client, Redis\nfrom . import clients\nfrom .gone import nothing\n",
        "app.clients": b"from redis import Redis\nclient = Redis()\n",
        "app.gone": b"",
    }
    modules = {name: ModuleSummary.read(text, "app") for name, text in texts.items()}

    def lookup(qualified: str) -> tuple[Path, ModuleSummary, str, str] | None:
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            module = ".".join(parts[:cut])
            if module in modules:
                return Path(module), modules[module], "app", ".".join(parts[cut:])
        return None

    anywhere = lambda path: True  # noqa: E731
    assert bound_at("app.client", lookup, anywhere) == ("app.clients.client", False)
    assert bound_at("app.client.pipeline", lookup, anywhere) == ("app.clients.client.pipeline", False)
    assert bound_at("app.Redis", lookup, anywhere) == ("redis.Redis", False)  # a library's: no module of the project
    assert bound_at("app.clients", lookup, anywhere) == ("app.clients", True)  # the submodule itself
    assert bound_at("app.clients.client", lookup, anywhere) == ("app.clients.client", False)  # bound there
    assert bound_at("app.nothing", lookup, anywhere) == ("app.gone.nothing", False)  # bound nowhere: lookup says so
    assert bound_at("app.client", lookup, lambda path: path != Path("app.clients")) is None


def test_a_package_that_re_exports_a_client_is_not_parsed(tmp_path: Path, parsed: list[str]) -> None:
    write(tmp_path, {
        "app/__init__.py": ("from .connections import client\nfrom .connections import make as build\n"
                            "from . import connections\n"),
        "app/connections.py": "import redis\n\nclient = redis.Redis()\n\ndef make():\n    return redis.Redis()\n",
        "app/views.py": (
            "from app import client, build, connections\n\n"
            "def save(name):\n    client.set(f'user:{name}', 1)\n    build().set(f'user:{name}:seen', 1)\n"
            "    connections.client.set(f'user:{name}:last', 1)\n"  # the submodule the package imports
        ),
    })
    run = lint_paths([tmp_path / "app" / "views.py"], Config(root=tmp_path))
    assert [f.line for f in run.findings if f.code == "RDS101"] == [4, 5, 6]
    assert "connections.py" in parsed and "__init__.py" not in parsed


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


@pytest.fixture
def parsed(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """The project modules the analysis parses with libcst (beyond the files it checks)."""
    paths: list[str] = []
    original = project_module._parse

    def counting(path: Path) -> tuple[str | None, object]:
        paths.append(path.name)
        return original(path)

    monkeypatch.setattr(project_module, "_parse", counting)
    return paths


def test_modules_are_not_parsed_for_what_their_summary_answers(tmp_path: Path, parsed: list[str]) -> None:
    write(tmp_path, {
        "app/__init__.py": "",
        "app/reexport.py": "from redis import Redis\n",  # the client class, under the project's name
        "app/util.py": "def now():\n    return 1\n\ndef label(x):\n    return str(x)\n",
        "app/helpers.py": "import redis\n\ndef touch(client: redis.Redis, key):\n    client.expire(key, 60)\n",
        "app/views.py": (
            "from app.reexport import Redis\nfrom app import util\nfrom app.util import label\n"
            "from app.helpers import touch\n\n"
            "client = Redis()\n\n"
            "def save(name):\n"
            "    client.set(f'user:{name}', label(util.now()))\n"  # label and now expire nothing
            "    client.set(f'user:{name}:seen', 1)\n"
            "    touch(client, f'user:{name}:seen')\n"  # ...and touch expires its key
        ),
    })
    run = lint_paths([tmp_path / "app" / "views.py"], Config(root=tmp_path))
    ttl = [f for f in run.findings if f.code == "RDS101"]
    assert len(ttl) == 1 and ttl[0].line == 9  # the client was recognised through the re-export
    assert "reexport.py" not in parsed and "util.py" not in parsed  # summaries answered
    assert "helpers.py" in parsed  # the helper that expires its argument is read for the rule


def test_a_class_hierarchy_is_followed_through_summaries(tmp_path: Path, parsed: list[str]) -> None:
    """A base class is parsed only when its summary says it may define the name asked for."""
    write(tmp_path, {
        "app/__init__.py": "from app.base import Base\n",  # re-exported on the way
        "app/base.py": "from app.root import Root\n\nclass Base(Root):\n    def helper(self):\n        return 1\n",
        "app/root.py": "import redis\n\nclass Root:\n    client = redis.Redis()\n",
        "app/service.py": (
            "from app import Base\n\n"
            "class Service(Base):\n"
            "    def save(self, name):\n"
            "        self.client.set(f'cache:user:{name}', 1)\n"  # `client` is Root's: Base is not read for it
        ),
    })
    run = lint_paths([tmp_path / "app" / "service.py"], Config(root=tmp_path))
    assert [(f.code, f.line) for f in run.findings if f.code == "RDS101"] == [("RDS101", 5)]
    assert "root.py" in parsed  # where `client` is bound
    assert "base.py" not in parsed and "__init__.py" not in parsed


def test_a_base_class_that_only_reads_an_attribute_is_not_parsed_for_it(tmp_path: Path, parsed: list[str]) -> None:
    """A class whose summary shows it binds no attribute by the name asked (a mixin that only reads
    `self.client`) has none to give: the search goes on to its bases without parsing it."""
    write(tmp_path, {
        "app/__init__.py": "",
        "app/mixin.py": "class Mixin:\n    def alive(self):\n        return self.client.ping()\n",
        "app/root.py": "import redis\n\nclass Root:\n    client = redis.Redis()\n",
        "app/service.py": (
            "from app.mixin import Mixin\nfrom app.root import Root\n\n"
            "class Service(Mixin, Root):\n"
            "    def save(self, name):\n"
            "        self.client.set(f'cache:user:{name}', 1)\n"
        ),
    })
    run = lint_paths([tmp_path / "app" / "service.py"], Config(root=tmp_path))
    assert [(f.code, f.line) for f in run.findings if f.code == "RDS101"] == [("RDS101", 6)]
    assert "root.py" in parsed and "mixin.py" not in parsed


def test_the_class_an_expression_holds_is_not_looked_for_where_no_redis_value_can_be(
        tmp_path: Path, parsed: list[str]) -> None:
    """A module that imports no client library and no name that can carry a Redis value has no
    Redis class to give: `self.client_class()` is not looked up in such a base class's code, and
    is looked up in one that can hold a value.  Such a class ends the search only where it binds
    the name: one that only reads it (a mixin calling `self.client_class(...)`) leaves it to the
    classes after it, as Python's own lookup does."""
    write(tmp_path, {
        "app/__init__.py": "",
        "app/plain.py": "import json\n\nclass PlainBase:\n    client_class = json.JSONDecoder\n",
        "app/backed.py": "import redis\n\nclass BackedBase:\n    client_class = redis.Redis\n",
        "app/mixin.py": ("class ConnectMixin:\n    def connect(self):\n"
                         "        return self.client_class(host='cache')\n"),
        "app/service.py": (
            "import redis\nfrom app.plain import PlainBase\nfrom app.backed import BackedBase\n"
            "from app.mixin import ConnectMixin\n\n"
            "class Plain(PlainBase):\n"
            "    def build(self):\n"
            "        return self.client_class(strict=False)\n\n"
            "class Backed(BackedBase):\n"
            "    def build(self):\n"
            "        return self.client_class(host='cache')\n\n"
            "class Mixed(ConnectMixin, BackedBase):\n"
            "    def build(self):\n"
            "        return self.client_class(host='cache')\n"
        ),
    })
    run = lint_paths([tmp_path / "app" / "service.py"], Config(root=tmp_path))
    assert [(f.code, f.line) for f in run.findings if f.code == "RDS401"] == [("RDS401", 12), ("RDS401", 16)]
    assert "backed.py" in parsed  # where the client class is bound
    assert "plain.py" not in parsed


def test_whether_a_project_class_builds_redis_objects_is_read_from_summaries(tmp_path: Path, parsed: list[str]) -> None:
    """A call of a project class constructs a client when the class subclasses one: its hierarchy's
    summaries tell, and an exception class or a plain class is told apart the same way."""
    write(tmp_path, {
        "app/__init__.py": "",
        "app/clients.py": "import redis\n\nclass Tracked(redis.Redis):\n    pass\n",
        "app/errors.py": "import redis\n\nclass Busy(redis.RedisError):\n    pass\n",
        "app/views.py": (
            "import redis\nfrom app.clients import Tracked\nfrom app.errors import Busy\n\n"
            "def build():\n    return Tracked(host='cache')\n\n"
            "def fail(client: redis.Redis):\n    if client.get('cache:busy'):\n        raise Busy('later')\n"
        ),
    })
    run = lint_paths([tmp_path / "app" / "views.py"], Config(root=tmp_path))
    assert [(f.code, f.line) for f in run.findings if f.code == "RDS401"] == [("RDS401", 6)]
    assert "clients.py" not in parsed and "errors.py" not in parsed


def test_a_base_imported_in_two_ways_is_either_library_class() -> None:
    from redis_lint.inference.hierarchy import SummaryClass, library_bases

    module = ModuleSummary.read(
        b"try:\n    from redis.asyncio import Redis\nexcept ImportError:\n    from aioredis import Redis\n"
        b"import json\n\nclass Cache(Redis, json.JSONDecoder, Local):\n    pass\n", "app")
    described = module.classes["Cache"]
    assert described is not None
    cls = SummaryClass(Path("app/cache.py"), "Cache", described, module, "app")
    assert library_bases(cls) == ["aioredis.Redis", "redis.asyncio.Redis", "json.JSONDecoder"]


def test_a_class_summary_tells_what_a_class_binds_from_what_it_mentions() -> None:
    summary = ModuleSummary.read(
        b"class A(B):\n    x = 1\n    a, b = 1, 2\n    y: int = 2\n"
        b"    def m(self, v):\n        self.c = v\n        self.e.f = 2\n        self.g[0] = 1\n"
        b"        other.h = 1\n        return self.client_class()\n"
        b"    @property\n    def p(self):\n        return self._p\n"
        b"    @q.setter\n    def q(self, v):\n        pass\n"
        b"    @staticmethod\n    def s(obj):\n        obj.t = 1\n", "pkg")
    described = summary.classes["A"]
    assert described is not None
    assert described.binds == {"x", "y", "m", "c", "p", "s"}  # as ClassInfo reads methods and attributes
    assert {"client_class", "e", "g", "h", "_p", "t"} <= described.defines - described.binds  # mentioned only


def test_a_warm_run_notices_a_new_helper_that_expires_its_argument(tmp_path: Path) -> None:
    project = tmp_path / "project"
    plain = "import redis\n\ndef touch(client: redis.Redis, key):\n    client.get(key)\n"
    expiring = "import redis\n\ndef touch(client: redis.Redis, key):\n    client.expire(key, 60)\n"
    write(project, {
        "app/__init__.py": "",
        "app/helpers.py": plain,
        "app/other.py": "import redis\n",
        "app/views.py": (
            "import redis\nfrom app.helpers import touch\n\nclient = redis.Redis()\n\n"
            "def save(name):\n    client.set(f'user:{name}', 1)\n    touch(client, f'user:{name}')\n"
        ),
    })
    config = Config(root=project)
    cache = tmp_path / "cache"

    def missing_ttl() -> list[int]:
        return [f.line for f in lint_paths([project], config, cache_folder=cache).findings
                if f.code == "RDS101" and f.path.endswith("views.py")]

    assert missing_ttl() == [7]
    # views.py's result depended on there being no helper `touch` that expires its argument: when
    # one appears, the result kept for views.py is not used
    (project / "app" / "helpers.py").write_text(expiring)
    assert missing_ttl() == []
    (project / "app" / "helpers.py").write_text(plain)
    assert missing_ttl() == [7]
    (project / "app" / "other.py").write_text(expiring)  # another `touch`, which views.py does not call
    again = lint_paths([project], config, cache_folder=cache)
    assert again.analysed == 2  # other.py, and views.py whose callee's name now has a helper
    assert [f.line for f in again.findings if f.code == "RDS101" and f.path.endswith("views.py")] == [7]


@pytest.mark.parametrize("fixture", ["violating_service", "violating_lifecycle"])
def test_a_run_that_keeps_one_parsed_module_finds_what_one_that_keeps_them_all_finds(
        fixture: str, monkeypatch: pytest.MonkeyPatch) -> None:
    """Parsed modules are let go between two files' analyses (ProjectIndex.trim): a run that keeps
    one parses again what the next file needs, and finds the same.  (Letting them go during an
    analysis lost 12 of 277 findings on the Redis-heavy corpus: the corpus test guards that.)"""
    from tests.conftest import REPO

    root = REPO / "fixtures" / fixture
    everything = lint_paths([root], Config(root=root))
    monkeypatch.setattr(project_module, "MODELS_KEPT_BY_A_RUN", 1)
    one = lint_paths([root], Config(root=root))
    assert one.findings == everything.findings and len(everything.findings) > 0


def test_a_broken_entry_is_read_again(tmp_path: Path) -> None:
    """What the cache keeps of a summary or of flows is read anew when it is broken, whatever is
    broken in it."""
    import json

    from redis_lint.engine.cache import Cache
    from redis_lint.source.digests import digest

    text = b"import redis\n\nclient = redis.Redis()\nclient.set('k', 1)\n"
    folder = tmp_path / "cache"
    store = SummaryStore(Cache(folder, salt="summaries"))
    summary, flows = store.summary(text, "pkg", "digest"), store.flows(lambda: text, "digest")
    entries = [p for p in folder.rglob("*") if p.is_file() and p.suffix != ".TAG" and p.name != ".gitignore"]
    assert len(entries) == 2
    for path in entries:  # written as redis-lint writes an entry: its digest holds
        entry = json.loads(path.read_bytes().partition(b"\n")[2])
        payload = json.dumps({key: [] if isinstance(value, dict) else value for key, value in entry.items()}).encode()
        path.write_bytes(digest(payload).encode() + b"\n" + payload)
    again = SummaryStore(Cache(folder, salt="summaries"))
    assert again.flows(lambda: text, "digest") == flows
    assert again.summary(text, "pkg", "digest").imports == summary.imports


MEMBERS = b"""\
import redis
from redis import Redis as R

class Store(Base):
    redis = redis
    client = R()
    prefix: str
    name = label = "store"
    a, b = 1, 2
    fetched = getattr(redis, "sentinel", None)

    def __init__(self, backend, pool, *rest, conn=None, **options):
        self.backend = backend
        self.pool = pool
        self.conn = conn
        self.options = options
        self.kind = redis.Redis
        self.made = R(connection_pool=pool)
        self.first, self.second = 1, 2
        for self.item in rest:
            pass
        if conn:
            self.later: R = conn

        def nested():
            self.hidden = redis

    def shadowed(self, redis):
        import redis
        self.alias = redis

    def declared(self, conn):
        global conn2
        self.glob = conn2

    @property
    def size(self):
        return 1

    @size.setter
    def size(self, value):
        self.stored = value

    @functools.cached_property
    def cached(self):
        return 2

    @staticmethod
    def static(obj):
        obj.ignored = 1

    def positional_only(self, /):
        self.unseen = 1  # `self` is no parameter the analysis reads as the instance

    @decorators[0]
    def odd(this):
        this.renamed = this
"""


def check_class_members(text: str) -> int:
    """Assert that the summary of every class of a module reads its methods and attributes as
    ClassInfo does, that every property is among those a decorator may make one, and that no
    binding of a `plain` attribute names an import as redis_lint.semantics.references reads it;
    return how many classes were compared."""
    import libcst as cst

    from redis_lint.semantics.index import BindingKind
    from redis_lint.semantics.module_model import ModuleModel

    summary = ModuleSummary.read(text.encode(), "app")
    if not summary.readable:
        return 0  # a fixture that does not parse
    model = ModuleModel(cst.parse_module(text), name="app.module")
    compared = 0
    for node in model.module.body:
        if not isinstance(node, cst.ClassDef) or summary.classes.get(node.name.value) is None:
            continue
        described = summary.classes[node.name.value]
        info = model.index.class_info(node)
        where = node.name.value
        assert described.methods == set(info.methods) and described.attributes == set(info.attributes), where
        properties = {name for name, function in info.methods.items()
                      if any((get_full_name_for_node(d.decorator) or "").endswith("property") for d in function.decorators)}
        assert properties <= described.properties, where
        for name in described.plain:
            for binding in info.attributes[name]:
                if binding.kind is BindingKind.VALUE:
                    value = binding.node
                    assert not isinstance(value, cst.Attribute), (where, name)
                    assert not (isinstance(value, cst.Call) and isinstance(value.func, cst.Name)
                                and value.func.value == "getattr"), (where, name)
                    if isinstance(value, cst.Name):
                        assert model.refs.qualified_names(value) == set(), (where, name)
        compared += 1
    return compared


def test_a_class_summary_reads_methods_and_attributes_as_the_analysis_does() -> None:
    """Its methods and attributes are ClassInfo's, and a `plain` attribute is one whose bindings the
    analysis would find to name no import (redis_lint.semantics.references._qualified_names)."""
    assert check_class_members(MEMBERS.decode()) == 1
    described = ModuleSummary.read(MEMBERS, "app").classes["Store"]
    assert described is not None
    assert described.properties == {"size", "cached", "odd"}  # `odd`'s decorator may make it one
    assert described.plain == {"prefix", "name", "label", "client", "backend", "pool", "conn", "options", "made",
                               "later", "renamed", "stored"}
    assert not {"first", "item", "hidden", "ignored", "unseen"} & described.attributes
    for name in ("redis", "kind", "fetched", "alias", "glob"):  # each can name an import
        assert name in described.attributes and name not in described.plain


@pytest.mark.slow
def test_class_summaries_read_the_members_of_every_class_of_this_repository_as_the_analysis_does() -> None:
    root = Path(__file__).resolve().parents[2]
    files = [p for folder in ("redis_lint", "fixtures", "tests", "bench") for p in sorted((root / folder).rglob("*.py"))]
    assert sum(check_class_members(p.read_text(encoding="utf-8")) for p in files) > 200


def test_an_attribute_of_a_base_class_that_names_no_import_is_told_from_its_summary(
        tmp_path: Path, parsed: list[str]) -> None:
    """`self.codec.dumps` names nothing imported when the base class binds `codec` to a parameter
    (asked of every call, as a shutdown hook's registration may be one): the base's code is not
    read for it.  A base that binds it to an imported module is read, and names it."""
    import libcst as cst

    from redis_lint.semantics.project import ProjectIndex

    write(tmp_path, {
        "app/__init__.py": "",
        "app/base.py": ("class Manager:\n    def __init__(self, channel, codec=None):\n"
                        "        self.channel = channel\n        if codec is not None:\n            self.codec = codec\n"),
        "app/aliased.py": "import json\n\nclass Holder:\n    codec = json\n",
        "app/managers.py": (
            "from app.base import Manager\nfrom app.aliased import Holder\n\n"
            "class RedisManager(Manager):\n    def publish(self, data):\n        return self.codec.dumps(data)\n\n"
            "class JsonManager(Holder):\n    def publish(self, data):\n        return self.codec.dumps(data)\n"
        ),
    })
    index = ProjectIndex((tmp_path,))
    model = index.model_for(tmp_path / "app" / "managers.py")
    assert model is not None
    calls = [call for call, _ in model.calls if isinstance(call.func, cst.Attribute)]
    assert [model.refs.qualified_names(call.func) for call in calls] == [set(), {"json.dumps"}]
    assert "base.py" not in parsed and "aliased.py" in parsed
