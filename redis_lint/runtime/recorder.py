"""What the instrumentation saw, kept thread-safe until the run ends.

Findings are aggregated per call site and code.  Writes that left a key
without expiry are remembered (a bounded number of keys per site) and judged
at the end of the run, when a separate connection asks PTTL: only keys that
still exist and still have no TTL become RDS101 findings.
"""

from __future__ import annotations

import sys
import threading
from dataclasses import dataclass, field

from redis_lint.rulebook.ttl import MissingTtl, advice_for
from redis_lint.runtime.attribution import Site, relative_display
from redis_lint.runtime.observed import RuntimeFinding, merge
from redis_lint.runtime.ttl_connection import Server

KEYS_KEPT_PER_SITE = 1000


@dataclass
class _Unexpired:
    """Writes from one site that gave their key no TTL, waiting for the end-of-run check."""

    command: str
    cap: str  # "(policy max for cache:user is 3600 s)" or ""
    keys: dict[tuple[int, bytes], str] = field(default_factory=dict)  # (server, key) -> redacted key

    def message(self, example: str) -> str:
        return f'{self.command} left "{example}" without a TTL at the end of the run: {advice_for(self.command)}{self.cap}'


class Recorder:
    def __init__(self) -> None:
        self._lock = threading.Lock()
        self._findings: dict[tuple[Site, str], RuntimeFinding] = {}
        self._unexpired: dict[Site, _Unexpired] = {}
        self.servers: dict[int, Server] = {}  # how to reach each server for the PTTL check
        self._server_ids: dict[tuple[str, ...], int] = {}
        self._members_expire: set[tuple[int, bytes]] = set()  # keys whose fields or members were given a TTL
        self._warned = False

    def add(self, site: Site, code: str, message: str, example_key: str | None = None) -> None:
        identity = (site, code)  # a Site is one object per call site: cheap to hash
        with self._lock:
            known = self._findings.get(identity)
            if known is not None:
                known.count += 1
            else:
                self._findings[identity] = RuntimeFinding(relative_display(site.path), site.line, site.column, code,
                                                          message, site.end_line, site.end_column, 1, example_key)

    def unexpired_write(self, site: Site, command: str, server_id: int, key: bytes, redacted: str, cap: str) -> None:
        with self._lock:
            entry = self._unexpired.setdefault(site, _Unexpired(command, cap))
            if len(entry.keys) < KEYS_KEPT_PER_SITE:
                entry.keys.setdefault((server_id, key), redacted)

    def members_expire(self, server_id: int, key: bytes) -> None:
        """A key whose hash fields or set members were given an expiry (HEXPIRE, HSETEX EX ...): it
        goes when they do, though its own TTL stays -1."""
        with self._lock:
            if len(self._members_expire) < KEYS_KEPT_PER_SITE * 64:
                self._members_expire.add((server_id, key))

    def server_id(self, server: Server) -> int:
        """One id per server, however many clients and pools the application builds for it (one
        per request, say): the servers kept stay few, and a key is one key whichever client wrote it."""
        with self._lock:
            known = self._server_ids.get(server.key)
            if known is None:
                known = self._server_ids[server.key] = len(self.servers)
                self.servers[known] = server
            return known

    def warn_once(self, message: str) -> None:
        with self._lock:
            if self._warned:
                return
            self._warned = True
        print(f"redis-lint runtime: {message}", file=sys.stderr)

    def findings(self, check_ttls: bool = True) -> list[RuntimeFinding]:
        """Everything recorded so far, with RDS101 decided by asking the servers now."""
        with self._lock:
            found = list(self._findings.values())
            pending = {site: (entry, {k: v for k, v in entry.keys.items() if k not in self._members_expire})
                       for site, entry in self._unexpired.items()}
        if check_ttls and pending:
            found.extend(self._still_without_ttl(pending))
        return merge(found)

    def _still_without_ttl(self, pending: dict[Site, tuple[_Unexpired, dict[tuple[int, bytes], str]]]) -> list[RuntimeFinding]:
        by_server: dict[int, set[bytes]] = {}
        for _, written in pending.values():
            for server_id, key in written:
                by_server.setdefault(server_id, set()).add(key)
        ttls: dict[tuple[int, bytes], int] = {}
        for server_id, keys in by_server.items():
            server = self.servers.get(server_id)
            if server is None:
                continue
            try:
                ttls.update({(server_id, k): v for k, v in server.pttls(sorted(keys)).items()})
            except Exception as error:  # the server is gone: RDS101 cannot be decided there
                print(f"redis-lint runtime: cannot check TTLs on {server}: {type(error).__name__}: {error}",
                      file=sys.stderr)
        found = []
        for site, (entry, written) in pending.items():
            without = [redacted for ident, redacted in written.items() if ttls.get(ident) == -1]
            if without:
                found.append(RuntimeFinding(
                    relative_display(site.path), site.line, site.column, MissingTtl.code, entry.message(without[0]),
                    site.end_line, site.end_column, len(without), without[0]))
        return found

    def reset(self) -> None:
        """Forget everything (a forked child starts with a clean slate)."""
        with self._lock:
            self._findings.clear()
            self._unexpired.clear()
            self._members_expire.clear()
