"""What the prefilter read of each file, kept between runs under the file's status.

A run on an unchanged tree should cost a look at each file's status, not a read of its bytes:
the prefilter's facts about a file (its imports, the names it calls, the digest of its bytes)
are kept in one entry of the cache, each under the file's modification time, change time, size
and inode, as git keeps its index.  A file whose status differs is read again.

A file written in the same instant as the snapshot (within `RACY_NANOSECONDS` of it) may change
again without its modification time moving, on file systems that keep coarse times: such a file
is read again by the next run whatever its status says.  The entry's key holds the project's
roots and its list of files: a module that appears or disappears changes the names of others
(`__init__.py`), and a snapshot of another list is not used.
"""

from __future__ import annotations

import os
import time
from typing import Any

from redis_lint.engine.cache import Cache

RACY_NANOSECONDS = 2_000_000_000

Status = tuple[int, int, int, int]  # (st_mtime_ns, st_ctime_ns, st_size, st_ino)


def status_of(path: str) -> Status | None:
    try:
        status = os.stat(path)
    except OSError:
        return None
    return status.st_mtime_ns, status.st_ctime_ns, status.st_size, status.st_ino


class Snapshot:
    """The files' facts of the last run over the same roots and the same list of files."""

    def __init__(self, cache: Cache, key: str) -> None:
        self._cache = cache
        self._key = key
        entry = cache.get(key)
        files = entry.get("files") if isinstance(entry, dict) else None
        written = entry.get("written") if isinstance(entry, dict) else None
        self._known: dict[str, list[Any]] = files if isinstance(files, dict) and isinstance(written, int) else {}
        self._trusted_before = (written or 0) - RACY_NANOSECONDS
        self._kept: dict[str, list[Any]] = {}
        self.changed = not self._known

    def facts(self, path: str, status: Status | None) -> list[Any] | None:
        """What was kept of a file whose status is `status`, if it is still true."""
        known = self._known.get(path)
        if (status is None or not isinstance(known, list) or len(known) != 2 or known[0] != list(status)
                or status[0] >= self._trusted_before):
            self.changed = True
            return None
        self._kept[path] = known
        return known[1]  # type: ignore[no-any-return]

    def keep(self, path: str, status: Status | None, facts: list[Any]) -> None:
        if status is not None:
            self._kept[path] = [list(status), facts]

    def save(self) -> None:
        """Write the snapshot when something was read afresh (atomically: see Cache.put)."""
        if self.changed or len(self._kept) != len(self._known):
            self._cache.put(self._key, {"written": time.time_ns(), "files": self._kept})
