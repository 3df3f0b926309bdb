"""Which module-level names of a module can carry a Redis value to the modules importing them.

A module that builds a client (`client = redis.Redis(...)`) also holds names
that have nothing to do with Redis (`TIMEOUT = 5`, `class User(Model)`), and a
package `__init__` that re-exports its client is imported by most of a
project.  A file that imports only the unrelated names cannot meet a Redis
value through them: it is not a file with Redis calls, and the run does not
analyse it.  The rule, true of any Python module:

- a name imported from a client library, or imported from the project where
  the name can carry a value, can carry one (a module imported whole is taken
  to carry one when its file does);
- a module-level name (an assignment, a `class`, an import) can carry one when
  the statement that binds it mentions such a name anywhere: a class's
  methods, an expression built from a client;
- a module-level function can carry one only through what a call of it hands
  its caller: what it returns or yields, what it stores in objects the caller
  may hold, what its decorators make of it (a decorator whose wrapper sends
  commands to a client and returns their replies hands out no client).
"""

from __future__ import annotations

from collections.abc import Callable

from redis_lint.summaries.module import ModuleSummary

ALL = None  # the names of a module that cannot be read: every name may carry a value

# (absolute module, imported name or None for the module itself) -> can it carry a Redis value?
Carries = Callable[[str, "str | None"], bool]


def carried_imports(module: ModuleSummary, carries: Carries) -> set[str]:
    """The local names a module's imports bind to something that can carry a Redis value ("*"
    for a star import of a module that can)."""
    return {local for source, name, local in module.imports
            if carries(source, None if name in (None, "*") else name)}


def carrier_names(module: ModuleSummary, carries: Carries) -> set[str] | None:
    """The module-level names of a module that can carry a Redis value.  ALL (None) when the module
    cannot be read, or star-imports what may carry one."""
    if not module.readable:
        return ALL
    carrying = carried_imports(module, carries)
    if "*" in carrying:  # `from app.cache import *`: whatever it brings may carry one
        return ALL
    changed = True
    while changed:  # a name may be bound before the statement that makes its source carry a value
        changed = False
        for index, (bound, mentioned) in enumerate(module.statements):
            hands_out = module.hands_out.get(index)
            if hands_out is not None and not hands_out[1] & carrying:
                mentioned = hands_out[0]  # a function: what a call of it hands out
            if bound - carrying and mentioned & carrying:
                carrying |= bound
                changed = True
    module_level = set().union(*(bound for bound, _ in module.statements))
    return carrying & module_level
