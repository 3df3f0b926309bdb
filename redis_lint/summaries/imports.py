"""What an import statement makes of a name: one rule for the libcst scopes and the summaries.

Plain strings in, plain strings out, so that either tree can use it: the
module as written (with its leading dots, "" for `import x`) and each alias
as (dotted name, alias or None).
"""

from __future__ import annotations

from collections.abc import Iterable

Alias = tuple[str, "str | None"]  # (`a.b` of `import a.b as c`, "c" or None)


def qualified_names_for(module: str, aliases: Iterable[Alias], full_name: str) -> set[str]:
    """What `full_name` (a dotted name starting with a name this import binds) is: `r.Redis` after
    `import redis as r` -> {"redis.Redis"}; relative imports keep their dots (".keys.K")."""
    results = set()
    for real_name, asname in aliases:
        if not real_name:
            continue
        parts = real_name.split(".")
        # a dotted import binds its prefixes too: the longest one that matches wins
        for real in (".".join(parts[:i]) for i in range(len(parts), 0, -1)):
            as_name = real
            if module.endswith("."):
                real = f"{module}{real}"
            elif module:
                real = f"{module}.{real}"
            if asname is not None:
                as_name = asname
            if full_name.startswith(as_name):
                remaining = full_name.split(as_name, 1)[1]
                if remaining and not remaining.startswith("."):
                    continue
                remaining = remaining.lstrip(".")
                results.add(f"{real}.{remaining}" if remaining else real)
                break
    return results


def dotted_prefixes(name: str) -> list[str]:
    """`a.b.c` -> "a.b.c", "a.b", "a": the names `import a.b.c` binds."""
    prefixes = []
    while name:
        prefixes.append(name)
        cut = name.rfind(".")
        name = name[:cut] if cut != -1 else ""
    return prefixes


def absolute_module(module: str, level: int, package: str) -> str | None:
    """A from-import's module as an absolute name (`..keys` in package `app.sub` -> `app.keys`)."""
    if not level:
        return module
    base = package.split(".") if package else []
    if level - 1 > len(base):
        return None
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def absolute_names(names: Iterable[str], package: str) -> set[str]:
    """Relative qualified names (".keys.K") made absolute with a module's package."""
    result = set()
    for name in names:
        if not name.startswith("."):
            result.add(name)
            continue
        dots = len(name) - len(name.lstrip("."))
        base = package.split(".") if package else []
        if dots - 1 > len(base):
            continue
        base = base[: len(base) - (dots - 1)]
        result.add(".".join([*base, name.lstrip(".")]))
    return result
