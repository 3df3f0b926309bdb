"""RDS601 command-in-loop and RDS602 pipeline-not-executed."""

from __future__ import annotations

from collections.abc import Iterator

import libcst as cst

from redis_lint.rulebook import pipelines as book
from redis_lint.rulebook.pipelines import (BLOCKING_METHODS, SPLIT_BY_CLUSTER_CLIENTS, cross_slot_message, loop_message,
                                          one_slot)
from redis_lint.rules.base import Rule, RuleContext, Violation
from redis_lint.semantics.command_specs import NOT_ROUND_TRIPS
from redis_lint.semantics.libraries import Kind, is_cluster_name
from redis_lint.semantics.lifetimes import accesses, bound_name
from redis_lint.semantics.module_model import CommandCall, KeyArg, ModuleModel
from redis_lint.semantics.values import transaction_callback

# Blocking reads: a consumer loop waits on them; one round trip per message is the point.
_SMALL_LOOP = 3


def _small_literal_loop(iterable: cst.BaseExpression | None) -> bool:
    """`for key in ("a", "b"):` - a handful of commands is not worth a pipeline."""
    return isinstance(iterable, (cst.Tuple, cst.List, cst.Set)) and len(iterable.elements) <= _SMALL_LOOP


class CommandInLoop(book.CommandInLoop, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        for call in context.model.commands:
            if (call.loop is None or not _sent_at_once(call) or call.method in BLOCKING_METHODS
                    or call.method in NOT_ROUND_TRIPS or _small_literal_loop(call.loop.iterable)):
                continue
            yield Violation(call.node, loop_message(call.shown))


def _sent_at_once(call: CommandCall) -> bool:
    """A command on a client, or on its `json()`; not one queued on a pipeline."""
    receiver = call.receiver
    return receiver.kind is Kind.CLIENT or (receiver.kind is Kind.JSON and not receiver.queued)


class PipelineNotExecuted(book.PipelineNotExecuted, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        for call in model.commands:
            if call.method != "pipeline" or call.receiver.kind is not Kind.CLIENT:
                continue
            verdict = _executed(model, call)
            if verdict is False:
                yield Violation(call.node, "this pipeline queues commands but is never executed: call execute() "
                                           "(leaving a with block only resets it)")


def _executed(model: ModuleModel, creation: CommandCall) -> bool | None:
    """False when the pipeline queues commands and is never executed; None when it escapes our view."""
    parent = model.index.parent(creation.node)
    if isinstance(parent, cst.Attribute) and parent.value is creation.node:  # r.pipeline().set(...)...
        return _chain_executed(model, creation.node)
    name = bound_name(model, creation.node)
    if name is None:
        return None  # returned, passed on, stored in an attribute: someone else may execute it
    queued = watched = transaction = False
    for access in accesses(model, name):
        use = model.index.parent(access)
        call = model.index.parent(use) if isinstance(use, cst.Attribute) else None
        if not (isinstance(use, cst.Attribute) and isinstance(call, cst.Call) and call.func is use):
            return None  # used other than by calling its methods
        method = use.attr.value
        if method == "execute":
            return True
        watched = watched or method == "watch"
        transaction = transaction or method == "multi"
        queued = queued or method not in ("reset", "watch", "unwatch", "multi")
        if _has_link(model, call):
            chained = _chain_executed(model, call)
            if chained is not False:
                return chained  # executed down the chain (`p.set(...).execute()`), or the chain escapes
        elif not isinstance(model.index.parent(call), cst.Expr):
            return None  # `q = p.zrange(...)`: a command returns the pipeline, now under another name
    if watched and not transaction:
        return None  # after watch(), a pipeline sends each command at once until multi()
    return False if queued else None


def _has_link(model: ModuleModel, call: cst.CSTNode) -> bool:
    """Whether a method is called on the call's result: `p.set(...)` followed by `.expire(...)`."""
    attribute = model.index.parent(call)
    return isinstance(attribute, cst.Attribute) and attribute.value is call and \
        isinstance(outer := model.index.parent(attribute), cst.Call) and outer.func is attribute


def _chain_executed(model: ModuleModel, node: cst.CSTNode) -> bool | None:
    """Follow `r.pipeline().a().b()` to its end: executed if a link is execute()."""
    queued = False
    while True:
        attribute = model.index.parent(node)
        call = model.index.parent(attribute) if isinstance(attribute, cst.Attribute) else None
        if not (isinstance(attribute, cst.Attribute) and isinstance(call, cst.Call) and call.func is attribute):
            break
        if attribute.attr.value == "execute":
            return True
        queued = True
        node = call
    statement = model.index.parent(node)
    if not isinstance(statement, cst.Expr):
        return None  # the chain's result is assigned, returned or passed on
    return False if queued else None


class CrossSlot(book.CrossSlot, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        if not _on_cluster(context):
            return
        for call in model.commands:
            if call.method == "pipeline" and call.receiver.kind is Kind.CLIENT:
                keys = _transaction_keys(model, call)
                what = "this transaction"  # MULTI/EXEC: every key it queues goes to one node
            elif call.method == "transaction" and call.receiver.kind is Kind.CLIENT and not call.opaque_arguments:
                keys, what = [*call.keys, *_callback_keys(model, call)], "this transaction"  # WATCH, then MULTI/EXEC
            elif call.spec is not None and not call.opaque_arguments and call.method not in SPLIT_BY_CLUSTER_CLIENTS:
                keys, what = call.keys, call.shown
            else:
                continue
            templates = [key.template for key in keys or ()]
            known = [t for t in templates if t is not None and t.has_literal]
            if len(templates) < 2 or len(known) < len(templates):
                continue  # a key we know nothing of: it may carry the same tag
            if not one_slot(known):
                yield Violation(call.node, cross_slot_message(what, known))


def _on_cluster(context: RuleContext) -> bool:
    """The configuration's `cluster`, else whether the project builds a cluster client (this
    module, when the project was not scanned)."""
    if context.policy.cluster is not None:
        return context.policy.cluster
    project = context.model.project
    if project is not None and project.builds_cluster is not None:
        return project.builds_cluster
    return any(is_cluster_name(construction.qualified_name) for construction in context.model.constructions)


def _callback_keys(model: ModuleModel, transaction: CommandCall) -> list[KeyArg]:
    """The keys of the commands a function handed to `transaction(func, *watches)` sends on the
    pipeline it is given: they run under the same WATCH and MULTI/EXEC."""
    callback = transaction_callback(model.index, transaction.node) if isinstance(transaction.node, cst.Call) else None
    if callback is None:
        return []
    function, pipeline = callback[0], callback[1].name.value
    return [key for command in model.commands if command.function is function and command.spec is not None
            and isinstance(command.node, cst.Call) and isinstance(receiver := command.node.func, cst.Attribute)
            and isinstance(receiver.value, cst.Name) and receiver.value.value == pipeline for key in command.keys]


def _transaction_keys(model: ModuleModel, creation: CommandCall) -> list[KeyArg] | None:
    """The keys the commands queued on a transaction pipeline take (`p = r.pipeline()`, `with
    r.pipeline() as p`), or None when it is no transaction or leaves our view."""
    flags = [a.value for a in creation.node.args if a.keyword is None or a.keyword.value == "transaction"][:1]
    flag = flags[0].value if flags and isinstance(flags[0], cst.Name) else None
    if flag == "False" or creation.receiver.cluster and flag != "True":
        return None  # `pipeline(transaction=False)`, a cluster client's `pipeline()`: each command to its own node
    name = bound_name(model, creation.node)
    if name is None:
        return None
    commands = {command.node: command for command in model.commands}
    keys: list[KeyArg] = []
    for access in accesses(model, name):
        node: cst.CSTNode = access
        while isinstance(use := model.index.parent(node), cst.Attribute) and isinstance(
                call := model.index.parent(use), cst.Call) and call.func is use:
            command = commands.get(call)
            if command is not None and command.spec is not None:
                if command.opaque_arguments:
                    return None
                keys.extend(command.keys)
            node = call  # `p.set(...).expire(...)`: the chain queues on the same pipeline
        if node is access and model.index.parent(access) is not None and not isinstance(
                model.index.parent(access), cst.Attribute):
            return None  # handed on, returned, stored: more may be queued elsewhere
    return keys
