"""Which expressions are Redis clients, pipelines, pools or locks.

A value is recognised only when it can be traced to a redis/valkey import:
a constructor call, a parameter or attribute annotated with a client type, a
name or `self.<attr>` bound (every time it is bound) to such a value, a
pipeline or lock taken from a client, a chained pipeline command, an awaited
call, or a function of this module annotated to return a client.  Anything
else is unknown, and unknown values are never flagged.
"""

from __future__ import annotations

from dataclasses import dataclass

import libcst as cst

from redis_lint.semantics.commands import COMMANDS
from redis_lint.semantics.index import Binding, BindingKind, ModuleIndex
from redis_lint.semantics.libraries import Kind, class_kind, constructor_kind, is_async_name


@dataclass(frozen=True)
class RedisValue:
    kind: Kind
    is_async: bool = False


# Methods of a client that return another Redis object.
_DERIVED_FROM_CLIENT = {"pipeline": Kind.PIPELINE, "lock": Kind.LOCK, "register_script": Kind.SCRIPT}
_DERIVED_FROM_SENTINEL = {"master_for": Kind.CLIENT, "slave_for": Kind.CLIENT}
_TYPING_UNIONS = {"typing.Optional", "typing.Union", "typing_extensions.Optional", "typing_extensions.Union"}


class ValueResolver:
    def __init__(self, index: ModuleIndex) -> None:
        self.index = index
        self._cache: dict[int, RedisValue | None] = {}
        self._in_progress: set[int] = set()

    def resolve(self, expr: cst.CSTNode) -> RedisValue | None:
        key = id(expr)
        if key in self._cache:
            return self._cache[key]
        if key in self._in_progress:
            return None  # a cycle (x = x.pipeline()): unknown
        self._in_progress.add(key)
        try:
            value = self._resolve(expr)
        finally:
            self._in_progress.discard(key)
        self._cache[key] = value
        return value

    def _resolve(self, expr: cst.CSTNode) -> RedisValue | None:
        if isinstance(expr, cst.Await):
            return self.resolve(expr.expression)
        if isinstance(expr, cst.Call):
            return self._resolve_call(expr)
        if isinstance(expr, cst.Name):
            return self._agree(self.index.bindings(expr))
        if isinstance(expr, cst.Attribute):
            return self._agree(self.index.attribute_bindings(expr))
        return None

    def constructed(self, call: cst.Call) -> tuple[str, RedisValue] | None:
        """(qualified name, value) when the call constructs a client, pool or sentinel."""
        for name in sorted(self.index.qualified_names(call.func)):
            kind = constructor_kind(name)
            if kind is not None:
                return name, RedisValue(kind, is_async_name(name))
        return None

    def _resolve_call(self, call: cst.Call) -> RedisValue | None:
        constructed = self.constructed(call)
        if constructed is not None:
            return constructed[1]
        func = call.func
        if isinstance(func, cst.Attribute):
            receiver = self.resolve(func.value)
            method = func.attr.value
            if receiver is not None:
                if receiver.kind is Kind.CLIENT and method in _DERIVED_FROM_CLIENT:
                    return RedisValue(_DERIVED_FROM_CLIENT[method], receiver.is_async)
                if receiver.kind is Kind.SENTINEL and method in _DERIVED_FROM_SENTINEL:
                    return RedisValue(Kind.CLIENT, receiver.is_async)
                if receiver.kind is Kind.PIPELINE and method in COMMANDS:
                    return receiver  # pipeline commands return the pipeline: chaining
        target = self.index.function_for_call(call)
        if target is not None and target[0].returns is not None:
            return self.annotation_value(target[0].returns)
        return None

    def _agree(self, bindings: list[Binding]) -> RedisValue | None:
        """The value every (non-None) binding agrees on, else None."""
        values = {self._binding_value(b) for b in bindings if not b.is_none}
        if len(values) == 1:
            return values.pop()
        return None

    def _binding_value(self, binding: Binding) -> RedisValue | None:
        if binding.annotation is not None:
            annotated = self.annotation_value(binding.annotation)
            if annotated is not None:
                return annotated
        if binding.kind in (BindingKind.VALUE, BindingKind.CONTEXT) and binding.node is not None:
            return self.resolve(binding.node)
        if binding.kind is BindingKind.PARAM:
            return self._self_value(binding.node)  # type: ignore[arg-type]
        return None

    def _self_value(self, param: cst.Param) -> RedisValue | None:
        """`self` in a class that subclasses a client (or pipeline) is one."""
        owner = self.index.self_class(param)
        if owner is None:
            return None
        for base in owner.bases:
            value = self._type_value(base.value, base.value)
            if value is not None:
                return value
        return None

    # -- annotations ---------------------------------------------------------

    def annotation_value(self, annotation: cst.Annotation) -> RedisValue | None:
        return self._type_value(annotation.annotation, annotation)

    def _type_value(self, expr: cst.BaseExpression, anchor: cst.CSTNode) -> RedisValue | None:
        """The Redis value a type expression describes; `anchor` is where its names are looked up."""
        if isinstance(expr, cst.SimpleString):
            try:
                source = expr.evaluated_value
                parsed = cst.parse_expression(source if isinstance(source, str) else source.decode())
            except Exception:  # a string annotation that is not an expression
                return None
            return self._type_value(parsed, expr)
        if isinstance(expr, cst.BinaryOperation) and isinstance(expr.operator, cst.BitOr):
            return self._union_value([expr.left, expr.right], anchor)
        if isinstance(expr, cst.Subscript):
            names = self.index.qualified_names(expr.value, scope_of=anchor) | _bare_typing_name(expr.value)
            elements = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
            if names & _TYPING_UNIONS:
                return self._union_value(elements, anchor)
            return self._type_value(expr.value, anchor)  # Redis[bytes]
        if isinstance(expr, (cst.Name, cst.Attribute)):
            for name in sorted(self.index.qualified_names(expr, scope_of=anchor)):
                kind = class_kind(name)
                if kind is not None:
                    return RedisValue(kind, is_async_name(name))
        return None

    def _union_value(self, members: list[cst.BaseExpression], anchor: cst.CSTNode) -> RedisValue | None:
        values = {
            self._type_value(m, anchor)
            for m in members
            if not (isinstance(m, cst.Name) and m.value == "None")
        }
        return values.pop() if len(values) == 1 else None


def _bare_typing_name(expr: cst.BaseExpression) -> set[str]:
    """`Optional` used without import in a string annotation still means typing.Optional."""
    if isinstance(expr, cst.Name) and expr.value in ("Optional", "Union"):
        return {f"typing.{expr.value}"}
    return set()
