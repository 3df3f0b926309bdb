"""`redis-lint audit` of every primary an address stands for, and of a cluster as a whole.

Each primary is audited as a single server is (its settings, then its keyspace, read-only and
paced), one after the other so that a cluster sees no more load than one server would; a
cluster's report then adds them up: keys per template over all nodes, memory, hits and misses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from redis_lint.config import Policy
from redis_lint.runtime.audit import AuditReport, audit, format_text
from redis_lint.runtime.audit_server import ServerReport, format_server_text, server_report, total_report
from redis_lint.runtime.topology import Primary, Topology


@dataclass
class NodeAudit:
    primary: Primary
    settings: ServerReport
    keyspace: AuditReport

    @property
    def has_problems(self) -> bool:
        return bool(self.settings.problems) or self.keyspace.has_problems

    def as_dict(self) -> dict[str, object]:
        return {**self.keyspace.as_dict(), "slots": [list(r) for r in self.primary.slots],
                "server_settings": self.settings.as_dict()}


@dataclass
class TopologyAudit:
    topology: Topology
    nodes: list[NodeAudit]
    # primaries of a cluster that could not be reached (an address announced for another network,
    # a node down): (primary, why), reported beside the others
    unreachable: list[tuple[Primary, str]] = field(default_factory=list)

    @property
    def has_problems(self) -> bool:
        return any(node.has_problems for node in self.nodes)

    @property
    def name(self) -> str:
        count = len(self.nodes)
        return f"{count} primar{'y' if count == 1 else 'ies'}"

    def total_settings(self) -> ServerReport:
        return total_report(self.name, [node.settings for node in self.nodes])

    def total_keyspace(self) -> AuditReport:
        return AuditReport.total(self.name, [node.keyspace for node in self.nodes])

    def as_dict(self) -> dict[str, object]:
        return {"cluster": True, "replicas_not_audited": self.topology.replicas, "notes": self.topology.notes,
                "nodes": [node.as_dict() for node in self.nodes],
                "unreachable": [{"server": primary.name, "slots": [list(r) for r in primary.slots], "error": why}
                                for primary, why in self.unreachable],
                "total": {**self.total_keyspace().as_dict(), "server_settings": self.total_settings().as_dict()}}


# progress(node number, how many nodes, the node's name, keys scanned on it so far)
NodeProgress = Callable[[int, int, str, int], None]


def audit_topology(topology: Topology, policy: Policy, *, cache: bool = False, persistent: bool = False,
                   progress: NodeProgress | None = None, **scan: object) -> TopologyAudit:
    """Audit each primary in turn; `scan` goes to `audit` (count, pause, max_keys per node, ...).
    A cluster's primary that cannot be reached is set apart and the others audited; errors
    propagate when nothing could be audited."""
    import redis

    result = TopologyAudit(topology, [])
    for number, primary in enumerate(topology.primaries, 1):
        def node_progress(scanned: int, number: int = number, primary: Primary = primary) -> None:
            if progress is not None:
                progress(number, len(topology.primaries), primary.name, scanned)

        try:
            settings = server_report(primary.url, cache=cache, persistent=persistent)
            keyspace = audit(primary.url, policy, progress=node_progress, **scan)  # type: ignore[arg-type]
        except (redis.ConnectionError, redis.TimeoutError, redis.AuthenticationError) as error:
            if topology.kind != "cluster":
                raise
            result.unreachable.append((primary, f"{type(error).__name__}: {error}"))
            continue
        result.nodes.append(NodeAudit(primary, settings, keyspace))
    if not result.nodes and topology.primaries:
        raise redis.ConnectionError(f"no primary of the cluster could be reached ({result.unreachable[0][1]})")
    return result


def format_cluster_text(result: TopologyAudit, configuration: str) -> str:
    """Each node's report, then the totals; `configuration` names what judged the keys."""
    topology = result.topology
    skipped = f"; {topology.replicas} replicas hold their keys and are not audited" if topology.replicas else ""
    missing = f"; {len(result.unreachable)} not reached, left out of the totals" if result.unreachable else ""
    sections = [f"Cluster of {len(topology.primaries)} primaries{missing}{skipped}",
                configuration]  # one configuration judges every node's keys
    sections += [f"Note: {note}" for note in topology.notes]
    audited = {id(node.primary): node for node in result.nodes}
    unreachable = dict((id(primary), why) for primary, why in result.unreachable)
    for number, primary in enumerate(topology.primaries, 1):
        slots = f" (slots {primary.slot_text})" if primary.slots else ""
        heading = f"\n== Node {number} of {len(topology.primaries)}{slots} =="
        node = audited.get(id(primary))
        if node is not None:
            sections.append(f"{heading}\n{format_server_text(node.settings)}\n\n{format_text(node.keyspace)}")
        elif id(primary) in unreachable:
            sections.append(f"{heading}\nNot audited: {primary.name} could not be reached ({unreachable[id(primary)]})")
    sections.append(f"\n== Cluster total ==\n{format_server_text(result.total_settings(), 'Cluster of')}\n\n"
                    f"{format_text(result.total_keyspace())}")
    return "\n".join(sections)
