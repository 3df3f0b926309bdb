"""RDS101 missing-ttl and RDS102 ttl-over-policy."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterator

import libcst as cst

from redis_lint.rulebook import ttl as book
from redis_lint.rulebook.ttl import advice_for, over_policy_message, policy_cap
from redis_lint.rules.base import Fix, Rule, RuleContext, Violation, describe_key, prefix_segments, with_keyword
from redis_lint.semantics.command_specs import TtlUnit
from redis_lint.semantics.constants import Duration
from redis_lint.semantics.module_model import CommandCall, KeyArg, ModuleModel

_NO_VALUE = ("None", "False")

# Reads that give the key (or the fields read) an expiry when asked to: GETEX, HGETEX.
_EXPIRING_READS = frozenset({"getex", "hgetex"})


def has_expiry_argument(call: CommandCall) -> bool:
    """The call itself gives the key an expiry (ex=, px=, keepttl=True, setex's time, ...)."""
    assert call.spec is not None
    for param in call.spec.ttl:
        value = call.argument(param.name)
        if value is not None and not (isinstance(value, cst.Name) and value.value in _NO_VALUE):
            return True
    return False


def expiries_in(model: ModuleModel) -> dict[cst.CSTNode, set[str]]:
    """For each function of a module: the keys (by identity) it gives a TTL, itself or through
    a helper of the project that expires the key it is given (`self._touch(key)`)."""
    expired: dict[cst.CSTNode, set[str]] = defaultdict(set)
    for call in model.commands:
        if call.spec is not None and (call.spec.sets_expiry_on or call.method in _EXPIRING_READS) and has_expiry_argument(call):
            key = call.key_for(call.spec.sets_expiry_on or "name")
            if key is not None:
                expired[call.function].add(key.identity)
    defined_here = _function_names(model)
    for node, function in model.calls:
        if not _may_call_expiring_helper(model, node, defined_here):
            continue
        target = model.refs.function_for_call(node)
        if target is None:
            continue
        params = expiring_parameters(target.model).get(target.node)
        if not params:
            continue
        positional = list(target.node.params.params)[1 if target.bound else 0:]
        for index, arg in enumerate(node.args):
            name = arg.keyword.value if arg.keyword is not None else (
                positional[index].name.value if index < len(positional) and not arg.star else None)
            if name in params:
                expired[function].add(model.key_arg(arg.value).identity)
    return expired


def _may_call_expiring_helper(model: ModuleModel, call: cst.Call, defined_here: set[str]) -> bool:
    """Whether a call can invoke a helper that expires its argument: one of this module's
    functions, or one that the project's summaries say expires a parameter (found by the name it
    is called by, or the name an import gives it)."""
    func = call.func
    if isinstance(func, cst.Name):
        names = {func.value} | {q.rpartition(".")[2] for q in model.index.qualified_names(func)}
    elif isinstance(func, cst.Attribute):
        names = {func.attr.value}
    else:
        return True
    project = model.project
    return bool(names & defined_here) or project is None or any(
        project.may_be_expiring_helper(name, by=model) for name in sorted(names))


def _function_names(model: ModuleModel) -> set[str]:
    """The module's functions that call anything (a helper that expires its argument does)."""
    return {function.name.value for _, function in model.calls if isinstance(function, cst.FunctionDef)}


def expiring_parameters(model: ModuleModel) -> dict[cst.CSTNode, set[str]]:
    """Functions of a module that expire a key they take as a parameter: function -> parameter names."""
    cached = model.derived.get("expiring_parameters")
    if cached is None:
        cached = defaultdict(set)
        for call in model.commands:
            if call.spec is None or not call.spec.sets_expiry_on or not has_expiry_argument(call):
                continue
            key = call.argument(call.spec.sets_expiry_on)
            if isinstance(key, cst.Name) and isinstance(call.function, cst.FunctionDef):
                params = {p.name.value for p in call.function.params.params}
                if key.value in params:
                    cached[call.function].add(key.value)
        model.derived["expiring_parameters"] = cached
    return cached  # type: ignore[no-any-return]


class MissingTtl(book.MissingTtl, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        cleared = list(self._ttl_cleared(context))
        yield from cleared
        reported = {id(v.node) for v in cleared}
        yield from (v for v in self._writes_without_ttl(context) if id(v.node) not in reported)

    @staticmethod
    def _ttl_cleared(context: RuleContext) -> Iterator[Violation]:
        """A plain SET on a key the function gave a TTL earlier: SET drops the TTL unless KEEPTTL."""
        given: dict[cst.CSTNode, set[str]] = defaultdict(set)  # function -> keys with a TTL so far
        pending: list[tuple[CommandCall, KeyArg]] = []
        for call in context.model.commands:  # in source order
            if call.spec is None or call.opaque_arguments:
                continue
            key = call.key_for(call.spec.sets_expiry_on or "name")
            if key is None:
                continue
            if has_expiry_argument(call) and (call.spec.sets_expiry_on or call.spec.creates):
                given[call.function].add(key.identity)
                pending = [(c, k) for c, k in pending if not (c.function is call.function and k.identity == key.identity)]
            elif call.spec.command == "SET" and key.identity in given[call.function]:
                pending.append((call, key))
        for call, key in pending:
            name = call.shown
            fix = None
            if isinstance(call.node, cst.Call) and call.argument("keepttl") is None:
                fix = Fix("pass keepttl=True", call.node, with_keyword(call.node, "keepttl", cst.Name("True")))
            yield Violation(call.node, f"{name} on {describe_key(key)} drops the TTL it was given earlier: "
                                       "pass ex= again, or keepttl=True", fix)

    @staticmethod
    def _writes_without_ttl(context: RuleContext) -> Iterator[Violation]:
        commands = context.model.commands
        expired: dict[cst.CSTNode, set[str]] | None = None  # asked of the first write without a TTL argument
        for call in commands:
            spec = call.spec
            if spec is None or call.opaque_arguments or not (spec.creates or spec.key_mapping):
                continue
            if has_expiry_argument(call):
                continue
            if expired is None:
                expired = expiries_in(context.model)
            created = [call.key_for(param) for param in spec.creates] if spec.creates else list(call.keys)
            unexpired = [
                key for key in created
                if key is None or (
                    key.identity not in expired[call.function]
                    and not context.policy.is_persistent(prefix_segments(key.template))
                )
            ]
            if not unexpired and created:
                continue
            key = unexpired[0] if unexpired else None
            name = call.shown
            limit = context.policy.max_ttl_for(prefix_segments(key.template)) if key else None
            target = f" on {describe_key(key)}" if key is not None else ""
            verb = "cannot set a TTL" if call.method in ("setnx", "msetnx", "mset") else "has no TTL"
            advice = "use set(key, value, ex=...)" if call.method == "__setitem__" else advice_for(call.command)
            fix = None
            if limit is not None and call.method == "set" and isinstance(call.node, cst.Call) and not any(
                    a.star for a in call.node.args):
                fix = Fix(f"pass ex={limit[1]}, the policy maximum for {limit[0]}", call.node,
                          with_keyword(call.node, "ex", cst.Integer(str(limit[1]))))
            yield Violation(call.node, f"{name}{target} {verb}: {advice}{policy_cap(limit)}", fix)


class TtlOverPolicy(book.TtlOverPolicy, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        for call in context.model.commands:
            if call.spec is None or not call.spec.ttl or not call.spec.keys:
                continue
            key = call.key_for(call.spec.keys[0])
            limit = context.policy.max_ttl_for(prefix_segments(key.template)) if key else None
            if limit is None:
                continue
            for param in call.spec.ttl:
                expr = call.argument(param.name)
                if expr is None or param.unit not in (TtlUnit.SECONDS, TtlUnit.MILLISECONDS):
                    continue
                value = context.model.constants.number(expr)
                if value is None:
                    continue
                ttl = value if isinstance(value, Duration) or param.unit is TtlUnit.SECONDS else value / 1000
                if ttl > limit[1]:
                    yield Violation(expr, over_policy_message(ttl, describe_key(key), limit))


