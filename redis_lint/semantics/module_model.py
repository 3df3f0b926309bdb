"""The Redis-relevant facts of one module, computed once and shared by every rule.

`ModuleModel` walks the module once to collect candidate nodes (attribute
calls, calls, `x[k] = v` assignments) with the function they belong to, and
only when the module imports a Redis client library does it resolve them
into `CommandCall`s and `Construction`s.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.inference.usage import REDIS_ONLY
from redis_lint.semantics.command_specs import COMMANDS, JSON_COMMANDS, SCRIPT_CALL, CommandSpec, command_from_words
from redis_lint.semantics.constants import ConstantEvaluator
from redis_lint.semantics.index import ModuleIndex
from redis_lint.semantics.key_resolver import KeyResolver
from redis_lint.semantics.key_templates import KeyTemplate
from redis_lint.semantics.libraries import CLIENT_LIBRARIES, Kind
from redis_lint.semantics.lua import lua_commands
from redis_lint.semantics.project import ProjectIndex
from redis_lint.semantics.references import References
from redis_lint.semantics.usage import UsageEvidence
from redis_lint.semantics.values import RedisValue, ValueResolver
from redis_lint.semantics.walk import FastVisitor

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
    loop: Loop | None = None  # the innermost loop of its function the call runs in, if any
    keys: list[KeyArg] = field(default_factory=list)
    opaque_arguments: bool = False  # *args / **kwargs: some arguments are not visible
    lua_commands: list[str] = field(default_factory=list)

    @property
    def shown(self) -> str:
        """How a message names the call: `set()`, `client[key] = value`, a script's `_unlock()`."""
        if self.method == "__setitem__":
            return "client[key] = value"
        if self.method == "__call__" and isinstance(self.node, cst.Call):
            func = self.node.func
            name = func.value if isinstance(func, cst.Name) else func.attr.value if isinstance(func, cst.Attribute) else "script"
            return f"{name}()"
        return f"{self.method}()"

    def argument(self, name: str) -> cst.BaseExpression | None:
        value = self.arguments.get(name)
        return value if isinstance(value, cst.BaseExpression) else None

    def key_for(self, param: str) -> KeyArg | None:
        expr = self.argument(param)
        return next((k for k in self.keys if k.expr is expr), None) if expr is not None else None


@dataclass(frozen=True)
class Loop:
    node: cst.CSTNode  # the For, While or comprehension
    iterable: cst.BaseExpression | None  # what a for-loop walks (None for while loops)


@dataclass(frozen=True)
class Construction:
    node: cst.Call
    qualified_name: str
    value: RedisValue
    function: Scope  # innermost function (or the module) the construction is in
    loop: Loop | None = None  # the innermost loop of its function it runs in, if any


class ModuleModel:
    def __init__(self, module: cst.Module, *, project: ProjectIndex | None = None, name: str = "",
                 is_package: bool = False, path: Path | None = None, source: str | None = None) -> None:
        self.module = module
        self.path = path  # the file, for a module of the project
        self.project = project  # the linted project's other modules, when known
        self.name = name  # dotted module name ("app.redis.client"), for relative imports
        self.package = name if is_package else name.rpartition(".")[0]
        self.index = ModuleIndex(module, source)  # the text, when known, places reported nodes cheaply
        self.refs = References(self)
        self.values = ValueResolver(self)
        self.usage = UsageEvidence(self)
        self.keys = KeyResolver(self)
        self.constants = ConstantEvaluator(self)
        self.derived: dict[object, object] = {}  # facts rules and resolvers derive once per module and share

    @cached_property
    def _collected(self) -> _Collector:
        """One walk of the module for what the rules start from (a module only followed from
        another may never need it)."""
        collector = _Collector()
        collector.walk(self.module)
        return collector

    @property
    def client_factories(self) -> tuple[str, ...]:
        return self.project.client_factories if self.project is not None else ()

    @property
    def imports_client_library(self) -> bool:
        """`import redis`, `from valkey.asyncio import ...`: what a run's prefilter always keeps."""
        return self._collected.imports_client_library

    @cached_property
    def uses_redis(self) -> bool:
        """Whether a Redis client can appear here at all: the module imports a client library, a
        configured factory's module, or a module of the project (which may hand it a client)."""
        if self._collected.imports_client_library or self._collected.calls_redis_only:
            return True
        imported = self.refs.absolute(set(self._collected.imported_modules))
        if any(factory.startswith(f"{name}.") for factory in self.client_factories for name in imported):
            return True
        project = self.project
        if project is not None and self._collected.takes_injected_values:
            return True  # a constructor parameter may be fed a client by its callers
        return project is not None and any(project.find(name) is not None for name in imported if name)

    @property
    def calls(self) -> list[tuple[cst.Call, Scope]]:
        """Every call of the module, with the function it is in."""
        return self._collected.calls

    @property
    def definitions(self) -> list[cst.FunctionDef]:
        """Every function and method of the module."""
        return self._collected.definitions

    @property
    def strings(self) -> list[cst.SimpleString | cst.ConcatenatedString]:
        """Every string literal of the module (a concatenation as one), in the order of the code."""
        return self._collected.strings

    @property
    def with_items(self) -> list[cst.WithItem]:
        """Every item of a `with` statement of the module."""
        return self._collected.with_items

    @cached_property
    def _value_keys(self) -> frozenset[str] | None:
        """The names and attributes (`.name`) a Redis value can reach in this module, when the
        run's scan knows them (redis_lint.summaries.flows): an expression that mentions none of
        them holds none, and is not resolved."""
        project, source = self.project, self.index.source
        if project is None or project.value_keys is None or self.path is None or source is None:
            return None
        return project.value_keys(self.path, source)

    def _may_hold_value(self, expr: cst.BaseExpression) -> bool:
        keys = self._value_keys
        return keys is None or not keys.isdisjoint(_mentions(expr))

    @cached_property
    def constructions(self) -> list[Construction]:
        if not self.uses_redis:
            return []
        result = []
        for call, function in self._collected.calls:
            constructed = self.values.constructed(call) if self._may_hold_value(call.func) else None
            if constructed is None and any(_hands_from_url(arg) and self._may_hold_value(arg.value) for arg in call.args):
                constructed = self.values.factory_handed(call)  # `clients.get(url, Redis.from_url, url)`
            if constructed is not None:
                result.append(Construction(call, *constructed, function, self._collected.loops.get(call)))
        return result

    @cached_property
    def commands(self) -> list[CommandCall]:
        if not self.uses_redis:
            return []
        result = []  # in the order the commands run: inner calls of a chain first, statements in turn
        for node, function in self._collected.command_candidates:
            if isinstance(node, cst.Call):
                command = self._command(node, function)
                if command is not None:
                    result.append(command)
                continue
            receiver = self._receiver(node.value)
            if receiver is not None and receiver.kind in (Kind.CLIENT, Kind.PIPELINE):
                key = self._key_arg(node.slice[0].slice.value)  # type: ignore[union-attr]
                result.append(CommandCall(node, "__setitem__", "SET", COMMANDS["set"], receiver, function,
                                          arguments={"name": key.expr}, keys=[key]))
        return result

    def _command(self, call: cst.Call, function: Scope) -> CommandCall | None:
        func = call.func
        receiver = self._receiver(func.value) if isinstance(func, cst.Attribute) else None
        if receiver is None or receiver.kind not in (Kind.CLIENT, Kind.PIPELINE, Kind.JSON):
            if _calls_like_a_script(call):  # `script(keys=[...])`, `self._release(keys=[...])`
                script = self.values.redis(func) if self._may_hold_value(func) else None
                if script is not None and script.kind is Kind.SCRIPT:
                    return self._script_call(call, script, function)
            return None
        assert isinstance(func, cst.Attribute)
        method = func.attr.value
        if receiver.subclass is not None and self.refs.method(receiver.subclass, method) is not None:
            return None  # `AppRedis.lock()`, its own: its body is checked where it is defined
        if method == "execute_command":
            return self._raw_command(call, receiver, function)
        spec = (JSON_COMMANDS if receiver.kind is Kind.JSON else COMMANDS).get(method)
        command = CommandCall(call, method, spec.command if spec else method.upper(), spec, receiver, function,
                              loop=self._collected.loops.get(call))
        if spec is None:
            return command
        command.arguments, command.opaque_arguments = _bind(spec, call)
        for param in spec.keys:
            value = command.arguments.get(param.lstrip("*"))
            if spec.numkeys is not None and isinstance(value, list):
                value = value[:self._count(command.arguments.get(spec.numkeys))]  # `eval(src, 1, key, arg)`
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

    def _script_call(self, call: cst.Call, script: RedisValue, function: Scope) -> CommandCall | None:
        """`script(keys=[...], args=[...])`: EVALSHA of those keys on the client that registered
        it, or on the `client=` given (a pipeline queues it); None when that client is unknown."""
        arguments, opaque = _bind(SCRIPT_CALL, call)
        client = arguments.get("client")
        if isinstance(client, cst.BaseExpression) and not (isinstance(client, cst.Name) and client.value == "None"):
            receiver = self._receiver(client)
            if receiver is None or receiver.kind not in (Kind.CLIENT, Kind.PIPELINE):
                return None
        else:
            receiver = RedisValue(Kind.CLIENT, script.is_async, cluster=script.cluster)
        command = CommandCall(call, "__call__", SCRIPT_CALL.command, SCRIPT_CALL, receiver, function, arguments,
                              loop=self._collected.loops.get(call), opaque_arguments=opaque)
        keys = arguments.get("keys")
        if isinstance(keys, (cst.List, cst.Tuple)):
            command.keys = [self._key_arg(e.value) for e in keys.elements if isinstance(e, cst.Element)]
        elif isinstance(keys, cst.BaseExpression):
            command.keys = [self._key_arg(keys)]  # a list we cannot see into: its keys are unknown
        return command

    def _receiver(self, expr: cst.BaseExpression) -> RedisValue | None:
        """What a command's receiver is: traced to its origin (when a Redis value can reach it at
        all), else known by its use."""
        if self._may_hold_value(expr):
            value = self.values.redis(expr)
            if value is not None:
                return value
        return self.usage.value(expr) if self._collected.calls_redis_only else None

    def _count(self, expr: object) -> int:
        """A constant count of keys (`numkeys`); 0 when it is not one."""
        number = self.constants.number(expr) if isinstance(expr, cst.BaseExpression) else None
        return int(number) if number is not None and number == int(number) and number >= 0 else 0

    def handed_value(self, argument: cst.BaseExpression) -> RedisValue | None:
        """What an argument handed to a function is: traced to its origin, else (a Redis value) known
        by its use here: a caller that calls `hincrby` on `self.backend` hands a client when it
        passes `self.backend` on."""
        value = self.values.resolve(argument)
        if value is None and self._collected.calls_redis_only:
            value = self.usage.value(argument)
        return value

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
                           opaque_arguments=True, loop=self._collected.loops.get(call))

    def key_arg(self, expr: cst.BaseExpression) -> KeyArg:
        """An expression used as a key, with its template and source."""
        return self._key_arg(expr)

    def _key_arg(self, expr: cst.BaseExpression) -> KeyArg:
        return KeyArg(expr, self.keys.resolve(expr), " ".join(self.index.code(expr).split()))


def _calls_like_a_script(call: cst.Call) -> bool:
    """A call that may run a registered script: it names its keys (`keys=[...]`), or hands a
    list or tuple first (`script([key], [arg])`)."""
    if any(arg.keyword is not None and arg.keyword.value == "keys" for arg in call.args):
        return True
    return bool(call.args) and call.args[0].keyword is None and isinstance(call.args[0].value, (cst.List, cst.Tuple))


def _hands_from_url(arg: cst.Arg) -> bool:
    return isinstance(arg.value, cst.Attribute) and arg.value.attr.value == "from_url"


def _mentions(expr: cst.CSTNode) -> set[str]:
    """The names (`client`) and attributes (`.client`) an expression mentions, as
    redis_lint.summaries.flows names them."""
    found: set[str] = set()
    pending = [expr]
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Name):
            found.add(node.value)
        elif isinstance(node, cst.Attribute):
            found.add(f".{node.attr.value}")
            pending.append(node.value)
        else:
            pending.extend(node.children)
    return found


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


class _Collector(FastVisitor):
    """One walk of the module: the nodes worth resolving, each with its enclosing function."""

    def __init__(self) -> None:
        self.imports_client_library = False
        self.calls_redis_only = False  # a method only Redis has is called (redis_lint.semantics.usage)
        self.takes_injected_values = False  # an __init__ with parameters
        self.imported_modules: list[str] = []  # as written: "app.keys", ".keys", ".."
        self.calls: list[tuple[cst.Call, Scope]] = []  # in the order of the code, outer before inner
        self.definitions: list[cst.FunctionDef] = []  # every def, in the order of the code
        self.with_items: list[cst.WithItem] = []
        self.strings: list[cst.SimpleString | cst.ConcatenatedString] = []  # every string literal, outermost
        # method calls and `x[k] = v` targets, in execution order (a call when it returns)
        self.command_candidates: list[tuple[cst.Call | cst.Subscript, Scope]] = []
        self._functions: list[Scope] = []
        self._loops: list[list[Loop]] = [[]]  # per function: the loops we are inside
        self.loops: dict[cst.Call, Loop] = {}  # calls that run once per iteration

    def visit_Module(self, node: cst.Module) -> None:
        self._functions.append(node)

    def visit_FunctionDef(self, node: cst.FunctionDef) -> None:
        self.definitions.append(node)
        self._functions.append(node)
        self._loops.append([])  # a function defined in a loop does not run in it
        if node.name.value == "__init__" and len(node.params.params) > 1:
            self.takes_injected_values = True

    def leave_FunctionDef(self, original_node: cst.FunctionDef) -> None:
        self._functions.pop()
        self._loops.pop()

    def visit_Lambda(self, node: cst.Lambda) -> None:
        self._functions.append(node)
        self._loops.append([])

    def leave_Lambda(self, original_node: cst.Lambda) -> None:
        self._functions.pop()
        self._loops.pop()

    # What runs once per iteration: a for-loop's body (not its iterable), a while-loop's
    # test and body, a comprehension's element, conditions and inner iterables.
    def _enter_loop(self, node: cst.CSTNode, iterable: cst.BaseExpression | None) -> None:
        self._loops[-1].append(Loop(node, iterable))

    def _leave_loop(self) -> None:
        self._loops[-1].pop()

    def visit_For_body(self, node: cst.For) -> None:
        self._enter_loop(node, node.iter)

    def leave_For_body(self, node: cst.For) -> None:
        self._leave_loop()

    def visit_While_test(self, node: cst.While) -> None:
        self._enter_loop(node, None)

    def leave_While_test(self, node: cst.While) -> None:
        self._leave_loop()

    def visit_While_body(self, node: cst.While) -> None:
        self._enter_loop(node, None)

    def leave_While_body(self, node: cst.While) -> None:
        self._leave_loop()

    def _comprehension(self, node: cst.BaseComprehension) -> None:
        self._enter_loop(node, node.for_in.iter)

    def visit_ListComp_elt(self, node: cst.ListComp) -> None:
        self._comprehension(node)

    def leave_ListComp_elt(self, node: cst.ListComp) -> None:
        self._leave_loop()

    def visit_SetComp_elt(self, node: cst.SetComp) -> None:
        self._comprehension(node)

    def leave_SetComp_elt(self, node: cst.SetComp) -> None:
        self._leave_loop()

    def visit_GeneratorExp_elt(self, node: cst.GeneratorExp) -> None:
        self._comprehension(node)

    def leave_GeneratorExp_elt(self, node: cst.GeneratorExp) -> None:
        self._leave_loop()

    def visit_DictComp_value(self, node: cst.DictComp) -> None:
        self._comprehension(node)

    def leave_DictComp_value(self, node: cst.DictComp) -> None:
        self._leave_loop()

    def visit_CompFor_ifs(self, node: cst.CompFor) -> None:
        self._enter_loop(node, node.iter)

    def leave_CompFor_ifs(self, node: cst.CompFor) -> None:
        self._leave_loop()

    def visit_CompFor_inner_for_in(self, node: cst.CompFor) -> None:
        self._enter_loop(node, node.iter)  # `for c in chunks for x in r.mget(c)`: once per chunk

    def leave_CompFor_inner_for_in(self, node: cst.CompFor) -> None:
        self._leave_loop()

    def visit_Import(self, node: cst.Import) -> None:
        for alias in node.names:
            self._note_module(get_full_name_for_node(alias.name) or "")

    def visit_ImportFrom(self, node: cst.ImportFrom) -> None:
        dots = "." * len(node.relative)
        module = get_full_name_for_node(node.module) if node.module is not None else ""
        self._note_module(dots + (module or ""))
        if isinstance(node.names, Sequence):  # `from . import keys` may import a module
            for alias in node.names:
                name = get_full_name_for_node(alias.name)
                if name:
                    self.imported_modules.append(f"{dots}{module}.{name}" if module else f"{dots}{name}")

    def _note_module(self, name: str) -> None:
        self.imported_modules.append(name)
        if not name.startswith(".") and name.split(".", 1)[0] in CLIENT_LIBRARIES:
            self.imports_client_library = True

    def visit_WithItem(self, node: cst.WithItem) -> None:
        self.with_items.append(node)

    def visit_SimpleString(self, node: cst.SimpleString) -> None:
        self.strings.append(node)

    def visit_ConcatenatedString(self, node: cst.ConcatenatedString) -> bool:
        self.strings.append(node)
        return False  # its parts are not literals of their own

    def visit_Call(self, node: cst.Call) -> None:
        self.calls.append((node, self._functions[-1]))
        if self._loops[-1]:
            self.loops[node] = self._loops[-1][-1]
        func = node.func
        if (isinstance(func, cst.Attribute) and func.attr.value == "import_module" or isinstance(func, cst.Name)
                and func.value == "import_module") and len(node.args) == 1 and isinstance(node.args[0].value, cst.SimpleString):
            module = node.args[0].value.evaluated_value  # `importlib.import_module("redis")`: an import
            if isinstance(module, str):
                self._note_module(module)

    def leave_Call(self, original_node: cst.Call) -> None:
        func = original_node.func
        if isinstance(func, cst.Attribute) or _calls_like_a_script(original_node):
            self.command_candidates.append((original_node, self._functions[-1]))
        if isinstance(func, cst.Attribute) and func.attr.value in REDIS_ONLY:
            self.calls_redis_only = True

    def leave_Assign(self, original_node: cst.Assign) -> None:
        for assign_target in original_node.targets:
            target = assign_target.target
            if isinstance(target, cst.Subscript) and len(target.slice) == 1 and isinstance(target.slice[0].slice, cst.Index):
                self.command_candidates.append((target, self._functions[-1]))
