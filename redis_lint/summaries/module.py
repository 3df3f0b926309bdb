"""One module's summary: imports, module-level names and expiring helpers, read with `ast`.

Read in one walk of the tree; kept in the cache by the digest of the text
(`to_entry`/`from_entry`), so a warm run reads no module twice.
"""

from __future__ import annotations

import ast
import builtins
from collections.abc import Iterator
from typing import NamedTuple

from redis_lint.semantics.command_specs import COMMANDS
from redis_lint.semantics.shutdown import CLOSERS, DISCONNECT
from redis_lint.source.syntax import parse_quietly
from redis_lint.summaries.imports import Alias, absolute_module, dotted_prefixes

_CLOSE_METHODS = CLOSERS | {DISCONNECT}
# Commands that give the key they name a TTL (EXPIRE and its family).
_EXPIRING_METHODS = frozenset(name for name, spec in COMMANDS.items() if spec.sets_expiry_on)

Statement = tuple[frozenset[str], frozenset[str]]  # (names it binds, names it mentions)
# What a call of a module-level function can hand its caller: the names its results are built from,
# and the imported names to whose calls it hands arguments that would count too if such a name
# carried a Redis value (redis_lint.inference.carriers).
HandsOut = tuple[frozenset[str], frozenset[str]]


class ClassSummary(NamedTuple):
    """A module-level class, as other modules' classes see it when it is one of their bases."""

    bases: tuple[str, ...]  # its bases written as dotted names (`Base`, `redis.Redis`), in order
    typed_bases: tuple[str, ...]  # every base's dotted name, a subscripted one's too (`Redis[bytes]`)
    defines: frozenset[str]  # every name it may define: methods, class attributes, `self.x`, stores
    metaclass: bool  # it names a metaclass (whose attributes its instances have)
    # Its methods and attributes exactly as redis_lint.semantics.index.ClassInfo reads them (the
    # functions of its body but a property's setter or deleter; its body's assignments to a name and
    # its methods' to an attribute of their first parameter, outside the functions nested in them):
    methods: frozenset[str] = frozenset()
    properties: frozenset[str] = frozenset()  # the methods that may be properties (a decorator naming one)
    attributes: frozenset[str] = frozenset()
    # the attributes bound to nothing that can name an import: to no name but a parameter of the
    # method, no attribute, no `getattr(...)` (`self.backend = backend`)
    plain: frozenset[str] = frozenset()

    @property
    def binds(self) -> frozenset[str]:
        """The names it binds (not only mentions): its methods and attributes."""
        return self.methods | self.attributes
ImportOf = tuple[str, tuple[Alias, ...]]  # (the module as written, with its dots; the aliases)


class ModuleSummary:
    """What a module's text says, for the questions other modules ask of it:

    - `imports`: every import, anywhere in it, as (absolute module, imported name or None for
      the module itself or "*", local name);
    - `statements`: for each module-level statement, the names it binds and the names it
      mentions (redis_lint.inference.carriers);
    - `global_imports`: for each name an import binds at module level, those imports in order
      (a re-export: `from redis import Redis` in a package's `__init__`);
    - `expiring`: the functions and methods that call an EXPIRE-family command with one of
      their parameters as an argument (a helper that gives the key it is handed a TTL);
    - `bound`: every name the module binds anywhere (more than its module-level names: a name
      it never binds is not one of them; a star import binds none the analysis can see);
    - `hands_out`: for each module-level function (by its index in `statements`), what a call of
      it can hand its caller (`HandsOut`);
    - `classes`: every name a module-level `class` statement binds, described (`ClassSummary`)
      when that statement alone binds it, else None: a class hierarchy is followed through them
      without parsing;
    - `call_arguments`: for each name called with arguments anywhere (`Name(...)`, `x.Name(...)`),
      the names its arguments mention: module-level names and imports by their names, a name a
      function binds (a local, a parameter) as LOCAL; builtins left out (what a call can hand a
      class of another module: redis_lint.engine.prefilter);
    - `closing`: its module-level functions whose code calls a close method (`close`, `aclose`,
      `disconnect`) on anything: a shutdown hook that another module registers may close a client
      (redis_lint.semantics.lifetimes);
    - `imported_only`: the names that one import statement binds at module level and nothing else
      does (no other statement, `except ... as`, or function declaring it `global`): a re-export,
      which is what the imported module binds (redis_lint.inference.reexports)."""

    def __init__(self, imports: list[tuple[str, str | None, str]], statements: list[Statement],
                 global_imports: dict[str, list[ImportOf]] | None = None,
                 expiring: frozenset[str] = frozenset(), bound: frozenset[str] = frozenset(),
                 readable: bool = True, hands_out: dict[int, HandsOut] | None = None,
                 classes: dict[str, ClassSummary | None] | None = None,
                 call_arguments: dict[str, frozenset[str]] | None = None,
                 closing: frozenset[str] = frozenset(),
                 imported_only: dict[str, ImportOf] | None = None) -> None:
        self.imports = imports
        self.statements = statements
        self.global_imports = global_imports or {}
        self.expiring = expiring
        self.bound = bound
        self.readable = readable
        self.hands_out = hands_out or {}
        self.classes = classes or {}
        self.call_arguments = call_arguments or {}
        self.closing = closing
        self.imported_only = imported_only or {}

    def may_bind(self, name: str) -> bool:
        """Whether the module can bind `name` at module level (True when it cannot be read)."""
        return not self.readable or name in self.bound

    @classmethod
    def read(cls, text: bytes, package: str) -> ModuleSummary:
        """`package`: where the module's relative imports start from."""
        try:
            tree = parse_quietly(text)
        except (SyntaxError, ValueError, RecursionError, MemoryError):
            return cls([], [], readable=False)
        reader = _Reader(text, package)
        statements = []
        global_imports: dict[str, list[ImportOf]] = {}
        functions: dict[int, tuple[ast.FunctionDef | ast.AsyncFunctionDef, list[ast.AST]]] = {}
        class_statements: list[tuple[ast.ClassDef, list[ast.AST]]] = []
        handler_names: set[str] = set()  # `except E as e` at module level
        for statement in _module_level(tree.body, tries=True):
            mentioned_parts, targets = _own_parts(statement)
            defines = isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef))
            walked: list[ast.AST] | None = [] if defines else None  # its nodes, for what it hands out or defines
            mentioned = reader.read(mentioned_parts, walked)
            reader.read(targets)
            if isinstance(statement, _TRY):
                handler_names.update(h.name for h in statement.handlers if h.name)
                continue  # `except E as e`: a binding, not a statement of its own
            if isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
                functions[len(statements)] = (statement, walked or [])
            elif isinstance(statement, ast.ClassDef):
                class_statements.append((statement, walked or []))
            statements.append((frozenset(_bound_names(statement)), frozenset(mentioned)))
            if isinstance(statement, (ast.Import, ast.ImportFrom)):
                _add_global_import(statement, global_imports)
        imported = {local for _, _, local in reader.imports}
        hands_out = {index: _hands_out(function, nodes, imported) for index, (function, nodes) in functions.items()}
        bindings: dict[str, int] = {}
        for bound, _ in statements:
            for name in bound:
                bindings[name] = bindings.get(name, 0) + 1
        classes = {node.name: _class_summary(node, nodes)
                   if bindings[node.name] == 1 and node.name not in reader.declared_global else None
                   for node, nodes in class_statements}
        nested = [nodes for _, nodes in functions.values()] + [nodes for _, nodes in class_statements]
        call_arguments = _call_arguments(reader.calls, set(bindings), _bound_within(nested), reader.bound)
        closing = frozenset(function.name for function, nodes in functions.values() if _calls_a_closer(nodes))
        imported_only = {name: found[0] for name, found in global_imports.items()
                         if len(found) == 1 and bindings.get(name) == 1
                         and name not in handler_names and name not in reader.declared_global}
        return cls(reader.imports, statements, global_imports, frozenset(reader.expiring), frozenset(reader.bound),
                   hands_out=hands_out, classes=classes, call_arguments=call_arguments, closing=closing,
                   imported_only=imported_only)

    def to_entry(self) -> dict:
        return {"readable": self.readable, "imports": self.imports,
                "statements": [[sorted(bound), sorted(mentioned)] for bound, mentioned in self.statements],
                "global_imports": self.global_imports, "expiring": sorted(self.expiring),
                "bound": sorted(self.bound),
                "hands_out": [[index, sorted(names), sorted(through)]
                              for index, (names, through) in self.hands_out.items()],
                "classes": {name: [list(c.bases), list(c.typed_bases), sorted(c.defines), c.metaclass,
                                   sorted(c.methods), sorted(c.properties), sorted(c.attributes), sorted(c.plain)]
                            if c is not None else None for name, c in self.classes.items()},
                "call_arguments": {name: sorted(names) for name, names in self.call_arguments.items()},
                "closing": sorted(self.closing), "imported_only": self.imported_only}

    @classmethod
    def from_entry(cls, entry: dict) -> ModuleSummary:
        return cls([(m, n, local) for m, n, local in entry["imports"]],
                   [(frozenset(b), frozenset(m)) for b, m in entry["statements"]],
                   {name: [(module, tuple((real, alias) for real, alias in aliases)) for module, aliases in found]
                    for name, found in entry["global_imports"].items()},
                   frozenset(entry["expiring"]), frozenset(entry["bound"]), entry["readable"],
                   {index: (frozenset(names), frozenset(through)) for index, names, through in entry["hands_out"]},
                   {name: ClassSummary(tuple(c[0]), tuple(c[1]), frozenset(c[2]), c[3], *map(frozenset, c[4:8]))
                    if c is not None else None for name, c in entry["classes"].items()},
                   {name: frozenset(names) for name, names in entry["call_arguments"].items()},
                   frozenset(entry["closing"]),
                   {name: (module, tuple((real, alias) for real, alias in aliases))
                    for name, (module, aliases) in entry["imported_only"].items()})


class _Reader:
    """One walk over every node of a module, statement by statement: imports, bound names,
    expiring helpers, and the names each statement mentions."""

    def __init__(self, text: bytes, package: str) -> None:
        self.lines = text.splitlines()
        self.package = package
        self.imports: list[tuple[str, str | None, str]] = []
        self.expiring: set[str] = set()
        self.bound: set[str] = set()
        self.declared_global: set[str] = set()
        self.calls: list[ast.Call] = []  # the calls with arguments

    def read(self, parts: list[ast.AST], walked: list[ast.AST] | None = None) -> set[str]:
        """Walk `parts`; return every name they read or bind (and add every node met to `walked`)."""
        mentioned: set[str] = set()
        bound = self.bound
        for part in parts:
            for node in ast.walk(part):
                if walked is not None:
                    walked.append(node)
                kind = type(node)
                if kind is ast.Name:
                    mentioned.add(node.id)  # type: ignore[attr-defined]
                    if type(node.ctx) is ast.Store:  # type: ignore[attr-defined]
                        bound.add(node.id)  # type: ignore[attr-defined]
                elif kind is ast.Call:
                    if node.args or node.keywords:  # type: ignore[attr-defined]
                        self.calls.append(node)  # type: ignore[arg-type]
                elif kind not in _READ_KINDS:
                    continue  # most nodes: nothing more to read
                elif isinstance(node, (ast.Import, ast.ImportFrom)):
                    self.imports.extend(_imports(node, self.package))
                    bound.update(p for a in node.names for p in dotted_prefixes(a.asname or a.name))
                elif isinstance(node, ast.Assign):
                    imported = _imported_by_name(node)  # `module = importlib.import_module("redis")`
                    if imported is not None:
                        self.imports.append(imported)
                elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
                    bound.add(node.name)
                    if not isinstance(node, ast.ClassDef) and self._mentions_expiry(node) and _expires_a_parameter(node):
                        self.expiring.add(node.name)
                elif isinstance(node, (ast.ExceptHandler, ast.MatchAs, ast.MatchStar)) and node.name:
                    bound.add(node.name)
                elif isinstance(node, ast.MatchMapping) and node.rest:
                    bound.add(node.rest)
                elif isinstance(node, (ast.Global, ast.Nonlocal)):
                    bound.update(node.names)
                    if isinstance(node, ast.Global):
                        self.declared_global.update(node.names)
        return mentioned

    def _mentions_expiry(self, function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
        """Whether the function's lines hold the word an EXPIRE-family command starts with: only
        then is its body walked again."""
        end = function.end_lineno or function.lineno
        return any(b"expire" in line for line in self.lines[function.lineno - 1 : end])


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


def _imported_by_name(node: ast.Assign) -> tuple[str, None, str] | None:
    """`module = importlib.import_module("redis")` imports `redis` as `module`."""
    value = node.value
    if not (isinstance(value, ast.Call) and len(node.targets) == 1 and isinstance(node.targets[0], ast.Name)
            and len(value.args) == 1 and not value.keywords and isinstance(value.args[0], ast.Constant)
            and isinstance(value.args[0].value, str)):
        return None
    func = value.func
    if (func.attr if isinstance(func, ast.Attribute) else func.id if isinstance(func, ast.Name) else "") != "import_module":
        return None
    return value.args[0].value, None, node.targets[0].id


def _add_global_import(node: ast.Import | ast.ImportFrom, found: dict[str, list[ImportOf]]) -> None:
    """Record the import under every name it binds, as the scope table does (`import a.b` binds
    `a.b` and `a`)."""
    if any(alias.name == "*" for alias in node.names):
        return
    module = "." * node.level + (node.module or "") if isinstance(node, ast.ImportFrom) else ""
    aliases = tuple((alias.name, alias.asname) for alias in node.names)
    for alias in node.names:
        for name in dotted_prefixes(alias.asname or alias.name):
            found.setdefault(name, []).append((module, aliases))


def _expires_a_parameter(function: ast.FunctionDef | ast.AsyncFunctionDef) -> bool:
    """Whether a function calls an EXPIRE-family command with one of its parameters as an
    argument, anywhere in its body (more than the analysis will confirm: this only says where
    to look)."""
    arguments = function.args
    params = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    for node in ast.walk(function):
        if isinstance(node, ast.Call) and isinstance(node.func, ast.Attribute) and node.func.attr in _EXPIRING_METHODS:
            passed = [*node.args, *(k.value for k in node.keywords)]
            if any(isinstance(a, ast.Name) and a.id in params for a in passed):
                return True
    return False


def _hands_out(function: ast.FunctionDef | ast.AsyncFunctionDef, nodes: list[ast.AST], imported: set[str]) -> HandsOut:
    """What a call of `function` can hand its caller, as the names it is built from (`nodes`: every
    node of the function, as the module's walk met them).

    A function hands out only what it returns or yields (the functions and lambdas defined in it
    included, as they may be returned and called), what it stores in objects the caller may hold
    (`app.client = ...`, `registry[name] = ...`), and, through its decorators, whatever they
    make of it.  A returned name brings what it was bound to.  A call's result is made by what is
    called: the arguments of a call of an imported name (`json.loads(reply)`) count only if that
    name carries a Redis value itself, which the module's importers decide, so they are kept
    apart (`imported`: every name the module's imports bind)."""
    through: set[str] = set()
    out = _names(function.decorator_list) | _names([function.returns] if function.returns else [])
    # name -> what it is bound to: expressions, read only if a returned value leads to the name
    bound: dict[str, list[ast.AST | frozenset[str]]] = {}

    def flows(expr: ast.AST | None) -> set[str]:
        return _flows(expr, imported, through) if expr is not None else set()

    def bind(target: ast.AST, *values: ast.AST | None) -> None:
        for node in ast.walk(target):
            if isinstance(node, ast.Name):
                bound.setdefault(node.id, []).extend(v for v in values if v is not None)
        if not isinstance(target, ast.Name | ast.Tuple | ast.List | ast.Starred):
            for value in values:  # stored in an attribute or an item: the caller may hold the object
                out.update(flows(value))

    for node in nodes:
        if isinstance(node, (ast.Return, ast.Yield, ast.YieldFrom)):
            out |= flows(node.value)
        elif isinstance(node, ast.Lambda):
            out |= flows(node.body)
        elif isinstance(node, ast.Assign):
            for target in node.targets:
                bind(target, node.value)
        elif isinstance(node, (ast.AnnAssign, ast.AugAssign)):
            bind(node.target, node.value, getattr(node, "annotation", None))
        elif isinstance(node, ast.NamedExpr):
            bind(node.target, node.value)
        elif isinstance(node, (ast.For, ast.AsyncFor, ast.comprehension)):
            bind(node.target, node.iter)
        elif isinstance(node, ast.withitem) and node.optional_vars is not None:
            bind(node.optional_vars, node.context_expr)
        elif isinstance(node, (ast.FunctionDef, ast.AsyncFunctionDef)) and node is not function:
            names = _names(node.decorator_list) | _names([node.returns] if node.returns else [])
            bound.setdefault(node.name, []).append(frozenset(names))
        elif isinstance(node, ast.ClassDef):
            bound.setdefault(node.name, []).append(frozenset(_names([node])))
        elif isinstance(node, ast.ExceptHandler) and node.name and node.type is not None:
            bound.setdefault(node.name, []).append(node.type)
    reached: set[str] = set()
    pending = list(out)
    while pending:
        name = pending.pop()
        if name not in reached:
            reached.add(name)
            for value in bound.get(name, ()):
                pending.extend(value if isinstance(value, frozenset) else flows(value))
    return frozenset(reached), frozenset(through)


def _flows(expr: ast.AST, imported: set[str], through: set[str]) -> set[str]:
    """The names an expression's value can be built from; the arguments of a call of an imported
    name are left out, and the name added to `through`."""
    names: set[str] = set()
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, ast.Call):
            root = node.func
            while isinstance(root, ast.Attribute):
                root = root.value
            if isinstance(root, ast.Name) and root.id in imported:
                through.add(root.id)
                pending.append(node.func)
                continue
        if isinstance(node, ast.Name):
            names.add(node.id)
        pending.extend(ast.iter_child_nodes(node))
    return names


# The nodes _Reader.read looks into beyond names and calls.
_READ_KINDS = frozenset({ast.Import, ast.ImportFrom, ast.Assign, ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef,
                         ast.ExceptHandler, ast.MatchAs, ast.MatchStar, ast.MatchMapping, ast.Global, ast.Nonlocal})
LOCAL = ""  # in `call_arguments`: a name some function binds (a local, a parameter), whatever it holds
_OWN_SCOPES = frozenset({ast.Lambda, ast.ListComp, ast.SetComp, ast.DictComp, ast.GeneratorExp})


def _call_arguments(calls: list[ast.Call], module_level: set[str], within: set[str],
                    bound: set[str]) -> dict[str, frozenset[str]]:
    """For each name called with arguments, what they mention (ModuleSummary.call_arguments):
    `module_level`, the names module-level statements bind; `within`, those functions and class
    bodies bind; `bound`, every name the module binds."""
    found: dict[str, set[str]] = {}
    for call in calls:
        func = call.func
        called = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if called is None:
            continue
        names = found.setdefault(called, set())
        for part in [*call.args, *(k.value for k in call.keywords)]:
            if type(part) is ast.Constant:
                continue  # most arguments: nothing to walk
            for node in ast.walk(part) if type(part) is not ast.Name else (part,):
                kind = type(node)
                if kind is ast.Name:
                    name = node.id  # type: ignore[attr-defined]
                    if name in within or name not in module_level and (name in bound or not hasattr(builtins, name)):
                        names.add(LOCAL)
                    elif name in module_level:
                        names.add(name)
                elif kind in _OWN_SCOPES:
                    names.add(LOCAL)  # names of their own
    return {name: frozenset(names) for name, names in found.items()}


def _calls_a_closer(nodes: list[ast.AST]) -> bool:
    """Whether a function (`nodes`: every node of it, as the module's walk met them) calls a close
    method on anything."""
    return any(type(node) is ast.Call and isinstance(node.func, ast.Attribute)  # type: ignore[attr-defined]
               and node.func.attr in _CLOSE_METHODS for node in nodes)  # type: ignore[attr-defined]


def _bound_within(nested: list[list[ast.AST]]) -> set[str]:
    """The names the functions and class bodies of a module bind (their nodes, as its walk met
    them): locals, parameters, their imports, their nested definitions."""
    names: set[str] = set()
    for nodes in nested:
        for node in nodes[1:]:  # the statement itself binds a module-level name
            kind = type(node)
            if kind is ast.Name:
                if type(node.ctx) is not ast.Load:  # type: ignore[attr-defined]
                    names.add(node.id)  # type: ignore[attr-defined]
            elif kind is ast.arg:
                names.add(node.arg)  # type: ignore[attr-defined]
            elif kind is ast.alias:
                names.add((node.asname or node.name).split(".", 1)[0])  # type: ignore[attr-defined]
            elif kind in _DEFINITIONS:
                names.add(node.name)  # type: ignore[attr-defined]
            elif kind in _NAMED and node.name:  # type: ignore[attr-defined]
                names.add(node.name)  # type: ignore[attr-defined]
    return names


_DEFINITIONS = frozenset({ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef})
_NAMED = frozenset({ast.ExceptHandler, ast.MatchAs, ast.MatchStar})


def _class_summary(node: ast.ClassDef, nodes: list[ast.AST]) -> ClassSummary:
    """More names than the class defines, never fewer: a name it lacks is one the class (as
    redis_lint.semantics.index.ClassInfo reads it) has no method, attribute or store by (`nodes`:
    every node of the class, as the module's walk met them)."""
    defines: set[str] = set()
    for part in nodes:
        if isinstance(part, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)) and part is not node:
            defines.add(part.name)
        elif isinstance(part, ast.Name) and isinstance(part.ctx, ast.Store):
            defines.add(part.id)
        elif isinstance(part, ast.Attribute):
            defines.add(part.attr)  # `self.x = ...`, `self.x[k] = v`, `self.x.append(v)`: every attribute named
    return ClassSummary(tuple(filter(None, (_dotted(b) for b in node.bases))),
                        tuple(filter(None, (_dotted(b.value if isinstance(b, ast.Subscript) else b) for b in node.bases))),
                        frozenset(defines), any(k.arg == "metaclass" for k in node.keywords), *_members(node))


def _members(node: ast.ClassDef) -> tuple[frozenset[str], frozenset[str], frozenset[str], frozenset[str]]:
    """A class's methods, those that may be properties, its attributes, and those of them bound to
    nothing that can name an import (ClassSummary), as redis_lint.semantics.index.ClassInfo reads
    them (redis_lint.semantics.references: `self.redis.StrictRedis` after `self.redis = redis`)."""
    methods: dict[str, bool] = {}  # method -> whether a decorator may make it a property (the last one wins)
    values: dict[str, list[bool]] = {}  # attribute -> whether each of its values is plain
    for statement in node.body:
        if isinstance(statement, (ast.Assign, ast.AnnAssign)):
            targets = statement.targets if isinstance(statement, ast.Assign) else [statement.target]
            for target in targets:
                if isinstance(target, ast.Name):
                    values.setdefault(target.id, []).append(_plain_value(statement.value, frozenset()))
        elif isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef)):
            decorators = [_dotted(d.func if isinstance(d, ast.Call) else d) or "" for d in statement.decorator_list]
            if f"{statement.name}.setter" not in decorators and f"{statement.name}.deleter" not in decorators:
                methods[statement.name] = any("property" in d or not d for d in decorators)
            if not statement.args.args or "staticmethod" in decorators:
                continue
            owner = statement.args.args[0].arg
            parameters: frozenset[str] | None = None  # read when a value is a name
            for part in _statements(statement.body, nested=False):
                if isinstance(part, (ast.Assign, ast.AnnAssign)):
                    for target in part.targets if isinstance(part, ast.Assign) else [part.target]:
                        if (isinstance(target, ast.Attribute) and isinstance(target.value, ast.Name)
                                and target.value.id == owner):
                            if parameters is None and isinstance(part.value, ast.Name):
                                parameters = _own_parameters(statement)
                            values.setdefault(target.attr, []).append(
                                _plain_value(part.value, parameters or frozenset()))
    return (frozenset(methods), frozenset(name for name, maybe in methods.items() if maybe), frozenset(values),
            frozenset(name for name, plain in values.items() if all(plain)))


def _plain_value(value: ast.expr | None, parameters: frozenset[str]) -> bool:
    if isinstance(value, ast.Name):
        return value.id in parameters
    if isinstance(value, ast.Call):
        return not (isinstance(value.func, ast.Name) and value.func.id == "getattr")
    return not isinstance(value, ast.Attribute)


def _own_parameters(function: ast.FunctionDef | ast.AsyncFunctionDef) -> frozenset[str]:
    """A function's parameters that nothing in it imports or declares global or nonlocal: its own
    names, which name no import."""
    arguments = function.args
    names = {a.arg for a in (*arguments.posonlyargs, *arguments.args, *arguments.kwonlyargs)}
    names.update(a.arg for a in (arguments.vararg, arguments.kwarg) if a is not None)
    for part in _statements(function.body, nested=True):
        if isinstance(part, (ast.Global, ast.Nonlocal)):
            names.difference_update(part.names)
        elif isinstance(part, (ast.Import, ast.ImportFrom)):
            names.difference_update((a.asname or a.name).split(".", 1)[0] for a in part.names)
    return frozenset(names)


def _statements(body: list[ast.stmt], *, nested: bool) -> Iterator[ast.stmt]:
    """Every statement of a block and of the blocks of its compound statements (assignments,
    imports and declarations are statements: no expression need be walked); the bodies of the
    functions and classes defined in it only when `nested`."""
    pending = list(reversed(body))
    while pending:
        statement = pending.pop()
        yield statement
        if not nested and isinstance(statement, (ast.FunctionDef, ast.AsyncFunctionDef, ast.ClassDef)):
            continue
        blocks: list[list[ast.stmt]] = [getattr(statement, field, None) or [] for field in _BLOCKS]
        blocks.extend(part.body for part in getattr(statement, "handlers", None) or [])
        blocks.extend(case.body for case in getattr(statement, "cases", None) or [])
        for block in reversed(blocks):
            pending.extend(reversed(block))


_BLOCKS = ("body", "orelse", "finalbody")


def _dotted(expr: ast.expr) -> str | None:
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        head = _dotted(expr.value)
        return f"{head}.{expr.attr}" if head is not None else None
    return None


def _names(nodes: list[ast.AST]) -> set[str]:
    return {node.id for part in nodes for node in ast.walk(part) if isinstance(node, ast.Name)}


_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))


def _module_level(body: list[ast.stmt], *, tries: bool = False) -> Iterator[ast.stmt]:
    """Statements that run at module level: those inside top-level if/try/with/for/while too
    (`tries`: a try statement itself too, before its parts)."""
    for statement in body:
        if isinstance(statement, (ast.If, ast.For, ast.AsyncFor, ast.While, ast.With, ast.AsyncWith)):
            yield statement  # the header (a `with` target, a `for` target) binds names too
            yield from _module_level(statement.body, tries=tries)
            yield from _module_level(getattr(statement, "orelse", []), tries=tries)
        elif isinstance(statement, _TRY):
            if tries:
                yield statement
            yield from _module_level(statement.body, tries=tries)
            for handler in statement.handlers:
                yield from _module_level(handler.body, tries=tries)
            yield from _module_level(statement.orelse, tries=tries)
            yield from _module_level(statement.finalbody, tries=tries)
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


def _own_parts(statement: ast.stmt) -> tuple[list[ast.AST], list[ast.AST]]:
    """What of a module-level statement is its own (a compound header: the header alone, its body
    being module-level statements of their own): the parts whose names it mentions, and its
    other binding targets."""
    if isinstance(statement, (ast.For, ast.AsyncFor)):
        return [statement.iter], [statement.target]
    if isinstance(statement, (ast.With, ast.AsyncWith)):
        return ([item.context_expr for item in statement.items],
                [item.optional_vars for item in statement.items if item.optional_vars is not None])
    if isinstance(statement, (ast.If, ast.While)):
        return [statement.test], []
    if isinstance(statement, _TRY):
        return [], [ast.ExceptHandler(name=h.name, body=[]) for h in statement.handlers if h.name]
    return [statement], []
