"""The rules at run time: real commands to a real redis-server, findings
attributed to the lines of this file that sent them."""

from __future__ import annotations

import asyncio
import threading
import time
from dataclasses import replace
from pathlib import Path

import pytest
import redis
import redis.asyncio

from redis_lint.config import Config, Policy
from redis_lint.runtime import RuntimeFinding, instrument

pytestmark = pytest.mark.slow  # a real redis-server

# Tests live under tests/, an injection point: judge this file as a service module.
CONFIG = Config(policy=replace(Policy(), injection_points=("main.py",)))
HERE = Path(__file__).name


def line_of(marker: str) -> int:
    """The line of this file that carries `# <marker>`."""
    source = Path(__file__).read_text().splitlines()
    return next(i for i, text in enumerate(source, 1) if text.rstrip().endswith(f"# {marker}"))


def found(findings: list[RuntimeFinding]) -> list[tuple[int, str]]:
    return sorted((f.line, f.code) for f in findings if f.path.endswith(HERE))


@pytest.fixture
def r(redis_url: str):  # type: ignore[no-untyped-def]
    with instrument(CONFIG) as session:
        client = redis.Redis.from_url(redis_url)  # at: client
        client.session = session  # type: ignore[attr-defined]
        yield client
        client.close()


def stop(client: redis.Redis) -> list[RuntimeFinding]:
    return client.session.stop()  # type: ignore[attr-defined,no-any-return]


def test_construction_outside_an_injection_point(r: redis.Redis) -> None:
    assert found(stop(r)) == [(line_of("at: client"), "RDS401")]


def test_write_without_ttl_is_rds101_only_if_the_key_still_has_no_ttl(r: redis.Redis) -> None:
    r.set("cache:user:1:profile", "v")  # at: no ttl
    r.set("cache:user:2:profile", "v")  # at: expired later
    r.expire("cache:user:2:profile", 60)
    r.set("cache:user:3:profile", "v")  # at: deleted
    r.delete("cache:user:3:profile")
    r.rpush("queue:notification:email", "job")  # at: persistent
    r.set("cache:user:4:profile", "v", ex=60)  # at: with ttl
    r.hset("cache:user:5:settings", "a", "1")  # at: hset
    findings = [f for f in stop(r) if f.code == "RDS101"]
    assert found(findings) == [(line_of("at: no ttl"), "RDS101"), (line_of("at: hset"), "RDS101")]
    assert findings[0].message == (
        'SET left "cache:user:{n}:profile" without a TTL at the end of the run: pass ex= '
        "(policy max for cache:user is 3600 s)"
    )
    assert findings[0].example_key == "cache:user:{n}:profile"


def test_ttl_over_policy(r: redis.Redis) -> None:
    r.set("cache:user:1:profile", "v", ex=7200)  # at: ex
    r.set("cache:user:2:profile", "v", px=3_600_000)  # at: px at limit
    r.setex("session:auth:token:abc", 172800, "v")  # at: setex
    r.set("rate:auth:1:n", 1, exat=int(time.time()) + 3600)  # at: exat
    r.set("lock:broadcast:1", "v")
    r.pexpire("lock:broadcast:1", 31_000)  # at: pexpire
    with r.lock("lock:broadcast:2", timeout=60):  # at: lock
        pass
    assert found([f for f in stop(r) if f.code == "RDS102"]) == [
        (line_of(m), "RDS102") for m in ("at: ex", "at: setex", "at: exat", "at: pexpire", "at: lock")]


def test_key_names_are_judged_with_data_segments_as_placeholders(r: redis.Redis) -> None:
    r.get("user:1")  # at: short
    r.get("Cache:User:1:profile")  # at: case
    r.get("cache.user.1")  # at: dots
    r.get("session:auth:token:Xk9_aZ-x0Qm2w8LrT5vYb1NcE7uH4iG6oP0sD2fA9")  # a token: data, not a word
    r.get("lock:broadcast:550e8400-e29b-41d4-a716-446655440000")
    assert found(stop(r)) == [
        (line_of("at: client"), "RDS401"),
        (line_of("at: short"), "RDS201"), (line_of("at: short"), "RDS203"),
        (line_of("at: case"), "RDS202"),
        (line_of("at: dots"), "RDS201"),
    ]


def test_command_families_and_lua(r: redis.Redis) -> None:
    r.keys("cache:*")  # at: keys
    r.execute_command("KEYS", "x")  # at: raw keys
    list(r.scan_iter("cache:*"))  # at: scan
    r.config_set("maxmemory-policy", "allkeys-lru")  # at: config
    r.eval("return redis.call('KEYS', '*')", 0)  # at: eval
    flush = r.register_script("return redis.call('FLUSHDB')")  # at: registered
    flush()  # its EVALSHA: reported where the Lua source is, as statically
    r.flushdb()  # at: flush
    assert found([f for f in stop(r) if f.code != "RDS401"]) == sorted([
        (line_of("at: keys"), "RDS301"), (line_of("at: raw keys"), "RDS301"), (line_of("at: scan"), "RDS303"),
        (line_of("at: config"), "RDS304"), (line_of("at: eval"), "RDS301"), (line_of("at: registered"), "RDS302"),
        (line_of("at: flush"), "RDS302"),
    ])


def test_pipelines_and_transactions(r: redis.Redis) -> None:
    with r.pipeline() as pipe:
        pipe.set("cache:user:1:a", 1)  # at: queued
        pipe.hset("cache:user:1:b", "f", 1).expire("cache:user:1:b", 60)
        pipe.get("User:1:x")  # at: queued name
        pipe.execute()
    with r.pipeline() as discarded:
        discarded.flushall()  # never sent: reset without execute
    r.transaction(lambda p: p.multi() or p.set("cache:user:2:a", 1, ex=99999), "cache:user:2:a")  # at: transaction
    assert found([f for f in stop(r) if f.code != "RDS401"]) == sorted([
        (line_of("at: queued"), "RDS101"), (line_of("at: queued name"), "RDS202"),
        (line_of("at: queued name"), "RDS203"), (line_of("at: transaction"), "RDS102"),
    ])


def test_asyncio_client_and_pipeline(redis_url: str) -> None:
    async def application() -> None:
        client = redis.asyncio.Redis.from_url(redis_url)  # at: async client
        await client.set("cache:user:1:p", "v")  # at: async set
        await asyncio.gather(client.keys("*"), client.get("x:y"))  # at: gather
        async with client.pipeline() as pipe:
            pipe.set("cache:user:2:p", "v", ex=86400)  # at: async pipeline
            await pipe.execute()
        await client.aclose()

    with instrument(CONFIG) as session:
        asyncio.run(application())
    assert found(session.findings) == sorted([
        (line_of("at: async client"), "RDS401"), (line_of("at: async set"), "RDS101"),
        (line_of("at: gather"), "RDS301"), (line_of("at: gather"), "RDS201"), (line_of("at: gather"), "RDS203"),
        (line_of("at: async pipeline"), "RDS102"),
    ])


def test_ten_threads_lose_no_findings(r: redis.Redis) -> None:
    def work(n: int) -> None:
        for i in range(50):
            r.get(f"User:{n}:{i}")  # at: threads

    threads = [threading.Thread(target=work, args=(n,)) for n in range(10)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    [case] = [f for f in stop(r) if f.code == "RDS202"]
    assert (case.line, case.count) == (line_of("at: threads"), 500)


def test_constructions_are_reported_once_where_the_application_builds_them(redis_url: str) -> None:
    with instrument(CONFIG) as session:
        pool = redis.BlockingConnectionPool.from_url(redis_url)  # at: pool
        client = redis.Redis(connection_pool=pool)  # at: on pool
        redis.Redis.from_url(redis_url).close()  # at: from_url
        client.close()
    assert found(session.findings) == [
        (line_of("at: pool"), "RDS401"), (line_of("at: on pool"), "RDS401"), (line_of("at: from_url"), "RDS401")]


def test_a_finding_spans_the_whole_call(r: redis.Redis) -> None:
    r.get(  # at: span start
        "User:1:profile",
    )  # at: span end
    [case] = [f for f in stop(r) if f.code == "RDS202"]
    assert (case.line, case.end_line) == (line_of("at: span start"), line_of("at: span end"))


def test_valkey_is_watched_too(redis_url: str) -> None:
    valkey = pytest.importorskip("valkey")
    with instrument(CONFIG) as session:
        client = valkey.Valkey.from_url(redis_url)  # at: valkey client
        client.keys("*")  # at: valkey keys
        with client.pipeline() as pipe:
            pipe.set("cache:user:1:p", "v", ex=7200)  # at: valkey pipeline
            pipe.execute()
        client.close()
    assert found(session.findings) == [
        (line_of("at: valkey client"), "RDS401"), (line_of("at: valkey keys"), "RDS301"),
        (line_of("at: valkey pipeline"), "RDS102")]
    assert session.findings[0].message.startswith("valkey.Valkey.from_url() builds a client")


def test_locks_without_expiry_at_run_time(r: redis.Redis) -> None:
    r.set("lock:broadcast:1", "tok", nx=True)  # at: set nx
    r.set("lock:broadcast:2", "tok", nx=True, px=30000)
    r.setnx("lock:broadcast:3", "tok")  # at: setnx
    lock = r.lock("lock:broadcast:4")  # at: lock without timeout
    lock.acquire()
    lock.release()
    assert found([f for f in stop(r) if f.code == "RDS501"]) == [
        (line_of("at: set nx"), "RDS501"), (line_of("at: setnx"), "RDS501"),
        (line_of("at: lock without timeout"), "RDS501")]


def test_round_trips_from_one_site_in_one_call(r: redis.Redis) -> None:
    def one_by_one(keys: list[str]) -> None:
        for key in keys:
            r.get(key)  # at: loop

    def once(key: str) -> None:
        r.get(key)  # at: once

    one_by_one([f"cache:user:{i}:p" for i in range(5)])
    for i in range(5):
        once(f"cache:user:{i}:p")  # five calls of a function: no loop inside it
    with r.pipeline() as pipe:
        for i in range(5):
            pipe.get(f"cache:user:{i}:p")
        pipe.execute()
    loops = [f for f in stop(r) if f.code == "RDS601"]
    assert [(f.line, f.count) for f in loops] == [(line_of("at: loop"), 4)]


def test_slots_are_computed_as_a_cluster_node_computes_them(tmp_path: Path) -> None:
    """CRC16 of the hash tag, else of the whole key: checked against `CLUSTER KEYSLOT` of a node
    started with cluster support (it computes slots without any assigned)."""
    from redis_lint.rulebook.pipelines import key_slot
    from tests.conftest import running_redis_server

    keys = ["foo", "123456789", "{user:42}:profile", "{user:42}:posts", "a{}b{c}", "{}", "x{y", "é:ünïcode", ""]
    with running_redis_server(tmp_path, "--cluster-enabled", "yes",
                              "--cluster-config-file", str(tmp_path / "nodes.conf")) as node:
        client = redis.Redis(port=node.port)
        try:
            for key in keys:
                assert key_slot(key.encode()) == client.execute_command("CLUSTER KEYSLOT", key), key
        finally:
            client.close()


def test_cross_slot_commands_on_a_single_server_for_a_project_on_redis_cluster(redis_url: str) -> None:
    """`cluster = true`: the commands and transactions whose keys fall in several slots are found on
    the one server the program runs against, before the move."""
    on_cluster = replace(CONFIG, policy=replace(CONFIG.policy, cluster=True))
    with instrument(on_cluster) as session:
        client = redis.Redis.from_url(redis_url)
        client.mset({"cache:user:1:a": 1, "cache:user:2:a": 2})  # at: cross mset
        client.mget("{user:1}:a", "{user:1}:b")  # one tag: one slot
        with client.pipeline() as pipe:  # a transaction: MULTI/EXEC
            pipe.set("cache:user:1:b", 1, ex=60)  # at: cross transaction
            pipe.set("cache:user:2:b", 1, ex=60)
            pipe.execute()
        with client.pipeline(transaction=False) as pipe:
            pipe.set("cache:user:1:c", 1, ex=60)
            pipe.set("cache:user:2:c", 1, ex=60)
            pipe.execute()
        client.close()
        findings = session.stop()
    assert found([f for f in findings if f.code == "RDS603"]) == [
        (line_of("at: cross mset"), "RDS603"), (line_of("at: cross transaction"), "RDS603")]
    with instrument(CONFIG) as session:  # a project on one server: nothing to say
        client = redis.Redis.from_url(redis_url)
        client.mset({"cache:user:1:a": 1, "cache:user:2:a": 2})
        client.close()
        assert [f for f in session.stop() if f.code == "RDS603"] == []


def test_a_cluster_client_s_commands_are_watched_and_cross_slot_ones_found(redis_cluster) -> None:  # type: ignore[no-untyped-def]
    """On a real 3-primary cluster: the client's commands are checked like any client's, and a
    command whose keys fall in several slots is a finding though the client refuses it."""
    from redis.cluster import RedisCluster
    from redis.exceptions import RedisClusterException

    with instrument(CONFIG) as session:
        cluster = RedisCluster(host="127.0.0.1", port=redis_cluster[0].port)  # at: cluster client
        try:
            with pytest.raises(RedisClusterException):
                cluster.mget("cache:user:1:a", "cache:user:2:a")  # at: cluster cross
            assert cluster.mget("{user:1}:a", "{user:1}:b") == [None, None]
            cluster.keys("cache:*")  # at: cluster keys
        finally:
            cluster.close()
        findings = session.stop()
    assert found(findings) == sorted([
        (line_of("at: cluster client"), "RDS401"), (line_of("at: cluster cross"), "RDS603"),
        (line_of("at: cluster keys"), "RDS301")])


class Collection:
    def __init__(self, client: redis.Redis, key: str) -> None:
        self.redis, self.key = client, key

    def scan_items(self):  # type: ignore[no-untyped-def]
        for field, value in self.redis.hscan_iter(self.key):  # at: scan items
            yield field, value


def test_an_iterator_s_commands_belong_to_the_line_that_called_it(r: redis.Redis) -> None:
    """pottery's `keys = self.redis.hscan_iter(self.key)`, walked by a generator expression on the
    next line: its HSCANs are the call's, where the static rule reports it."""
    r.sadd("cache:user:1:s", *range(100))

    def members():  # type: ignore[no-untyped-def]
        scanned = r.sscan_iter("cache:user:1:s", count=10)  # at: iterator called
        yield from (int(m) for m in scanned)

    assert sorted(members()) == list(range(100))
    early = r.sscan_iter("cache:user:1:s", count=10)  # at: left early
    next(early)
    early.close()

    async def walk_async() -> list[bytes]:
        client = redis.asyncio.Redis.from_url(r.connection_pool.connection_kwargs.get("url") or
                                              f"redis://{r.connection_pool.connection_kwargs['host']}:"
                                              f"{r.connection_pool.connection_kwargs['port']}")
        try:
            scanned = client.sscan_iter("cache:user:1:s", count=10)  # at: async iterator called
            return [m async for m in scanned]
        finally:
            await client.aclose()

    assert len(asyncio.run(walk_async())) == 100
    found_at = {(f.line, f.code) for f in stop(r) if f.code == "RDS303"}
    assert found_at == {(line_of("at: iterator called"), "RDS303"), (line_of("at: left early"), "RDS303"),
                        (line_of("at: async iterator called"), "RDS303")}


def test_the_commands_an_iterator_sends_as_it_is_walked_are_one_call(r: redis.Redis) -> None:
    """`hscan_iter()` sends HSCAN after HSCAN as its caller walks it: one call of the application,
    not a round trip per iteration (redis-collections' `Dict.scan_items`)."""
    r.hset("cache:user:1:h", mapping={f"f{i}": i for i in range(1000)})
    assert len(list(Collection(r, "cache:user:1:h").scan_items())) >= 1000
    assert [f.code for f in stop(r) if f.line == line_of("at: scan items")] == ["RDS303"]


def test_hash_field_expiry_counts_as_an_expiry_at_run_time(r: redis.Redis) -> None:
    """Redis 7.4 and later: HEXPIRE and HSETEX ... EX give the fields a TTL, and the key goes when
    they do, though its own TTL stays -1."""
    version = tuple(int(part) for part in str(r.info("server")["redis_version"]).split(".")[:2])
    if version < (7, 4):
        stop(r)
        pytest.skip(f"hash-field expiry needs Redis 7.4 or later; this redis-server is {version[0]}.{version[1]}")
    r.hset("cache:user:5:profile", "name", "v")  # at: fields expire
    r.hexpire("cache:user:5:profile", 60, "name")
    r.hsetex("cache:user:6:profile", "name", "v", ex=60)  # at: hsetex with ttl
    r.hset("cache:user:7:profile", "name", "v")  # at: fields never expire
    r.hexpire("cache:user:8:profile", 7200, "name")  # at: over policy
    assert found(stop(r)) == sorted([(line_of("at: client"), "RDS401"), (line_of("at: fields never expire"), "RDS101"),
                                     (line_of("at: over policy"), "RDS102")])


def test_the_runtime_keeps_no_object_of_the_application_alive(r: redis.Redis) -> None:
    """python-redis-lock's `test_auto_renewal_stops_after_gc`: a lock the application drops must go,
    though its method sent a command (its frame, which holds `self`, is not kept); a call site in a
    loop is still told apart from one called five times."""
    import gc
    import weakref

    class Holder:
        def touch(self) -> None:
            r.get("cache:user:1:p")  # at: a method, no loop

    holder = Holder()
    holder.touch()
    gone = weakref.ref(holder)
    del holder
    gc.collect()
    assert gone() is None
    assert [f for f in stop(r) if f.code == "RDS601"] == []


def moving_program(client: redis.Redis, refused: tuple[type[Exception], ...]) -> None:
    """A program that runs on one server and on a cluster alike, catching what the cluster refuses."""
    try:
        client.mget("cache:user:1:a", "cache:user:2:a")  # at: program mget
    except refused:
        pass
    client.mget("{user:1}:a", "{user:1}:b")
    client.delete("cache:user:1:a", "cache:user:2:a")  # a cluster client sends one DEL per slot
    client.set("cache:user:1:c", 1, ex=60)
    try:
        client.rename("cache:user:1:c", "cache:user:2:c")  # at: program rename
    except refused:
        pass
    try:
        with client.pipeline(transaction=True) as pipe:
            pipe.set("cache:user:1:b", 1, ex=60)  # at: program transaction
            pipe.set("cache:user:2:b", 1, ex=60)
            pipe.execute()
    except refused:
        pass
    with client.pipeline(transaction=True) as pipe:
        pipe.set("{user:1}:b", 1, ex=60)
        pipe.set("{user:1}:c", 1, ex=60)
        pipe.execute()
    with client.pipeline(transaction=False) as pipe:  # each command to its own node
        pipe.set("cache:user:1:d", 1, ex=60)
        pipe.set("cache:user:2:d", 1, ex=60)
        pipe.execute()
    touch = client.register_script("return redis.call('EXISTS', KEYS[1], KEYS[2])")
    try:
        touch(keys=["cache:user:1:e", "cache:user:2:e"])  # at: program script
    except refused:
        pass
    touch(keys=["{user:1}:e", "{user:1}:f"])


def test_cross_slot_findings_are_the_same_on_a_cluster_and_on_one_server(redis_cluster, redis_url: str) -> None:  # type: ignore[no-untyped-def]
    """One program, run against a single server (`cluster = true`) and against a 3-primary cluster:
    the same commands and transactions are found, though the cluster refuses them and the single
    server runs them."""
    from redis.cluster import RedisCluster
    from redis.exceptions import RedisClusterException, ResponseError

    expected = [(line_of(f"at: program {what}"), "RDS603") for what in ("mget", "rename", "transaction", "script")]
    on_cluster = replace(CONFIG, policy=replace(CONFIG.policy, cluster=True))
    with instrument(on_cluster) as session:
        client = redis.Redis.from_url(redis_url)
        moving_program(client, ())
        client.close()
        single = session.stop()
    with instrument(CONFIG) as session:  # on a cluster client, without the setting
        cluster = RedisCluster(host="127.0.0.1", port=redis_cluster[0].port)
        moving_program(cluster, (RedisClusterException, ResponseError))  # type: ignore[arg-type]
        cluster.close()
        clustered = session.stop()
    assert found([f for f in single if f.code == "RDS603"]) == sorted(expected)
    assert found([f for f in clustered if f.code == "RDS603"]) == sorted(expected)


def test_a_cluster_pipeline_s_commands_are_checked_and_its_writes_ttls_read_on_the_cluster(redis_cluster) -> None:  # type: ignore[no-untyped-def]
    """Commands queued on a cluster pipeline are judged when it executes, once each (not again when
    the pipeline sends them through its client), and the end-of-run TTL check reads the keys'
    TTLs from the nodes that hold them."""
    from redis.cluster import RedisCluster

    with instrument(CONFIG) as session:
        cluster = RedisCluster(host="127.0.0.1", port=redis_cluster[0].port)
        with cluster.pipeline() as pipe:
            for user in range(6):  # keys on every node
                pipe.set(f"cache:user:{user}:pipelined", 1)  # at: pipelined no ttl
                pipe.set(f"cache:user:{user}:kept", 1, ex=60)
            pipe.execute()
        cluster.set("cache:user:7:direct", 1)  # at: direct no ttl
        cluster.set("cache:user:8:direct", 1)  # at: expired later
        cluster.expire("cache:user:8:direct", 60)
        cluster.close()
        findings = session.stop()
    assert found([f for f in findings if f.code != "RDS401"]) == sorted([
        (line_of("at: pipelined no ttl"), "RDS101"), (line_of("at: direct no ttl"), "RDS101")])
    assert next(f for f in findings if f.line == line_of("at: pipelined no ttl")).count == 6


def test_asyncio_cluster_clients_and_their_pipelines_are_watched(redis_cluster) -> None:  # type: ignore[no-untyped-def]
    from redis.asyncio.cluster import RedisCluster
    from redis.exceptions import RedisClusterException, ResponseError

    async def program() -> None:
        cluster = RedisCluster(host="127.0.0.1", port=redis_cluster[0].port)
        try:
            try:
                await cluster.mget("cache:user:1:e", "cache:user:2:e")  # at: async cluster mget
            except (RedisClusterException, ResponseError):
                pass
            try:
                async with cluster.pipeline(transaction=True) as pipe:
                    pipe.set("cache:user:1:f", 1, ex=60)  # at: async cluster transaction
                    pipe.set("cache:user:2:f", 1, ex=60)
                    await pipe.execute()
            except (RedisClusterException, ResponseError):
                pass
            async with cluster.pipeline() as pipe:
                pipe.set("cache:user:3:f", 1)  # at: async pipelined no ttl
                await pipe.execute()
        finally:
            await cluster.aclose()

    with instrument(CONFIG) as session:
        asyncio.run(program())
        findings = session.stop()
    assert found([f for f in findings if f.code != "RDS401"]) == sorted([
        (line_of("at: async cluster mget"), "RDS603"), (line_of("at: async cluster transaction"), "RDS603"),
        (line_of("at: async pipelined no ttl"), "RDS101")])


def test_valkey_cluster_clients_are_watched_alike(redis_cluster) -> None:  # type: ignore[no-untyped-def]
    """valkey's ValkeyCluster, sync and asyncio, and their pipelines (valkey's asyncio pipeline
    reaches its cluster through the client it was made from)."""
    import valkey.asyncio.cluster
    from valkey.cluster import ValkeyCluster
    from valkey.exceptions import ResponseError, ValkeyClusterException

    async def program() -> None:
        cluster = valkey.asyncio.cluster.ValkeyCluster(host="127.0.0.1", port=redis_cluster[0].port)
        try:
            async with cluster.pipeline() as pipe:
                pipe.set("cache:user:2:g", 1)  # at: valkey async pipelined no ttl
                await pipe.execute()
        finally:
            await cluster.aclose()

    with instrument(CONFIG) as session:
        cluster = ValkeyCluster(host="127.0.0.1", port=redis_cluster[0].port)
        try:
            with pytest.raises((ValkeyClusterException, ResponseError)):
                cluster.mget("cache:user:1:g", "cache:user:2:g")  # at: valkey cluster mget
            with cluster.pipeline() as pipe:
                pipe.set("cache:user:1:g", 1)  # at: valkey pipelined no ttl
                pipe.execute()
        finally:
            cluster.close()
        asyncio.run(program())
        findings = session.stop()
    assert found([f for f in findings if f.code != "RDS401"]) == sorted([
        (line_of("at: valkey cluster mget"), "RDS603"), (line_of("at: valkey pipelined no ttl"), "RDS101"),
        (line_of("at: valkey async pipelined no ttl"), "RDS101")])
