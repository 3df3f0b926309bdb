"""`redis-lint audit URL`: a read-only look at a live keyspace.

SCAN walks the keyspace in batches (COUNT, with a pause between batches so a
production server is not hogged); each batch asks TYPE and PTTL in one
pipeline, and optionally MEMORY USAGE for a few keys per template.  Keys are
grouped into templates (`cache:user:{n}:profile`), and each template is
judged by the same rules as code: TTL missing or over the policy, naming.

Every command goes through `ReadOnlyConnection`, which refuses anything but
the commands below: the audit cannot write, whatever a future change does.
"""

from __future__ import annotations

import time
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass, field, replace
from typing import Any
from urllib.parse import urlsplit, urlunsplit

from redis_lint.config import Policy
from redis_lint.rulebook.keys import key_messages
from redis_lint.rulebook.text import seconds
from redis_lint.runtime.keyspace import templatize

READ_ONLY_COMMANDS = frozenset({"SCAN", "TYPE", "PTTL", "MEMORY USAGE", "PING",
                                "INFO", "CONFIG GET", "ACL GETUSER", "COMMAND INFO",  # audit_server.py
                                "CLUSTER SHARDS", "CLUSTER NODES", "SENTINEL GET-MASTER-ADDR-BY-NAME"})  # topology.py


class WriteRefused(RuntimeError):
    pass


class ReadOnlyConnection:
    """The only way the audit talks to Redis."""

    def __init__(self, url: str) -> None:
        import redis

        from redis_lint.runtime.handshake import no_client_setinfo, parameters_of

        quiet = no_client_setinfo(parameters_of(redis.Redis.__init__))
        self._client = redis.Redis.from_url(url, socket_timeout=30, **quiet)

    def call(self, *args: Any) -> Any:
        self._check(args)
        return self._client.execute_command(*args)

    def batch(self, commands: list[tuple[Any, ...]]) -> list[Any]:
        for args in commands:
            self._check(args)
        pipe = self._client.pipeline(transaction=False)
        for args in commands:
            pipe.execute_command(*args)
        return pipe.execute(raise_on_error=False)

    @staticmethod
    def _check(args: tuple[Any, ...]) -> None:
        if args[0] not in READ_ONLY_COMMANDS:
            raise WriteRefused(f"the audit refuses to send {args[0]!r}")

    def close(self) -> None:
        self._client.close()


@dataclass
class TemplateReport:
    template: str
    keys: int = 0
    types: Counter[str] = field(default_factory=Counter)
    without_ttl: int = 0
    over_policy: int = 0
    longest_ttl: float = 0.0  # seconds
    memory_sampled: int = 0
    memory_bytes: int = 0
    persistent: bool = False
    limit: tuple[str, int] | None = None
    naming: list[tuple[str, str]] = field(default_factory=list)

    @property
    def problems(self) -> list[str]:
        found = [f"{code} {message}" for code, message in self.naming]
        if self.without_ttl and not self.persistent:
            cap = f" (policy max for {self.limit[0]} is {seconds(self.limit[1])})" if self.limit else ""
            found.append(f"RDS101 {self.without_ttl} of {self.keys} keys have no TTL{cap}")
        if self.over_policy and self.limit:
            found.append(f"RDS102 {self.over_policy} of {self.keys} keys have a TTL over the policy maximum of "
                         f"{seconds(self.limit[1])} for {self.limit[0]} (longest {seconds(round(self.longest_ttl))})")
        return found

    def add(self, other: TemplateReport) -> None:
        """Count `other`'s keys in this one (the same template on another node of a cluster)."""
        self.keys += other.keys
        self.types.update(other.types)
        self.without_ttl += other.without_ttl
        self.over_policy += other.over_policy
        self.longest_ttl = max(self.longest_ttl, other.longest_ttl)
        self.memory_sampled += other.memory_sampled
        self.memory_bytes += other.memory_bytes

    def as_dict(self) -> dict[str, object]:
        estimate = round(self.memory_bytes / self.memory_sampled * self.keys) if self.memory_sampled else None
        return {
            "template": self.template, "keys": self.keys, "types": dict(self.types),
            "without_ttl": self.without_ttl, "over_policy": self.over_policy, "persistent": self.persistent,
            "policy_max_ttl": self.limit[1] if self.limit else None, "memory_estimate_bytes": estimate,
            "problems": self.problems,
        }


@dataclass
class AuditReport:
    server: str
    scanned: int = 0
    complete: bool = True  # False when --max-keys stopped the scan
    templates: dict[str, TemplateReport] = field(default_factory=dict)

    def sorted_templates(self) -> list[TemplateReport]:
        return sorted(self.templates.values(), key=lambda t: (not t.problems, -t.keys, t.template))

    @property
    def has_problems(self) -> bool:
        return any(t.problems for t in self.templates.values())

    @classmethod
    def total(cls, server: str, reports: list[AuditReport]) -> AuditReport:
        """The keyspaces of several servers (a cluster's primaries) as one."""
        total = cls(server, sum(r.scanned for r in reports), all(r.complete for r in reports))
        for report in reports:
            for name, template in report.templates.items():
                if name not in total.templates:
                    total.templates[name] = replace(template, types=Counter(), keys=0, without_ttl=0, over_policy=0,
                                                    longest_ttl=0.0, memory_sampled=0, memory_bytes=0)
                total.templates[name].add(template)
        return total

    def as_dict(self) -> dict[str, object]:
        return {"server": self.server, "scanned": self.scanned, "complete": self.complete,
                "templates": [t.as_dict() for t in self.sorted_templates()]}


def redact_url(url: str) -> str:
    """The URL without its password (and user), for display."""
    parts = urlsplit(url)
    if parts.scheme.lower() == "unix":
        return f"unix://{parts.path}"
    host = parts.hostname or ""
    if ":" in host:
        host = f"[{host}]"
    netloc = host + (f":{parts.port}" if parts.port else "")
    return urlunsplit((parts.scheme, netloc, parts.path, "", ""))


def audit(
    url: str,
    policy: Policy,
    *,
    count: int = 500,
    pause: float = 0.01,
    max_keys: int | None = None,
    memory_samples: int = 0,
    match: str | None = None,
    progress: Callable[[int], None] | None = None,
) -> AuditReport:
    connection = ReadOnlyConnection(url)
    report = AuditReport(redact_url(url))
    try:
        cursor = 0
        while True:
            scan = ["SCAN", cursor, "COUNT", count] + (["MATCH", match] if match else [])
            cursor, keys = connection.call(*scan)
            cursor = int(cursor)
            if max_keys is not None:
                keys = keys[: max(0, max_keys - report.scanned)]
            _judge_batch(connection, report, keys, policy, memory_samples)
            report.scanned += len(keys)
            if progress is not None:
                progress(report.scanned)
            if cursor == 0:
                break
            if max_keys is not None and report.scanned >= max_keys:
                report.complete = False
                break
            if pause:
                time.sleep(pause)
    finally:
        connection.close()
    return report


def _judge_batch(connection: ReadOnlyConnection, report: AuditReport, keys: list[bytes], policy: Policy,
                 memory_samples: int) -> None:
    if not keys:
        return
    replies = connection.batch([(command, key) for key in keys for command in ("TYPE", "PTTL")])
    sample: list[tuple[bytes, TemplateReport]] = []
    sampled_now: Counter[str] = Counter()
    for i, key in enumerate(keys):
        kind, pttl = replies[2 * i], replies[2 * i + 1]
        if isinstance(pttl, Exception) or pttl == -2:
            continue  # expired or deleted between SCAN and PTTL
        name = key.decode("utf-8", "replace") if isinstance(key, bytes) else str(key)
        template = templatize(name)
        entry = report.templates.get(template.render())
        if entry is None:
            entry = report.templates[template.render()] = _new_template(template, policy)
        entry.keys += 1
        entry.types[kind.decode() if isinstance(kind, bytes) else str(kind)] += 1
        if pttl == -1:
            entry.without_ttl += 1
        elif entry.limit is not None and pttl / 1000 > entry.limit[1]:
            entry.over_policy += 1
            entry.longest_ttl = max(entry.longest_ttl, pttl / 1000)
        if entry.memory_sampled + sampled_now[entry.template] < memory_samples:
            sampled_now[entry.template] += 1
            sample.append((key, entry))
    if sample:
        sizes = connection.batch([("MEMORY USAGE", key) for key, _ in sample])
        for (_, entry), size in zip(sample, sizes):
            if isinstance(size, int):
                entry.memory_sampled += 1
                entry.memory_bytes += size


def _new_template(template: Any, policy: Policy) -> TemplateReport:
    segments = template.literal_prefix_segments() if template.checkable else []
    entry = TemplateReport(template.render(), persistent=policy.is_persistent(segments),
                           limit=policy.max_ttl_for(segments))
    if template.checkable:
        entry.naming = list(key_messages(template, policy))
    return entry


def format_text(report: AuditReport) -> str:
    templates = report.sorted_templates()
    scope = "" if report.complete else " (stopped at --max-keys)"
    lines = [f"Scanned {report.scanned} keys on {report.server}{scope}: {len(templates)} templates"]
    if templates:
        width = max(len(t.template) for t in templates)
        lines.append(f"{'template':<{width}}  {'keys':>7}  {'no TTL':>7}  {'over':>5}  type")
        for t in templates:
            kinds = ",".join(sorted(t.types))
            lines.append(f"{t.template:<{width}}  {t.keys:>7}  {t.without_ttl:>7}  {t.over_policy:>5}  {kinds}")
    problems = [(t.template, p) for t in templates for p in t.problems]
    if problems:
        lines += ["", "Problems:"] + [f"  {template}: {problem}" for template, problem in problems]
    return "\n".join(lines)
