"""Which servers an audit address stands for: itself, its cluster's primaries, a Sentinel's primary.

A node of Redis Cluster (`INFO cluster` says `cluster_enabled:1`) lists the cluster's shards
(`CLUSTER SHARDS`, Redis 7; `CLUSTER NODES` before): each primary is reached with the URL's
scheme, credentials and options, at the address the cluster announces for it.  Replicas hold
their primaries' keys and are not audited.  A Sentinel answers `SENTINEL
GET-MASTER-ADDR-BY-NAME` with the address of the primary it watches under that name.

Every command goes through the audit's `ReadOnlyConnection`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import quote, urlsplit, urlunsplit

from redis_lint.runtime.audit import ReadOnlyConnection, redact_url
from redis_lint.runtime.audit_server import anonymous_url


@dataclass(frozen=True)
class Primary:
    url: str  # with the credentials of the address given: not for display
    slots: tuple[tuple[int, int], ...] = ()  # the slot ranges it serves, on a cluster

    @property
    def name(self) -> str:
        return redact_url(self.url)

    @property
    def slot_text(self) -> str:
        return ", ".join(f"{a}-{b}" if a != b else str(a) for a, b in self.slots)


@dataclass
class Topology:
    kind: str  # "server", "cluster" or "sentinel"
    primaries: list[Primary]
    replicas: int = 0  # on a cluster: how many replicas were left out
    notes: list[str] = field(default_factory=list)


def discover(url: str, sentinel_service: str | None = None, sentinel_password: str | None = None) -> Topology:
    """The primaries to audit for `url` (a Sentinel's, with `sentinel_service`): connection errors
    propagate (nothing can be audited)."""
    import redis

    if sentinel_service is not None:
        return _sentinel_primary(url, sentinel_service, sentinel_password)
    connection = ReadOnlyConnection(url)
    try:
        if not _cluster_enabled(connection):
            return Topology("server", [Primary(url)])
        try:
            return _from_shards(url, connection.call("CLUSTER SHARDS"))
        except (_NotUnderstood, redis.ResponseError):  # before Redis 7
            return _from_nodes(url, connection.call("CLUSTER NODES"))
    finally:
        connection.close()


class _NotUnderstood(Exception):
    """A reply this module cannot read (an older server, another client library's parsing)."""


def _cluster_enabled(connection: ReadOnlyConnection) -> bool:
    import redis

    try:
        info = connection.call("INFO", "cluster")
    except redis.ResponseError:  # INFO refused: audit the server as it is
        return False
    return str(info.get("cluster_enabled", 0)) == "1"


def _from_shards(url: str, shards: Any) -> Topology:
    """`CLUSTER SHARDS` (Redis 7+): each shard's slot ranges and nodes, with their role."""
    import redis

    if isinstance(shards, redis.ResponseError) or not isinstance(shards, list):
        raise _NotUnderstood
    topology = Topology("cluster", [])
    tls = urlsplit(url).scheme.lower() == "rediss"
    for shard in shards:
        shard = _decoded(shard)
        if not isinstance(shard, dict) or not isinstance(shard.get("nodes"), list):
            raise _NotUnderstood
        bounds = [int(b) for b in shard.get("slots") or []]
        slots = tuple(zip(bounds[::2], bounds[1::2]))
        for node in shard["nodes"]:
            if node.get("role") != "master":
                topology.replicas += 1
                continue
            host = node.get("endpoint") if node.get("endpoint") not in (None, "", "?") else node.get("ip")
            port = node.get("tls-port") if tls and node.get("tls-port") else node.get("port")
            if node.get("health") != "online" or not host or not port:
                topology.notes.append(f"primary {host}:{port} is {node.get('health', 'unknown')}: not audited")
                continue
            topology.primaries.append(Primary(_at(url, str(host), int(port)), slots))
    topology.primaries.sort(key=lambda p: p.slots)
    return topology


def _from_nodes(url: str, nodes: Any) -> Topology:
    """`CLUSTER NODES`, as redis-py parses it: {"host:port": {"flags": ..., "slots": ...}}."""
    if not isinstance(nodes, dict):
        raise _NotUnderstood
    topology = Topology("cluster", [])
    for address, node in nodes.items():
        flags = set(str(node.get("flags", "")).split(","))
        if "master" not in flags:
            topology.replicas += "slave" in flags
            continue
        host, _, port = str(address).rpartition(":")
        if flags & {"fail", "noaddr", "handshake"} or not host or not port.isdigit():
            topology.notes.append(f"primary {address} is {node.get('flags')}: not audited")
            continue
        slots = tuple((int(r[0]), int(r[-1])) for r in node.get("slots") or [] if str(r[0]).isdigit())
        topology.primaries.append(Primary(_at(url, host, int(port)), tuple(sorted(slots))))
    topology.primaries.sort(key=lambda p: p.slots)
    return topology


def _sentinel_primary(url: str, service: str, password: str | None) -> Topology:
    """The primary a Sentinel watches as `service`, reached with the URL's scheme and credentials
    (as redis-py's `Sentinel` hands its connection settings to the primary); the Sentinel itself
    is asked without them, or with its own `password`."""
    sentinel = anonymous_url(url)
    if password:
        parts = urlsplit(sentinel)
        sentinel = urlunsplit((parts.scheme, f":{quote(password, safe='')}@{parts.netloc}", parts.path,
                               parts.query, ""))
    connection = ReadOnlyConnection(sentinel)
    try:
        address = connection.call("SENTINEL GET-MASTER-ADDR-BY-NAME", service)
    finally:
        connection.close()
    if not address:
        raise LookupError(f"the Sentinel at {redact_url(url)} watches no primary named {service!r}")
    host, port = str(_decoded(address[0])), int(_decoded(address[1]))
    topology = Topology("sentinel", [Primary(_at(url, host, port))])
    topology.notes.append(f"the Sentinel at {redact_url(url)} names {host}:{port} the primary of {service!r}")
    return topology


def _at(url: str, host: str, port: int) -> str:
    """`url` with its host and port replaced, credentials, database and options kept."""
    parts = urlsplit(url)
    credentials = parts.netloc.rpartition("@")[0]
    shown = f"[{host}]" if ":" in host else host
    netloc = (f"{credentials}@" if credentials else "") + f"{shown}:{port}"
    if parts.scheme.lower() == "unix":  # the nodes announce TCP addresses; credentials are in the query
        return urlunsplit(("redis", netloc, "", parts.query, ""))
    return urlunsplit((parts.scheme, netloc, parts.path, parts.query, ""))


def _decoded(value: Any) -> Any:
    """redis-py's replies with bytes keys and values, as text."""
    if isinstance(value, bytes):
        return value.decode("utf-8", "replace")
    if isinstance(value, dict):
        return {_decoded(k): _decoded(v) for k, v in value.items()}
    if isinstance(value, (list, tuple)):
        return [_decoded(v) for v in value]
    return value
