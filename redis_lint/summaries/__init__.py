"""Module summaries: what the rest of a run needs to know of a module, read once with `ast`.

A file that calls Redis is analysed with libcst; the project modules it
imports are not: each is read once with the standard library's `ast` (a tenth
of libcst's parse) into a `ModuleSummary` of plain data, kept in the cache by
the digest of its text and shared by the CLI, its workers, the flake8 plugin
and the language server.  redis_lint.inference answers questions about the
whole project from the summaries.
"""

from redis_lint.summaries.module import ModuleSummary
from redis_lint.summaries.store import SummaryStore

__all__ = ["ModuleSummary", "SummaryStore"]
