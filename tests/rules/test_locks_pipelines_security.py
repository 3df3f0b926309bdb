"""RDS501-RDS503 (locks), RDS601-RDS602 (round trips), RDS701-RDS702 (security)."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_lint.config import Config, Policy
from tests.conftest import lint

HEAD = "import redis\nimport secrets\nimport os\n"


def body(lines: str) -> str:
    return HEAD + "def f(r: redis.Redis, k, v, items, token):\n" + "".join(
        f"    {line}\n" for line in lines.strip().splitlines())


def only(code: str, source: str, path: str = "app/services/example.py") -> list[int]:
    return [f.line for f in lint(source, path) if f.code == code]


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ('r.set("lock:broadcast:1", token, nx=True)', True),
        ('r.set("lock:broadcast:1", token, nx=True, px=30000)', False),
        ('r.set("lock:broadcast:1", token, nx=True, ex=30)', False),
        ('r.set("lock:broadcast:1", token, nx=True, keepttl=True)', True),
        ('r.set("lock:broadcast:1", token, nx=False)', False),
        ('r.setnx("lock:broadcast:1", token)', True),
        ('r.setnx("cache:user:1:p", token)', False),  # not a lock: RDS101's business
        ('r.lock("lock:broadcast:1")', True),
        ('r.lock("lock:broadcast:1", timeout=None)', True),
        ('r.lock("lock:broadcast:1", timeout=30)', False),
        ('r.lock("lock:broadcast:1", 30)', False),
    ],
)
def test_lock_without_expiry(lines: str, flagged: bool) -> None:
    assert bool(only("RDS501", body(lines))) is flagged


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ('r.delete("lock:broadcast:1")', True),
        ('r.unlink(f"lock:broadcast:{k}")', True),
        ('r.delete("cache:user:1:p")', False),
        ('key = f"jobs:run:{k}"\nr.set(key, token, nx=True, px=30000)\nr.delete(key)', True),  # taken with SET NX
        ('if r.get("lock:broadcast:1") == token:\n    r.delete("lock:broadcast:1")', True),  # still a race
    ],
)
def test_lock_unsafe_release(lines: str, flagged: bool) -> None:
    assert bool(only("RDS502", body(lines))) is flagged


def test_a_parameter_named_like_a_lock_elsewhere_is_another_key() -> None:
    # cashews: `set_lock(self, key, ...)` takes a lock; `delete(self, key)` deletes any key
    source = HEAD + (
        "def set_lock(r: redis.Redis, key, value):\n    return r.set(key, value, nx=True, px=30000)\n"
        "def delete(r: redis.Redis, key):\n    return r.unlink(key)\n"
        "def take_and_drop(r: redis.Redis, key, value):\n    r.set(key, value, nx=True, px=30000)\n    r.delete(key)\n")
    assert only("RDS502", source) == [10]


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ('r.set("lock:broadcast:1", "1", nx=True, px=30000)', True),
        ('r.set("lock:broadcast:1", True, nx=True, px=30000)', True),
        ('r.set("lock:broadcast:1", 1, nx=True, px=30000)', True),
        ('r.set("lock:broadcast:1", secrets.token_hex(16), nx=True, px=30000)', False),
        ('r.set("lock:broadcast:1", token, nx=True, px=30000)', False),
    ],
)
def test_lock_constant_token(lines: str, flagged: bool) -> None:
    assert bool(only("RDS503", body(lines))) is flagged


def test_lock_token_from_a_module_constant() -> None:
    source = HEAD + 'HOLDER = "worker"\ndef f(r: redis.Redis):\n    r.set("lock:broadcast:1", HOLDER, nx=True, px=30000)\n'
    assert only("RDS503", source) == [6]


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ("for item in items:\n    r.get(item)", True),
        ("[r.get(item) for item in items]", True),
        ("{item: r.get(item) for item in items}", True),
        ("while r.llen(k):\n    pass", True),
        ("for item in r.smembers(k):\n    pass", False),  # the iterable is evaluated once
        ('for item in ("cache:a:b", "cache:c:d"):\n    r.delete(item)', False),  # a handful
        ("with r.pipeline() as p:\n    for item in items:\n        p.get(item)\n    p.execute()", False),
        ("while True:\n    job = r.brpop(k, timeout=5)", False),  # a consumer waits: one trip per job
        ("for item in items:\n    def later():\n        return r.get(item)", False),  # runs when called
        ("r.mget(items)", False),
        ('for item in items:\n    r.execute_command("GET", item)', True),
        ('for item in items:\n    r.json().get(item)', True),
        ('with r.pipeline() as p:\n    for item in items:\n        p.json().set(item, "$", {})\n    p.execute()', False),
        ("for k in keys:\n    r.keyslot(k)", False),  # computed by the client, nothing is sent
        ("[v for v in r.smembers(k)]", False),  # a comprehension's outer iterable is evaluated once
        ("[v for c in chunks for v in r.mget(c)]", True),  # an inner one once per outer item
        ("[v for c in chunks if r.exists(c)]", True),
        ('s = r.register_script("return 1")\nfor item in items:\n    s(keys=[item])', True),  # EVALSHA each time
        ('s = r.register_script("return 1")\nwith r.pipeline() as p:\n    for item in items:\n'
         '        s(keys=[item], client=p)\n    p.execute()', False),  # queued on the pipeline
        ("for item in items:\n    v(keys=[item])", False),  # not known to be a script
    ],
)
def test_command_in_loop(lines: str, flagged: bool) -> None:
    assert bool(only("RDS601", body(lines))) is flagged


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ("p = r.pipeline()\np.set(k, v, ex=5)", True),
        ("p = r.pipeline()\np.set(k, v, ex=5)\np.execute()", False),
        ("with r.pipeline() as p:\n    p.set(k, v, ex=5)", True),  # leaving the block only resets it
        ("with r.pipeline() as p:\n    p.set(k, v, ex=5)\n    p.execute()", False),
        ("r.pipeline().set(k, v, ex=5).expire(k, 5)", True),
        ("r.pipeline().set(k, v, ex=5).execute()", False),
        ("p = r.pipeline()\np.set(k, v, ex=5)\nreturn p", False),  # the caller may execute it
        ("p = r.pipeline()\np.set(k, v, ex=5)\nrun(p)", False),
        ("p = r.pipeline()", False),  # queues nothing
        ("p = r.pipeline()\np.set(k, v).expire(k, 5).execute()", False),  # pipeline methods chain
        ("p = r.pipeline()\np.set(k, v, ex=5).expire(k, 5)", True),
        ("p = r.pipeline()\np.set(k, v, ex=5).expire(k, 5)\np.execute()", False),
        ("p = r.pipeline()\nq = p.set(k, v, ex=5).expire(k, 5)\nq.execute()", False),  # the chain escapes
        ("with r.pipeline() as p:\n    q = p.get(k)\n    q.execute()", False),  # celery: under another name
        ("p = r.pipeline()\np.watch(k)\np.set(k, v, ex=5)", False),  # after watch(), sent at once
        ("p = r.pipeline()\np.watch(k)\np.multi()\np.set(k, v, ex=5)", True),
    ],
)
def test_pipeline_not_executed(lines: str, flagged: bool) -> None:
    assert bool(only("RDS602", body(lines))) is flagged


CLIENT = "import os\nimport redis\n"


@pytest.mark.parametrize(
    ("line", "code", "flagged"),
    [
        ('redis.Redis(host="localhost", password="hunter2")', "RDS701", True),
        ('redis.Redis(username="app", password=os.environ["REDIS_PASSWORD"])', "RDS701", True),
        ('redis.Redis(password=os.environ["REDIS_PASSWORD"])', "RDS701", False),
        ('redis.from_url("redis://:hunter2@localhost:6379/0")', "RDS701", True),
        ('redis.Redis.from_url("rediss://app:hunter2@cache.internal:6380/0")', "RDS701", True),
        ('redis.from_url(os.environ["REDIS_URL"])', "RDS701", False),
        ('redis.from_url("redis://localhost:6379/0")', "RDS702", False),
        ('redis.from_url("redis://127.0.0.5:6379/0")', "RDS702", False),
        ('redis.from_url("redis://[::1]:6379/0")', "RDS702", False),
        ('redis.from_url("redis://cache.internal:6379/0")', "RDS702", True),
        ('redis.from_url("rediss://cache.internal:6380/0")', "RDS702", False),
        ('redis.Redis(host="10.0.0.7")', "RDS702", True),
        ('redis.Redis(host="10.0.0.7", ssl=True)', "RDS702", False),
        ('redis.Redis(host="localhost")', "RDS702", False),
        ('redis.Redis(unix_socket_path="/run/redis.sock")', "RDS702", False),
        ('redis.ConnectionPool(host="cache.internal", password="x")', "RDS701", True),
    ],
)
def test_credentials_and_transport(line: str, code: str, flagged: bool) -> None:
    assert bool(only(code, CLIENT + f"client = {line}\n", path="app/redis/client.py")) is flagged


def test_messages_never_echo_the_secret() -> None:
    findings = lint(CLIENT + 'client = redis.from_url("redis://:hunter2@cache.internal:6379/0")\n'
                    'other = redis.Redis(host="h.example", password="s3cr3t")\n', "app/redis/client.py")
    assert {f.code for f in findings} == {"RDS701", "RDS702"}
    assert all("hunter2" not in f.message and "s3cr3t" not in f.message for f in findings)


@pytest.mark.parametrize(
    ("code", "literal"),
    [
        ('REDIS_URL = os.environ.get("REDIS_URL", "redis://:hunter2@redis.internal:6379/0")', '"redis://:hunter2@redis.internal:6379/0"'),
        ('REDIS_URL = os.getenv("REDIS_URL", default="rediss://app:hunter2@redis.internal:6380")', '"rediss://app:hunter2@redis.internal:6380"'),
        ('REDIS_URL = "redis://:hunter2@redis.internal:6379/0"', '"redis://:hunter2@redis.internal:6379/0"'),
        ('BROKER = "redis+sentinel://:hunter2@s1:26379/mymaster"', '"redis+sentinel://:hunter2@s1:26379/mymaster"'),
        ('REDIS_PASSWORD = os.getenv("REDIS_PASSWORD", "hunter2")', '"hunter2"'),
        ('REDIS_PASSWORD = "hunter2"', '"hunter2"'),
        ('settings.redis_password = "hunter2"', '"hunter2"'),
        ('connect(redis_password="hunter2")', '"hunter2"'),
        ('CACHES = {"default": {"BACKEND": "django_redis.cache.RedisCache", "OPTIONS": {"PASSWORD": "hunter2"}}}', '"hunter2"'),
        ('CACHES = {"default": {"LOCATION": "redis://cache:6379/1", "OPTIONS": {"PASSWORD": "hun" "ter2"}}}', '"hun" "ter2"'),
        ('REDIS = {"host": "cache.internal", "redis_password": "hunter2"}', '"hunter2"'),
        # what stays clean: read from the environment, no credentials, not Redis's, empty
        ('REDIS_URL = os.environ.get("REDIS_URL", "redis://localhost:6379/0")', None),
        ('REDIS_PASSWORD = os.environ["REDIS_PASSWORD"]', None),
        ('REDIS_PASSWORD = ""', None),
        ('DATABASES = {"default": {"ENGINE": "django.db.backends.postgresql", "PASSWORD": "pg"}}', None),
        ('PASSWORD = "hunter2"  # not said to be Redis\'s', None),
        ('DB_URL = "postgresql://app:hunter2@db.internal/app"', None),
        ('HELP = "pass the password of your Redis server with --password"', None),
        ('EXAMPLE = "redis://:x@[::1"  # not a URL a client reads', None),
    ],
)
def test_credentials_are_reported_where_they_are_written(code: str, literal: str | None) -> None:
    """No client in sight (a settings module): the literal is the finding, at its own column."""
    findings = lint(f"import os\n{code}\n", "app/settings.py")
    expected = [("RDS701", 2, code.index(literal) + 1)] if literal else []
    assert [(f.code, f.line, f.column) for f in findings] == expected
    assert all("hunter2" not in f.message for f in findings)


def test_a_credential_is_reported_once_where_it_is_written_and_where_another_module_hands_it_over() -> None:
    same_module = lint(CLIENT + 'URL = "redis://:hunter2@localhost/0"\nclient = redis.from_url(URL)\n', "app/redis/client.py")
    assert [(f.code, f.line) for f in same_module] == [("RDS701", 3)]
    imported = lint(CLIENT + "from app.settings import URL\nclient = redis.from_url(URL)\n", "app/redis/client.py")
    assert [(f.code, f.line) for f in imported] == []  # the snippet's project has no app/settings.py


def test_a_settings_module_that_never_imports_redis_is_analysed_for_its_credentials(tmp_path) -> None:  # type: ignore[no-untyped-def]
    from redis_lint.config import Config
    from redis_lint.engine.run import lint_paths

    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "settings.py").write_text('import os\nREDIS_URL = os.environ.get("REDIS_URL", "redis://:hunter2@r:6379/0")\n')
    (tmp_path / "views.py").write_text('def f(d):\n    return d.get("x")\n')
    run = lint_paths([tmp_path], Config(root=tmp_path))
    assert [(f.line, f.code) for f in run.findings] == [(2, "RDS701")]
    assert run.analysed == 1


ASYNC = "import redis.asyncio\nimport os\n"


@pytest.mark.parametrize(
    ("lines", "code"),
    [
        ('await r.set("lock:broadcast:1", token, nx=True)', "RDS501"),
        ('await r.setnx("lock:broadcast:1", token)', "RDS501"),
        ('async with r.lock("lock:broadcast:1"):\n    pass', "RDS501"),
        ('await r.delete("lock:broadcast:1")', "RDS502"),
        ('await r.set("lock:broadcast:1", "me", nx=True, px=30000)', "RDS503"),
        ("for item in items:\n    await r.get(item)", "RDS601"),
        ("async with r.pipeline() as p:\n    p.set(k, v, ex=5)", "RDS602"),
    ],
)
def test_asyncio_clients(lines: str, code: str) -> None:
    source = ASYNC + "async def f(r: redis.asyncio.Redis, k, v, items, token):\n" + "".join(
        f"    {line}\n" for line in lines.splitlines())
    assert code in {f.code for f in lint(source)}


@pytest.mark.parametrize(
    ("line", "code"),
    [
        ('redis.asyncio.from_url("redis://:pw@cache.internal:6379")', "RDS701"),
        ('redis.asyncio.from_url("redis://cache.internal:6379")', "RDS702"),
        ('redis.asyncio.Redis(host="cache.internal", password="pw")', "RDS701"),
    ],
)
def test_asyncio_constructions(line: str, code: str) -> None:
    assert code in {f.code for f in lint(ASYNC + f"client = {line}\n", "app/redis/client.py")}


CLUSTER = Config(root=Path("/project"), policy=Policy(cluster=True))


@pytest.mark.parametrize(
    ("lines", "flagged"),
    [
        ('r.mget(f"cache:user:{k}:a", f"cache:user:{k}:b")', True),  # no tag: the whole keys differ
        ('r.mget(f"{{user:{k}}}:a", f"{{user:{k}}}:b")', False),  # the same tag, whatever k is
        ('r.mget("{cart:42}:items", "{cart:42}:total")', False),
        ('r.mget("{cart:42}:items", "{cart:43}:total")', True),
        ('r.mget("{}:a", "{}:b")', True),  # an empty tag is no tag
        ('r.mget(f"{{{k}}}:a", f"{{{k}}}:b")', False),  # a value is taken never to be empty (an id)
        ('r.mget(f"{{{k}}}:a", f"{{{v}}}:b")', True),
        ('r.mget(f"{k}:{{user}}:a", f"{k}:{{user}}:b")', True),  # a value before the first `{`
        ('r.smove(f"queue:a:{{u:{k}}}:x", f"cache:b:{{u:{k}}}:y", v)', False),  # one tag after other text
        ('r.smove(f"queue:a:{{u:{k}}}:x", f"cache:b:{{u:{v}}}:y", v)', True),  # tags of two values
        ('r.smove(f"queue:a:{{{k}:u}}:x", f"cache:b:{{{k}:u}}:y", v)', False),
        ('r.smove(f"queue:a:{{}}:{k}", f"queue:a:{{}}:{v}", v)', True),  # `{}` is no tag: the whole keys
        ("r.delete(k, k)", False),  # the same key twice
        ('r.delete(k, "cache:a:b")', False),  # a key we know nothing of may carry the tag
        ("r.delete(*items)", False),
        ('r.rename("cache:a:b", "cache:a:c")', True),
        ('r.delete("cache:a:1", "cache:a:2")', False),  # cluster clients split it by slot
        ('r.exists("cache:a:1", "cache:a:2")', False),
        ('with r.pipeline() as p:\n    p.unlink("cache:a:1", "cache:a:2")\n    p.execute()', True),  # not in MULTI
        ('r.mset({"{u:1}:a": 1, "{u:1}:b": 2})', False),
        ('r.mset({"cache:a:1": 1, "cache:a:2": 2})', True),
        ('r.eval("return 1", 2, "{q}:a", "{q}:b", 5)', False),
        ('r.eval("return 1", 2, "queue:a:x", "queue:b:x", 5)', True),
        ('r.eval("return 1", 1, "queue:a:x", "queue:b:x")', False),  # one key, then an argument
        ('r.transaction(v, "cache:a:1", "cache:a:2")', True),  # WATCH of both
        ('def cb(p):\n    p.get("cache:a:1")\n    p.multi()\n    p.set("cache:a:2", 1, ex=9)\nr.transaction(cb, "cache:a:1")', True),
        ('def cb(p):\n    p.get("{u:1}:a")\n    p.multi()\n    p.set("{u:1}:b", 1, ex=9)\nr.transaction(cb, "{u:1}:a")', False),
        ('def cb(p):\n    r.get("cache:a:2")\n    p.set("cache:a:1", 1, ex=9)\nr.transaction(cb, "cache:a:1")', False),  # not on p
        ('s = r.register_script("return 1")\ns(keys=["cache:a:1", "cache:a:2"], args=[1])', True),
        ('s = r.register_script("return 1")\ns(["{q}:a", "{q}:b"])', False),
        ('s = r.register_script("return 1")\ns(keys=["cache:a:1", k])', False),
        ('r.get("cache:a:1")', False),
        ('with r.pipeline() as p:\n    p.set("cache:a:1", 1)\n    p.set("cache:a:2", 1)\n    p.execute()', True),
        ('p = r.pipeline()\np.set("{u:1}:a", 1).expire("{u:1}:a", 9)\np.set("{u:1}:b", 1)\np.execute()', False),
        ('p = r.pipeline()\np.set("{u:1}:a", 1).expire("{u:2}:a", 9)\np.execute()', True),  # down the chain
        ('p = r.pipeline(transaction=False)\np.set("cache:a:1", 1)\np.set("cache:a:2", 1)\np.execute()', False),
        ('p = r.pipeline()\np.set("cache:a:1", 1)\nv(p)\np.set("cache:a:2", 1)\np.execute()', False),  # handed on
    ],
)
def test_cross_slot(lines: str, flagged: bool) -> None:
    assert bool([f for f in lint(body(lines), config=CLUSTER) if f.code == "RDS603"]) is flagged


@pytest.mark.parametrize(("creation", "flagged"), [
    ("redis.RedisCluster(host='h').pipeline()", False),  # a cluster client's pipeline is no transaction...
    ("redis.cluster.RedisCluster.from_url(u).pipeline(transaction=False)", False),
    ("redis.asyncio.RedisCluster(host='h').pipeline(True)", True),  # ...unless asked for
    ("redis.Redis().pipeline()", True),
])
def test_a_cluster_client_s_pipeline_is_a_transaction_only_when_asked(creation: str, flagged: bool) -> None:
    source = f"import redis\nimport redis.asyncio\nimport redis.cluster\n\ndef f(u):\n    p = {creation}\n" \
             "    p.set('cache:a:1', 1, ex=9)\n    p.set('cache:a:2', 1, ex=9)\n    p.execute()\n"
    assert bool([f for f in lint(source, config=CLUSTER) if f.code == "RDS603"]) is flagged


def test_cross_slot_judges_a_project_on_redis_cluster_only() -> None:
    cross = 'r.mget("cache:a:1", "cache:a:2")'
    assert only("RDS603", body(cross)) == []  # one server: one slot space
    assert only("RDS603", body(f"c = redis.RedisCluster()\n{cross}")) == [6]  # it builds a cluster client
    off = Config(root=Path("/project"), policy=Policy(cluster=False))
    assert [f for f in lint(body(f"c = redis.RedisCluster()\n{cross}"), config=off) if f.code == "RDS603"] == []


def test_a_project_that_builds_a_cluster_client_elsewhere_is_on_redis_cluster(tmp_path: Path) -> None:
    from redis_lint.engine.run import lint_paths

    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "app").mkdir()
    (tmp_path / "app" / "client.py").write_text("from redis.cluster import RedisCluster\n\n"
                                              "client = RedisCluster.from_url('redis://cluster:7000')\n")
    (tmp_path / "app" / "carts.py").write_text("import redis\n\n\ndef totals(r: redis.Redis):\n"
                                             "    return r.mget('cache:cart:1', 'cache:cart:2')\n")
    found = [(f.path, f.line) for f in lint_paths([tmp_path], Config(root=tmp_path)).findings if f.code == "RDS603"]
    assert [Path(p).name for p, _ in found] == ["carts.py"]
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\ncluster = false\n")
    from redis_lint.config import load_config

    assert not [f for f in lint_paths([tmp_path], load_config(start=tmp_path)).findings if f.code == "RDS603"]


def test_hash_tags_follow_redis() -> None:
    from redis_lint.rulebook.pipelines import hash_tag
    from redis_lint.semantics.key_templates import KeyTemplate, Placeholder

    assert hash_tag(KeyTemplate.of("{user:42}:a")) == ("user:42",)
    assert hash_tag(KeyTemplate.of("a{}b{c}")) == ("a{}b{c}",)  # the first `{}` is empty: the whole key
    assert hash_tag(KeyTemplate.of("a{b")) == ("a{b",)  # never closed
    assert hash_tag(KeyTemplate.of("a:", Placeholder("x"))) is None  # the value may hold a `{`


TRANSACTION_METHOD = '''\
import redis


class Counter:
    def __init__(self, r: redis.Redis) -> None:
        self.r = r

    def _count(self, pipe) -> None:
        done = pipe.scard("queue:tasks:1:done")
        pipe.multi()
        for n in range(3):
            pipe.set("cache:stats:1:done", done, ex=60)

    def count(self) -> None:
        self.r.transaction(self._count, "queue:tasks:1:done")
'''


def test_a_method_handed_to_transaction_gets_a_pipeline() -> None:
    """`r.transaction(self._count, key)` calls `_count(self, pipe)` with a pipeline: the keys of
    the commands it sends on it join the watched one."""
    assert [f.line for f in lint(TRANSACTION_METHOD, config=CLUSTER) if f.code == "RDS603"] == [15]
    tagged = TRANSACTION_METHOD.replace("queue:tasks:1:done", "{tasks:1}:done").replace(
        "cache:stats:1:done", "{tasks:1}:stats")
    assert [f for f in lint(tagged, config=CLUSTER) if f.code == "RDS603"] == []


def test_a_method_handed_to_transaction_is_called_with_a_pipeline() -> None:
    """Only its use as `transaction`'s callback says what `pipe` is (`get` is no Redis-only name)."""
    source = ("import redis\n\nclass Jobs:\n    def __init__(self, r: redis.Redis):\n        self.r = r\n\n"
              "    def trans(self, pipe):\n        pipe.get('Users.All')\n\n"
              "    def run(self):\n        self.r.transaction(self.trans, 'cache:jobs:1:lock')\n")
    assert only("RDS201", source) == [8]
    assert only("RDS201", source.replace("self.trans,", "print,")) == []  # handed something else
