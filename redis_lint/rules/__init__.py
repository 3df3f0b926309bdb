"""The rules' checks, one class each, in one module per family, registered by being defined.

A rule's check is a class of this package below `Rule` (or `ProjectRule`) that is also its entry
in the rulebook (redis_lint.rulebook: code, name, summary, the words of its messages): every
module of this package is imported, and its rule classes run (`ALL_RULES`, `PROJECT_RULES`), in
code order; nothing else lists them.
"""

import importlib
import pkgutil
from typing import TypeVar

from redis_lint.rules.base import Fact, LocatedFact, ProjectRule, Rule, RuleContext, Violation

for _module in pkgutil.iter_modules(__path__):
    importlib.import_module(f"{__name__}.{_module.name}")

T = TypeVar("T", Rule, ProjectRule)


def _defined(kind: type[T]) -> tuple[T, ...]:
    """An instance of every class of this package below `kind` that has a code, from its rulebook
    entry (a family's base class, such as CommandFamilyRule, has none)."""
    found, pending = set(), [kind]
    while pending:
        for sub in pending.pop().__subclasses__():
            pending.append(sub)
            if hasattr(sub, "code") and sub.__module__.startswith(f"{__name__}."):
                found.add(sub)
    return tuple(rule() for rule in sorted(found, key=lambda rule: rule.code))


ALL_RULES: tuple[Rule, ...] = _defined(Rule)
# Rules that need the whole project in one run (see ProjectRule).
PROJECT_RULES: tuple[ProjectRule, ...] = _defined(ProjectRule)

__all__ = ["ALL_RULES", "PROJECT_RULES", "Fact", "LocatedFact", "ProjectRule", "Rule", "RuleContext", "Violation"]
