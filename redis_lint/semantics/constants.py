"""Constant numeric expressions: how many seconds an expiry argument stands for.

Follows literals, arithmetic, names and class attributes bound once, and
`datetime.timedelta(...)`.  Anything else is not a constant and yields None.
"""

from __future__ import annotations

import operator
from collections.abc import Callable
from typing import TYPE_CHECKING

import libcst as cst

from redis_lint.semantics.references import single_value

if TYPE_CHECKING:
    from redis_lint.semantics.module_model import ModuleModel

_OPERATORS: dict[type, Callable[[float, float], float]] = {
    cst.Add: operator.add,
    cst.Subtract: operator.sub,
    cst.Multiply: operator.mul,
    cst.Divide: operator.truediv,
    cst.FloorDivide: operator.floordiv,
    cst.Modulo: operator.mod,
}
_TIMEDELTA_SECONDS = {
    "weeks": 604800.0, "days": 86400.0, "hours": 3600.0, "minutes": 60.0,
    "seconds": 1.0, "milliseconds": 0.001, "microseconds": 0.000001,
}
_TIMEDELTA_POSITIONAL = ("days", "seconds", "microseconds", "milliseconds", "minutes", "hours", "weeks")
_TIMEDELTA_NAMES = {"datetime.timedelta"}
_MAX_DEPTH = 12


class Duration(float):
    """Seconds that came from a timedelta: redis-py takes them as they are, whatever the unit of the argument."""


class ConstantEvaluator:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index
        self.refs = model.refs

    def number(self, expr: cst.BaseExpression, depth: int = 0) -> float | None:
        """The value of a constant numeric expression (a timedelta gives a Duration in seconds)."""
        if depth > _MAX_DEPTH:
            return None
        depth += 1
        if isinstance(expr, (cst.Integer, cst.Float)):
            return float(expr.evaluated_value)
        if isinstance(expr, cst.UnaryOperation) and isinstance(expr.operator, (cst.Minus, cst.Plus)):
            value = self.number(expr.expression, depth)
            if value is None:
                return None
            return -value if isinstance(expr.operator, cst.Minus) else value
        if isinstance(expr, cst.BinaryOperation):
            return self._binary(expr, depth)
        if isinstance(expr, cst.Name | cst.Attribute):
            located = self.refs.bindings(expr) if isinstance(expr, cst.Name) else self.refs.attribute_bindings(expr)
            bound = single_value(located)
            return bound[0].constants.number(bound[1], depth) if bound is not None else None
        if isinstance(expr, cst.Call):
            return self._call(expr, depth)
        return None

    def _binary(self, expr: cst.BinaryOperation, depth: int) -> float | None:
        apply = _OPERATORS.get(type(expr.operator))
        if apply is None:
            return None
        left, right = self.number(expr.left, depth), self.number(expr.right, depth)
        if left is None or right is None:
            return None
        try:
            result = apply(left, right)
        except (ArithmeticError, ValueError):
            return None
        # timedelta arithmetic stays a timedelta (td * 2); a timedelta divided by one is a plain number
        both = isinstance(left, Duration) and isinstance(right, Duration)
        either = isinstance(left, Duration) or isinstance(right, Duration)
        return Duration(result) if either and not both else result

    def _call(self, call: cst.Call, depth: int) -> float | None:
        names = self.refs.qualified_names(call.func)
        if names & _TIMEDELTA_NAMES:
            return self._timedelta(call, depth)
        if isinstance(call.func, cst.Name) and call.func.value in ("int", "float") and len(call.args) == 1:
            if self.index.is_builtin(call.func):  # not a shadowing definition
                return self.number(call.args[0].value, depth)
        if isinstance(call.func, cst.Attribute) and call.func.attr.value == "total_seconds" and not call.args:
            value = self.number(call.func.value, depth)
            return float(value) if isinstance(value, Duration) else None
        return None

    def _timedelta(self, call: cst.Call, depth: int) -> Duration | None:
        total = 0.0
        for i, arg in enumerate(call.args):
            if arg.star:
                return None
            unit = arg.keyword.value if arg.keyword is not None else (
                _TIMEDELTA_POSITIONAL[i] if i < len(_TIMEDELTA_POSITIONAL) else None)
            value = self.number(arg.value, depth)
            if unit not in _TIMEDELTA_SECONDS or value is None:
                return None
            total += value * _TIMEDELTA_SECONDS[unit]
        return Duration(total)
