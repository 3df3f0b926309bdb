"""Names and scopes of one module, from one walk of its tree.

The same answers as libcst's `ScopeProvider` for the questions the analysis
asks (which assignments a name can refer to, what an imported name's
qualified name is, which reads an assignment reaches), at a fraction of its
cost: `ScopeProvider` runs libcst's visitor machinery, which rebuilds every
node it passes, and a second provider for expression contexts.  This walk
reads the nodes' fields directly and records each node's parent on the way,
so one pass gives both.

Python's rules, as libcst models them: functions, lambdas, classes and
comprehensions open scopes; a class body is invisible from the functions in
it; `global`/`nonlocal` send a name's assignments to another scope; a
comprehension's first iterable is evaluated outside it; a parameter's default
and annotation belong to the enclosing scope.  Assignments and reads carry an
ordinal within their scope, so that a read before an assignment in the same
scope reaches the assignment it shadows, not the later one.
"""

from __future__ import annotations

import builtins
from collections.abc import Iterator
from enum import Enum

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.semantics.walk import children
from redis_lint.summaries.imports import qualified_names_for


class ScopeKind(Enum):
    BUILTIN = "builtin"
    MODULE = "module"
    FUNCTION = "function"  # functions and lambdas
    CLASS = "class"
    COMPREHENSION = "comprehension"


class Assignment:
    """A name bound in a scope: by `node` (a Name target, a Param, a def/class, an import), or by
    Python itself (`node` is None: a builtin)."""

    __slots__ = ("name", "scope", "node", "index", "_references")

    def __init__(self, name: str, scope: Scope, node: cst.CSTNode | None, index: int) -> None:
        self.name = name
        self.scope = scope
        self.node = node
        self.index = index
        self._references: list[Access] = []

    @property
    def references(self) -> list[Access]:
        """The reads that can see this assignment."""
        self.scope.table.resolve_accesses()
        return self._references

    def qualified_names_for(self, full_name: str) -> set[str]:
        """What `full_name` (a dotted name starting with this binding) is, for an import binding:
        `r.Redis` after `import redis as r` -> {"redis.Redis"}; relative imports keep their dots."""
        node = self.node
        if not isinstance(node, (cst.Import, cst.ImportFrom)) or isinstance(node.names, cst.ImportStar):
            return set()
        module = ""
        if isinstance(node, cst.ImportFrom):
            module = (get_full_name_for_node(node.module) or "") if node.module is not None else ""
            module = "." * len(node.relative) + module
        aliases = [(get_full_name_for_node(alias.name) or "",
                    alias.evaluated_alias if alias.asname is not None else None) for alias in node.names]
        return qualified_names_for(module, aliases, full_name)


class Access:
    """A read of a name (or a `del`)."""

    __slots__ = ("node", "scope", "name", "index")

    def __init__(self, node: cst.Name, scope: Scope, index: int) -> None:
        self.node = node
        self.scope = scope
        self.name = node.value
        self.index = index


class Scope:
    __slots__ = ("kind", "node", "parent", "table", "assignments", "_overwrites", "count")

    def __init__(self, kind: ScopeKind, node: cst.CSTNode | None, parent: Scope | None, table: ScopeTable) -> None:
        self.kind = kind
        self.node = node
        self.parent = parent if parent is not None else self
        self.table = table
        self.assignments: dict[str, list[Assignment]] = {}  # bound in this scope
        self._overwrites: dict[str, Scope] = {}  # `global x` / `nonlocal x`: where x's assignments go
        self.count = 0  # ordinal of the next assignment-like statement

    # -- recording ---------------------------------------------------------------

    def assign(self, name: str, node: cst.CSTNode) -> None:
        target = self._assignment_target(name)
        target.assignments.setdefault(name, []).append(Assignment(name, target, node, target.count))

    def _assignment_target(self, name: str) -> Scope:
        overwrite = self._overwrites.get(name)
        if overwrite is not None:
            return self._visible_parent(self, overwrite)._assignment_target(name)
        return self

    def declare_global(self, name: str) -> None:
        if self.kind not in (ScopeKind.MODULE, ScopeKind.BUILTIN):
            self._overwrites[name] = self.table.globals

    def declare_nonlocal(self, name: str) -> None:
        if self.kind not in (ScopeKind.MODULE, ScopeKind.BUILTIN):
            self._overwrites[name] = self.parent

    # -- lookups -----------------------------------------------------------------

    def _visible_parent(self, from_scope: Scope, first: Scope | None = None) -> Scope:
        """The next enclosing scope whose names `from_scope` sees: class bodies are skipped."""
        parent = first if first is not None else self.parent
        while parent.kind is ScopeKind.CLASS:
            parent = parent.parent
        return parent

    def __getitem__(self, name: str) -> list[Assignment]:
        """Every assignment `name` can refer to when read in this scope."""
        return self._resolve(name, self)

    def _resolve(self, name: str, from_scope: Scope) -> list[Assignment]:
        if self.kind is ScopeKind.BUILTIN:
            return self.table.builtin(name)
        overwrite = self._overwrites.get(name)
        if overwrite is not None:
            return self._visible_parent(from_scope, overwrite)._resolve(name, from_scope)
        if self.assignments.get(name):
            return self.assignments[name]
        return self._visible_parent(from_scope)._resolve(name, from_scope)

    def __contains__(self, name: str) -> bool:
        if self.kind is ScopeKind.BUILTIN:
            return hasattr(builtins, name)
        overwrite = self._overwrites.get(name)
        if overwrite is not None:
            return name in overwrite
        if self.assignments.get(name):
            return True
        return name in self._visible_parent(self)

    def imported_names(self, full_name: str) -> set[str]:
        """The qualified names an imported dotted name has here (empty: not an import)."""
        prefix: str | None = full_name
        assignments: list[Assignment] = []
        while prefix:
            if prefix in self:
                assignments = self[prefix]
                break
            cut = prefix.rfind(".")
            prefix = None if cut == -1 else prefix[:cut]
        names: set[str] = set()
        for assignment in assignments:
            names |= assignment.qualified_names_for(full_name)
        return names


# Leaving these counts as one assignment-like step in the scope (libcst's ordering of
# assignments and reads).
_ASSIGNMENT_LIKE = frozenset({cst.AnnAssign, cst.AsName, cst.Assign, cst.AugAssign, cst.ClassDef, cst.CompFor,
                              cst.FunctionDef, cst.Global, cst.Import, cst.ImportFrom, cst.NamedExpr, cst.Nonlocal,
                              cst.Parameters, cst.WithItem})
LOAD, STORE = False, True  # a Name read (or deleted), or a Name bound


class ScopeTable:
    """Every scope of a module, the scope each node is in, and each node's parent."""

    def __init__(self, module: cst.Module) -> None:
        self.parents: dict[cst.CSTNode, cst.CSTNode] = {}
        self.scope_of: dict[cst.CSTNode, Scope] = {}
        self._builtins = Scope(ScopeKind.BUILTIN, None, None, self)
        self._builtin_assignments: dict[str, list[Assignment]] = {}
        self.globals = Scope(ScopeKind.MODULE, module, self._builtins, self)
        self._accesses: list[Access] | None = []  # None once resolved
        self._visit(module, self.globals, LOAD)

    def builtin(self, name: str) -> list[Assignment]:
        if not hasattr(builtins, name):
            return []
        found = self._builtin_assignments.get(name)
        if found is None:
            found = self._builtin_assignments[name] = [Assignment(name, self._builtins, None, -1)]
        return found

    # -- the walk ------------------------------------------------------------------

    def _children(self, node: cst.CSTNode) -> Iterator[cst.CSTNode]:
        for child in children(node):
            self.parents[child] = node
            yield child

    def _visit_children(self, node: cst.CSTNode, scope: Scope, context: bool) -> None:
        for child in self._children(node):
            self._visit(child, scope, context)

    def _visit(self, node: cst.CSTNode, scope: Scope, context: bool) -> None:
        handler = _HANDLERS.get(type(node))
        if handler is not None:
            handler(self, node, scope, context)
        else:
            self._visit_children(node, scope, context)
        self.scope_of[node] = scope
        if type(node) in _ASSIGNMENT_LIKE:
            scope.count += 1

    def _parents_only(self, node: cst.CSTNode, parent: cst.CSTNode) -> None:
        """A subtree that holds no reads or bindings of its own: only its parents are recorded."""
        self.parents[node] = parent
        for child in children(node):
            self._parents_only(child, node)

    def _name(self, node: cst.Name, scope: Scope, context: bool) -> None:
        if context is STORE:  # (a `del x` counts as a read of x, as libcst counts it)
            scope.assign(node.value, node)
        elif self._accesses is not None:
            self._accesses.append(Access(node, scope, scope.count))

    def _store(self, node: cst.CSTNode, scope: Scope) -> None:
        self._visit(node, scope, STORE)

    def _attribute(self, node: cst.Attribute, scope: Scope, context: bool) -> None:
        for child in self._children(node):
            if child is node.value:  # `.attr` is neither a read nor a binding of a name
                self._visit(child, scope, LOAD)

    def _subscript(self, node: cst.Subscript, scope: Scope, context: bool) -> None:
        self._visit_children(node, scope, LOAD)

    def _arg(self, node: cst.Arg, scope: Scope, context: bool) -> None:
        for child in self._children(node):
            if child is not node.keyword:
                self._visit(child, scope, LOAD)

    def _targets_then_rest(self, node: cst.CSTNode, targets: tuple[cst.CSTNode | None, ...], scope: Scope) -> None:
        for child in self._children(node):
            if any(child is t for t in targets):
                self._store(child, scope)
            else:
                self._visit(child, scope, LOAD)

    def _assign_target(self, node: cst.AssignTarget, scope: Scope, context: bool) -> None:
        self._targets_then_rest(node, (node.target,), scope)

    def _ann_assign(self, node: cst.AnnAssign, scope: Scope, context: bool) -> None:
        self._targets_then_rest(node, (node.target,), scope)

    def _aug_assign(self, node: cst.AugAssign, scope: Scope, context: bool) -> None:
        self._targets_then_rest(node, (node.target,), scope)

    def _named_expr(self, node: cst.NamedExpr, scope: Scope, context: bool) -> None:
        self._targets_then_rest(node, (node.target,), scope)

    def _as_name(self, node: cst.AsName, scope: Scope, context: bool) -> None:
        self._targets_then_rest(node, (node.name,), scope)

    def _for(self, node: cst.For, scope: Scope, context: bool) -> None:
        for child in self._children(node):
            if child is node.target:
                self._store(child, scope)
                scope.count += 1
            else:
                self._visit(child, scope, LOAD)

    def _import(self, node: cst.Import | cst.ImportFrom, scope: Scope, context: bool) -> None:
        for child in children(node):  # names of modules and aliases: neither reads nor bindings
            self._parents_only(child, node)
        if isinstance(node.names, cst.ImportStar):
            return
        for alias in node.names:
            self.scope_of[alias] = scope
            bound = alias.asname.name if alias.asname is not None else alias.name
            for name in _dotted_names(bound):
                scope.assign(name, node)

    def _global(self, node: cst.Global, scope: Scope, context: bool) -> None:
        for child in children(node):
            self._parents_only(child, node)
        for item in node.names:
            scope.declare_global(item.name.value)

    def _nonlocal(self, node: cst.Nonlocal, scope: Scope, context: bool) -> None:
        for child in children(node):
            self._parents_only(child, node)
        for item in node.names:
            scope.declare_nonlocal(item.name.value)

    def _function(self, node: cst.FunctionDef, scope: Scope, context: bool) -> None:
        scope.assign(node.name.value, node)
        inner = Scope(ScopeKind.FUNCTION, node, scope, self)
        for child in self._children(node):
            if child is node.name:
                self.scope_of[child] = scope
            elif child is node.params or child is node.body:
                self._visit(child, inner, LOAD)
            else:  # decorators, the return annotation, type parameters
                self._visit(child, scope, LOAD)

    def _lambda(self, node: cst.Lambda, scope: Scope, context: bool) -> None:
        inner = Scope(ScopeKind.FUNCTION, node, scope, self)
        for child in self._children(node):
            self._visit(child, inner, LOAD)

    def _param(self, node: cst.Param, scope: Scope, context: bool) -> None:
        scope.assign(node.name.value, node)
        for child in self._children(node):
            if child is node.name:
                self.scope_of[child] = scope
            else:  # the default and the annotation are evaluated where the function is defined
                self._visit(child, scope.parent, LOAD)

    def _class(self, node: cst.ClassDef, scope: Scope, context: bool) -> None:
        scope.assign(node.name.value, node)
        inner = Scope(ScopeKind.CLASS, node, scope, self)
        for child in self._children(node):
            if child is node.name:
                self.scope_of[child] = scope
            elif child is node.body:
                self.scope_of[child] = inner
                for statement in self._children(child):
                    self._visit(statement, inner, LOAD)
            else:
                self._visit(child, scope, LOAD)

    def _comprehension(self, node: cst.BaseComprehension, scope: Scope, context: bool) -> None:
        for_in = node.for_in
        inner = Scope(ScopeKind.COMPREHENSION, node, scope, self)
        # the first iterable runs outside the comprehension; its target, conditions, inner loops
        # and then the element inside, in that order
        self.parents[for_in] = node
        self.scope_of[for_in] = scope
        for part in self._children(for_in):
            if part is for_in.iter:
                self._visit(part, scope, LOAD)
            elif part is for_in.target:
                self._store(part, inner)
                inner.count += 1
            else:
                self._visit(part, inner, LOAD)
        for child in self._children(node):
            if child is not for_in:
                self._visit(child, inner, LOAD)

    def _comp_for(self, node: cst.CompFor, scope: Scope, context: bool) -> None:  # an inner `for`
        self._targets_then_rest(node, (node.target,), scope)

    # -- reads ---------------------------------------------------------------------

    def resolve_accesses(self) -> None:
        """Connect every read to the assignments it can see (once, on the first question)."""
        if self._accesses is None:
            return
        accesses, self._accesses = self._accesses, None
        for access in accesses:
            for assignment in access.scope[access.name]:
                _record(assignment, access)


def _record(assignment: Assignment, access: Access) -> None:
    """A read in the assignment's own scope sees it only if it comes later; an earlier read sees
    what the assignment shadows."""
    if access.scope is not assignment.scope or assignment.index < access.index:
        assignment._references.append(access)
    elif assignment.scope.parent is not assignment.scope:
        for shadowed in assignment.scope.parent[assignment.name]:
            _record(shadowed, access)


def _dotted_names(node: cst.BaseExpression) -> Iterator[str]:
    """`a.b.c` -> "a.b.c", "a.b", "a": what `import a.b.c` binds."""
    full = get_full_name_for_node(node)
    while full:
        yield full
        cut = full.rfind(".")
        full = full[:cut] if cut != -1 else ""


_HANDLERS = {
    cst.Name: ScopeTable._name,
    cst.Attribute: ScopeTable._attribute,
    cst.Subscript: ScopeTable._subscript,
    cst.Arg: ScopeTable._arg,
    cst.AssignTarget: ScopeTable._assign_target,
    cst.AnnAssign: ScopeTable._ann_assign,
    cst.AugAssign: ScopeTable._aug_assign,
    cst.NamedExpr: ScopeTable._named_expr,
    cst.AsName: ScopeTable._as_name,
    cst.For: ScopeTable._for,
    cst.Import: ScopeTable._import,
    cst.ImportFrom: ScopeTable._import,
    cst.Global: ScopeTable._global,
    cst.Nonlocal: ScopeTable._nonlocal,
    cst.FunctionDef: ScopeTable._function,
    cst.Lambda: ScopeTable._lambda,
    cst.Param: ScopeTable._param,
    cst.ClassDef: ScopeTable._class,
    cst.ListComp: ScopeTable._comprehension,
    cst.SetComp: ScopeTable._comprehension,
    cst.DictComp: ScopeTable._comprehension,
    cst.GeneratorExp: ScopeTable._comprehension,
    cst.CompFor: ScopeTable._comp_for,
}
