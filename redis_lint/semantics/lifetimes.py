"""Where a Redis object goes after it is built, and what closes clients.

`fate` follows a client, pool or pipeline through the function that builds it:
used there and dropped, handed back to the caller, or handed on to something
that keeps it (stored, passed to a call, captured by a closure).  Anything it
cannot follow is `None`: unknown, and unknown is never reported.

`closes` lists what closes clients in a module: `close()`/`aclose()` on a client
(or `disconnect()` on a pool), `with client:`, a client's close method handed to
a callback registry (`atexit.register(client.close)`), `contextlib.closing`, and
any close call inside a shutdown hook (atexit, FastAPI/Starlette lifespan and
shutdown events, Flask teardown, Django and Celery signals, aiohttp cleanup,
`__exit__`).  Each close names the constructions it closes when they can be
traced, or none: then it may close any client.
"""

from __future__ import annotations

from dataclasses import dataclass
from enum import Enum
from typing import TYPE_CHECKING

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.semantics.index import BindingKind
from redis_lint.semantics.libraries import CONSTRUCTED_KINDS, Kind
from redis_lint.semantics.shutdown import (CLOSERS, CLOSING_HELPERS, DISCONNECT, HOOK_DECORATORS, HOOK_KEYWORDS,
                                           HOOK_METHODS, REGISTRATIONS, names_shutdown)
from redis_lint.semantics.walk import FastVisitor

if TYPE_CHECKING:
    from redis_lint.semantics.module_model import ModuleModel


class Fate(Enum):
    UNUSED = "unused"  # bound and never used
    DROPPED = "dropped"  # used in the function (commands, with) and lost when it returns
    RETURNED = "returned"  # returned or yielded: the caller keeps it
    KEPT = "kept"  # stored, passed on, captured: something else may keep it


# Methods of a client (or Sentinel) that hand out an object holding it (its fate is theirs).
_HANDING_OUT = frozenset({"pipeline", "lock", "pubsub", "register_script", "json", "monitor", "ft", "ts", "bf",
                          "cf", "cms", "topk", "tdigest", "graph", "master_for", "slave_for"})
_NEUTRAL_USES = (cst.Comparison, cst.ComparisonTarget, cst.If, cst.While, cst.IfExp, cst.Del, cst.UnaryOperation)


def bound_name(model: ModuleModel, node: cst.CSTNode) -> cst.Name | None:
    """The local name a value is bound to: `p = r.pipeline()`, `p: Pipeline = ...`, `with r.pipeline() as p`."""
    parent = model.index.parent(node)
    if isinstance(parent, cst.Assign) and len(parent.targets) == 1 and isinstance(parent.targets[0].target, cst.Name):
        return parent.targets[0].target
    if isinstance(parent, cst.AnnAssign) and isinstance(parent.target, cst.Name):
        return parent.target
    if isinstance(parent, cst.WithItem) and parent.asname is not None and isinstance(parent.asname.name, cst.Name):
        return parent.asname.name
    return None


def accesses(model: ModuleModel, target: cst.Name) -> list[cst.CSTNode]:
    """The reads of a name bound once; `[target]` when it is rebound (callers treat that as unknown)."""
    scope = model.index.scope(target)
    if scope is None:
        return []
    assignments = scope.assignments.get(target.value, [])
    for assignment in assignments:
        if assignment.node is target:
            if len(assignments) != 1:
                return [target]  # rebound: not followed (the caller treats an odd use as "escapes")
            return [access.node for access in assignment.references]
    return []


def fate(model: ModuleModel, node: cst.CSTNode, depth: int = 0) -> Fate | None:
    """What becomes of the object `node` builds in the function it is built in."""
    if depth > 3:
        return None
    function = model.index.enclosing(node, (cst.FunctionDef, cst.Lambda))
    parent = model.index.parent(node)
    if isinstance(parent, cst.Attribute) and parent.value is node:  # Redis().get(key)
        return _use_of_method(model, parent, depth)
    if isinstance(parent, (cst.Return, cst.Yield, cst.Lambda)):
        return Fate.RETURNED
    name = bound_name(model, node)
    if name is None:
        return None if isinstance(parent, cst.WithItem) else Fate.KEPT  # passed, stored, put in a container
    scope = model.index.scope(name)
    if function is None or scope is None or not any(a.node is name for a in scope.assignments.get(name.value, [])):
        return Fate.KEPT  # a module-level, `global` or `nonlocal` name
    found = accesses(model, name)
    if found == [name]:
        return None  # rebound
    outcome = Fate.UNUSED
    for access in found:
        if model.index.enclosing(access, (cst.FunctionDef, cst.Lambda)) is not function:
            return Fate.KEPT  # a closure may outlive the call
        use = _use(model, access, depth)
        if use is None:
            return None
        outcome = _stronger(outcome, use)
    if isinstance(model.index.parent(name), cst.AsName) and outcome is Fate.UNUSED:
        return Fate.DROPPED  # `with Redis() as r:` opened it
    return outcome


def _use(model: ModuleModel, access: cst.CSTNode, depth: int) -> Fate | None:
    parent = model.index.parent(access)
    if isinstance(parent, cst.Attribute) and parent.value is access:
        return _use_of_method(model, parent, depth)
    if isinstance(parent, (cst.Return, cst.Yield)):
        return Fate.RETURNED
    if isinstance(parent, cst.WithItem) and parent.item is access:
        return Fate.DROPPED
    if isinstance(parent, _NEUTRAL_USES) or (isinstance(parent, cst.BooleanOperation)
                                             and isinstance(model.index.parent(parent), (cst.If, cst.While))):
        return Fate.UNUSED  # `if r is None`, `if not r`: looked at, not kept
    return Fate.KEPT  # an argument, an assigned value, an element, an f-string: handed on


def _use_of_method(model: ModuleModel, attribute: cst.Attribute, depth: int) -> Fate | None:
    call = model.index.parent(attribute)
    if not (isinstance(call, cst.Call) and call.func is attribute):
        if attribute.attr.value == "connection_pool":
            return Fate.DROPPED if _calls(model, attribute, DISCONNECT) else None
        return None  # another attribute: not followed
    method = attribute.attr.value
    if method in _HANDING_OUT:
        handed = fate(model, call, depth + 1)  # a pipeline holds the client: it goes where the pipeline goes
        return Fate.DROPPED if handed in (Fate.DROPPED, Fate.UNUSED) else handed
    return Fate.DROPPED  # a command (or close): used, not kept


def _calls(model: ModuleModel, attribute: cst.Attribute, method: str) -> bool:
    outer = model.index.parent(attribute)
    call = model.index.parent(outer) if isinstance(outer, cst.Attribute) else None
    return isinstance(outer, cst.Attribute) and outer.attr.value == method and isinstance(call, cst.Call)


_ORDER = (Fate.UNUSED, Fate.DROPPED, Fate.RETURNED, Fate.KEPT)


def _stronger(a: Fate, b: Fate) -> Fate:
    """KEPT wins over RETURNED, which wins over DROPPED: one way out is enough to keep it."""
    return a if _ORDER.index(a) >= _ORDER.index(b) else b


# -- closing ------------------------------------------------------------------------


@dataclass(frozen=True)
class Close:
    node: cst.CSTNode
    targets: frozenset[str]  # construction ids it closes (`construction_id`); empty: any client


def construction_id(model: ModuleModel, node: cst.CSTNode) -> str:
    """A construction's name across the modules of one run: module name and position."""
    position = model.index.positions[node].start
    return f"{model.name}:{position.line}:{position.column}"


def lifetime_ids(model: ModuleModel, construction: cst.Call) -> frozenset[str]:
    """The ids whose closing closes a client: its own, and its `connection_pool=`'s."""
    ids = {construction_id(model, construction)}
    for arg in construction.args:
        if arg.keyword is not None and arg.keyword.value == "connection_pool":
            ids |= origins(model, arg.value) or set()
    return frozenset(ids)


def origins(model: ModuleModel, expr: cst.BaseExpression) -> frozenset[str] | None:
    """The constructions an expression holds, when every binding of it is one; else None."""
    if isinstance(expr, cst.Call) and model.values.constructed(expr) is not None:
        return frozenset({construction_id(model, expr)})
    if isinstance(expr, cst.Name):
        located = model.refs.bindings(expr)
    elif isinstance(expr, cst.Attribute):
        located = model.refs.attribute_bindings(expr)
    else:
        return None
    found = set()
    for owner, binding in located:
        if binding.is_none:
            continue
        value = binding.node
        if binding.kind not in (BindingKind.VALUE, BindingKind.CONTEXT) or not isinstance(value, cst.Call):
            return None
        if owner.values.constructed(value) is None:
            return None
        found.add(construction_id(owner, value))
    return frozenset(found) if found else None


def _redis(model: ModuleModel, expr: cst.BaseExpression) -> bool:
    value = model.values.redis(expr)
    return value is not None and value.kind in CONSTRUCTED_KINDS


def closes(model: ModuleModel) -> list[Close]:
    """The closes of a module.  Closes of objects that are not traced to a client (a shutdown
    hook's `x.close()`) count only in modules that import a client library: a run's prefilter
    skips other modules, and a finding must not depend on whether it did."""
    hooks = _ShutdownHooks(model, lenient=model.imports_client_library)
    result: list[Close] = []
    for call, _ in model.calls:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in (*CLOSERS, DISCONNECT):
            closed = _closed_by(model, func.value, func.attr.value)
            if closed is not None:
                result.append(Close(call, closed))
            elif func.attr.value in CLOSERS and hooks.inside(call):
                result.append(Close(call, frozenset()))  # a shutdown hook closing something: maybe a client
        result.extend(_handed_to_call(model, call, hooks))
    if hooks.lenient:
        result.extend(Close(call, frozenset()) for call in hooks.remote)
    for item in model.with_items:
        if not isinstance(item.item, cst.Call) and _redis(model, item.item):  # `with client:`
            result.append(Close(item, origins(model, item.item) or frozenset()))
    return result


def _closed_by(model: ModuleModel, receiver: cst.BaseExpression, method: str) -> frozenset[str] | None:
    """`client.close()`, `pool.disconnect()`, `client.connection_pool.disconnect()`: what it closes."""
    if method == DISCONNECT and isinstance(receiver, cst.Attribute) and receiver.attr.value == "connection_pool":
        receiver = receiver.value
    elif method == DISCONNECT:
        value = model.values.redis(receiver)
        if value is None or value.kind is not Kind.POOL:
            return None
        return origins(model, receiver) or frozenset()  # closes the clients built on the pool
    if not _redis(model, receiver):
        return None
    return origins(model, receiver) or frozenset()


def _handed_to_call(model: ModuleModel, call: cst.Call, hooks: _ShutdownHooks) -> list[Close]:
    """`atexit.register(client.close)`, `stack.push_async_callback(client.aclose)`,
    `contextlib.closing(client)`, `stack.enter_context(client)`, `atexit.register(close_all, client)`."""
    result = []
    callee = _last_name(call.func)
    registers = hooks.is_registration(call)
    for arg in call.args:
        for value in _elements(arg.value):
            if isinstance(value, cst.Attribute) and value.attr.value in CLOSERS:
                if _redis(model, value.value):
                    result.append(Close(call, origins(model, value.value) or frozenset()))
                elif registers and hooks.lenient:
                    result.append(Close(call, frozenset()))
            elif (callee in CLOSING_HELPERS or registers) and _redis(model, value):
                result.append(Close(call, origins(model, value) or frozenset()))
    return result


def _elements(value: cst.BaseExpression) -> list[cst.BaseExpression]:
    if isinstance(value, (cst.List, cst.Tuple, cst.Set)):
        return [e.value for e in value.elements]
    return [value]


def _last_name(expr: cst.BaseExpression) -> str:
    return (get_full_name_for_node(expr) or "").rpartition(".")[2]


class _ShutdownHooks:
    """Functions of the module that run at shutdown, from the module's one walk (its definitions
    and calls, in the order of the code)."""

    def __init__(self, model: ModuleModel, *, lenient: bool) -> None:
        self.model = model
        self.lenient = lenient  # whether closes of untraced objects count (see `closes`)
        self.functions: set[cst.CSTNode] = set()  # FunctionDef and Lambda nodes
        self.remote: list[cst.Call] = []  # registrations of another module's hook that closes something
        for function in model.definitions:
            self._definition(function)
        for call, _ in model.calls:
            self._call(call)

    def inside(self, node: cst.CSTNode) -> bool:
        if not self.lenient:
            return False
        current = self.model.index.enclosing(node, (cst.FunctionDef, cst.Lambda))
        while current is not None:
            if current in self.functions:
                return True
            current = self.model.index.enclosing(current, (cst.FunctionDef, cst.Lambda))
        return False

    def is_registration(self, call: cst.Call) -> bool:
        """`atexit.register(f)`, `app.add_event_handler("shutdown", f)`, `app.on_cleanup.append(f)`,
        `signal.signal(SIGTERM, f)`, `request_finished.connect(f)`, `weakref.finalize(obj, f)`,
        `app.teardown_appcontext(f)`."""
        names = self.model.refs.qualified_names(call.func)
        if names & REGISTRATIONS:
            return True
        func = call.func
        if not isinstance(func, cst.Attribute):
            return False
        method, owner = func.attr.value, _last_name(func.value).lower()
        if method == "add_event_handler":
            return bool(call.args) and _is_shutdown_string(call.args[0].value)
        if method in ("append", "connect"):
            return names_shutdown(owner)
        return method in HOOK_DECORATORS

    def _definition(self, node: cst.FunctionDef) -> None:
        method = node.name.value in HOOK_METHODS and self.model.index.class_of_method(node) is not None
        if method or any(self._shutdown_decorator(d.decorator) for d in node.decorators):
            self.functions.add(node)

    def _shutdown_decorator(self, decorator: cst.BaseExpression) -> bool:
        if isinstance(decorator, cst.Call):
            func = decorator.func
            if _last_name(func) == "on_event":  # @app.on_event("shutdown")
                return bool(decorator.args) and _is_shutdown_string(decorator.args[0].value)
            if _last_name(func) == "receiver":  # @receiver(request_finished)
                return any(names_shutdown(_last_name(a.value)) for a in decorator.args)
            return self.is_registration(decorator)
        names = self.model.refs.qualified_names(decorator)
        if "atexit.register" in names:
            return True
        if isinstance(decorator, cst.Attribute):  # @app.teardown_appcontext, @worker_shutdown.connect
            owner = _last_name(decorator.value).lower()
            return decorator.attr.value in HOOK_DECORATORS or (
                decorator.attr.value == "connect" and names_shutdown(owner))
        return False

    def _call(self, node: cst.Call) -> None:
        """Functions handed to a shutdown registration, or as `lifespan=` / `on_shutdown=[...]`."""
        registered = []
        if self.is_registration(node):
            registered = [a.value for a in node.args]
        for arg in node.args:
            if arg.keyword is not None and arg.keyword.value in HOOK_KEYWORDS:
                registered.extend(_elements(arg.value))
        for value in registered:
            self._mark(value, node)

    def _mark(self, value: cst.BaseExpression, registration: cst.Call) -> None:
        if isinstance(value, cst.Lambda):
            self.functions.add(value)
        elif isinstance(value, cst.Name):
            for owner, binding in self.model.refs.bindings(value):
                if binding.kind is not BindingKind.DEFINITION or not isinstance(binding.node, cst.FunctionDef):
                    continue
                if owner is self.model:
                    self.functions.add(binding.node)
                elif _closes_something(binding.node):
                    self.remote.append(registration)  # a hook imported from another module closes something


def _closes_something(function: cst.FunctionDef) -> bool:
    found = _CloseCalls()
    found.walk(function.body)
    return found.any


class _CloseCalls(FastVisitor):
    def __init__(self) -> None:
        self.any = False

    def visit_Call(self, node: cst.Call) -> None:
        if isinstance(node.func, cst.Attribute) and node.func.attr.value in (*CLOSERS, DISCONNECT):
            self.any = True


def _is_shutdown_string(expr: cst.BaseExpression) -> bool:
    return isinstance(expr, cst.SimpleString) and expr.evaluated_value in ("shutdown", "cleanup")
