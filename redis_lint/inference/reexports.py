"""What a name a project module re-exports really is, followed through summaries alone.

`app.redis.Redis`, where `app/redis.py` says `from redis.asyncio import Redis`,
is `redis.asyncio.Redis`.

Followed from module to module through their summaries alone: a package
`__init__` that re-exports a client library is never parsed for it.
"""

from __future__ import annotations

from collections.abc import Callable

from redis_lint.summaries.imports import absolute_names, qualified_names_for
from redis_lint.summaries.module import ModuleSummary

MAX_HOPS = 8  # re-exports followed at most this deep
# Names that are never a project module's: not looked for in the project.
LIBRARIES = ("redis", "valkey", "typing", "typing_extensions", "datetime")

# `pkg.mod.NAME.attr` -> (summary of pkg.mod, its package, "NAME.attr") for the longest prefix that
# is a project module, or None.
SummaryLookup = Callable[[str], tuple[ModuleSummary, str, str] | None]


def canonical(qualified: str, lookup: SummaryLookup, hops: int = 0) -> str:
    """A name as the module that defines it calls it, through every re-export on the way."""
    if hops >= MAX_HOPS or qualified.split(".", 1)[0] in LIBRARIES:
        return qualified
    target = lookup(qualified)
    if target is None:
        return qualified
    summary, package, attribute = target
    head, _, rest = attribute.partition(".")
    imports = summary.global_imports.get(head)
    if not imports:
        return qualified
    names: set[str] = set()
    for module, aliases in imports:  # every import of the name at module level, as Python may run any
        names |= qualified_names_for(module, aliases, head)
    for name in absolute_names(names, package):
        return canonical(".".join(filter(None, [name, rest])), lookup, hops + 1)
    return qualified
