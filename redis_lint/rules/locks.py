"""RDS501 lock-without-expiry, RDS502 lock-unsafe-release, RDS503 lock-constant-token.

A lock in Redis is `SET key token NX PX ms`: it must expire (or a crashed holder
blocks everyone), its token must be unique (or anyone releases anyone's lock),
and it must be released by compare-and-delete (or a late holder deletes the
next holder's lock).
"""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from redis_lint.rulebook import locks as book
from redis_lint.rulebook.locks import LOCK_NAMESPACE, set_nx_message
from redis_lint.rules.base import Fix, Rule, RuleContext, Violation, describe_key, prefix_segments, with_keyword
from redis_lint.semantics.module_model import CommandCall, KeyArg, ModuleModel
from redis_lint.semantics.references import single_value

_EXPIRY = ("ex", "px", "exat", "pxat")


def _truthy_literal(expr: cst.BaseExpression | None) -> bool:
    return isinstance(expr, cst.Name) and expr.value == "True" or isinstance(expr, cst.Integer) and expr.value != "0"


def _given(call: CommandCall, param: str) -> bool:
    value = call.argument(param)
    return value is not None and not (isinstance(value, cst.Name) and value.value in ("None", "False"))


def is_lock_acquisition(call: CommandCall) -> bool:
    """`set(key, token, nx=True, ...)`: how a lock is taken."""
    return call.method == "set" and _truthy_literal(call.argument("nx"))


def in_lock_namespace(key: KeyArg | None) -> bool:
    segments = prefix_segments(key.template) if key is not None else []
    return bool(segments) and segments[0] == LOCK_NAMESPACE


def acquired_keys(model: ModuleModel) -> set[tuple[str, int | None]]:
    """The keys a module takes as locks (SET NX), as `_lock_identity` gives them."""
    cached = model.derived.get("lock_keys")
    if cached is None:
        cached = {_lock_identity(call, key) for call in model.commands if is_lock_acquisition(call)
                  for key in [call.key_for("name")] if key is not None}
        model.derived["lock_keys"] = cached
    return cached  # type: ignore[return-value]


def _lock_identity(call: CommandCall, key: KeyArg) -> tuple[str, int | None]:
    """A key resolved to a template is the same key anywhere in the module; one known only by its
    source (`key`, a parameter) only in the same function."""
    return (key.identity, None) if key.template is not None else (key.identity, id(call.function))


class LockWithoutExpiry(book.LockWithoutExpiry, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        for call in context.model.commands:
            if call.spec is None or call.opaque_arguments:
                continue
            if is_lock_acquisition(call) and not any(_given(call, p) for p in _EXPIRY):
                ms = _lock_seconds(context, call) * 1000
                yield Violation(call.node, set_nx_message(describe_key(call.key_for("name"))),
                                _keyword_fix(call, "px", ms, f"pass px={ms}"))
            elif call.method == "setnx" and in_lock_namespace(call.key_for("name")):
                yield Violation(call.node, f"setnx() takes lock {describe_key(call.key_for('name'))} with no expiry: "
                                           "use set(key, token, nx=True, px=30000)", _setnx_fix(context, call))
            elif call.method == "lock" and not _given(call, "timeout") and call.argument("timeout") is None:
                seconds = _lock_seconds(context, call)
                yield Violation(call.node, f"lock() on {describe_key(call.key_for('name'))} has no timeout, and "
                                           "redis-py's default never expires: pass timeout= (seconds)",
                                _keyword_fix(call, "timeout", seconds, f"pass timeout={seconds}"))
            elif call.method == "lock" and not _given(call, "timeout"):
                yield Violation(call.node, f"lock() on {describe_key(call.key_for('name'))} has no timeout, and "
                                           "redis-py's default never expires: pass timeout= (seconds)")


def _lock_seconds(context: RuleContext, call: CommandCall) -> int:
    """The expiry a fix gives a lock: the policy maximum for its key, else for `lock`, else 30 s."""
    limit = context.policy.max_ttl_for(prefix_segments(call.key_for("name").template if call.key_for("name") else None))
    limit = limit or context.policy.max_ttl_for([LOCK_NAMESPACE])
    return limit[1] if limit else 30


def _setnx_fix(context: RuleContext, call: CommandCall) -> Fix | None:
    """setnx(k, v) -> set(k, v, nx=True, px=<policy ms>)."""
    node = call.node
    if not isinstance(node, cst.Call) or not isinstance(node.func, cst.Attribute) or any(a.star for a in node.args):
        return None
    ms = _lock_seconds(context, call) * 1000
    renamed = node.with_changes(func=node.func.with_changes(attr=cst.Name("set")))
    replacement = with_keyword(with_keyword(renamed, "nx", cst.Name("True")), "px", cst.Integer(str(ms)))
    return Fix(f"use set(..., nx=True, px={ms})", node, replacement)


def _keyword_fix(call: CommandCall, name: str, value: int, description: str) -> Fix | None:
    if not isinstance(call.node, cst.Call) or any(a.star for a in call.node.args):
        return None
    return Fix(description, call.node, with_keyword(call.node, name, cst.Integer(str(value))))


class LockUnsafeRelease(book.LockUnsafeRelease, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        taken = acquired_keys(context.model)
        for call in context.model.commands:
            if call.method not in ("delete", "unlink"):
                continue
            for key in call.keys:
                if in_lock_namespace(key) or _lock_identity(call, key) in taken:
                    yield Violation(call.node, f"{call.shown} releases lock {describe_key(key)} without checking "
                                               "who holds it: delete it with a compare-and-delete Lua script, or "
                                               "use redis-py's Lock")
                    break


class LockConstantToken(book.LockConstantToken, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        for call in context.model.commands:
            if not is_lock_acquisition(call):
                continue
            value = call.argument("value")
            if value is not None and _is_constant(context.model, value):
                token = cst.parse_expression("uuid.uuid4().hex")
                fix = Fix("use a random token, uuid.uuid4().hex (release code comparing with the constant must "
                          "compare with the token instead)", value, token, imports=("uuid",))
                yield Violation(value, f"lock {describe_key(call.key_for('name'))} is taken with a constant token: "
                                       "use a unique random one (secrets.token_hex(16)) and release only your own", fix)


def _is_constant(model: ModuleModel, expr: cst.BaseExpression, depth: int = 0) -> bool:
    if isinstance(expr, (cst.SimpleString, cst.ConcatenatedString, cst.Integer, cst.Float)):
        return True
    if isinstance(expr, cst.Name) and expr.value in ("True", "False"):
        return True
    if isinstance(expr, (cst.Name, cst.Attribute)) and depth < 4:
        located = model.refs.bindings(expr) if isinstance(expr, cst.Name) else model.refs.attribute_bindings(expr)
        bound = single_value(located)
        return bound is not None and _is_constant(bound[0], bound[1], depth + 1)
    return False
