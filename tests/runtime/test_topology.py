"""Reading a cluster's shards and nodes into the primaries to audit, and adding up their reports;
replies as redis-py parses them (the audit of a real cluster is in test_audit_cluster.py)."""

from __future__ import annotations

import pytest

from redis_lint.runtime.audit import AuditReport, TemplateReport
from redis_lint.runtime.audit_server import ServerReport, total_report
from redis_lint.runtime.topology import _at, _from_nodes, _from_shards, _NotUnderstood


def shard(first: int, last: int, *nodes: dict) -> dict:  # type: ignore[type-arg]
    return {b"slots": [first, last], b"nodes": list(nodes)}


def node(port: int, role: bytes = b"master", health: bytes = b"online", **extra: object) -> dict:  # type: ignore[type-arg]
    return {b"port": port, b"ip": b"10.0.0.1", b"endpoint": b"redis-a.internal", b"role": role, b"health": health,
            **{k.replace("_", "-").encode(): v for k, v in extra.items()}}


def test_cluster_shards_give_the_online_primaries_in_slot_order_with_the_url_s_credentials() -> None:
    topology = _from_shards("redis://app:secret@seed.internal:7000/0?socket_timeout=5", [
        shard(5461, 16383, node(7001), node(7004, role=b"replica")),
        shard(0, 5460, node(7000), node(7003, role=b"replica", health=b"loading")),
    ])
    assert [(p.url, p.slots) for p in topology.primaries] == [
        ("redis://app:secret@redis-a.internal:7000/0?socket_timeout=5", ((0, 5460),)),
        ("redis://app:secret@redis-a.internal:7001/0?socket_timeout=5", ((5461, 16383),))]
    assert topology.replicas == 2 and topology.notes == []
    assert topology.primaries[0].name == "redis://redis-a.internal:7000/0"  # no credentials shown


def test_a_primary_that_is_not_online_is_named_and_left_out() -> None:
    topology = _from_shards("redis://seed:7000", [shard(0, 16383, node(7000, health=b"failed"))])
    assert topology.primaries == [] and topology.notes == ["primary redis-a.internal:7000 is failed: not audited"]


def test_over_tls_a_node_s_tls_port_is_used_and_an_unknown_endpoint_falls_back_to_its_ip() -> None:
    topology = _from_shards("rediss://seed:7000", [shard(0, 16383, {**node(7000, tls_port=7100), b"endpoint": b"?"})])
    assert [p.url for p in topology.primaries] == ["rediss://10.0.0.1:7100"]


def test_a_reply_it_cannot_read_falls_back_to_cluster_nodes() -> None:
    with pytest.raises(_NotUnderstood):
        _from_shards("redis://seed:7000", [[b"slots", [0, 16383], b"nodes", []]])  # unparsed RESP
    topology = _from_nodes("redis://:pw@seed:7000", {
        "10.0.0.1:7000": {"flags": "myself,master", "slots": [["0", "8191"]]},
        "10.0.0.2:7001": {"flags": "master", "slots": [["8192", "16383"]]},
        "10.0.0.3:7002": {"flags": "slave", "slots": []},
        "10.0.0.4:7003": {"flags": "master,fail", "slots": []},
    })
    assert [(p.url, p.slot_text) for p in topology.primaries] == [
        ("redis://:pw@10.0.0.1:7000", "0-8191"), ("redis://:pw@10.0.0.2:7001", "8192-16383")]
    assert topology.replicas == 1 and topology.notes == ["primary 10.0.0.4:7003 is master,fail: not audited"]


@pytest.mark.parametrize(("url", "expected"), [
    ("redis://seed:7000/2", "redis://[::1]:7001/2"),
    ("unix:///run/redis.sock?password=pw", "redis://[::1]:7001?password=pw"),  # nodes announce TCP addresses
])
def test_a_node_address_keeps_the_url_s_options(url: str, expected: str) -> None:
    assert _at(url, "::1", 7001) == expected


def test_the_totals_add_up_what_the_nodes_share_and_leave_unknown_what_they_do_not() -> None:
    a = ServerReport("a", version="7.2.4", maxmemory=100, maxmemory_policy="allkeys-lru", used_memory=10,
                     keyspace_hits=3, keyspace_misses=1, evicted_keys=0, expired_keys=2, auth_required=True)
    b = ServerReport("b", version="7.2.4", maxmemory=0, maxmemory_policy="noeviction", used_memory=20,
                     keyspace_hits=1, keyspace_misses=3, evicted_keys=5, expired_keys=None, auth_required=True)
    total = total_report("2 primaries", [a, b])
    assert (total.version, total.used_memory, total.evicted_keys, total.expired_keys) == ("7.2.4", 30, 5, None)
    assert total.hit_ratio == 0.5 and total.auth_required is True
    assert total.maxmemory is None and total.maxmemory_policy is None  # a limit and none; two policies
    assert total_report("2", [a, a]).maxmemory == 200


def test_the_keyspace_total_adds_each_template_s_keys_over_the_nodes() -> None:
    def report(keys: int, without: int) -> AuditReport:
        template = TemplateReport("session:auth:{n}", keys=keys, without_ttl=without, limit=("session:auth", 86400))
        template.types["string"] = keys
        return AuditReport("node", scanned=keys, templates={template.template: template})

    total = AuditReport.total("2 primaries", [report(4, 1), report(6, 6)])
    [template] = total.templates.values()
    assert (total.scanned, template.keys, template.without_ttl, template.types["string"]) == (10, 10, 7, 10)
    assert template.problems == ["RDS101 7 of 10 keys have no TTL (policy max for session:auth is 86400 s)"]
