"""Class hierarchies followed through module summaries, without parsing the modules on the way.

`class RedisCache(BaseCache)`, where `BaseCache` comes from another module of the
project: the analysis walks up the hierarchy for every attribute and method it
looks for, but a base class rarely defines the name asked for.  A base known
only from its module's summary (`SummaryClass`) is parsed when its summary says
it may define the name asked for, or names a metaclass, and not otherwise.  The
rule, true of any Python class: a class that has no statement binding a name
cannot provide it, but its own bases still may.

Plain data and strings only: redis_lint.semantics.references decides when to
ask, and parses what must be read.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from redis_lint.inference.reexports import canonical
from redis_lint.summaries.imports import absolute_names, qualified_names_for
from redis_lint.summaries.module import ClassSummary, ModuleSummary

# `pkg.mod.NAME` -> (path of pkg.mod, its summary, its package, "NAME") for the longest prefix that is
# a project module, or None.
ModuleLookup = Callable[[str], "tuple[Path, ModuleSummary, str, str] | None"]


class Unsure:
    """The summaries cannot tell: the module is parsed instead."""

    def __repr__(self) -> str:
        return "UNSURE"


UNSURE = Unsure()


@dataclass(frozen=True)
class SummaryClass:
    """A project class known from its module's summary."""

    path: Path
    name: str
    summary: ClassSummary
    module: ModuleSummary
    package: str

    def may_define(self, name: str) -> bool:
        return name in self.summary.defines

    def binds(self, name: str) -> bool:
        """Whether it binds `name` itself, as a method or an attribute (not merely reads it)."""
        return name in self.summary.binds


def class_named(qualified: str, lookup: ModuleLookup) -> SummaryClass | Unsure | None:
    """The project class an absolute name refers to, through re-exports: None when the summaries
    show it is no class of the project (a library's name, a name the module binds otherwise or
    not at all), UNSURE when they cannot tell (a nested class, a name bound by a class and by
    something else, an unreadable module)."""
    found = lookup(canonical(qualified, lambda name: _as_summary_lookup(lookup(name))))
    if found is None:
        return None  # no module of the project: a library's class is no project class
    path, module, package, attribute = found
    if "." in attribute or not module.readable or attribute in module.global_imports:
        return UNSURE
    if attribute not in module.classes:
        return None  # bound by no class statement, or not at all
    described = module.classes[attribute]
    return SummaryClass(path, attribute, described, module, package) if described is not None else UNSURE


def base_classes(cls: SummaryClass, lookup: ModuleLookup) -> list[SummaryClass | Unsure]:
    """A summary class's bases that are project classes, in order (UNSURE where the summary
    cannot tell what a base is)."""
    bases: list[SummaryClass | Unsure] = []
    for dotted in cls.summary.bases:
        head = dotted.split(".", 1)[0]
        if dotted in cls.module.classes:  # a class of the same module
            described = cls.module.classes[dotted]
            bases.append(SummaryClass(cls.path, dotted, described, cls.module, cls.package)
                         if described is not None else UNSURE)
            continue
        imports = cls.module.global_imports.get(head)
        if not imports:
            if head in cls.module.bound:
                bases.append(UNSURE)  # bound otherwise (`Base = make_base()`, a class bound twice)
            continue  # a builtin (`object`, `Exception`)
        if len(imports) != 1:
            bases.append(UNSURE)
            continue
        module, aliases = imports[0]
        for name in sorted(absolute_names(qualified_names_for(module, aliases, dotted), cls.package)):
            found = class_named(name, lookup)
            if found is not None:
                bases.append(found)
                break
    return bases


def library_bases(cls: SummaryClass) -> list[str]:
    """The absolute names of a summary class's imported bases (`redis.Redis` for `Redis[bytes]`
    after `from redis import Redis`), in the order of the bases: the caller tells which are a
    client library's classes (a base defined in the project is in the hierarchy itself)."""
    names: list[str] = []
    for dotted in cls.summary.typed_bases:
        found: set[str] = set()
        for module, aliases in cls.module.global_imports.get(dotted.split(".", 1)[0], ()):
            found |= absolute_names(qualified_names_for(module, aliases, dotted), cls.package)  # any may run
        names.extend(sorted(found))
    return names


def _as_summary_lookup(found: tuple[Path, ModuleSummary, str, str] | None) -> tuple[ModuleSummary, str, str] | None:
    return found[1:] if found is not None else None
