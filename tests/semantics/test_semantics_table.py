"""The semantics table of the "Static analyzer core" issue, row by row.

Each snippet imports redis and has a client `r = redis.Redis()` in an
injection-point module (main.py) unless the row says otherwise.
"""

from __future__ import annotations

import pytest

from tests.conftest import codes

PRELUDE = "import redis\nfrom datetime import timedelta\nr = redis.Redis()\n"


def in_function(body: str) -> str:
    return PRELUDE + "def handler(uid, v, tok, job, m, k, url, prefix):\n" + "".join(
        f"    {line}\n" for line in body.strip().splitlines()
    )


TABLE = [
    ('r.set("cache:user:1:profile", v)', ["RDS101"]),
    ('r.set("cache:user:1:profile", v, ex=600)', []),
    ('k = f"cache:user:{uid}:profile"\nr.set(k, v)\nr.expire(k, 600)', []),
    ('k = f"cache:user:{uid}:profile"\npipe = r.pipeline()\npipe.hset(k, mapping=m)\npipe.expire(k, 60)\npipe.execute()', []),
    ('r.setex("session:auth:token:abc", 172800, v)', ["RDS102"]),
    ('r.set("lock:broadcast:42", tok, nx=True, px=60000)', ["RDS102"]),
    ('r.set("cache:user:1:profile", v, ex=timedelta(hours=2))', ["RDS102"]),
    ('r.rpush("queue:notification:email", job)', []),
    ('r.get("user:1")', ["RDS201", "RDS203"]),
    ('r.get("cache.user.1")', ["RDS201"]),
    ('r.get("Cache:User:1:profile")', ["RDS202"]),
    ('r.get(f"{prefix}:user:{uid}")', []),
    ('r.keys("cache:*")', ["RDS301"]),
    ('r.execute_command("KEYS", "*")', ["RDS301"]),
    ("r.flushall()", ["RDS302"]),
    ("r.flushdb()", ["RDS302"]),
    ('for k in r.scan_iter("cache:*"):\n    pass', ["RDS303"]),
    ('r.config_set("maxmemory", "1gb")', ["RDS304"]),
]


@pytest.mark.parametrize(("body", "expected"), TABLE, ids=[row[0].splitlines()[0] for row in TABLE])
def test_table_row(body: str, expected: list[str]) -> None:
    assert sorted(codes(in_function(body), path="main.py")) == expected


def test_client_in_service_module_is_outside_injection_point() -> None:
    # (a remote host without TLS is RDS702 too, a rule of a later issue than this table)
    assert codes('import redis\nr = redis.Redis(host="h")\n', path="services/user.py") == ["RDS401", "RDS702"]


def test_from_url_in_redis_client_module_is_an_injection_point() -> None:
    source = "import os\nimport redis\nclient = redis.Redis.from_url(os.environ['REDIS_URL'])\n"
    assert codes(source, path="app/redis/client.py") == []


def test_injected_client_stored_on_self_is_tracked() -> None:
    source = """
        from redis import Redis

        class UserService:
            def __init__(self, redis: Redis) -> None:
                self.r = redis

            def save(self, v: bytes) -> None:
                self.r.set("cache:user:1:profile", v)
    """
    assert codes(source, path="services/user.py") == ["RDS101"]


@pytest.mark.parametrize(
    "source",
    [
        'd = {}\nd.set("cache:user:1:profile", 1)\n',
        'from django.core.cache import cache\ncache.set("User.1", 1)\n',
        'import redis\ndef f(cache):\n    cache.set("User.1", 1)\n    cache.keys()\n',
    ],
)
def test_look_alikes_are_not_clients(source: str) -> None:
    assert codes(source, path="main.py") == []


def test_syntax_error_is_one_rds000_with_the_parsers_line() -> None:
    from tests.conftest import lint

    findings = lint("import redis\n\nx = (1,\n")
    assert [(f.code, f.line) for f in findings] == [("RDS000", 3)]
    assert "never closed" in findings[0].message
