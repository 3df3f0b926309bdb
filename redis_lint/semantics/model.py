"""The Redis-relevant facts of one module, computed once and shared by every rule.

`ModuleModel` walks the module once to collect candidate nodes (attribute
calls, calls, `x[k] = v` assignments) with the function they belong to, and
only when the module imports a Redis client library does it resolve them
into `CommandCall`s and `Construction`s.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from functools import cached_property

import libcst as cst

from redis_lint.semantics.commands import COMMANDS, CommandSpec, command_from_words
from redis_lint.semantics.constants import ConstantEvaluator
from redis_lint.semantics.index import ModuleIndex
from redis_lint.semantics.keys import KeyResolver, KeyTemplate
from redis_lint.semantics.libraries import CLIENT_LIBRARIES, Kind
from redis_lint.semantics.lua import lua_commands
from redis_lint.semantics.values import RedisValue, ValueResolver

Scope = cst.Module | cst.FunctionDef | cst.Lambda


@dataclass(frozen=True)
class KeyArg:
    expr: cst.BaseExpression
    template: KeyTemplate | None
    source: str  # the argument's code, for keys that do not resolve

    @property
    def identity(self) -> str:
        """What makes two key arguments the same key within one function."""
        return self.template.render() if self.template is not None else self.source


@dataclass
class CommandCall:
    node: cst.CSTNode  # the call, or the target of `client[key] = value`
    method: str  # "set", "execute_command", "__setitem__"
    command: str  # the Redis command: "SET", "CONFIG SET"
    spec: CommandSpec | None
    receiver: RedisValue
    function: Scope  # innermost function (or the module) the call is in
    arguments: dict[str, cst.BaseExpression | list[cst.BaseExpression]] = field(default_factory=dict)
    keys: list[KeyArg] = field(default_factory=list)
    opaque_arguments: bool = False  # *args / **kwargs: some arguments are not visible
    lua_commands: list[str] = field(default_factory=list)

    def argument(self, name: str) -> cst.BaseExpression | None:
        value = self.arguments.get(name)
        return value if isinstance(value, cst.BaseExpression) else None

    def key_for(self, param: str) -> KeyArg | None:
        expr = self.argument(param)
        return next((k for k in self.keys if k.expr is expr), None) if expr is not None else None


@dataclass(frozen=True)
class Construction:
    node: cst.Call
    qualified_name: str
    value: RedisValue


class ModuleModel:
    def __init__(self, module: cst.Module) -> None:
        self.module = module
        self.index = ModuleIndex(module)
        self.values = ValueResolver(self.index)
        self.keys = KeyResolver(self.index)
        self.constants = ConstantEvaluator(self.index)
        self._collected = _Collector()
        module.visit(self._collected)

    @property
    def uses_redis(self) -> bool:
        return self._collected.imports_client_library

    @cached_property
    def constructions(self) -> list[Construction]:
        if not self.uses_redis:
            return []
        result = []
        for call in self._collected.calls:
            constructed = self.values.constructed(call)
            if constructed is not None:
                result.append(Construction(call, *constructed))
        return result

    @cached_property
    def commands(self) -> list[CommandCall]:
        if not self.uses_redis:
            return []
        result = []
        for call, function in self._collected.method_calls:
            command = self._command(call, function)
            if command is not None:
                result.append(command)
        for target, function in self._collected.item_assignments:
            receiver = self.values.resolve(target.value)
            if receiver is not None and receiver.kind in (Kind.CLIENT, Kind.PIPELINE):
                key = self._key_arg(target.slice[0].slice.value)  # type: ignore[union-attr]
                result.append(CommandCall(target, "__setitem__", "SET", COMMANDS["set"], receiver, function,
                                          {"name": key.expr}, [key]))
        return result

    def _command(self, call: cst.Call, function: Scope) -> CommandCall | None:
        func = call.func
        assert isinstance(func, cst.Attribute)
        receiver = self.values.resolve(func.value)
        if receiver is None or receiver.kind not in (Kind.CLIENT, Kind.PIPELINE):
            return None
        method = func.attr.value
        if method == "execute_command":
            return self._raw_command(call, receiver, function)
        spec = COMMANDS.get(method)
        command = CommandCall(call, method, spec.command if spec else method.upper(), spec, receiver, function)
        if spec is None:
            return command
        command.arguments, command.opaque_arguments = _bind(spec, call)
        for param in spec.keys:
            value = command.arguments.get(param.lstrip("*"))
            for expr in value if isinstance(value, list) else [value] if value is not None else []:
                if isinstance(expr, (cst.List, cst.Tuple)) and not param.startswith("*"):
                    command.keys.extend(self._key_arg(e.value) for e in expr.elements if isinstance(e, cst.Element))
                else:
                    command.keys.append(self._key_arg(expr))
        if spec.key_mapping is not None:
            mapping = command.argument(spec.key_mapping)
            if isinstance(mapping, cst.Dict):
                command.keys.extend(self._key_arg(e.key) for e in mapping.elements if isinstance(e, cst.DictElement))
        if spec.script is not None:
            script = command.argument(spec.script)
            source = self.keys.string_value(script) if script is not None else None
            command.lua_commands = lua_commands(source) if source else []
        return command

    def _raw_command(self, call: cst.Call, receiver: RedisValue, function: Scope) -> CommandCall:
        """`execute_command("CONFIG", "SET", ...)`: the command is in the leading string arguments."""
        words = []
        for arg in call.args[:2]:
            if arg.star or arg.keyword is not None:
                break
            word = self.keys.string_value(arg.value)
            if word is None or not word.replace("_", "").isalpha():
                break
            words.extend(word.split())
        return CommandCall(call, "execute_command", command_from_words(words), None, receiver, function,
                           opaque_arguments=True)

    def _key_arg(self, expr: cst.BaseExpression) -> KeyArg:
        return KeyArg(expr, self.keys.resolve(expr), " ".join(self.index.code(expr).split()))


def _bind(spec: CommandSpec, call: cst.Call) -> tuple[dict, bool]:
    """Match a call's arguments to the command's parameters, as Python would."""
    bound: dict[str, cst.BaseExpression | list[cst.BaseExpression]] = {}
    opaque = False
    params = list(spec.params)
    position = 0
    for arg in call.args:
        if arg.star:
            opaque = True
            continue
        if arg.keyword is not None:
            bound[arg.keyword.value] = arg.value
            continue
        if opaque:  # positions after *args are unknown
            continue
        if position < len(params) and params[position].startswith("*"):
            rest = bound.setdefault(params[position][1:], [])
            assert isinstance(rest, list)
            rest.append(arg.value)
        elif position < len(params):
            bound[params[position]] = arg.value
            position += 1
    return bound, opaque


class _Collector(cst.CSTVisitor):
    """One walk of the module: the nodes worth resolving, each with its enclosing function."""

    def __init__(self) -> None:
        self.imports_client_library = False
        self.calls: list[cst.Call] = []
        self.method_calls: list[tuple[cst.Call, Scope]] = []
        self.item_assignments: list[tuple[cst.Subscript, Scope]] = []
        self._functions: list[Scope] = []

    def visit_Module(self, node: cst.Module) -> None:
        self._functions.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self._functions.append(node)

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._functions.append(node)

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._functions.pop()

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._note_module(alias.name)

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        if node.module is not None and not node.relative:
            self._note_module(node.module)

    def _note_module(self, name: cst.BaseExpression) -> None:
        while isinstance(name, cst.Attribute):
            name = name.value
        if isinstance(name, cst.Name) and name.value in CLIENT_LIBRARIES:
            self.imports_client_library = True

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append(node)
        if isinstance(node.func, cst.Attribute):
            self.method_calls.append((node, self._functions[-1]))

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        target = node.target
        if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
            self.item_assignments.append((target, self._functions[-1]))
