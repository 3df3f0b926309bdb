"""Facts about one module that every semantic question starts from.

`ModuleIndex` owns the parsed module and answers the structural questions:
what a name is bound to (through a scope analysis of our own, so closures,
`global` and comprehensions behave as in Python), which class a method
belongs to, what attributes a class assigns on `self`, and the qualified
name an imported expression refers to.  It is flow-insensitive on purpose:
a name is described by all of its assignments, and callers treat
disagreement between them as "unknown".
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import Enum
from functools import cached_property

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.semantics.positions import Positions
from redis_lint.semantics.scopes import Scope, ScopeKind, ScopeTable
from redis_lint.semantics.walk import FastVisitor


class BindingKind(Enum):
    VALUE = "value"  # name = <expr>, name: T = <expr>, (name := <expr>)
    CONTEXT = "context"  # with <expr> as name
    PARAM = "param"  # a function parameter
    ANNOTATION = "annotation"  # name: T (no value)
    IMPORT = "import"
    DEFINITION = "definition"  # def name / class name
    BUILTIN = "builtin"  # a name Python provides (int, len, ...)
    ITERATION = "iteration"  # for name in <iterable> (node: the iterable)
    UNKNOWN = "unknown"  # for-loop targets, unpacking, augmented assignment, ...


@dataclass(frozen=True)
class Binding:
    kind: BindingKind
    node: cst.CSTNode | None = None  # the value, the with-item, the Param, the def
    annotation: cst.Annotation | None = None

    @property
    def is_none(self) -> bool:
        """`x = None`: a placeholder before the real assignment, not a value."""
        return self.kind is BindingKind.VALUE and isinstance(self.node, cst.Name) and self.node.value == "None"


@dataclass
class ClassInfo:
    node: cst.ClassDef
    methods: dict[str, cst.FunctionDef] = field(default_factory=dict)
    # attribute name -> how it is bound: class-level assignments and `self.x = ...` in methods
    attributes: dict[str, list[Binding]] = field(default_factory=dict)
    # attribute name -> what methods store into the container it holds, and how: "item"
    # (`self.x[k] = v`), "element" (`self.x.append(v)`, `.add(v)`) or "value" (`.setdefault(k, v)`)
    stores: dict[str, list[tuple[cst.BaseExpression, str]]] = field(default_factory=dict)


class ModuleIndex:
    def __init__(self, module: cst.Module, source: str | None = None) -> None:
        self.module = module
        self.source = source
        self._class_infos: dict[cst.ClassDef, ClassInfo] = {}

    @cached_property
    def _table(self) -> ScopeTable:
        # one walk of our own for scopes and parents: libcst's ScopeProvider and
        # ParentNodeProvider cost several times more (they rebuild every node they pass)
        return ScopeTable(self.module)

    def parent(self, node: cst.CSTNode) -> cst.CSTNode | None:
        return self._table.parents.get(node)

    def scope(self, node: cst.CSTNode) -> Scope | None:
        return self._table.scope_of.get(node)

    @cached_property
    def positions(self) -> Positions:
        """Line and column of a node: from the code of its statement alone when the text is known."""
        return Positions(self.module, self.source, self.parent)

    def code(self, node: cst.CSTNode) -> str:
        return self.module.code_for_node(node)

    # -- names ---------------------------------------------------------------

    def bindings(self, name: cst.Name) -> list[Binding]:
        """Every binding of `name` visible where it is used (empty: builtin or unknown)."""
        scope = self.scope(name)
        if scope is None:
            return []
        return [Binding(BindingKind.BUILTIN) if a.node is None else self._binding_of(a.node) for a in scope[name.value]]

    def is_builtin(self, name: cst.Name) -> bool:
        bindings = self.bindings(name)
        return bool(bindings) and all(b.kind is BindingKind.BUILTIN for b in bindings)

    def _binding_of(self, node: cst.CSTNode) -> Binding:
        if isinstance(node, cst.Param):
            return Binding(BindingKind.PARAM, node, node.annotation)
        if isinstance(node, (cst.Import, cst.ImportFrom)):
            return Binding(BindingKind.IMPORT, node)
        if isinstance(node, (cst.FunctionDef, cst.ClassDef)):
            return Binding(BindingKind.DEFINITION, node)
        if isinstance(node, cst.Name):
            return self._binding_of_target(node)
        return Binding(BindingKind.UNKNOWN, node)

    def _binding_of_target(self, target: cst.BaseExpression) -> Binding:
        """How an assignment target (a Name, or `self.x`) receives its value."""
        parent = self.parent(target)
        if isinstance(parent, cst.AssignTarget) and parent.target is target:
            assign = self.parent(parent)
            if isinstance(assign, cst.Assign):
                return Binding(BindingKind.VALUE, assign.value)
        elif isinstance(parent, cst.AnnAssign) and parent.target is target:
            if parent.value is None:
                return Binding(BindingKind.ANNOTATION, None, parent.annotation)
            return Binding(BindingKind.VALUE, parent.value, parent.annotation)
        elif isinstance(parent, cst.NamedExpr) and parent.target is target:
            return Binding(BindingKind.VALUE, parent.value)
        elif isinstance(parent, cst.AsName) and parent.name is target:
            item = self.parent(parent)
            if isinstance(item, cst.WithItem):
                return Binding(BindingKind.CONTEXT, item.item)
        elif isinstance(parent, (cst.For, cst.CompFor)) and parent.target is target:
            return Binding(BindingKind.ITERATION, parent.iter)
        return Binding(BindingKind.UNKNOWN, target)

    def qualified_names(self, expr: cst.CSTNode, *, scope_of: cst.CSTNode | None = None) -> set[str]:
        """Imported names an expression refers to: `r.Redis` after `import redis as r` -> {"redis.Redis"}."""
        dotted = get_full_name_for_node(expr)
        if dotted is None:
            return set()
        scope = self.scope(scope_of or expr)
        if scope is None:
            return set()
        while True:
            names = scope.imported_names(dotted)
            # a class body's `redis = redis` reads the module's `redis`: look past the class scope
            if names or scope.kind is not ScopeKind.CLASS:
                return names
            scope = scope.parent

    # -- classes and methods -------------------------------------------------

    def enclosing(self, node: cst.CSTNode, kinds: tuple[type, ...]) -> cst.CSTNode | None:
        current = self.parent(node)
        while current is not None and not isinstance(current, kinds):
            current = self.parent(current)
        return current

    def class_of_method(self, function: cst.FunctionDef) -> cst.ClassDef | None:
        block = self.parent(function)
        owner = self.parent(block) if block is not None else None
        return owner if isinstance(owner, cst.ClassDef) else None

    def self_class(self, param: cst.Param) -> cst.ClassDef | None:
        """The class whose instance (or class, for a classmethod) `param` is: the first parameter of a method."""
        function = self.enclosing(param, (cst.FunctionDef, cst.Lambda))
        if not isinstance(function, cst.FunctionDef) or not function.params.params:
            return None
        if function.params.params[0] is not param:
            return None
        if any(_decorator_name(d) == "staticmethod" for d in function.decorators):
            return None
        return self.class_of_method(function)

    def class_info(self, node: cst.ClassDef) -> ClassInfo:
        if node not in self._class_infos:
            self._class_infos[node] = self._collect_class(node)
        return self._class_infos[node]

    def _collect_class(self, node: cst.ClassDef) -> ClassInfo:
        info = ClassInfo(node)
        functions = []
        for statement in node.body.body:
            if isinstance(statement, cst.FunctionDef):
                functions.append(statement)
                if not _is_property_accessor(statement):  # `@key.setter def key`: `key` stays the getter
                    info.methods[statement.name.value] = statement
            elif isinstance(statement, cst.SimpleStatementLine):
                for small in statement.body:
                    for target in _simple_targets(small):
                        if isinstance(target, cst.Name):
                            info.attributes.setdefault(target.value, []).append(self._binding_of_target(target))
        for method in functions:
            params = method.params.params
            if not params or any(_decorator_name(d) == "staticmethod" for d in method.decorators):
                continue
            collector = _SelfAttributeCollector(params[0].name.value)
            collector.walk(method.body)
            for target in collector.targets:
                info.attributes.setdefault(target.attr.value, []).append(self._binding_of_target(target))
            for name, value, how in collector.stores:
                info.stores.setdefault(name, []).append((value, how))
        return info

    def global_bindings(self, name: str) -> list[Binding]:
        """Bindings of a module-level name."""
        return [Binding(BindingKind.BUILTIN) if a.node is None else self._binding_of(a.node)
                for a in self._table.globals[name]]

    def qualified_names_of_import(self, local_name: str, import_node: cst.CSTNode | None) -> set[str]:
        """What an import binds `local_name` to: "pkg.mod.NAME", or ".mod.NAME" when relative."""
        scope = self.scope(import_node) if import_node is not None else None
        if scope is None:
            return set()
        return scope.imported_names(local_name)


_STORING_METHODS = {"append": "element", "add": "element", "insert": "element", "setdefault": "value"}


class _SelfAttributeCollector(FastVisitor):
    """Finds `self.x = ...` / `self.x: T = ...` targets inside one method, and what it stores into
    containers held by `self` (`self.x[k] = v`, `self.x.append(v)`)."""

    def __init__(self, self_name: str) -> None:
        self.self_name = self_name
        self.targets: list[cst.Attribute] = []
        self.stores: list[tuple[str, cst.BaseExpression, str]] = []

    def _own(self, expr: cst.BaseExpression) -> str | None:
        """`x` for `self.x`."""
        if isinstance(expr, cst.Attribute) and isinstance(expr.value, cst.Name) and expr.value.value == self.self_name:
            return expr.attr.value
        return None

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False  # nested functions may rebind the name

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def _add(self, target: cst.BaseExpression) -> None:
        if isinstance(target, cst.Attribute) and isinstance(target.value, cst.Name) and target.value.value == self.self_name:
            self.targets.append(target)

    def visit_AssignTarget(self, node: cst.AssignTarget) -> None:
        self._add(node.target)

    def visit_Assign(self, node: cst.Assign) -> None:
        for target in node.targets:
            if isinstance(target.target, cst.Subscript):
                name = self._own(target.target.value)
                if name is not None:
                    self.stores.append((name, node.value, "item"))

    def visit_Call(self, node: cst.Call) -> None:
        func = node.func
        if isinstance(func, cst.Attribute) and func.attr.value in _STORING_METHODS and node.args:
            name = self._own(func.value)
            if name is not None and not node.args[-1].star and node.args[-1].keyword is None:
                self.stores.append((name, node.args[-1].value, _STORING_METHODS[func.attr.value]))

    def visit_AnnAssign(self, node: cst.AnnAssign) -> None:
        self._add(node.target)


def _simple_targets(statement: cst.BaseSmallStatement) -> list[cst.BaseExpression]:
    if isinstance(statement, cst.Assign):
        return [t.target for t in statement.targets]
    if isinstance(statement, cst.AnnAssign):
        return [statement.target]
    return []


def _decorator_name(decorator: cst.Decorator) -> str | None:
    return get_full_name_for_node(decorator.decorator)


def _is_property_accessor(function: cst.FunctionDef) -> bool:
    name = function.name.value
    return any(_decorator_name(d) in (f"{name}.setter", f"{name}.deleter") for d in function.decorators)
