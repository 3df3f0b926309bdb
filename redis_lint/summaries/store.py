"""Summaries by the content of their module: read once a process, kept on disk between runs."""

from __future__ import annotations

import contextlib
from collections.abc import Callable
from typing import Protocol, TypeVar

from redis_lint.source.digests import digest
from redis_lint.summaries.flows import ValueFlows
from redis_lint.summaries.module import ModuleSummary

T = TypeVar("T")


class EntryStore(Protocol):
    """Where entries are kept by key (redis_lint.engine.cache.Cache)."""

    def content_key(self, *parts: bytes) -> str: ...
    def get(self, key: str) -> dict | None: ...
    def put(self, key: str, entry: dict) -> None: ...


class SummaryStore:
    def __init__(self, entries: EntryStore | None = None) -> None:
        """`entries`: where summaries are kept between runs (None: for this process only)."""
        self._entries = entries
        self._read: dict[tuple[str, str], ModuleSummary] = {}
        self._flows: dict[str, ValueFlows] = {}

    def summary(self, text: bytes | Callable[[], bytes], package: str, text_digest: str | None = None) -> ModuleSummary:
        """The summary of a module's text (or of what `text()` reads, only read when the summary is
        not kept, given the text's digest); `package`: where its relative imports start from."""
        if text_digest is None:
            assert isinstance(text, bytes)
            text_digest = digest(text)
        key = (package, text_digest)
        known = self._read.get(key)
        if known is None:
            known = self._read[key] = self._kept(
                (b"module-summary", package.encode(), text_digest.encode()),
                lambda: ModuleSummary.read(text if isinstance(text, bytes) else text(), package),
                ModuleSummary.to_entry, ModuleSummary.from_entry)
        return known

    def flows(self, text: Callable[[], bytes], text_digest: str) -> ValueFlows:
        """The flows of a module's text (redis_lint.summaries.flows), by the text's digest (`text()`
        is only read when they are not kept)."""
        known = self._flows.get(text_digest)
        if known is None:
            known = self._flows[text_digest] = self._kept(
                (b"value-flows", text_digest.encode()), lambda: ValueFlows.read(text()),
                ValueFlows.to_entry, ValueFlows.from_entry)
        return known

    def _kept(self, key: tuple[bytes, ...], read: Callable[[], T], to_entry: Callable[[T], dict],
              from_entry: Callable[[dict], T]) -> T:
        """What is kept between runs under `key`, else `read()` now (and kept)."""
        if self._entries is None:
            return read()
        entry_key = self._entries.content_key(*key)
        entry = self._entries.get(entry_key)
        if entry is not None:
            with contextlib.suppress(AttributeError, KeyError, TypeError, ValueError):  # a broken entry is a miss
                return from_entry(entry)
        found = read()
        self._entries.put(entry_key, to_entry(found))
        return found
