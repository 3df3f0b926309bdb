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
  to each parameter from its annotation (a string annotation read as code, and the type
  its function's docstring gives it: redis_lint.summaries.docstrings), its
  default and every call by the function's name (`(f)`), to a method's first
  parameter from its class;
- a class: from its bases, keywords and decorators to its name, `super` and its
  methods' first parameters; a call of the class hands its arguments to
  `__init__`, `__new__`, `__post_init__` and the names of its body (a dataclass's
  fields);
- `r.transaction(f, ...)`: from `r` to what `f` is handed (redis-py calls it with a pipeline);
- a `from_url` handed to a call (`cache.get(url, Redis.from_url, url)`): into `CALLS`, since
  what it is handed to builds a client with it;
- `isinstance(x, T)` and unittest's `assertIsInstance(x, T)`: from T to x (a checked name is
  taken to be a T);
- `x.append(v)`, `x.setdefault(k, v)` and the other ways a container is filled: from
  the arguments to the container;
- every call's callee, the container of every `x[k] = v`, what a close method is read
  from (`client.close()`, `atexit.register(client.close)`), what `with` is handed
  without a call (`with client:`), and the arguments of a closing helper or a shutdown
  registration (`stack.enter_context(client)`) flow into `CALLS`: what the analysis
  reports is found there.

Beside the edges, the methods called on each receiver (`uses`): what a reader tells a value
by (`self.backend.hincrby(...)` in class `Stats`: `Stats|self.backend` -> `hincrby`), for the
question "what is called on this receiver, in this class, in this module".  And what the analysis
counts in a module that imports a client library
whatever the receiver (redis_lint.semantics.lifetimes, redis_lint.rules.lifecycle): a
`ping()`, a close in a shutdown hook, another module's function registered as one.

The reading ignores scopes and order: a name is one key wherever it is bound.  That
is more flow than the analysis follows (redis_lint.semantics.values), never less, so a
module in which no value of a client library can reach `CALLS`
(redis_lint.inference.redis_calls) holds no call the analysis would find to be Redis's.
(Neither sees a value handed on by `setattr`, `globals()` or `exec`.)  When the analysis
learns a new way for a value to travel, this reading must learn it too.
"""

from __future__ import annotations

import ast
from collections.abc import Iterable, Iterator
from typing import NamedTuple

from redis_lint.semantics.shutdown import (CLOSERS, CLOSING_HELPERS, EVENT_DECORATORS, HOOK_DECORATORS, HOOK_KEYWORDS,
                                           HOOK_METHODS, REGISTRATIONS, names_shutdown)
from redis_lint.source.noqa import suppressions
from redis_lint.summaries.docstrings import documented_type
from redis_lint.source.reading import SourceError, decode_source
from redis_lint.source.syntax import checked

_TYPE_CHECKS = frozenset({"isinstance", "assertIsInstance"})  # (x, T): x is taken to be a T
CALLS = "!"  # the key every call's callee (and every `x[k] = v` container) flows into
_CONSTRUCTORS = ("__init__", "__new__", "__post_init__")
_COMPREHENSIONS = (ast.ListComp, ast.SetComp, ast.GeneratorExp, ast.DictComp)
_TRY = (ast.Try, getattr(ast, "TryStar", ast.Try))
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
    # "scope|receiver" -> the methods called on it: the receiver as written (`client`, `conn.pool`),
    # in the function or class body where the call is (a dotted path of names; "" for the module),
    # or, for a method's first parameter, `self...` in the method's class (`Stats|self.backend`)
    uses: dict[str, frozenset[str]] = {}

    def methods_called_on(self, receiver: str, scope: str = "") -> frozenset[str]:
        """The methods called on `receiver` where `scope` says (`methods_called_on("self.backend",
        "Stats")`, `methods_called_on("client")` at module level)."""
        return self.uses.get(f"{scope}|{receiver}", frozenset())

    def receivers(self) -> Iterator[tuple[str, str, frozenset[str]]]:
        """(scope, receiver, methods) for every receiver a method is called on."""
        for key, methods in self.uses.items():
            scope, _, receiver = key.partition("|")
            yield scope, receiver, methods

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
        for node in _imports(tree.body):  # the imports first: a function may use one imported below it
            reader.read_import(node)
        reader.statements(tree.body)
        ours = "RDS" in source and any(code.startswith("RDS") for comment in suppressions(source).comments
                                       for code in comment.codes)
        return cls(True, {key: frozenset(targets) for key, targets in reader.edges.items()}, reader.pings,
                   reader.closes_in_hooks(), frozenset(reader.registered_imports()), ours,
                   {key: frozenset(methods) for key, methods in reader.uses.items()})

    def to_entry(self) -> dict:
        return {"readable": self.readable, "pings": self.pings, "closes_in_hooks": self.closes_in_hooks,
                "registered_imports": sorted(self.registered_imports), "names_our_codes": self.names_our_codes,
                "edges": {key: sorted(targets) for key, targets in self.edges.items()},
                "uses": {key: sorted(methods) for key, methods in self.uses.items()}}

    @classmethod
    def from_entry(cls, entry: dict) -> ValueFlows:
        return cls(entry["readable"], {key: frozenset(targets) for key, targets in entry["edges"].items()},
                   entry["pings"], entry["closes_in_hooks"], frozenset(entry["registered_imports"]),
                   entry["names_our_codes"], {key: frozenset(methods) for key, methods in entry["uses"].items()})

    def reached(self, sources: Iterable[str]) -> frozenset[str]:
        """Every key a value held by any of the names `sources` can reach."""
        seen = set(sources)
        pending = list(seen)
        edges = self.edges
        while pending:
            for target in edges.get(pending.pop(), ()):
                if target not in seen:
                    seen.add(target)
                    pending.append(target)
        return frozenset(seen)

    def reaches_calls(self, sources: Iterable[str]) -> bool:
        """Whether a value held by any of the names `sources` can reach a call."""
        return CALLS in self.reached(sources)


def arguments_of(callee: str) -> str:
    return f"({callee})"


def attribute(name: str) -> str:
    return f".{name}"


class _FlowReader:
    """One pass over a module: each expression is read once, and says what it mentions (its
    names, and its attributes as `.name`) to the statement or expression around it."""

    def __init__(self) -> None:
        self.edges: dict[str, set[str]] = {}
        self.pings = False
        self._class: str | None = None  # the class whose body is being read (not inside its methods)
        self._function: str | None = None  # the function whose body is being read
        self._returns: list[set[str]] = []  # per function being read: what it returns or yields
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
        self.uses: dict[str, set[str]] = {}  # ValueFlows.uses
        self._scope: list[str] = []  # the classes and functions the walk is in, outermost first
        self._selves: list[tuple[str, str] | None] = []  # per function: (its class, its first parameter)

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

    # -- statements ----------------------------------------------------------

    def statements(self, body: list[ast.stmt]) -> None:
        for statement in body:
            self.statement(statement)

    def statement(self, node: ast.stmt) -> None:
        kind = type(node)
        if kind is ast.Expr:
            self.expr(node.value)  # type: ignore[attr-defined]
        elif kind is ast.Assign:
            sources = self.expr(node.value)  # type: ignore[attr-defined]
            for target in node.targets:  # type: ignore[attr-defined]
                self.target(target, sources, sends=True)  # `client[key] = value` sends SET
        elif kind is ast.AnnAssign:
            sources = self.expr(node.value) | self.annotation(node.annotation)  # type: ignore[attr-defined]
            self.target(node.target, sources)  # type: ignore[attr-defined]
        elif kind is ast.AugAssign:
            self.target(node.target, self.expr(node.value))  # type: ignore[attr-defined]
        elif kind is ast.Return:
            self._returned(self.expr(node.value))  # type: ignore[attr-defined]
        elif kind in (ast.FunctionDef, ast.AsyncFunctionDef):
            self.function(node)  # type: ignore[arg-type]
        elif kind is ast.ClassDef:
            self.class_(node)  # type: ignore[arg-type]
        elif kind in (ast.For, ast.AsyncFor):
            self.target(node.target, self.expr(node.iter))  # type: ignore[attr-defined]
            self.statements(node.body)  # type: ignore[attr-defined]
            self.statements(node.orelse)  # type: ignore[attr-defined]
        elif kind in (ast.With, ast.AsyncWith):
            for item in node.items:  # type: ignore[attr-defined]
                sources = self.expr(item.context_expr)
                if not isinstance(item.context_expr, ast.Call):  # `with client:` closes it
                    self.flow(sources, CALLS)
                if item.optional_vars is not None:
                    self.target(item.optional_vars, sources)
            self.statements(node.body)  # type: ignore[attr-defined]
        elif kind in _TRY:
            self.statements(node.body)  # type: ignore[attr-defined]
            for handler in node.handlers:  # type: ignore[attr-defined]
                sources = self.expr(handler.type)
                if handler.name:
                    self.flow(sources, handler.name)
                self.statements(handler.body)
            self.statements(node.orelse)  # type: ignore[attr-defined]
            self.statements(node.finalbody)  # type: ignore[attr-defined]
        elif kind is ast.Match:
            self.match(node)  # type: ignore[arg-type]
        elif kind in (ast.Import, ast.ImportFrom, ast.Global, ast.Nonlocal, ast.Pass, ast.Break, ast.Continue):
            pass  # imports were read before the walk
        else:  # if, while, raise, assert, del, type aliases: their expressions and bodies
            for child in ast.iter_child_nodes(node):
                if isinstance(child, ast.stmt):
                    self.statement(child)
                elif isinstance(child, ast.expr):
                    self.expr(child)

    def target(self, target: ast.AST, sources: set[str], *, sends: bool = False) -> None:
        """Bind what `sources` may hold to an assignment's target (and read the target's own
        expressions: `d[make_key()] = v` calls)."""
        kind = type(target)
        if kind is ast.Name:
            if self._class is not None:  # a class attribute: read as `Class.name` and `self.name` too
                self.flow(sources, target.id, attribute(target.id))  # type: ignore[attr-defined]
            else:
                self.flow(sources, target.id)  # type: ignore[attr-defined]
        elif kind is ast.Attribute:
            self.expr(target.value)  # type: ignore[attr-defined]
            self.flow(sources, attribute(target.attr))  # type: ignore[attr-defined]
        elif kind is ast.Subscript:
            held = self.expr(target.value)  # type: ignore[attr-defined]
            self.expr(target.slice)  # type: ignore[attr-defined]
            container = _container(target.value)  # type: ignore[attr-defined]
            if container is not None:
                self.flow(sources, container)
            if sends:
                self.flow(held, CALLS)
        elif kind is ast.Starred:
            self.target(target.value, sources)  # type: ignore[attr-defined]
        elif kind in (ast.Tuple, ast.List):
            for element in target.elts:  # type: ignore[attr-defined]
                self.target(element, sources)

    def match(self, node: ast.Match) -> None:
        sources = self.expr(node.subject)
        for case in node.cases:
            self.pattern(case.pattern, sources)
            self.expr(case.guard)
            self.statements(case.body)

    def pattern(self, pattern: ast.AST, sources: set[str]) -> None:
        name = getattr(pattern, "name", None) or getattr(pattern, "rest", None)
        if isinstance(name, str):
            self.flow(sources, name)
        for child in ast.iter_child_nodes(pattern):
            if isinstance(child, ast.pattern):
                self.pattern(child, sources)
            elif isinstance(child, ast.expr):
                self.expr(child)

    def _returned(self, sources: set[str]) -> None:
        if self._returns:
            self._returns[-1] |= sources

    # -- definitions ---------------------------------------------------------

    def function(self, node: ast.FunctionDef | ast.AsyncFunctionDef) -> None:
        owner = self._class
        out = self.each(node.decorator_list) | self.annotation(node.returns)
        docstring = ast.get_docstring(node, clean=False)
        for argument, default in _parameters(node.args):
            sources = {arguments_of(node.name)} | self.annotation(argument.annotation) | self.expr(default)
            documented = documented_type(docstring, argument.arg) if docstring else None
            if documented is not None:  # `:type conn: redis.Redis`: read as a string annotation
                sources |= self.annotation(ast.Constant(documented))
            self.flow(sources, argument.arg)
        positional = [*node.args.posonlyargs, *node.args.args]
        static = any(isinstance(d, ast.Name) and d.id == "staticmethod" for d in node.decorator_list)
        if owner is not None and positional and not static:
            self.flow({owner}, positional[0].arg)  # `self`, `cls`: the class's instance, the class
        self._defined.add(node.name)
        hook = (owner is not None and node.name in HOOK_METHODS
                or any(self._registers_decorated(d) for d in node.decorator_list))
        outer, self._class, self._function = self._function, None, node.name
        method = owner is not None and bool(positional) and not static
        # a function nested in a method sees the method's `self`
        self._selves.append((".".join(self._scope), positional[0].arg) if method
                            else self._selves[-1] if self._selves else None)
        self._scope.append(node.name)
        self._enclosing.append(node.name)
        self._hooks += hook
        self._returns.append(set())
        self.statements(node.body)
        returned = self._returns.pop()
        self._returned(returned)  # what a nested function returns counts for its function too
        self._hooks -= hook
        self._enclosing.pop()
        self._scope.pop()
        self._selves.pop()
        self._class, self._function = owner, outer
        self.flow(out | returned, node.name, attribute(node.name))

    def class_(self, node: ast.ClassDef) -> None:
        name = node.name
        sources = self.each([*node.bases, *(k.value for k in node.keywords), *node.decorator_list])
        self.flow(sources, name, attribute(name))
        self.flow({name}, "super")
        fields = {target.id for statement in node.body if isinstance(statement, (ast.Assign, ast.AnnAssign))
                  for target in (statement.targets if isinstance(statement, ast.Assign) else [statement.target])
                  if isinstance(target, ast.Name)}
        self.flow({arguments_of(name)}, *(arguments_of(c) for c in _CONSTRUCTORS), *fields,
                  *(attribute(f) for f in fields))
        owner, self._class = self._class, name
        self._scope.append(name)
        self._selves.append(None)  # its body's own statements have no `self`
        self.statements(node.body)
        self._selves.pop()
        self._scope.pop()
        self._class = owner

    # -- expressions ---------------------------------------------------------

    def each(self, exprs: Iterable[ast.AST | None]) -> set[str]:
        found: set[str] = set()
        for expr in exprs:
            found |= self.expr(expr)
        return found

    def annotation(self, expr: ast.AST | None) -> set[str]:
        """What an annotation mentions, the code of its strings included (`"redis.Redis"`)."""
        found = self.expr(expr)
        for node in ast.walk(expr) if expr is not None else ():
            if isinstance(node, ast.Constant) and isinstance(node.value, str):
                try:
                    found |= self.annotation(ast.parse(node.value.strip(), mode="eval").body)
                except (SyntaxError, ValueError, RecursionError, MemoryError):
                    continue
        return found

    def expr(self, node: ast.AST | None) -> set[str]:
        """Read an expression; return what it mentions: the keys its value may come from."""
        if node is None:
            return set()
        kind = type(node)
        if kind is ast.Name:
            return {node.id}  # type: ignore[attr-defined]
        if kind is ast.Constant:
            return set()
        if kind is ast.Attribute:
            found = self.expr(node.value)  # type: ignore[attr-defined]
            if node.attr in CLOSERS:  # type: ignore[attr-defined]  # `atexit.register(client.close)`
                self.flow(found, CALLS)
            found.add(attribute(node.attr))  # type: ignore[attr-defined]
            return found
        if kind is ast.Call:
            return self.call(node)  # type: ignore[arg-type]
        if kind is ast.Lambda:
            return self.lambda_(node)  # type: ignore[arg-type]
        if kind is ast.NamedExpr:
            found = self.expr(node.value)  # type: ignore[attr-defined]
            self.target(node.target, found)  # type: ignore[attr-defined]
            return found
        if kind in _COMPREHENSIONS:
            found = set()
            for generator in node.generators:  # type: ignore[attr-defined]
                iterated = self.expr(generator.iter)
                self.target(generator.target, iterated)
                found |= iterated | self.each(generator.ifs)
            return found | self.each([getattr(node, "elt", None), getattr(node, "key", None),
                                      getattr(node, "value", None)])
        found = set()
        for child in ast.iter_child_nodes(node):
            if isinstance(child, ast.expr):
                found |= self.expr(child)
        if kind in (ast.Yield, ast.YieldFrom):
            self._returned(found)
        return found

    def lambda_(self, node: ast.Lambda) -> set[str]:
        # A lambda's parameter is looked for among its function's by name (the analysis reads a
        # call of the function that passes it by keyword as passing it)
        passed = {arguments_of(self._function)} if self._function is not None else set()
        found: set[str] = set()
        for argument, default in _parameters(node.args):
            defaults = self.expr(default)
            self.flow(passed | defaults, argument.arg)
            found |= defaults
        owner, self._class = self._class, None
        found |= self.expr(node.body)
        self._class = owner
        return found

    def call(self, node: ast.Call) -> set[str]:
        func = node.func
        called = self.expr(func)
        self.flow(called, CALLS)
        arguments = [self.expr(argument) for argument in node.args]
        positional: set[str] = set().union(*arguments)
        handed = positional | self.each([k.value for k in node.keywords])
        callee = func.id if isinstance(func, ast.Name) else func.attr if isinstance(func, ast.Attribute) else None
        if callee is not None and handed:
            self.flow(handed, arguments_of(callee))
        if isinstance(func, ast.Attribute) and func.attr in _STORING and positional:
            container = _container(func.value)  # `clients.append(client)`: the list holds it now
            if container is not None:
                self.flow(positional, container)
        for factory in [*node.args, *(k.value for k in node.keywords)]:
            if isinstance(factory, ast.Attribute) and factory.attr == "from_url":
                self.flow(self.expr(factory), CALLS)  # `cache.get(url, Redis.from_url, url)` builds one with it
        if callee == "transaction" and isinstance(func, ast.Attribute) and node.args and isinstance(node.args[0], ast.Name):
            self.flow(self.expr(func.value), arguments_of(node.args[0].id))  # `r.transaction(f)` calls f(pipe)
        if callee in _TYPE_CHECKS and len(node.args) >= 2 and isinstance(node.args[0], ast.Name):
            self.flow(arguments[1], node.args[0].id)
        if isinstance(func, ast.Attribute):
            self._used(func.value, func.attr)
            if func.attr in _PINGS:
                self.pings = True
            elif func.attr in CLOSERS:
                if self._hooks:
                    self._hook_closes = True
                self._closing.update(self._enclosing)
        registers = self._registers(node)
        if registers or callee in CLOSING_HELPERS:  # `stack.enter_context(client)`: closes what it is handed
            self.flow(positional, CALLS)
        registered = [*(node.args if registers else ()), *(k.value for k in node.keywords if k.arg in HOOK_KEYWORDS)]
        for value in registered:
            for element in value.elts if isinstance(value, (ast.List, ast.Tuple, ast.Set)) else [value]:
                self._register(element)
        return called | handed

    def _used(self, receiver: ast.AST, method: str) -> None:
        """Record a method called on a receiver written as a dotted path of names."""
        parts = []
        while isinstance(receiver, ast.Attribute):
            parts.append(receiver.attr)
            receiver = receiver.value
        if not isinstance(receiver, ast.Name):
            return  # `get_client().set(...)`, `clients[0].set(...)`: no receiver a reader names
        parts.append(receiver.id)
        selves = self._selves[-1] if self._selves else None
        if selves is not None and receiver.id == selves[1]:
            scope, parts[-1] = selves[0], "self"
        else:
            scope = ".".join(self._scope)
        key = f"{scope}|{'.'.join(reversed(parts))}"
        found = self.uses.get(key)
        if found is None:
            found = self.uses[key] = set()
        found.add(method)

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


def _imports(body: list[ast.stmt]) -> Iterator[ast.Import | ast.ImportFrom]:
    """Every import statement in a list of statements and the statements they hold (an import is
    a statement: no expression is walked for one)."""
    for statement in body:
        if isinstance(statement, (ast.Import, ast.ImportFrom)):
            yield statement
            continue
        for field in ("body", "orelse", "finalbody"):
            inner = getattr(statement, field, None)
            if isinstance(inner, list):
                yield from _imports(inner)
        for part in [*getattr(statement, "handlers", ()), *getattr(statement, "cases", ())]:
            yield from _imports(part.body)


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
