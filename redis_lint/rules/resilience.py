"""RDS703 unguarded-call: on a request path, a Redis outage must degrade the response, not fail it."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from redis_lint.rulebook import resilience as book
from redis_lint.rules.base import Rule, RuleContext, Violation
from redis_lint.semantics.command_specs import NOT_ROUND_TRIPS
from redis_lint.semantics.index import BindingKind
from redis_lint.semantics.libraries import CLIENT_LIBRARIES, Kind
from redis_lint.semantics.module_model import CommandCall, ModuleModel

# Exception classes that catch what redis-py raises when the server is unreachable or slow.
_OUTAGE_ERRORS = frozenset({"RedisError", "ValkeyError", "ConnectionError", "TimeoutError"})
_BROAD = frozenset({"Exception", "BaseException"})
# Client methods that send nothing at all.
# Pipeline methods that talk to the server (the others queue commands).
_PIPELINE_ROUND_TRIPS = frozenset({"execute", "watch"})
# Application-wide error handlers: FastAPI/Starlette, Flask.
_ERROR_HANDLERS = frozenset({"exception_handler", "add_exception_handler", "errorhandler", "register_error_handler"})


class UnguardedCall(book.UnguardedCall, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        if not context.policy.is_request_path(context.relative_path) or not model.commands:
            return
        if _has_error_handler(model):
            return  # the application turns Redis errors into a response of its own
        for call in model.commands:
            if _round_trip(call) and not _guarded(model, call.node):
                yield Violation(call.node, f"{call.shown} on a request path is not inside a try that handles "
                                           "redis.exceptions.RedisError: when Redis is down the request fails; "
                                           "catch it (or ConnectionError/TimeoutError) and degrade, e.g. serve "
                                           "without the cache")


def _round_trip(call: CommandCall) -> bool:
    if call.receiver.kind is Kind.CLIENT:
        return call.method not in NOT_ROUND_TRIPS
    return call.receiver.kind is Kind.PIPELINE and call.method in _PIPELINE_ROUND_TRIPS


def _guarded(model: ModuleModel, node: cst.CSTNode) -> bool:
    """Inside the body of a try whose handlers catch outages, or of `with suppress(RedisError)`,
    within the function the call runs in (a try around a `def` does not guard its body)."""
    child, current = node, model.index.parent(node)
    while current is not None and not isinstance(current, (cst.FunctionDef, cst.Lambda, cst.ClassDef)):
        if isinstance(current, (cst.Try, cst.TryStar)) and child is current.body and any(
                handler.type is None or catches_outage(model, handler.type) for handler in current.handlers):
            return True
        if isinstance(current, cst.With) and child is current.body and any(
                _suppresses(model, item.item) for item in current.items):
            return True
        child, current = current, model.index.parent(current)
    return False


def _suppresses(model: ModuleModel, expr: cst.BaseExpression) -> bool:
    return (isinstance(expr, cst.Call) and "contextlib.suppress" in model.refs.qualified_names(expr.func)
            and any(catches_outage(model, arg.value) for arg in expr.args))


def _has_error_handler(model: ModuleModel) -> bool:
    for call, _ in model.calls:
        func = call.func
        if (isinstance(func, cst.Attribute) and func.attr.value in _ERROR_HANDLERS and call.args
                and catches_outage(model, call.args[0].value)):
            return True
    return False


def catches_outage(model: ModuleModel, expr: cst.BaseExpression, depth: int = 0) -> bool:
    """Whether an `except` clause's type catches redis-py's ConnectionError or TimeoutError.
    Only what is known not to is False: builtins other than Exception, the library's narrower
    errors (ResponseError, WatchError, ...) and the project's own classes.  Anything we cannot
    trace (a tuple from a third-party module, a parameter) counts as catching."""
    if depth > 6:
        return True
    if isinstance(expr, cst.Tuple):
        return any(catches_outage(model, e.value, depth + 1) for e in expr.elements)
    if not isinstance(expr, (cst.Name, cst.Attribute)):
        return True
    names = model.refs.qualified_names(expr)
    library = {n for n in names if n.split(".", 1)[0] in CLIENT_LIBRARIES}
    if library:
        return any(n.rpartition(".")[2] in _OUTAGE_ERRORS for n in library)
    located = model.refs.bindings(expr) if isinstance(expr, cst.Name) else model.refs.attribute_bindings(expr)
    if not located:
        return True
    verdicts = []
    for owner, binding in located:
        if binding.kind is BindingKind.BUILTIN:
            verdicts.append(isinstance(expr, cst.Name) and expr.value in _BROAD)
        elif binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.ClassDef):
            verdicts.append(False)  # the project's own exception: redis-py never raises it
        elif binding.kind is BindingKind.VALUE and isinstance(binding.node, cst.BaseExpression):
            verdicts.append(catches_outage(owner, binding.node, depth + 1))
        else:
            verdicts.append(True)  # another library's name (it might re-export anything), a parameter
    return any(verdicts)
