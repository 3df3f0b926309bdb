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
- a module-level name (an assignment, a `def`, a `class`, an import) can carry
  one when the statement that binds it mentions such a name anywhere: a
  factory's body, a class's methods, an expression built from a client.

Read with the standard library's `ast` (a tenth of libcst's cost), only for
the modules that can hold a Redis value; never the analysis itself, which
parses the files it keeps with libcst.
"""

from __future__ import annotations

import ast
from collections.abc import Callable, Iterator

ALL = None  # the names of a module that cannot be read: every name may carry a value

# (absolute module, imported name or None for the module itself) -> can it carry a Redis value?
Carries = Callable[[str, "str | None"], bool]


class ModuleNames:
    """What one module's text says about its names, read once, as plain data (it is kept in the
    cache by the text's digest): its imports, anywhere in it, as (absolute module, imported name
    or None for the module itself or "*", local name), and for each module-level statement the
    names it binds and the names it mentions."""

    def __init__(self, imports: list[tuple[str, str | None, str]],
                 statements: list[tuple[frozenset[str], frozenset[str]]], readable: bool = True) -> None:
        self.imports = imports
        self.statements = statements
        self.readable = readable

    @classmethod
    def read(cls, text: bytes, package: str) -> ModuleNames:
        """`package`: where the module's relative imports start from."""
        try:
            tree = ast.parse(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return cls([], [], readable=False)
        imports = [imported for node in ast.walk(tree) if isinstance(node, (ast.Import, ast.ImportFrom))
                   for imported in _imports(node, package)]
        statements = [(frozenset(_bound_names(s)), frozenset(_mentioned(s))) for s in _module_level(tree.body)]
        return cls(imports, statements)

    def to_entry(self) -> dict:
        return {"readable": self.readable, "imports": self.imports,
                "statements": [[sorted(bound), sorted(mentioned)] for bound, mentioned in self.statements]}

    @classmethod
    def from_entry(cls, entry: dict) -> ModuleNames:
        return cls([(m, n, local) for m, n, local in entry["imports"]],
                   [(frozenset(b), frozenset(m)) for b, m in entry["statements"]], entry["readable"])

    def carried_imports(self, carries: Carries) -> set[str]:
        """The local names its imports bind to something that can carry a Redis value ("*" for a
        star import of a module that can)."""
        return {local for module, name, local in self.imports
                if carries(module, None if name in (None, "*") else name)}


def carrier_names(module: ModuleNames, carries: Carries) -> set[str] | None:
    """The module-level names of a module that can carry a Redis value.  ALL (None) when the module
    cannot be read, or star-imports what may carry one."""
    if not module.readable:
        return ALL
    carrying = module.carried_imports(carries)
    if "*" in carrying:  # `from app.cache import *`: whatever it brings may carry one
        return ALL
    changed = True
    while changed:  # a name may be bound before the statement that makes its source carry a value
        changed = False
        for bound, mentioned in module.statements:
            if bound - carrying and mentioned & carrying:
                carrying |= bound
                changed = True
    module_level = set().union(*(bound for bound, _ in module.statements))
    return carrying & module_level


def _imports(node: ast.Import | ast.ImportFrom, package: str) -> Iterator[tuple[str, str | None, str]]:
    """(absolute module, imported name or None or "*", local name) for each name an import binds."""
    if isinstance(node, ast.Import):
        for alias in node.names:
            yield alias.name, None, alias.asname or alias.name.split(".", 1)[0]
        return
    module = absolute_module(node.module or "", node.level, package)
    if module is None:
        return
    for alias in node.names:
        yield module, alias.name, "*" if alias.name == "*" else alias.asname or alias.name


def absolute_module(module: str, level: int, package: str) -> str | None:
    """A from-import's module as an absolute name (`..keys` in package `app.sub` -> `app.keys`)."""
    if not level:
        return module
    base = package.split(".") if package else []
    if level - 1 > len(base):
        return None
    base = base[: len(base) - (level - 1)]
    return ".".join([*base, module] if module else base)


def _module_level(body: list[ast.stmt]) -> Iterator[ast.stmt]:
    """Statements that run at module level: those inside top-level if/try/with/for/while too."""
    for statement in body:
        if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            yield statement  # the header (a `with` target, a `for` target) binds names too
            yield from _module_level(statement.body)
            yield from _module_level(getattr(statement, "orelse", []))
        elif isinstance(statement, (ast.Try, getattr(ast, "TryStar", ast.Try))):
            yield from _module_level(statement.body)
            for handler in statement.handlers:
                yield from _module_level(handler.body)
            yield from _module_level(statement.orelse)
            yield from _module_level(statement.finalbody)
        else:
            yield statement


def _bound_names(statement: ast.stmt) -> set[str]:
    """The module-level names a statement binds (for a compound header: its targets only)."""
    if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
        return {statement.name}
    if isinstance(statement, (ast.Import, ast.ImportFrom)):
        return {(a.asname or a.name.split(".", 1)[0]) for a in statement.names if a.name != "*"}
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        targets: list[ast.AST] = [statement.target]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        targets = [item.optional_vars for item in statement.items if item.optional_vars is not None]
    elif isinstance(statement, (ast.If, ast.While)):
        targets = [statement.test]  # only walrus targets bind here
    else:
        targets = [statement]
    return {node.id for target in targets for node in ast.walk(target)
            if isinstance(node, ast.Name) and isinstance(node.ctx, ast.Store)}


def _mentioned(statement: ast.stmt) -> set[str]:
    """Every name a statement reads, anywhere inside it (a compound header: the header only)."""
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        parts: list[ast.AST] = [statement.iter]
    elif isinstance(statement, (ast.With, ast.AsyncWith)):
        parts = [item.context_expr for item in statement.items]
    elif isinstance(statement, (ast.If, ast.While)):
        parts = [statement.test]
    else:
        parts = [statement]
    return {node.id for part in parts for node in ast.walk(part) if isinstance(node, ast.Name)}
