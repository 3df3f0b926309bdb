"""A file that merely imports a module holding a client is not a file with Redis calls.

`redis_lint.inference.carriers` tells which module-level names can carry a Redis
value; the prefilter analyses a file only when it imports one of them.  The
names are tested on snippets, and the run on a project whose package
`__init__` re-exports its client beside names every other module imports."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.inference.carriers import ALL, carried_imports, carrier_names
from redis_lint.engine.run import lint_paths
from redis_lint.summaries import ModuleSummary


def library(module: str, name: str | None) -> bool:
    return module.split(".", 1)[0] in ("redis", "valkey")


@pytest.mark.parametrize("source, expected", [
    ("import redis\nclient = redis.Redis()\nTIMEOUT = 5\n", {"client", "redis"}),
    ("from redis import Redis\nclass Store:\n    def __init__(self):\n        self.r = Redis()\n"
     "class User:\n    pass\n",
     {"Redis", "Store"}),
    ("import redis\ndef make():\n    return redis.Redis()\ndef unrelated():\n    return 1\n", {"make", "redis"}),
    # bound before the statement that makes its source carry a value
    ("def get():\n    return _client\nimport redis\n_client = redis.Redis()\n", {"get", "_client", "redis"}),
    # module-level code inside if/try, and a TYPE_CHECKING import
    ("from typing import TYPE_CHECKING\nif TYPE_CHECKING:\n    from redis import Redis\n"
     "try:\n    pool = make_pool()\nexcept ImportError:\n    pool = None\ndef f(c: Redis) -> None: ...\n",
     {"Redis"}),
    # a function hands its caller what it returns, yields or stores, and what its decorators make of it
    ("import redis\nclient = redis.Redis()\n"
     "def get():\n    found = client\n    return found\n"
     "def pipe():\n    with client.pipeline() as p:\n        yield p\n"
     "def annotated() -> redis.Redis: ...\n"
     "def install(app):\n    app.extensions['redis'] = client\n"
     "@lru_cache(client)\ndef decorated():\n    return 1\n"
     "def closure():\n    def inner():\n        return client\n    return inner\n"
     "def reply(key):\n    hit = client.get(key)\n    return json.loads(hit)\n"
     "def count():\n    client.incr('n')\n    return 1\n"
     "import json\n",
     {"redis", "client", "get", "pipe", "annotated", "install", "decorated", "closure"}),
    # a decorator whose wrapper sends commands and returns their replies hands out no client
    ("import functools, json\nfrom redis import Redis\ncache = Redis()\n"
     "def cached(namespace):\n    def decorate(function):\n        @functools.wraps(function)\n"
     "        def wrapper(*args):\n            hit = cache.get(namespace)\n"
     "            if hit is not None:\n                return json.loads(hit)\n"
     "            value = function(*args)\n            cache.set(namespace, json.dumps(value))\n"
     "            return value\n        return wrapper\n    return decorate\n",
     {"Redis", "cache"}),
    # ... unless what it calls with the reply is itself a carrier: the call may hand it back
    ("from redis import Redis\nclient = Redis()\ndef wrapped():\n    return Redis.from_client(client)\n",
     {"Redis", "client", "wrapped"}),
    ("from redis import *\nX = 1\n", ALL),
    ("def broken(:\n", ALL),
    ("import json\nDATA = json.loads('{}')\n", set()),
])
def test_names_that_carry_a_value(source: str, expected: set[str] | None) -> None:
    assert carrier_names(ModuleSummary.read(source.encode(), "app"), library) == expected


def test_a_projects_names_carry_what_their_modules_say() -> None:
    exported = {"app.cache": {"client"}}

    def carries(module: str, name: str | None) -> bool:
        return name is None and module in exported or name in exported.get(module, ())

    assert carried_imports(ModuleSummary.read(b"from app.cache import client as c\n", "app.views"), carries)
    assert carried_imports(ModuleSummary.read(b"from .cache import client\n", "app"), carries)
    # a module imported whole: whatever it holds
    assert carried_imports(ModuleSummary.read(b"import app.cache\n", "app.views"), carries)
    assert carried_imports(ModuleSummary.read(b"def f():\n    from ..cache import client\n", "app.sub"), carries)
    assert not carried_imports(ModuleSummary.read(b"from app.cache import TIMEOUT\n", "app.views"), carries)
    assert not carried_imports(ModuleSummary.read(b"from app.models import User\n", "app.views"), carries)
    # a re-export carries what it re-exports, and nothing else
    reexports = ModuleSummary.read(b"from .cache import client\nfrom .models import db\n", "app")
    assert carrier_names(reexports, carries) == {"client"}


def write(root: Path, files: dict[str, str]) -> None:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)


def test_importers_of_unrelated_names_are_not_analysed(tmp_path: Path) -> None:
    files = {
        "app/__init__.py": "from .cache import client\nfrom .models import db\n",
        "app/cache.py": "import redis\nclient = redis.Redis(host='localhost')\nTIMEOUT = 5\n",
        "app/models.py": "db = object()\nclass User:\n    pass\n",
        "app/uses_client.py": "from app import client\n\ndef save(name):\n    client.set(name, 1)\n",
        "app/uses_module.py": "import app.cache\n\ndef save(name):\n    app.cache.client.set(name, 1)\n",
    }
    # many modules import the package for its other names: none of them can meet the client
    files.update({f"app/views/v{i}.py": f"from app import db\nfrom app.cache import TIMEOUT\n\n"
                                        f"def view{i}(d):\n    d.set('x', TIMEOUT)\n" for i in range(30)})
    files["app/views/__init__.py"] = ""
    write(tmp_path, files)
    config = Config(root=tmp_path)
    run = lint_paths([tmp_path], config)
    assert run.analysed == 3  # cache, uses_client, uses_module (app/__init__ re-exports, and calls nothing)
    unfiltered = lint_paths([tmp_path], config, prefilter=False)
    assert run.findings == unfiltered.findings
    assert {f.path.rsplit("/", 1)[-1] for f in run.findings if f.code == "RDS101"} == {"uses_client.py",
                                                                                     "uses_module.py"}


def test_a_warm_run_reads_the_names_from_the_cache(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    project = tmp_path / "project"
    write(project, {
        "app/__init__.py": "from .cache import client\n",
        "app/cache.py": "import redis\nclient = redis.Redis(host='localhost')\n",
        "app/uses.py": "from app import client\n\ndef save(name):\n    client.set(name, 1)\n",
    })
    config = Config(root=project)
    cold = lint_paths([project], config, cache_folder=tmp_path / "cache")

    def parse_again(*args: object) -> ModuleSummary:
        raise AssertionError("a module's names were read again")

    monkeypatch.setattr(ModuleSummary, "read", parse_again)
    warm = lint_paths([project], config, cache_folder=tmp_path / "cache")
    assert warm.findings == cold.findings and warm.analysed == 0
    (project / "app" / "cache.py").write_text("import redis\nclient = redis.Redis(host='localhost')\nX = 1\n")
    with pytest.raises(AssertionError, match="read again"):  # a changed text is read afresh
        lint_paths([project], config, cache_folder=tmp_path / "cache")


def test_a_client_librarys_exceptions_carry_no_value(tmp_path: Path) -> None:
    """An exception holds no connection: a file that imports only a client library's exceptions
    (to catch them around calls of a client it is handed) is not a file with Redis values, unless
    it imports the library itself beside them."""
    write(tmp_path, {
        "app/__init__.py": "",
        "app/errors.py": (
            "from redis.exceptions import ConnectionError, TimeoutError\nfrom redis import RedisError\n"
            "from redis import exceptions\n\n"
            "def safely(call):\n    try:\n        return call()\n    except (ConnectionError, TimeoutError, RedisError):\n"
            "        return None\n"
        ),
        "app/both.py": (  # the package itself beside one of its exceptions
            "import redis\nfrom redis import RedisError\n\n"
            "def save(name):\n    try:\n        redis.Redis().set(name, 1)\n    except RedisError:\n        pass\n"
        ),
        "app/client.py": "from redis import RedisError, Redis\n\ndef save(name):\n    Redis().set(name, 1)\n",
    })
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert run.analysed == 2  # both.py and client.py
    assert {f.path.rsplit("/", 1)[-1] for f in run.findings if f.code == "RDS101"} == {"both.py", "client.py"}
    unfiltered = lint_paths([tmp_path], Config(root=tmp_path), prefilter=False)
    assert run.findings == unfiltered.findings


def test_a_warm_run_notices_a_module_that_comes_to_hold_a_value(tmp_path: Path) -> None:
    """A question about a Redis value does not enter a module that cannot hold one, so a file's
    result depends on which modules can: when a module comes to hold a value through an edit of
    another file (its own text unchanged), the results kept are not used."""
    project = tmp_path / "project"
    write(project, {
        "app/__init__.py": "",
        "app/util.py": "def build():\n    return object()\n",
        "app/factory.py": "from app.util import build\n\ndef make():\n    return build()\n",
        "app/views.py": (
            "import redis\nfrom app.factory import make\n\nPING = redis.Redis.ping\n\n"
            "def save(name):\n    make().set(f'cache:user:{name}', 1)\n"
        ),
    })
    config = Config(root=project)

    def missing_ttl() -> list[int]:
        run = lint_paths([project], config, cache_folder=tmp_path / "cache")
        return [f.line for f in run.findings if f.code == "RDS101" and f.path.endswith("views.py")]

    assert missing_ttl() == []
    (project / "app" / "util.py").write_text("import redis\n\ndef build():\n    return redis.Redis()\n")
    assert missing_ttl() == [7]  # factory.py is unchanged, but now hands out a client
