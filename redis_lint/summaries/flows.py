"""Where values can go in one module: from names and attributes into others, and into calls.

A call sends a Redis command only when what it calls, or its receiver, can hold a
Redis value, and a value reaches an expression only through the names and
attributes the expression is built from.  This reads, in one walk with `ast`,
every way a value moves in a module, as edges between keys:

- a name (`client`), an attribute by its name alone (`.client`: whatever object it
  is read from), the arguments handed to a callee by its name (`(connect)`), and
  the calls themselves (`CALLS`);
- an assignment, `for`, `with ... as`, `except ... as`, a walrus, a comprehension's
  target: from what the value mentions to the target (`x[k] = v` and `x.k[j] = v`:
  into `x` and `.k`, the containers that now hold it);
- a function: from what it returns or yields (a nested function's too), its
  decorators and its return annotation, to its name and its attribute (a method);
  to each parameter from its annotation (a string annotation read as code), its
  default and every call by the function's name (`(f)`), to a method's first
  parameter from its class;
- a class: from its bases, keywords and decorators to its name, `super` and its
  methods' first parameters; a call of the class hands its arguments to
  `__init__`, `__new__`, `__post_init__` and the names of its body (a dataclass's
  fields);
- `isinstance(x, T)`: from T to x (a checked parameter is taken to be a T);
- `x.append(v)`, `x.setdefault(k, v)` and the other ways a container is filled: from
  the arguments to the container;
- every call's callee, and the container of every `x[k] = v`, flows into `CALLS`.

The reading ignores scopes and order: a name is one key wherever it is bound.  That
is more flow than Python has, never less, so a module in which no value of a client
library can reach `CALLS` (redis_lint.inference.redis_calls) holds no Redis call.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from redis_lint.semantics.shutdown import (CLOSERS, CLOSING_HELPERS, EVENT_DECORATORS, HOOK_DECORATORS, HOOK_KEYWORDS,
                                           HOOK_METHODS, REGISTRATIONS, names_shutdown)
from redis_lint.source.noqa import suppressions
from redis_lint.source.reading import SourceError, decode_source
from redis_lint.source.syntax import checked

CALLS = "!"  # the key every call's callee (and every `x[k] = v` container) flows into
_CONSTRUCTORS = ("__init__", "__new__", "__post_init__")
_PINGS = frozenset({"ping", "execute_command"})
# Methods by which a container of the standard library (or a queue) comes to hold what it is handed.
_STORING = frozenset({"append", "appendleft", "add", "insert", "extend", "extendleft", "setdefault", "update",
                      "put", "put_nowait"})


class ValueFlows(NamedTuple):
    """A module's flows (`edges`: key -> the keys its value flows into); `readable` False when
    Python cannot read the module (or the analysis would refuse it): anything may then flow."""

    readable: bool
    edges: dict[str, frozenset[str]]
    pings: bool = False  # it calls a method `ping` or `execute_command` on anything
    # it may close something in a shutdown hook (what closes a client the analysis cannot name, in
    # a module that imports a client library)
    closes_in_hooks: bool = False
    # the names its from-imports bind that it hands to a shutdown registration: another module's
    # hook, which may close something (ModuleSummary.closing tells)
    registered_imports: frozenset[str] = frozenset()
    names_our_codes: bool = False  # a `# noqa` of it names a code of ours (RDS900 may report it)

    @classmethod
    def read(cls, text: bytes) -> ValueFlows:
        try:
            source = decode_source(text)
        except SourceError:
            return cls(False, {})
        problem, tree = checked(source)
        if problem is not None or tree is None:
            return cls(False, {})
        reader = _FlowReader()
        for node in ast.walk(tree):  # the imports first: a function may use one imported below it
            if isinstance(node, (ast.Import, ast.ImportFrom)):
                reader.read_import(node)
        reader.visit(tree)
        ours = any(code.startswith("RDS") for comment in suppressions(source).comments for code in comment.codes)
        return cls(True, {key: frozenset(targets) for key, targets in reader.edges.items()}, reader.pings,
                   reader.closes_in_hooks(), frozenset(reader.registered_imports()), ours)

    def to_entry(self) -> dict:
        return {"readable": self.readable, "pings": self.pings, "closes_in_hooks": self.closes_in_hooks,
                "registered_imports": sorted(self.registered_imports), "names_our_codes": self.names_our_codes,
                "edges": {key: sorted(targets) for key, targets in self.edges.items()}}

    @classmethod
    def from_entry(cls, entry: dict) -> ValueFlows:
        return cls(entry["readable"], {key: frozenset(targets) for key, targets in entry["edges"].items()},
                   entry["pings"], entry["closes_in_hooks"], frozenset(entry["registered_imports"]),
                   entry["names_our_codes"])

    def reaches_calls(self, sources: Iterable[str]) -> bool:
        """Whether a value held by any of the names `sources` can reach a call."""
        seen = set(sources)
        pending = list(seen)
        edges = self.edges
        while pending:
            for target in edges.get(pending.pop(), ()):
                if target == CALLS:
                    return True
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
        return False


def arguments_of(callee: str) -> str:
    return f"({callee})"


def attribute(name: str) -> str:
    return f".{name}"


class _FlowReader(ast.NodeVisitor):
    def __init__(self) -> None:
        self.edges: dict[str, set[str]] = {}
        self.pings = False
        self._class: str | None = None  # the class whose body is being read (not inside its methods)
        self._function: str | None = None  # the function whose body is being read
        self._imported: dict[str, str] = {}  # local name -> the name a from-import binds it to
        self._qualified: dict[str, str] = {}  # local name -> what an import binds it to (`atexit.register`)
        # What may close something in a shutdown hook (redis_lint.semantics.lifetimes reads hooks
        # by qualified names; here by names alone, which finds every one of them and more):
        self._enclosing: list[str] = []  # the functions the walk is in, innermost last
        self._hooks = 0  # how many of them are shutdown hooks by their name or decorators
        self._closing: set[str] = set()  # functions that hold a close call (or enclose one that does)
        self._registered: set[str] = set()  # names of the module handed to a shutdown registration
        self._defined: set[str] = set()  # the names `def` binds
        self._hook_closes = False  # a close in a hook, or a close method registered

    def closes_in_hooks(self) -> bool:
        return self._hook_closes or bool(self._closing & self._registered & self._defined)

    def registered_imports(self) -> set[str]:
        return self._registered & set(self._imported)

    def flow(self, sources: Iterable[str], *targets: str) -> None:
        edges = self.edges
        for source in sources:
            found = edges.get(source)
            if found is None:
                found = edges[source] = set()
            found.update(targets)

    # -- bindings ------------------------------------------------------------

    def bind(self, target: ast.AST, sources: set[str]) -> None:
        if not sources:
            return
        if isinstance(target, ast.Name):
            if self._class is not None:  # a class attribute: read as `Class.name` and `self.name` too
                self.flow(sources, target.id, attribute(target.id))
            else:
                self.flow(sources, target.id)
        elif isinstance(target, ast.Attribute):
            self.flow(sources, attribute(target.attr))
        elif isinstance(target, ast.Subscript):
            container = _container(target.value)
            if container is not None:
                self.flow(sources, container)
        elif isinstance(target, ast.Starred):
            self.bind(target.value, sources)
        elif isinstance(target, (ast.Tuple, ast.List)):
            for element in target.elts:
                self.bind(element, sources)

    def visit_Assign(self, node: ast.Assign) -> None:
        sources = _mentions(node.value)
        for target in node.targets:
            self.bind(target, sources)
            if isinstance(target, ast.Subscript):  # `client[key] = value` sends SET
                self.flow(_mentions(target.value), CALLS)
        self.generic_visit(node)

    def visit_AnnAssign(self, node: ast.AnnAssign) -> None:
        self.bind(node.target, _mentions(node.value) | _annotation(node.annotation))
        self.generic_visit(node)

    def visit_AugAssign(self, node: ast.AugAssign) -> None:
        self.bind(node.target, _mentions(node.value))
        self.generic_visit(node)

    def visit_NamedExpr(self, node: ast.NamedExpr) -> None:
        self.bind(node.target, _mentions(node.value))
        self.generic_visit(node)

    def visit_For(self, node: ast.For | ast.AsyncFor) -> None:
        self.bind(node.target, _mentions(node.iter))
        self.generic_visit(node)

    visit_AsyncFor = visit_For

    def visit_comprehension(self, node: ast.comprehension) -> None:
        self.bind(node.target, _mentions(node.iter))
        self.generic_visit(node)

    def visit_withitem(self, node: ast.withitem) -> None:
        if node.optional_vars is not None:
            self.bind(node.optional_vars, _mentions(node.context_expr))
        self.generic_visit(node)

    def visit_ExceptHandler(self, node: ast.ExceptHandler) -> None:
        if node.name and node.type is not None:
            self.flow(_mentions(node.type), node.name)
        self.generic_visit(node)

    def visit_Match(self, node: ast.Match) -> None:
        sources = _mentions(node.subject)
        for case in node.cases:
            for part in ast.walk(case.pattern):
                name = getattr(part, "name", None) or getattr(part, "rest", None)
                if isinstance(name, str):
                    self.flow(sources, name)
        self.generic_visit(node)

    # -- definitions ---------------------------------------------------------

    def visit_FunctionDef(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        owner = self._class
        out = _mentions_all(node.decorator_list) | _annotation(node.returns)
        for part in ast.walk(node):
            if isinstance(part, (ast.Return, ast.Yield, ast.YieldFrom)) and part.value is not None:
                out |= _mentions(part.value)
        self.flow(out, node.name, attribute(node.name))
        for argument, default in _parameters(node.args):
            self.flow({arguments_of(node.name)} | _annotation(argument.annotation) | _mentions(default), argument.arg)
        positional = [*node.args.posonlyargs, *node.args.args]
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
        if owner is not None and positional and not static:
            self.flow({owner}, positional[0].arg)  # `self`, `cls`: the class's instance, the class
        self._defined.add(node.name)
        hook = (owner is not None and node.name in HOOK_METHODS
                or any(self._registers_decorated(d) for d in node.decorator_list))
        outer, self._class, self._function = self._function, None, node.name
        self._enclosing.append(node.name)
        self._hooks += hook
        self.generic_visit(node)
        self._hooks -= hook
        self._enclosing.pop()
        self._class, self._function = owner, outer

    visit_AsyncFunctionDef = visit_FunctionDef

    def visit_Lambda(self, node: ast.Lambda) -> None:
        # A lambda's parameter is looked for among its function's by name (the analysis reads a
        # call of the function that passes it by keyword as passing it)
        passed = {arguments_of(self._function)} if self._function is not None else set()
        for argument, default in _parameters(node.args):
            self.flow(passed | _mentions(default), argument.arg)
        owner, self._class = self._class, None
        self.generic_visit(node)
        self._class = owner

    def visit_ClassDef(self, node: ast.ClassDef) -> None:
        name = node.name
        sources = _mentions_all([*node.bases, *(k.value for k in node.keywords), *node.decorator_list])
        self.flow(sources, name, attribute(name))
        self.flow({name}, "super")
        passed = arguments_of(name)
        fields = {target.id for statement in node.body if isinstance(statement, (ast.Assign, ast.AnnAssign))
                  for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
                  if isinstance(target, ast.Name)}
        self.flow({passed}, *(arguments_of(c) for c in _CONSTRUCTORS), *fields, *(attribute(f) for f in fields))
        owner, self._class = self._class, name
        self.generic_visit(node)
        self._class = owner

    # -- calls ---------------------------------------------------------------

    def visit_Call(self, node: ast.Call) -> None:
        func = node.func
        self.flow(_mentions(func), CALLS)
        callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if callee is not None and (node.args or node.keywords):
            self.flow(_mentions_all([*node.args, *(k.value for k in node.keywords)]), arguments_of(callee))
        if isinstance(func, ast.Attribute) and func.attr in _STORING and node.args:
            container = _container(func.value)  # `clients.append(client)`: the list holds it now
            if container is not None:
                self.flow(_mentions_all(node.args), container)
        if callee == "isinstance" and len(node.args) == 2 and isinstance(node.args[0], ast.Name):
            self.flow(_mentions(node.args[1]), node.args[0].id)
        if isinstance(func, ast.Attribute) and func.attr in _PINGS:
            self.pings = True
        if isinstance(func, ast.Attribute) and func.attr in CLOSERS:
            if self._hooks:
                self._hook_closes = True
            self._closing.update(self._enclosing)
        registers = self._registers(node)
        if registers or callee in CLOSING_HELPERS:  # `stack.enter_context(client)`: closes what it is handed
            self.flow(_mentions_all(node.args), CALLS)
        handed = [*(node.args if registers else ()),
                  *(k.value for k in node.keywords if k.arg in HOOK_KEYWORDS)]
        for value in handed:
            for element in value.elts if isinstance(value, (ast.List, ast.Tuple, ast.Set)) else [value]:
                self._register(element)
        self.generic_visit(node)

    def visit_Attribute(self, node: ast.Attribute) -> None:
        if node.attr in CLOSERS:  # `atexit.register(client.close)`: a close, called or handed on
            self.flow(_mentions(node.value), CALLS)
        self.generic_visit(node)

    def visit_With(self, node: ast.With | ast.AsyncWith) -> None:
        for item in node.items:
            if not isinstance(item.context_expr, ast.Call):  # `with client:` closes it
                self.flow(_mentions(item.context_expr), CALLS)
        self.generic_visit(node)

    visit_AsyncWith = visit_With

    def read_import(self, node: ast.Import | ast.ImportFrom) -> None:
        for alias in node.names:
            local = alias.asname or alias.name.partition(".")[0]
            if isinstance(node, ast.Import):
                self._qualified[local] = alias.name if alias.asname else local
                continue
            self._imported[local] = alias.name
            if not node.level and node.module:
                self._qualified[local] = f"{node.module}.{alias.name}"

    # -- shutdown hooks ------------------------------------------------------

    def _register(self, value: ast.AST) -> None:
        """What a shutdown registration is handed: a lambda or a function of the module, a close
        method, or a function of another module."""
        if isinstance(value, ast.Lambda):
            if any(isinstance(n, ast.Call) and isinstance(n.func, ast.Attribute) and n.func.attr in CLOSERS
                   for n in ast.walk(value.body)):
                self._hook_closes = True
        elif isinstance(value, ast.Attribute) and value.attr in CLOSERS:
            self._hook_closes = True
        elif isinstance(value, ast.Name):
            self._registered.add(value.id)

    def _qualified_name(self, expr: ast.AST) -> str | None:
        """`atexit.register` for `atexit.register`, `ae.register` after `import atexit as ae`, and
        `on_exit` after `from atexit import register as on_exit` (the module's imports, wherever
        they are: more names than the scopes would give)."""
        if isinstance(expr, ast.Name):
            return self._qualified.get(expr.id)
        if isinstance(expr, ast.Attribute):
            head = self._qualified_name(expr.value)
            return f"{head}.{expr.attr}" if head is not None else None
        return None

    def _last_name(self, expr: ast.AST) -> str:
        """`register` of `atexit.register`, and of `on_exit` after `from atexit import register as on_exit`."""
        if isinstance(expr, ast.Attribute):
            return expr.attr
        if isinstance(expr, ast.Name):
            return self._imported.get(expr.id, expr.id)
        return ""

    def _registers(self, call: ast.Call) -> bool:
        """Whether a call may register a shutdown hook (lifetimes' `is_registration`, by names)."""
        func = call.func
        if self._qualified_name(func) in REGISTRATIONS:
            return True
        if not isinstance(func, ast.Attribute):
            return False
        if func.attr in ("append", "connect"):
            return names_shutdown(self._last_name(func.value))
        return func.attr == "add_event_handler" or func.attr in HOOK_DECORATORS

    def _registers_decorated(self, decorator: ast.AST) -> bool:
        """Whether a decorator may make its function a shutdown hook."""
        if isinstance(decorator, ast.Call):
            return self._last_name(decorator.func) in EVENT_DECORATORS or self._registers(decorator)
        if self._qualified_name(decorator) in REGISTRATIONS:
            return True
        name = self._last_name(decorator)
        return isinstance(decorator, ast.Attribute) and (
            name in HOOK_DECORATORS or name == "connect" and names_shutdown(self._last_name(decorator.value)))


def _parameters(arguments: ast.arguments) -> Iterator[tuple[ast.arg, ast.expr | None]]:
    """Every parameter of a function or lambda, with its default."""
    positional = [*arguments.posonlyargs, *arguments.args]
    defaults: list[ast.expr | None] = [None] * (len(positional) - len(arguments.defaults)) + list(arguments.defaults)
    yield from zip(positional, defaults)
    yield from zip(arguments.kwonlyargs, arguments.kw_defaults)
    for rest in (arguments.vararg, arguments.kwarg):
        if rest is not None:
            yield rest, None


def _container(expr: ast.AST) -> str | None:
    """The key of what holds an item: `x` of `x[k]`, `.k` of `x.k[j]`."""
    while isinstance(expr, (ast.Subscript, ast.Starred)):
        expr = expr.value
    if isinstance(expr, ast.Name):
        return expr.id
    if isinstance(expr, ast.Attribute):
        return attribute(expr.attr)
    if isinstance(expr, ast.Call):
        return _container(expr.func)
    return None


def _mentions(expr: ast.AST | None) -> set[str]:
    """The keys an expression's value may come from: every name and attribute in it."""
    if expr is None:
        return set()
    found = set()
    for node in ast.walk(expr):
        kind = type(node)
        if kind is ast.Name:
            found.add(node.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            found.add(attribute(node.attr))  # type: ignore[attr-defined]
    return found


def _mentions_all(exprs: Iterable[ast.AST]) -> set[str]:
    found: set[str] = set()
    for expr in exprs:
        found |= _mentions(expr)
    return found


def _annotation(expr: ast.AST | None) -> set[str]:
    """What an annotation mentions, the code of its strings included (`"redis.Redis"`)."""
    found = _mentions(expr)
    for node in ast.walk(expr) if expr is not None else ():
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            try:
                found |= _annotation(ast.parse(node.value.strip(), mode="eval").body)
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                continue
    return found
