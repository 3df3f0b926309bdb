"""Summaries by the content of their module: read once a process, kept on disk between runs."""

from __future__ import annotations

import contextlib
from typing import Protocol

from redis_lint.summaries.module import ModuleSummary


class EntryStore(Protocol):
    """Where entries are kept by key (redis_lint.engine.cache.Cache)."""

    def content_key(self, *parts: bytes) -> str: ...
    def get(self, key: str) -> dict | None: ...
    def put(self, key: str, entry: dict) -> None: ...


class SummaryStore:
    def __init__(self, entries: EntryStore | None = None) -> None:
        """`entries`: where summaries are kept between runs (None: for this process only)."""
        self._entries = entries
        self._read: dict[tuple[str, bytes], ModuleSummary] = {}

    def summary(self, text: bytes, package: str) -> ModuleSummary:
        """The summary of a module's text; `package`: where its relative imports start from."""
        known = self._read.get((package, text))  # the bytes as key: hashed once, compared on a hit
        if known is not None:
            return known
        summary = self._kept(text, package)
        self._read[(package, text)] = summary
        return summary

    def _kept(self, text: bytes, package: str) -> ModuleSummary:
        if self._entries is None:
            return ModuleSummary.read(text, package)
        key = self._entries.content_key(b"module-summary", package.encode(), text)
        entry = self._entries.get(key)
        if entry is not None:
            with contextlib.suppress(KeyError, TypeError, ValueError):  # a broken entry is a miss
                return ModuleSummary.from_entry(entry)
        summary = ModuleSummary.read(text, package)
        self._entries.put(key, summary.to_entry())
        return summary
