"""Walking libcst trees fast: the nodes' fields read directly, in the order of the source.

libcst's own `CSTVisitor` rebuilds every node it passes (its traversal is the
one that transformers use), which is most of the cost of reading a tree.  The
analysis only reads, so it walks the fields itself: `FastVisitor` keeps
libcst's protocol (`visit_Call`, `leave_Call`, `visit_For_body`, a `visit_*`
that returns False skips the children) at about a third of the cost.
Whitespace, comments and punctuation are not visited: no analysis reads them.
"""

from __future__ import annotations

import dataclasses
from collections.abc import Callable, Iterator

import libcst as cst

# Nodes whose dataclass fields are not in the order of the source: they are read in this order.
_FIELD_ORDER: dict[type, tuple[str, ...]] = {
    cst.FunctionDef: ("decorators", "name", "type_parameters", "params", "returns", "body"),
    cst.ClassDef: ("decorators", "name", "type_parameters", "bases", "keywords", "body"),
    cst.IfExp: ("body", "test", "orelse"),
    cst.Parameters: ("posonly_params", "posonly_ind", "params", "star_arg", "kwonly_params", "star_kwarg"),
    cst.Arg: ("keyword", "value"),
    cst.ExceptHandler: ("type", "name", "body"),
    cst.ExceptStarHandler: ("type", "name", "body"),
    cst.MatchCase: ("pattern", "guard", "body"),
    cst.TypeAlias: ("name", "type_parameters", "value"),
}
# Whitespace, comments, brackets, punctuation and operator tokens: nothing the analysis reads.
_TRIVIA = (
    cst.BaseParenthesizableWhitespace, cst.EmptyLine, cst.TrailingWhitespace, cst.Newline, cst.Comment,
    cst.LeftParen, cst.RightParen, cst.LeftSquareBracket, cst.RightSquareBracket, cst.LeftCurlyBrace,
    cst.RightCurlyBrace, cst.Comma, cst.Dot, cst.Colon, cst.AssignEqual, cst.Semicolon, cst.ImportStar,
    cst.Asynchronous, cst.BaseBinaryOp, cst.BaseBooleanOp, cst.BaseCompOp, cst.BaseUnaryOp, cst.BaseAugOp,
)
_fields_by_type: dict[type, tuple[str, ...]] = {}
_walked: dict[type, bool] = {}  # per type: a node the walk enters (libcst's classes are ABCs: slow isinstance)


def fields(kind: type) -> tuple[str, ...]:
    """The names of a node type's fields, in source order."""
    names = _fields_by_type.get(kind)
    if names is None:
        order = _FIELD_ORDER.get(kind)
        names = _fields_by_type[kind] = order if order is not None else tuple(f.name for f in dataclasses.fields(kind))
    return names


def is_walked(value: object) -> bool:
    """Whether a field's value is a node the walk enters (not trivia, not a string or None)."""
    kind = type(value)
    walked = _walked.get(kind)
    if walked is None:
        walked = _walked[kind] = issubclass(kind, cst.CSTNode) and not issubclass(kind, _TRIVIA)
    return walked


def children(node: cst.CSTNode) -> Iterator[cst.CSTNode]:
    """A node's children in source order, without whitespace, comments and punctuation."""
    for name in fields(type(node)):
        value = getattr(node, name)
        if type(value) is tuple or type(value) is list:
            for element in value:
                if is_walked(element):
                    yield element
        elif is_walked(value):
            yield value


Hook = Callable[["FastVisitor", cst.CSTNode], object]


@dataclasses.dataclass(frozen=True)
class _Plan:
    """What a visitor class does at one node type: its hooks, looked up once."""

    visit: Hook | None
    leave: Hook | None
    fields: tuple[tuple[str, Hook | None, Hook | None], ...]  # field, visit_X_field, leave_X_field


class FastVisitor:
    """A read-only visitor with libcst's `CSTVisitor` protocol: `visitor.walk(node)`."""

    _plans: dict[type, _Plan]

    def __init_subclass__(cls) -> None:
        super().__init_subclass__()
        cls._plans = {}

    def walk(self, node: cst.CSTNode) -> None:
        plan = self._plans.get(type(node)) or self._plan(type(node))
        if plan.visit is None or plan.visit(self, node) is not False:
            for name, before, after in plan.fields:
                if before is not None:
                    before(self, node)
                value = getattr(node, name)
                if type(value) is tuple or type(value) is list:
                    for element in value:
                        if is_walked(element):
                            self.walk(element)
                elif is_walked(value):
                    self.walk(value)
                if after is not None:
                    after(self, node)
        if plan.leave is not None:
            plan.leave(self, node)

    @classmethod
    def _plan(cls, kind: type) -> _Plan:
        name = kind.__name__
        plan = _Plan(
            getattr(cls, f"visit_{name}", None),
            getattr(cls, f"leave_{name}", None),
            tuple((f, getattr(cls, f"visit_{name}_{f}", None), getattr(cls, f"leave_{name}_{f}", None))
                  for f in fields(kind)),
        )
        cls._plans[kind] = plan
        return plan
