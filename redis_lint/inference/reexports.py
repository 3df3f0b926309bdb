"""What a name a project module re-exports really is, followed through summaries alone.

`app.redis.Redis`, where `app/redis.py` says `from redis.asyncio import Redis`,
is `redis.asyncio.Redis`.

Followed from module to module through their summaries alone: a package
`__init__` that re-exports a client library is never parsed for it.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

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
    for name in sorted(absolute_names(names, package)):  # the same choice in every run
        return canonical(".".join(filter(None, [name, rest])), lookup, hops + 1)
    return qualified


# `pkg.mod.NAME.attr` -> (path of pkg.mod, its summary, its package, "NAME.attr") for the longest prefix
# that is a project module, or None.
ModuleLookup = Callable[[str], "tuple[Path, ModuleSummary, str, str] | None"]


def bound_at(qualified: str, lookup: ModuleLookup, enter: Callable[[Path], bool],
             hops: int = 0) -> tuple[str, bool] | None:
    """Where the binding of a name that modules re-export is, and whether it is a submodule:
    `pkg.NAME`, where `pkg/__init__.py` binds NAME by `from .client import NAME` and nothing else,
    is `pkg.client.NAME`; `pkg.sub`, where it binds `sub` only by `from . import sub`, is that
    submodule; a name its module binds otherwise is itself.  A module whose only binding of a name
    is one import binds it to what the imported module binds, so the modules on the way need not
    be read (`enter`: whether a question may enter a module; None when one on the way may not)."""
    while hops < MAX_HOPS:
        found = lookup(qualified)
        if found is None:
            return qualified, False  # no module of the project: a library's name
        path, summary, package, attribute = found
        if not enter(path):
            return None
        head, _, rest = attribute.partition(".")
        binding = summary.imported_only.get(head)
        if binding is None:
            return qualified, False
        names = absolute_names(qualified_names_for(binding[0], binding[1], head), package)
        if len(names) != 1:
            return qualified, False
        following = ".".join(filter(None, [names.pop(), rest]))
        if following == qualified:
            return qualified, True  # `from . import sub` in the package: the submodule itself
        qualified = following
        hops += 1
    return qualified, False
