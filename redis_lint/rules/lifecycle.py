"""RDS402 client-per-call, RDS403 client-never-closed and RDS404 missing-health-check.

How clients are built, kept, closed and watched.
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.config import Policy
from redis_lint.config.globs import matches_any
from redis_lint.rulebook import lifecycle as book
from redis_lint.rules.base import Fact, LocatedFact, ProjectRule, Rule, RuleContext, Violation
from redis_lint.semantics.index import BindingKind
from redis_lint.semantics.libraries import CONSTRUCTED_KINDS, Kind
from redis_lint.semantics.lifetimes import Fate, closes, fate, lifetime_ids
from redis_lint.semantics.module_model import Construction, ModuleModel

# Decorators that make a function run once per request, message or task (`@app.get("/")`,
# `@bp.route(...)`, `@celery.task`): a composition root's handlers are not composition roots.
_HANDLER_DECORATORS = frozenset({"route", "get", "post", "put", "patch", "delete", "head", "options", "websocket",
                                 "api_route", "task", "shared_task", "api_view", "view_config", "actor"})


def _decorator_name(decorator: cst.Decorator) -> str:
    target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
    return (get_full_name_for_node(target) or "").rpartition(".")[2]


def _is_handler(function: cst.CSTNode) -> bool:
    return isinstance(function, cst.FunctionDef) and any(
        _decorator_name(d) in _HANDLER_DECORATORS for d in function.decorators)


class ClientPerCall(book.ClientPerCall, Rule):
    """A client built where it runs again and again, used, then dropped.  In an injection point
    (where clients are meant to be built) only loops and request or task handlers count."""


    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        injection_point = context.policy.is_injection_point(context.relative_path)
        for construction in model.constructions:
            if isinstance(construction.function, cst.Module) or construction.value.kind not in CONSTRUCTED_KINDS:
                continue  # module level: built once
            if fate(model, construction.node) is not Fate.DROPPED or not _own_pool(model, construction):
                continue  # returned, kept, handed on, not followed, or borrowing a shared pool's connections
            kind = construction.value.kind.value
            name = _constructor(construction.qualified_name)
            if construction.loop is not None:
                yield Violation(construction.node, f"{name} builds a new {kind} on every iteration of this loop, "
                                                   "each with its own connections: build it once before the loop "
                                                   "(or inject it) and reuse it")
            elif not injection_point or _is_handler(construction.function):
                yield Violation(construction.node, f"{name} builds a {kind} that this function uses and drops, so "
                                                   "every call opens new connections: build it once where the "
                                                   "application starts and inject it, so that calls share its pool")


def _own_pool(model: ModuleModel, construction: Construction) -> bool:
    """Whether the client opens connections of its own: not `Redis(connection_pool=shared)` or
    `Redis.from_pool(shared)` on a pool built elsewhere, which is how redis-py shares connections."""
    call = construction.node
    pool = next((a.value for a in call.args if a.keyword is not None and a.keyword.value == "connection_pool"), None)
    if pool is None and construction.qualified_name.endswith("from_pool") and call.args and not call.args[0].star:
        pool = call.args[0].value
    if pool is None:
        return True
    if isinstance(pool, cst.Call):
        return model.values.constructed(pool) is not None
    located = model.refs.bindings(pool) if isinstance(pool, cst.Name) else []
    return bool(located) and all(
        owner is model and binding.kind is BindingKind.VALUE and isinstance(binding.node, cst.Call)
        and model.values.constructed(binding.node) is not None
        and model.index.enclosing(binding.node, (cst.FunctionDef, cst.Lambda)) is construction.function
        for owner, binding in located)


def _constructor(qualified_name: str) -> str:
    """`redis.Redis` -> `Redis()`, `redis.asyncio.Redis.from_url` -> `Redis.from_url()`."""
    parts = qualified_name.split(".")
    return ".".join(parts[-2:] if parts[-1] in ("from_url", "from_pool") else parts[-1:]) + "()"


# -- project-level -----------------------------------------------------------------

# Fact kinds.  The engine hands every project rule the facts of all of them: each rule's kinds
# carry its code, so that no rule reads another's.
_LONG_LIVED, _CLOSE = "RDS403:long-lived-client", "RDS403:close"
_CLIENT, _PING = "RDS404:client", "RDS404:ping"
_TEST_FILES = ("tests/**", "test/**", "test_*.py", "*_test.py", "conftest.py")


def _long_lived(model: ModuleModel, construction: Construction, policy: Policy, relative_path: str) -> bool:
    """A client that lives as long as the process: built at module level (not in a `with`), or
    returned by a factory in an injection point."""
    if construction.value.kind is not Kind.CLIENT:
        return False
    if isinstance(construction.function, cst.Module):
        return not isinstance(model.index.parent(construction.node), cst.WithItem) and \
            fate(model, construction.node) is not Fate.DROPPED
    return policy.is_injection_point(relative_path) and fate(model, construction.node) is Fate.RETURNED


class ClientNeverClosed(book.ClientNeverClosed, ProjectRule):
    def facts(self, context: RuleContext) -> Iterator[Fact]:
        model = context.model
        for construction in model.constructions:
            if _long_lived(model, construction, context.policy, context.relative_path):
                yield Fact(_LONG_LIVED, construction.node, " ".join(sorted(lifetime_ids(model, construction.node))))
        for close in closes(model):
            yield Fact(_CLOSE, close.node, " ".join(sorted(close.targets)))

    def check_project(self, facts: list[LocatedFact], policy: Policy) -> Iterator[tuple[LocatedFact, str]]:
        closed: set[str] = set()
        for fact in facts:
            if fact.kind == _CLOSE:
                if not fact.detail:
                    return  # something closes a client we cannot name: it may be any of them
                closed.update(fact.detail.split())
        for fact in facts:
            if fact.kind == _LONG_LIVED and closed.isdisjoint(fact.detail.split()):
                yield fact, ("this client is never closed: nothing in the project calls close()/aclose() on it, "
                             "uses it as a context manager or closes it in a shutdown hook; close it when the "
                             "application stops (atexit, FastAPI lifespan, Flask teardown, a Django signal)")


class MissingHealthCheck(book.MissingHealthCheck, ProjectRule):
    def facts(self, context: RuleContext) -> Iterator[Fact]:
        model = context.model
        if not matches_any(context.relative_path, _TEST_FILES):  # a test suite's clients are no service's
            for construction in model.constructions:
                if construction.value.kind in CONSTRUCTED_KINDS:
                    yield Fact(_CLIENT, construction.node)
        for call, _ in model.calls:
            if _is_ping(model, call):
                yield Fact(_PING, call)

    def check_project(self, facts: list[LocatedFact], policy: Policy) -> Iterator[tuple[LocatedFact, str]]:
        if any(fact.kind == _PING for fact in facts):
            return
        clients = sorted((f for f in facts if f.kind == _CLIENT), key=lambda f: (f.path, f.line, f.column))
        if clients:
            yield clients[0], ("the project creates Redis clients but never calls ping(): add a PING check to the "
                               "service's health endpoint, so that monitoring sees Redis become unavailable")


def _is_ping(model: ModuleModel, call: cst.Call) -> bool:
    """`client.ping()` or `client.execute_command("PING")`.  In a module that imports a client
    library, `x.ping()` on whatever `x` is counts: a health check on an injected client we cannot
    type.  Elsewhere the receiver must be a client: a run's prefilter skips modules that cannot
    hold one, and a finding must not depend on whether it did."""
    func = call.func
    if not isinstance(func, cst.Attribute) or func.attr.value not in ("ping", "execute_command"):
        return False
    if not model.imports_client_library and model.values.redis(func.value) is None:
        return False
    if func.attr.value == "ping":
        return True
    if call.args:
        word = model.keys.string_value(call.args[0].value)
        return word is not None and word.strip().upper() == "PING"
    return False
