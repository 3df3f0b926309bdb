"""Clients known by how they are used: a receiver on which methods only Redis has are called.

When the analysis cannot trace a receiver to a redis/valkey import (a parameter no caller
shows, an attribute set by a framework, a helper whose returns disagree), a reader still knows
it by what the code calls on it.  The receiver is a name or a dotted path from one
(`conn`, `self.backend`, `REDIS_SERVER`, `app.redis`), and what is called on it is gathered
where the same value is meant:

- a name: every use of that variable in its scope (a function's local or parameter, a
  module's global in any function that reads it, and, for a global of another project
  module, that module's own uses);
- `self.<path>` in a method: every method of the class;
- a name bound to `<receiver>.pipeline(...)` (by assignment or `with ... as`): its uses are
  the receiver's too, since a pipeline sends its client's commands.

The grading of the names is redis_lint.inference.usage's: one name only Redis has is evidence
(unless a class of the project defines a method by that name),
and what else is called on the receiver tells a client from a pipeline (or leaves it either).  Evidence never overrides a known origin: a
literal, a builtin container, the project's own objects and anything built by or taken from
another library (`django.core.cache.cache`, `requests.Session()`, `sessionmaker()()`) are
what they are, whatever is called on them.
"""

from __future__ import annotations

from functools import cached_property
from typing import TYPE_CHECKING

import libcst as cst

from redis_lint.inference.usage import PIPELINE_ONLY, REDIS_ONLY, evidence, is_client_by_use
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

_LITERALS = (cst.Dict, cst.List, cst.Set, cst.Tuple, cst.SimpleString, cst.ConcatenatedString,
             cst.FormattedString, cst.Integer, cst.Float, cst.Imaginary, cst.ListComp, cst.SetComp,
             cst.DictComp, cst.GeneratorExp, cst.Lambda, cst.Comparison, cst.BinaryOperation)


class UsageEvidence:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index

    @cached_property
    def _uses(self) -> tuple[dict[Identity, set[str]], dict[Identity, set[Identity]], set[Identity]]:
        """(identity -> methods called on it, identity -> the identities of pipelines taken from it,
        identities whose commands are awaited), from one pass over the module's calls."""
        uses: dict[Identity, set[str]] = {}
        pipelines: dict[Identity, set[Identity]] = {}
        awaited: set[Identity] = set()
        for call, _ in self.model.calls:
            func = call.func
            if not isinstance(func, cst.Attribute):
                continue
            identity = self.identity(func.value)
            if identity is None:
                continue
            method = func.attr.value
            uses.setdefault(identity, set()).add(method)
            if method in REDIS_ONLY and isinstance(self.index.parent(call), cst.Await):
                awaited.add(identity)
            if method == "pipeline":
                target = self._bound_to(call)
                if target is not None:
                    pipelines.setdefault(identity, set()).add(target)
        return uses, pipelines, awaited

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
        if parts and len(assignments) == 1 and isinstance(first, cst.Param):
            owner = self.index.self_class(first)
            if owner is not None:
                return ("self", owner, path)
        return (assignments[0].scope, expr.value, path)

    def methods(self, identity: Identity) -> set[str]:
        """What is called on a value: on itself, and on the pipelines taken from it."""
        uses, pipelines, _ = self._uses
        found = set(uses.get(identity, ()))
        for pipeline in pipelines.get(identity, ()):
            found |= uses.get(pipeline, set())
        return found

    def global_methods(self, name: str) -> set[str]:
        """What is called on a module-level name of this module, anywhere in it."""
        return set().union(*(self.methods(i) for i in self._uses[0]
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
        own = self._uses[0].get(identity, set())
        client = is_client_by_use(own) or (bool(self._uses[1].get(identity)) and own.isdisjoint(PIPELINE_ONLY))
        kind = Kind.CLIENT if client else Kind.PIPELINE  # either: only the rules that hold for both
        shown = ", ".join(found[:3]) + (", ..." if len(found) > 3 else "")
        where = f" in {identity[1].name.value}" if identity[0] == "self" else ""  # type: ignore[index]
        code = " ".join(self.index.code(receiver).split())
        return RedisValue(kind, identity in self._uses[2], evidence=f"`{code}`: used with {shown}{where}")

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
