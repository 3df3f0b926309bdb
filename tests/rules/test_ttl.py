"""RDS101 missing-ttl and RDS102 ttl-over-policy."""

from __future__ import annotations

import pytest

from tests.conftest import codes, lint

HEAD = "import redis\nfrom datetime import timedelta\nimport datetime\n"


def body(lines: str, params: str = "r: redis.Redis, uid, v") -> str:
    return HEAD + f"def f({params}):\n" + "".join(f"    {line}\n" for line in lines.strip().splitlines())


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('r.set(f"cache:user:{uid}:profile", v)', ["RDS101"]),
        ('r.set(f"cache:user:{uid}:profile", v, px=1000)', []),
        ('r.set(f"cache:user:{uid}:profile", v, keepttl=True)', []),
        ('r.set(f"cache:user:{uid}:profile", v, ex=None)', ["RDS101"]),
        ('r.set(f"cache:user:{uid}:profile", v, exat=1700000000)', []),
        ('r.setex(f"cache:user:{uid}:profile", 60, v)', []),
        ('r.psetex(f"cache:user:{uid}:profile", 60000, v)', []),
        ('r.setnx(f"cache:user:{uid}:profile", v)', ["RDS101"]),
        ('r[f"cache:user:{uid}:profile"] = v', ["RDS101"]),
        ('r.hset(f"cache:user:{uid}:profile", "name", v)', ["RDS101"]),
        ('r.lpush("cache:user:1:recent", v)', ["RDS101"]),
        ('r.lpush("queue:notification:email", v)', []),
        ('r.incr("rate:auth:1:attempts")', ["RDS101"]),
        ('if r.incr("rate:auth:1:attempts") == 1:\n    r.expire("rate:auth:1:attempts", 60)', []),
        ('r.sadd("cache:user:1:tags", v)\nr.pexpire("cache:user:1:tags", 60000)', []),
        ('r.zadd("cache:user:1:scores", {v: 1})\nr.expireat("cache:user:1:scores", 1700000000)', []),
        ('r.set(f"cache:user:{uid}:x", v)\nr.getex(f"cache:user:{uid}:x", ex=60)', []),
        ('r.set(f"cache:user:{uid}:x", v)\nr.expire(f"cache:user:{uid}:y", 60)', ["RDS101"]),
        ("r.set(key, v)", ["RDS101"]),  # unresolved keys are still checked
        ("r.set(key, v)\nr.expire(key, 60)", []),
        ("r.set(**kwargs)", []),  # the expiry may be in kwargs: not guessed
        ('r.mset({"cache:user:1:a": 1})', ["RDS101"]),
        ('r.mset({"queue:jobs:a:b": 1})', []),
        ('r.rename("cache:user:1:a", "cache:user:1:b")', []),
        ('r.copy("cache:user:1:a", "cache:user:1:b")', []),
        ('r.lmove("queue:jobs:in", "cache:user:1:work")', ["RDS101"]),
        ('r.sunionstore("cache:user:1:all", ["cache:user:1:a"])', ["RDS101"]),
        ('r.get("cache:user:1:a")', []),
        ('r.pipeline().set("cache:user:1:a", v).expire("cache:user:1:a", 60).execute()', []),
    ],
)
def test_missing_ttl(lines: str, expected: list[str]) -> None:
    assert codes(body(lines, "r: redis.Redis, uid, v, key, kwargs")) == expected


def test_expire_in_another_function_does_not_count() -> None:
    source = HEAD + (
        "def write(r: redis.Redis, v):\n    r.set('cache:user:1:a', v)\n"
        "def expire(r: redis.Redis):\n    r.expire('cache:user:1:a', 60)\n"
    )
    assert codes(source) == ["RDS101"]


def test_message_says_what_to_do_with_the_policy_maximum() -> None:
    [finding] = lint(body('r.set(f"cache:user:{uid}:profile", v)'))
    assert finding.message == 'set() on "cache:user:{uid}:profile" has no TTL: pass ex= (policy max for cache:user is 3600 s)'
    assert (finding.line, finding.column) == (5, 5)


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('r.set("cache:user:1:p", v, ex=3600)', []),
        ('r.set("cache:user:1:p", v, ex=3601)', ["RDS102"]),
        ('r.set("cache:user:1:p", v, px=3_600_000)', []),
        ('r.set("cache:user:1:p", v, px=3_600_001)', ["RDS102"]),
        ('r.set("cache:user:1:p", v, ex=2 * 60 * 60)', ["RDS102"]),
        ('r.set("cache:user:1:p", v, ex=timedelta(minutes=30))', []),
        ('r.set("cache:user:1:p", v, px=timedelta(hours=2))', ["RDS102"]),
        ('r.set("cache:user:1:p", v, ex=datetime.timedelta(1))', ["RDS102"]),
        ('r.set("cache:user:1:p", v, ex=timedelta(hours=2).total_seconds())', ["RDS102"]),
        ('r.set("cache:user:1:p", v, ex=int(7200.0))', ["RDS102"]),
        ('r.set("cache:referral:abc:code", v, ex=6 * 3600)', []),
        ('r.set("cache:referral:abc:code", v, ex=7 * 3600)', ["RDS102"]),
        ('r.setex("rate:auth:1:n", 61, v)', ["RDS102"]),
        ('r.psetex("lock:broadcast:1", 31000, v)', ["RDS102"]),
        ('r.set("lock:broadcast:1", v, nx=True, ex=30)', []),
        ('r.set("cache:user:1:p", v)\nr.expire("cache:user:1:p", 86400)', ["RDS102"]),
        ('r.set("cache:user:1:p", v)\nr.pexpire("cache:user:1:p", 60000)', []),
        ('r.lock("lock:broadcast:1", timeout=60)', ["RDS102"]),
        ('r.set("cache:other:1:p", v, ex=10**9)', []),  # no maximum for the prefix
        ('r.set("cache:user:1:p", v, ex=ttl)', []),  # not a constant
        ('r.set(f"{ns}:user:1", v, ex=99999)', []),  # prefix unknown
    ],
)
def test_ttl_over_policy(lines: str, expected: list[str]) -> None:
    assert codes(body(lines, "r: redis.Redis, v, ttl, ns")) == expected


def test_constants_from_module_and_class() -> None:
    source = HEAD + (
        "DAY = 24 * 60 * 60\n"
        "class Sessions:\n"
        "    TTL = 2 * DAY\n"
        "    def __init__(self, r: redis.Redis):\n"
        "        self.r = r\n"
        "    def save(self, token, v):\n"
        "        self.r.setex(f'session:auth:token:{token}', self.TTL, v)\n"
    )
    [finding] = lint(source)
    assert finding.code == "RDS102"
    assert finding.message == (
        'TTL of 172800 s on "session:auth:token:{token}" is over the policy maximum for session:auth: use at most 86400 s'
    )


def test_longest_prefix_wins() -> None:
    from dataclasses import replace

    from redis_lint.config import Config, Policy

    policy = replace(Policy(), max_ttl=(("cache", 100), ("cache:user", 1000)))
    source = body('r.set("cache:user:1:p", v, ex=500)\nr.set("cache:item:1:p", v, ex=500)')
    assert [f.line for f in lint(source, config=Config(policy=policy))] == [6]


def test_ttl_set_by_a_helper_method_of_the_class() -> None:
    source = HEAD + (
        "class Cache:\n"
        "    def __init__(self, r: redis.Redis):\n"
        "        self.r = r\n"
        "    def _touch(self, key, ttl=60):\n"
        "        self.r.expire(key, ttl)\n"
        "    def save(self, uid, v):\n"
        "        key = f'cache:user:{uid}:profile'\n"
        "        self.r.set(key, v)\n"
        "        self._touch(key)\n"
        "    def save_badly(self, uid, v):\n"
        "        self.r.set(f'cache:user:{uid}:other', v)\n"
        "        self._touch(f'cache:user:{uid}:elsewhere')\n"
    )
    assert [f.line for f in lint(source)] == [14]


def test_ttl_set_in_finally_or_after_checking_the_write() -> None:
    source = HEAD + (
        "def f(r: redis.Redis, k, v):\n"
        "    try:\n"
        "        created = r.setnx(k, v)\n"
        "    finally:\n"
        "        r.expire(k, 30)\n"
        "def g(r: redis.Redis, k):\n"
        "    if r.incr(k) == 1:\n"
        "        r.expire(k, 60)\n"
    )
    assert codes(source) == []


def test_redisjson_documents_need_a_ttl_too() -> None:
    source = HEAD + (
        "def f(r: redis.Redis, uid, doc):\n"
        "    r.json().set(f'cache:user:{uid}:doc', '$', doc)\n"
        "    r.json().set(f'cache:user:{uid}:other', '$', doc)\n"
        "    r.expire(f'cache:user:{uid}:other', 60)\n"
        "    r.json().get(f'Cache:user:{uid}:doc')\n"
    )
    assert [(f.line, f.code) for f in lint(source)] == [(5, "RDS101"), (8, "RDS202")]


def test_pipeline_yielded_by_a_context_manager_of_the_class() -> None:
    source = HEAD + (
        "import contextlib\n"
        "from collections.abc import Iterator\n"
        "from redis.client import Pipeline\n"
        "class Store:\n"
        "    def __init__(self, r: redis.Redis):\n"
        "        self.r = r\n"
        "    @contextlib.contextmanager\n"
        "    def _watch(self) -> Iterator[Pipeline]:\n"
        "        with self.r.pipeline() as pipe:\n"
        "            yield pipe\n"
        "    def add(self, v):\n"
        "        with self._watch() as pipe:\n"
        "            pipe.sadd('cache:user:1:set', v)\n"
    )
    assert [(f.line, f.code) for f in lint(source)] == [(16, "RDS101")]


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        ('r.set("cache:user:1:p", v, ex=60)\nr.set("cache:user:1:p", v)', [6]),
        ('r.set("cache:user:1:p", v, ex=60)\nr.set("cache:user:1:p", v, keepttl=True)', []),
        ('r.set("cache:user:1:p", v, ex=60)\nr.set("cache:user:1:p", v, ex=60)', []),
        ('r.set("cache:user:1:p", v)\nr.expire("cache:user:1:p", 60)\nr.set("cache:user:1:p", v)\n'
         'r.expire("cache:user:1:p", 60)', []),
        ('r.expire("cache:user:1:p", 60)\nr[\'cache:user:1:p\'] = v', [6]),
    ],
)
def test_a_plain_set_after_a_ttl_drops_it(lines: str, expected: list[int]) -> None:
    assert [f.line for f in lint(body(lines)) if "drops the TTL" in f.message] == expected


@pytest.mark.parametrize(
    ("lines", "expected"),
    [
        # hash fields and set members given an expiry: the key goes when they do
        ('r.hset("cache:user:1:p", "f", v)\nr.hexpire("cache:user:1:p", 60, "f")', []),
        ('r.hset("cache:user:1:p", "f", v)\nr.hpexpire("cache:user:1:p", 60000, "f")', []),
        ('r.hset("cache:user:1:p", "f", v)\nr.hexpireat("cache:user:1:p", 1700000000, "f")', []),
        ('r.hset("cache:user:1:p", "f", v)\nr.hpexpireat("cache:user:1:p", 1700000000000, "f")', []),
        ('r.hset("cache:user:1:p", "f", v)\nr.hexpire("cache:user:1:q", 60, "f")', ["RDS101"]),
        ('r.hsetex("cache:user:1:p", "f", v, ex=60)', []),
        ('r.hsetex("cache:user:1:p", mapping={"f": v}, px=60000)', []),
        ('r.hsetex("cache:user:1:p", "f", v)', ["RDS101"]),
        ('r.hset("cache:user:1:p", "f", v)\nr.hgetex("cache:user:1:p", "f", ex=60)', []),
        ('r.saddex("cache:user:1:tags", "a", ex=60)', []),
        ('r.sadd("cache:user:1:tags", "a")\nr.sexpire("cache:user:1:tags", 60, "a")', []),
        ('r.increx("rate:auth:1:n", byint=1, ex=60)', []),
        ('r.msetex({"cache:user:1:a": 1}, ex=60)', []),
        ('r.hexpire("cache:user:1:p", 7200, "f")', ["RDS102"]),  # over the policy's hour for cache:user
        ('r.hsetex("rate:auth:1:n", "f", v, ex=61)', ["RDS102"]),
        ('r.hpexpireat("cache:user:1:p", 1700000000000, "f")', []),  # a point in time: not compared
    ],
)
def test_todays_expiry_forms(lines: str, expected: list[str]) -> None:
    assert codes(body(lines)) == expected


def test_every_expiry_form_of_the_installed_redis_py_counts() -> None:
    """Each redis-py method that takes an expiry (or expires a key or its members) is in the
    catalogue with it: a new redis-py release that adds one fails here."""
    import inspect

    import redis

    from redis_lint.semantics.command_specs import COMMANDS

    expiry_params = {"ex", "px", "exat", "pxat", "keepttl", "time", "time_ms", "when", "seconds", "milliseconds",
                     "unix_time_seconds", "unix_time_milliseconds"}
    # RESTORE's ttl means no expiry when 0 and a point in time with absttl; XCLAIM's `time` is an
    # idle time: neither is read as an expiry (rules/RDS101.md says so for RESTORE)
    not_expiries = {"restore", "xclaim"}
    found = set()
    for name in dir(redis.Redis):
        method = getattr(redis.Redis, name)
        if name.startswith("_") or name in not_expiries or not callable(method) or name.endswith("expiretime"):
            continue
        params = set(inspect.signature(method).parameters)
        if params & expiry_params or "expire" in name:
            found.add(name)
            spec = COMMANDS.get(name)
            assert spec is not None and {t.name for t in spec.ttl} == params & expiry_params, name
    assert {"hexpire", "hpexpire", "hexpireat", "hpexpireat", "hsetex", "hgetex"} <= found
