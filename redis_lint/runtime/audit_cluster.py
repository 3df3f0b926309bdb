"""`redis-lint audit` of every primary an address stands for, and of a cluster as a whole.

Each primary is audited as a single server is (its settings, then its keyspace, read-only and
paced), one after the other so that a cluster sees no more load than one server would; a
cluster's report then adds them up: keys per template over all nodes, memory, hits and misses.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

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
                "total": {**self.total_keyspace().as_dict(), "server_settings": self.total_settings().as_dict()}}


# progress(node number, how many nodes, the node's name, keys scanned on it so far)
NodeProgress = Callable[[int, int, str, int], None]


def audit_topology(topology: Topology, policy: Policy, *, cache: bool = False, persistent: bool = False,
                   progress: NodeProgress | None = None, **scan: object) -> TopologyAudit:
    """Audit each primary in turn; `scan` goes to `audit` (count, pause, max_keys per node, ...)."""
    nodes = []
    for number, primary in enumerate(topology.primaries, 1):
        def node_progress(scanned: int, number: int = number, primary: Primary = primary) -> None:
            if progress is not None:
                progress(number, len(topology.primaries), primary.name, scanned)

        settings = server_report(primary.url, cache=cache, persistent=persistent)
        keyspace = audit(primary.url, policy, progress=node_progress, **scan)  # type: ignore[arg-type]
        nodes.append(NodeAudit(primary, settings, keyspace))
    return TopologyAudit(topology, nodes)


def format_cluster_text(result: TopologyAudit, configuration: str) -> str:
    """Each node's report, then the totals; `configuration` names what judged the keys."""
    topology = result.topology
    skipped = f"; {topology.replicas} replicas hold their keys and are not audited" if topology.replicas else ""
    sections = [f"Cluster of {result.name}{skipped}", configuration]  # one configuration judges every node's keys
    sections += [f"Note: {note}" for note in topology.notes]
    for number, node in enumerate(result.nodes, 1):
        slots = f" (slots {node.primary.slot_text})" if node.primary.slots else ""
        sections.append(f"\n== Node {number} of {len(result.nodes)}{slots} ==\n"
                        f"{format_server_text(node.settings)}\n\n{format_text(node.keyspace)}")
    sections.append(f"\n== Cluster total ==\n{format_server_text(result.total_settings(), 'Cluster of')}\n\n"
                    f"{format_text(result.total_keyspace())}")
    return "\n".join(sections)
