"""`redis-lint audit` of a whole cluster and of a Sentinel's primary, against real servers: every
primary is reported and the totals add them up, and no node runs a command that changes anything
(INFO commandstats on each node, before and after)."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import pytest
import redis
from redis.cluster import RedisCluster

from redis_lint.config import Policy
from redis_lint.runtime.audit_cluster import audit_topology
from redis_lint.runtime.topology import discover
from tests.conftest import REPO, RedisServer, _free_port, running_redis_server
from tests.runtime.test_audit import calls_per_command, changes_something

pytestmark = pytest.mark.slow  # real redis-servers

USERS, SESSIONS = 90, 60


def run_audit(address: str, *options: str) -> tuple[int, dict]:  # type: ignore[type-arg]
    result = subprocess.run([sys.executable, "-m", "redis_lint", "audit", address, "--pause", "0", "--format", "json",
                             *options], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode in (0, 1), result.stderr
    return result.returncode, json.loads(result.stdout)


@pytest.fixture
def spread(redis_cluster: list[RedisServer]) -> list[RedisServer]:
    """The shared cluster holding only this test's keys, spread over its three primaries."""
    for node in redis_cluster:
        with redis.Redis(port=node.port) as client:
            client.flushall()
    cluster = RedisCluster(host="127.0.0.1", port=redis_cluster[0].port)
    try:
        for n in range(USERS):
            cluster.set(f"cache:user:{n}:profile", "v", ex=600)
        for n in range(SESSIONS):
            cluster.set(f"session:auth:{n}", "v")  # no TTL: RDS101
    finally:
        cluster.close()
    return redis_cluster


def test_the_audit_of_a_cluster_reports_every_primary_and_the_totals_and_writes_nothing(
        spread: list[RedisServer]) -> None:
    clients = [redis.Redis(port=node.port, decode_responses=True) for node in spread]
    try:
        keys_per_node = [client.dbsize() for client in clients]
        assert all(keys_per_node), keys_per_node  # every primary holds some
        before = [calls_per_command(client) for client in clients]
        code, report = run_audit(f"127.0.0.1:{spread[1].port}")  # any node stands for the cluster
        after = [calls_per_command(client) for client in clients]
        for client, old, new in zip(clients, before, after):
            ran = {command for command, calls in new.items() if calls > old.get(command, 0)}
            assert ran >= {"scan", "type", "pttl"}  # every node was audited...
            assert [command for command in ran if changes_something(client, command)] == []  # ...read-only
    finally:
        for client in clients:
            client.close()
    assert code == 1  # the sessions have no TTL
    assert report["cluster"] is True and report["replicas_not_audited"] == 0
    nodes = report["nodes"]
    assert sorted(n["scanned"] for n in nodes) == sorted(keys_per_node)
    assert sorted(n["server"] for n in nodes) == sorted(f"redis://127.0.0.1:{s.port}" for s in spread)
    assert [n["slots"] for n in nodes] == [[[0, 5460]], [[5461, 10922]], [[10923, 16383]]]
    assert all(n["server_settings"]["maxmemory_policy"] == "noeviction" for n in nodes)
    total = report["total"]
    assert total["scanned"] == USERS + SESSIONS
    templates = {t["template"]: t for t in total["templates"]}
    assert (templates["cache:user:{n}:profile"]["keys"], templates["cache:user:{n}:profile"]["without_ttl"]) == (USERS, 0)
    assert (templates["session:auth:{n}"]["keys"], templates["session:auth:{n}"]["without_ttl"]) == (SESSIONS, SESSIONS)
    per_node = sum(t["keys"] for n in nodes for t in n["templates"] if t["template"] == "session:auth:{n}")
    assert per_node == SESSIONS
    used = [n["server_settings"]["used_memory"] for n in nodes]
    assert total["server_settings"]["used_memory"] == sum(used)


def test_the_cluster_text_report_names_each_node_then_the_totals(spread: list[RedisServer]) -> None:
    result = subprocess.run([sys.executable, "-m", "redis_lint", "audit", f"redis://127.0.0.1:{spread[0].port}",
                             "--pause", "0"], cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr
    text = result.stdout
    assert text.startswith("Cluster of 3 primaries")
    assert [line for line in text.splitlines() if line.startswith("== ")] == [
        "== Node 1 of 3 (slots 0-5460) ==", "== Node 2 of 3 (slots 5461-10922) ==",
        "== Node 3 of 3 (slots 10923-16383) ==", "== Cluster total =="]
    totals = text.split("== Cluster total ==")[1]
    assert f"Scanned {USERS + SESSIONS} keys on 3 primaries: 2 templates" in totals
    assert f"session:auth:{{n}}: RDS101 {SESSIONS} of {SESSIONS} keys have no TTL" in totals


def test_progress_names_the_node_being_audited(spread: list[RedisServer]) -> None:
    seen: list[tuple[int, int, str]] = []
    topology = discover(f"redis://127.0.0.1:{spread[2].port}")
    audit_topology(topology, Policy(), pause=0, count=10,
                   progress=lambda number, nodes, name, scanned: seen.append((number, nodes, name)))
    assert sorted(set(seen)) == [(i + 1, 3, p.name) for i, p in enumerate(topology.primaries)]


@contextmanager
def running_sentinel(folder: Path, monitored: RedisServer, service: str) -> Iterator[int]:
    """A Sentinel on a free loopback port watching `monitored` as `service` (its config file must
    be writable: Sentinel rewrites it)."""
    config = folder / "sentinel.conf"
    config.write_text(f"sentinel monitor {service} 127.0.0.1 {monitored.port} 1\n"
                      f"sentinel auth-pass {service} {monitored.password}\n")
    port = _free_port()
    process = subprocess.Popen([shutil.which("redis-server") or "redis-server", str(config), "--sentinel",
                                "--port", str(port), "--bind", "127.0.0.1", "--dir", str(folder)],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                with redis.Redis(port=port, socket_timeout=1) as probe:
                    probe.ping()
                break
            except redis.ConnectionError:
                if time.monotonic() > deadline or process.poll() is not None:
                    pytest.fail("the Sentinel did not start")
                time.sleep(0.05)
        yield port
    finally:
        process.terminate()
        process.wait(timeout=10)


def test_the_audit_of_a_sentinel_reads_the_primary_it_names(tmp_path: Path) -> None:
    with running_redis_server(tmp_path, password="primary-secret") as primary:
        with redis.Redis(port=primary.port, password="primary-secret") as client:
            client.set("cache:user:1:profile", "v")
        with running_sentinel(tmp_path, primary, "orders") as sentinel:
            # the URL's credentials are the primary's; this Sentinel has none
            code, report = run_audit(f"redis://:primary-secret@127.0.0.1:{sentinel}", "--sentinel-service", "orders")
            unknown = subprocess.run([sys.executable, "-m", "redis_lint", "audit", f"127.0.0.1:{sentinel}",
                                      "--sentinel-service", "billing"], cwd=REPO, capture_output=True, text=True,
                                     timeout=60)
    assert code == 1  # the key has no TTL
    assert report["server"] == f"redis://127.0.0.1:{primary.port}"
    assert report["scanned"] == 1 and report["server_settings"]["auth_required"] is True
    assert report["notes"] == [f"the Sentinel at redis://127.0.0.1:{sentinel} names "
                               f"127.0.0.1:{primary.port} the primary of 'orders'"]
    assert unknown.returncode == 2 and "Traceback" not in unknown.stderr
    assert "watches no primary named 'billing'" in unknown.stderr


def test_a_primary_that_cannot_be_reached_is_set_apart_and_the_others_audited(
        spread: list[RedisServer], tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """A cluster whose nodes announce an address the auditor cannot reach (another network): the
    reachable primaries are audited, the others named, and the command exits 2 (incomplete)."""
    from redis_lint.runtime.audit_cluster import format_cluster_text
    from redis_lint.runtime.topology import Primary, Topology

    closed = _free_port()  # nothing listens there
    topology = Topology("cluster", [Primary(f"redis://127.0.0.1:{spread[0].port}", ((0, 5460),)),
                                    Primary(f"redis://127.0.0.1:{closed}", ((5461, 16383),))])
    result = audit_topology(topology, Policy(), pause=0)
    assert [node.primary.url for node in result.nodes] == [f"redis://127.0.0.1:{spread[0].port}"]
    assert [(primary.url, why.split(":")[0]) for primary, why in result.unreachable] == [
        (f"redis://127.0.0.1:{closed}", "ConnectionError")]
    text = format_cluster_text(result, "configuration: built-in")
    assert text.startswith("Cluster of 2 primaries; 1 not reached, left out of the totals")
    assert f"Not audited: redis://127.0.0.1:{closed} could not be reached (ConnectionError" in text
    assert result.as_dict()["unreachable"][0]["slots"] == [[5461, 16383]]
    # as `redis-lint audit` reports it: the report, then an error (the audit is incomplete)
    from click.testing import CliRunner

    import redis_lint.runtime.topology
    from redis_lint.cli import cli

    monkeypatch.setattr(redis_lint.runtime.topology, "discover", lambda *given: topology)
    monkeypatch.chdir(tmp_path)
    run = CliRunner().invoke(cli, ["audit", f"127.0.0.1:{spread[0].port}", "--pause", "0"])
    assert run.exit_code == 2
    assert "== Node 2 of 2 (slots 5461-16383) ==" in run.stdout
    assert "1 of 2 primaries could not be reached: their keys were not audited" in run.stderr
