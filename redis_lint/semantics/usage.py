"""Clients known by how they are used: a receiver on which methods only Redis has are called.

When the analysis cannot trace a receiver to a redis/valkey import (a parameter no caller
shows, an attribute set by a framework, a helper whose returns disagree), a reader still knows
it by what the code calls on it.  The receiver is a name or a dotted path from one
(`conn`, `self.backend`, `REDIS_SERVER`, `app.redis`), and what is called on it is gathered
where the same value is meant:

- a name: every use of that variable in its scope (a function's local or parameter, a
  module's global in any function that reads it, and, for a global of another project
  module, that module's own uses); a test's parameter named like a pytest fixture of its
  module: every test and fixture of the module that takes it (pytest hands them the same);
- `self.<path>` in a method: every method of the class;
- a name bound to `<receiver>.pipeline(...)` (by assignment or `with ... as`): its uses are
  the receiver's too, since a pipeline sends its client's commands.

The grading of the names is redis_lint.inference.usage's: one name only Redis has is evidence
(unless a class of the project defines a method by that name),
and what else is called on the receiver, or whether its replies are read, tells a client from a
pipeline (or leaves it either).  Evidence never overrides a known origin: a
literal, a builtin container, the project's own objects and anything built by or taken from
another library (`django.core.cache.cache`, `requests.Session()`, `sessionmaker()()`) are
what they are, whatever is called on them.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING, NamedTuple

import libcst as cst

from redis_lint.inference.usage import PIPELINE_ONLY, REDIS_ONLY, evidence, is_client_by_use
from redis_lint.semantics.command_specs import COMMANDS
from redis_lint.semantics.index import Binding, BindingKind
from redis_lint.semantics.libraries import Kind, is_library_name
from redis_lint.semantics.project import Reach
from redis_lint.semantics.scopes import ScopeKind

from redis_lint.semantics.values import RedisValue

if TYPE_CHECKING:
    from redis_lint.semantics.module_model import ModuleModel

# What makes two receivers the same value: (the scope that binds the name, the name, the dotted
# path after it) for a variable, ("self", the class, the path) for `self.<path>` in a method.
Identity = tuple[object, object, str]

_FIXTURE_DECORATORS = frozenset({"pytest.fixture", "pytest_asyncio.fixture"})
_LITERALS = (cst.Dict, cst.List, cst.Set, cst.Tuple, cst.SimpleString, cst.ConcatenatedString,
             cst.FormattedString, cst.Integer, cst.Float, cst.Imaginary, cst.ListComp, cst.SetComp,
             cst.DictComp, cst.GeneratorExp, cst.Lambda, cst.Comparison, cst.BinaryOperation)


class _Uses(NamedTuple):
    methods: dict[Identity, set[str]]  # the methods called on each value
    pipelines: dict[Identity, set[Identity]]  # the pipelines taken from it (`p = x.pipeline()`)
    awaited: set[Identity]  # values whose commands are awaited
    replies_read: set[Identity]  # values a command's reply is read from (`if x.llen(k) == 0`)
    # the variables a command's reply is bound to (`entry = x.get(k)`): read when nothing else tells
    replies_bound: dict[Identity, list[cst.Name]]


def _tested(expr: cst.BaseExpression, parent: cst.CSTNode | None) -> bool:
    """Whether a value is compared or tested where it is written."""
    if isinstance(parent, (cst.Comparison, cst.ComparisonTarget, cst.Assert)):
        return True
    if isinstance(parent, cst.UnaryOperation) and isinstance(parent.operator, cst.Not):
        return True
    return isinstance(parent, (cst.If, cst.While, cst.IfExp)) and parent.test is expr


class UsageEvidence:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index

    @cached_property
    def _uses(self) -> _Uses:
        """What the module calls on each value it names, from one pass over its calls."""
        found = _Uses({}, {}, set(), set(), {})
        for call, _ in self.model.calls:
            func = call.func
            if not isinstance(func, cst.Attribute):
                continue
            identity = self.identity(func.value)
            if identity is None:
                continue
            method = func.attr.value
            found.methods.setdefault(identity, set()).add(method)
            parent = self.index.parent(call)
            if method in REDIS_ONLY and isinstance(parent, cst.Await):
                found.awaited.add(identity)
            if method in COMMANDS:
                if _tested(call, parent):
                    found.replies_read.add(identity)
                elif (isinstance(parent, cst.Assign) and len(parent.targets) == 1
                        and isinstance(parent.targets[0].target, cst.Name)):
                    found.replies_bound.setdefault(identity, []).append(parent.targets[0].target)
            if method == "pipeline":
                target = self._bound_to(call)
                if target is not None:
                    found.pipelines.setdefault(identity, set()).add(target)
        return found

    def _reads_a_bound_reply(self, identity: Identity) -> bool:
        """Whether a variable a command's reply is bound to is then compared or tested (`entry =
        x.get(k)`, then `if entry is None`)."""
        for target in self._uses.replies_bound.get(identity, ()):
            scope = self.index.scope(target)
            bound = [a for a in scope[target.value] if a.node is target] if scope is not None else []
            if any(_tested(read.node, self.index.parent(read.node)) for a in bound for read in a.references):
                return True
        return False

    def _bound_to(self, call: cst.Call) -> Identity | None:
        """The variable `x = <call>` or `with <call> as x` binds."""
        parent = self.index.parent(call)
        if isinstance(parent, cst.Assign) and len(parent.targets) == 1:
            return self.identity(parent.targets[0].target)
        if isinstance(parent, cst.WithItem) and parent.asname is not None:
            return self.identity(parent.asname.name)  # type: ignore[arg-type]
        return None

    def identity(self, expr: cst.BaseExpression) -> Identity | None:
        """What a receiver is the same value as, or None for one a reader cannot name
        (`get_client().set`, `clients[0].set`)."""
        parts: list[str] = []
        while isinstance(expr, cst.Attribute):
            parts.append(expr.attr.value)
            expr = expr.value
        if not isinstance(expr, cst.Name):
            return None
        scope = self.index.scope(expr)
        if scope is None:
            return None
        assignments = scope[expr.value]
        if not assignments or any(a.node is None for a in assignments):
            return None  # unbound, or a builtin
        path = ".".join(reversed(parts))
        first = assignments[0].node
        if len(assignments) == 1 and isinstance(first, cst.Param):
            owner = self.index.self_class(first) if parts else None
            if owner is not None:
                return ("self", owner, path)
            if expr.value in self._fixtures and self._takes_fixtures(first):
                return ("fixture", expr.value, path)
        return (assignments[0].scope, expr.value, path)

    @cached_property
    def _fixtures(self) -> dict[str, cst.FunctionDef]:
        """The pytest fixtures this module defines, by the name tests ask for them (`@pytest.fixture
        def conn(): ...`, `@pytest.fixture(name="conn")`)."""
        found = {}
        for function in self.model.definitions:
            for decorator in function.decorators:
                target = decorator.decorator
                call = target if isinstance(target, cst.Call) else None
                if self.model.refs.qualified_names(call.func if call else target) & _FIXTURE_DECORATORS:
                    named = [a.value for a in (call.args if call else ()) if a.keyword and a.keyword.value == "name"]
                    fixed = self.model.keys.string_value(named[0]) if named else None
                    found[fixed or function.name.value] = function
        return found

    def fixture_for(self, param: cst.Param) -> cst.FunctionDef | None:
        """The fixture of this module that pytest hands to a test's (or fixture's) parameter."""
        name = param.name.value
        if name not in self._fixtures or not self._takes_fixtures(param):
            return None
        fixture = self._fixtures[name]
        return fixture if self.index.enclosing(param, (cst.FunctionDef,)) is not fixture else None

    def _takes_fixtures(self, param: cst.Param) -> bool:
        """Whether pytest fills a parameter with the fixture of its name: a parameter of a
        module-level test (`test*`) or fixture, or of a `test*` method of a module-level `Test*`
        class (not the method's first)."""
        function = self.index.enclosing(param, (cst.FunctionDef, cst.Lambda))
        if not isinstance(function, cst.FunctionDef):
            return False
        outer = self.index.enclosing(function, (cst.FunctionDef, cst.ClassDef))
        if outer is None:
            return function.name.value.startswith("test") or function.name.value in self._fixtures
        params = function.params.params
        return (isinstance(outer, cst.ClassDef) and outer.name.value.startswith("Test")
                and function.name.value.startswith("test") and bool(params) and params[0] is not param
                and self.index.enclosing(outer, (cst.FunctionDef, cst.ClassDef)) is None)

    def methods(self, identity: Identity) -> set[str]:
        """What is called on a value: on itself, and on the pipelines taken from it."""
        uses = self._uses
        found = set(uses.methods.get(identity, ()))
        for pipeline in uses.pipelines.get(identity, ()):
            found |= uses.methods.get(pipeline, set())
        return found

    def global_methods(self, name: str) -> set[str]:
        """What is called on a module-level name of this module, anywhere in it."""
        return set().union(*(self.methods(i) for i in self._uses.methods
                             if i[1] == name and i[2] == "" and getattr(i[0], "kind", None) is ScopeKind.MODULE))

    def value(self, receiver: cst.BaseExpression) -> RedisValue | None:
        """The receiver as a client or pipeline known by its use, or None."""
        identity = self.identity(receiver)
        if identity is None:
            return None
        methods = self.methods(identity)
        defined = self._defined_elsewhere(receiver)
        if defined is not None:
            methods |= defined[0].usage.global_methods(defined[1])
        found = evidence(methods - self._wrapped)
        if not found or self._known_other(receiver, identity):
            return None
        if defined is not None and any(self._other_binding(m, b, defined[1])
                                       for m, b in defined[0].refs.global_bindings(defined[1], reach=Reach.VALUES)):
            return None
        uses = self._uses
        own = uses.methods.get(identity, set())
        # a client by what is called on it, by the pipelines taken from it, or because a command's
        # reply is read (a pipeline's commands return the pipeline, not a reply)
        client = is_client_by_use(own) or own.isdisjoint(PIPELINE_ONLY) and (
            bool(uses.pipelines.get(identity)) or identity in uses.replies_read
            or self._reads_a_bound_reply(identity))
        kind = Kind.CLIENT if client else Kind.PIPELINE  # either: only the rules that hold for both
        shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
        where = f" in {identity[1].name.value}" if identity[0] == "self" else ""  # type: ignore[index]
        code = " ".join(self.index.code(receiver).split())
        return RedisValue(kind, identity in uses.awaited, evidence=f"`{code}`: used with {shown}{where}",
                          either=not client)

    @cached_property
    def _wrapped(self) -> frozenset[str]:
        """The names the project's classes (this module's, when the project was not scanned) define
        as methods: a call by one of them may be the project's own wrapper's."""
        project = self.model.project
        scanned = project.wrapped_names if project is not None and project.wrapped_names is not None else frozenset()
        own = {f.name.value for f in self.model.definitions if self.index.class_of_method(f) is not None}
        return scanned | (own & REDIS_ONLY)

    def _defined_elsewhere(self, receiver: cst.BaseExpression) -> tuple[ModuleModel, str] | None:
        """The other project module and its global that a receiver names (`from app.store import
        client`, `store.client`): what that module calls on it is evidence here too."""
        refs, project = self.model.refs, self.model.project
        if project is None:
            return None
        target = None
        if isinstance(receiver, cst.Name):
            imports = [b for b in self.index.bindings(receiver) if b.kind is BindingKind.IMPORT]
            if len(imports) == 1:
                target = refs.import_target(receiver.value, imports[0], Reach.VALUES)
        elif isinstance(receiver, cst.Attribute) and isinstance(receiver.value, cst.Name) and all(
                b.kind is BindingKind.IMPORT for b in self.index.bindings(receiver.value)):  # `store.client`
            for qualified in sorted(refs.qualified_names(receiver)):
                found = project.lookup(qualified, by=self.model, reach=Reach.VALUES)
                if isinstance(found, tuple):
                    target = found
                    break
        return target if target is not None and target[0] is not self.model else None

    # -- origins -----------------------------------------------------------------------

    def _known_other(self, receiver: cst.BaseExpression, identity: Identity) -> bool:
        """Whether the receiver's origin is known and is not Redis."""
        value = self.model.values.resolve(receiver)
        if value is not None:
            return value.kind is Kind.OBJECT
        root = receiver
        while isinstance(root, cst.Attribute):
            root = root.value
        assert isinstance(root, cst.Name)
        if identity[0] == "self":  # type: ignore[index]
            if isinstance(receiver, cst.Attribute) and receiver.value is root:  # `self.x`: how x is bound
                located = self.model.refs.attribute_bindings(receiver, reach=Reach.VALUES)
                return any(self._other_binding(m, b, receiver.attr.value) for m, b in located)
            return False
        return any(self._other_binding(self.model, b, root.value) for b in self.index.bindings(root))

    @staticmethod
    def _other_binding(model: ModuleModel, binding: Binding, name: str) -> bool:
        """Whether a binding gives a value known not to be Redis's (in the module that holds it)."""
        if binding.kind is BindingKind.IMPORT:
            imported = model.refs.absolute(model.index.qualified_names_of_import(name, binding.node))
            return bool(imported) and all(model.usage._foreign(q) for q in imported)
        if binding.kind is BindingKind.DEFINITION:
            return True
        if binding.kind is BindingKind.PARAM:
            param = binding.node
            if binding.annotation is not None and model.usage._other_expression(binding.annotation.annotation):
                return True
            return isinstance(param, cst.Param) and isinstance(param.default, _LITERALS)
        if binding.kind in (BindingKind.VALUE, BindingKind.CONTEXT) and binding.node is not None:
            return model.usage._other_expression(binding.node)  # type: ignore[arg-type]
        return False

    def _other_expression(self, expr: cst.BaseExpression, depth: int = 0) -> bool:
        """A literal, a builtin, or something another library builds or holds."""
        if depth > 4:
            return False
        if isinstance(expr, _LITERALS):
            return True
        if isinstance(expr, (cst.IfExp, cst.BooleanOperation)):  # `Memory() if cache is None else cache`
            options = [expr.body, expr.orelse] if isinstance(expr, cst.IfExp) else [expr.left, expr.right]
            return any(self._other_expression(o, depth + 1) for o in options
                       if not (isinstance(o, cst.Name) and o.value == "None"))
        if isinstance(expr, cst.Call):
            func = expr.func
            owner = self.model.refs.class_ref(func) if isinstance(func, cst.Name) else None
            if owner is not None:  # an object of the project's own classes, not of a Redis subclass
                value = owner.model.values.class_value(owner)
                return value is None or value.kind is Kind.OBJECT
            if isinstance(func, cst.Attribute) and self.model.values.redis(func.value) is not None:
                return True  # what a Redis command returns: a reply (`bitfield(key)`), not a client
            return self._other_expression(func, depth + 1)
        if isinstance(expr, cst.Subscript):
            return self._other_expression(expr.value, depth + 1)
        if isinstance(expr, cst.Attribute):
            names = self.model.refs.qualified_names(expr)
            if names:
                return all(self._foreign(n) for n in names)
            return self._other_expression(expr.value, depth + 1)
        if isinstance(expr, cst.Name):
            if self.index.is_builtin(expr):
                return expr.value not in ("getattr", "type")
            names = self.model.refs.qualified_names(expr)
            if names:
                return all(self._foreign(n) for n in names)
            bindings = self.index.bindings(expr)  # `Factory = sessionmaker()` in this module
            return bool(bindings) and all(b.kind is BindingKind.VALUE and b.node is not None
                                          and self._other_expression(b.node, depth + 1) for b in bindings)  # type: ignore[arg-type]
        return False

    def _foreign(self, qualified: str) -> bool:
        """A name of a library that is not a Redis client library, nor a module of the project."""
        if is_library_name(qualified):
            return False
        project = self.model.project
        if project is None:
            return not qualified.startswith(".")
        parts = qualified.split(".")
        return not any(project.find(".".join(parts[:i])) is not None for i in range(len(parts), 0, -1))
