"""What a name, an attribute or a call refers to, across the project's modules.

`ModuleIndex` knows one module; `References` follows imports of project
modules (through `ProjectIndex`), class attributes up the project's class
hierarchy, properties, and calls of the project's functions and methods.
Every answer carries the model it belongs to, since a binding found in
another module must be resolved with that module's scopes.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.semantics.index import Binding, BindingKind
from redis_lint.semantics.project import NOT_BOUND, Reach
from redis_lint.semantics.walk import FastVisitor
from redis_lint.inference.hierarchy import UNSURE, SummaryClass, Unsure, base_classes, class_named
from redis_lint.inference.reexports import bound_at, canonical
from redis_lint.summaries.imports import absolute_names

if TYPE_CHECKING:
    from redis_lint.semantics.module_model import ModuleModel
    from redis_lint.summaries import ModuleSummary
    from redis_lint.summaries.module import ClassSummary

_MAX_HOPS = 8  # re-exports and base classes followed at most this deep
_PROPERTY_DECORATORS = ("property", "cached_property")


@dataclass(frozen=True)
class ClassRef:
    model: ModuleModel
    node: cst.ClassDef

    def __repr__(self) -> str:
        return f"ClassRef({self.model.name}.{self.node.name.value})"


@dataclass(frozen=True)
class FunctionRef:
    model: ModuleModel
    node: cst.FunctionDef
    bound: bool  # called through an instance: the first parameter is not an argument

    def __repr__(self) -> str:
        return f"FunctionRef({self.model.name}.{self.node.name.value}, bound={self.bound})"


Located = tuple["ModuleModel", Binding]
# A class of a hierarchy: parsed, or known from its module's summary until a question needs its code.
Ancestor = ClassRef | SummaryClass


class References:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index
        # qualified_names' answers, asked about the same node by many rules: (id(expr), id(anchor)) ->
        # (expr, anchor, names); the nodes are kept so that their ids name no other node meanwhile
        # (a string annotation's expression is parsed anew each time it is read)
        self._qualified: dict[tuple[int, int], tuple[cst.CSTNode, cst.CSTNode | None, frozenset[str]]] = {}
        self._following: set[cst.Name] = set()  # names whose returned modules are being read (a cycle guard)

    # -- names -------------------------------------------------------------------

    # `reach`: where a question may lead (redis_lint.semantics.project.Reach): a question about a
    # Redis value or class does not enter the modules that cannot hold one.

    def bindings(self, name: cst.Name, hops: int = 0, *, reach: Reach = Reach.ANY,
                 local: list[Binding] | None = None) -> list[Located]:
        """The bindings of a name; a name imported from a project module is followed there
        (`local`: its bindings in this module, when the caller has them already)."""
        result: list[Located] = []
        for binding in self.index.bindings(name) if local is None else local:
            followed = self._follow_import(name, binding, hops, reach) if binding.kind is BindingKind.IMPORT else None
            for model, found in followed if followed is not None else [(self.model, binding)]:
                # the same import twice (in two branches of a function) is one binding
                if not any(m is model and b.node is found.node and found.node is not None for m, b in result):
                    result.append((model, found))
        return result

    def global_bindings(self, attribute: str, hops: int = 0, *, reach: Reach = Reach.ANY) -> list[Located] | None:
        """Bindings of a module-level name (or `Class.attr`) of this module; None when it has none."""
        head, _, rest = attribute.partition(".")
        located: list[Located] = []
        for binding in self.index.global_bindings(head):
            if binding.kind is BindingKind.IMPORT and hops < _MAX_HOPS:
                target = self.import_target(head, binding, reach)
                if target is not None:
                    found = target[0].refs.global_bindings(".".join(filter(None, [target[1], rest])), hops + 1,
                                                           reach=reach)
                    if found is not None:
                        located.extend(found)
                        continue
            if rest and isinstance(binding.node, cst.ClassDef):
                located.extend(self.class_attribute(ClassRef(self.model, binding.node), rest, reach=reach))
            elif not rest:
                located.append((self.model, binding))
        return located or None

    def _follow_import(self, name: cst.Name, binding: Binding, hops: int, reach: Reach) -> list[Located] | None:
        if hops >= _MAX_HOPS:
            return None
        target = self.import_target(name.value, binding, reach)
        if target is None:
            return None
        model, attribute = target
        if not attribute:
            return None  # a whole module: not a value
        return model.refs.global_bindings(attribute, hops + 1, reach=reach)

    def import_target(self, local_name: str, binding: Binding, reach: Reach = Reach.ANY) -> tuple[ModuleModel, str] | None:
        project = self.model.project
        if project is None:
            return None
        enter = (lambda path: True) if reach is Reach.ANY else project.may_hold_values
        for imported in self.absolute(self.index.qualified_names_of_import(local_name, binding.node)):
            bound = bound_at(imported, self._module_lookup, enter)  # past the re-exports on the way
            if bound is None:
                continue  # through a module the question may not enter
            qualified, submodule = bound
            if submodule:
                return None  # a whole module: not a value
            target = project.lookup(qualified, by=self.model, reach=reach)
            if target is NOT_BOUND:
                return None  # the module is found, and has nothing by that name
            if target is not None:
                return target  # type: ignore[return-value]
        return None

    def absolute(self, names: set[str]) -> set[str]:
        """Relative import names (".keys.K") made absolute with this module's package."""
        return absolute_names(names, self.model.package)

    def qualified_names(self, expr: cst.CSTNode, anchor: cst.CSTNode | None = None) -> set[str]:
        """Absolute imported names an expression refers to, through the project's re-exports
        (`from . import redis` where the package says `from redis import asyncio as redis`) and
        class attributes (`self.redis.StrictRedis` where the class says `redis = redis`)."""
        key = (id(expr), id(anchor))
        known = self._qualified.get(key)
        if known is None:
            known = self._qualified[key] = (expr, anchor, frozenset(self._qualified_names(expr, anchor)))
        return set(known[2])

    def _qualified_names(self, expr: cst.CSTNode, anchor: cst.CSTNode | None) -> set[str]:
        names = {self.canonical(n) for n in self.absolute(self.index.qualified_names(expr, scope_of=anchor))}
        if names or not isinstance(expr, cst.Attribute) or self.index.scope(expr) is None:
            return names  # (a node parsed from a string annotation has no scope of its own)
        if isinstance(expr.value, cst.Attribute) and self._plain_attribute(expr.value):
            return set()
        if isinstance(expr.value, cst.Attribute | cst.Name):
            for model, binding in self.attribute_bindings(expr.value) if isinstance(expr.value, cst.Attribute) else []:
                if binding.kind is not BindingKind.VALUE:
                    continue
                if isinstance(binding.node, cst.Name | cst.Attribute):
                    return {f"{q}.{expr.attr.value}" for q in model.refs.qualified_names(binding.node)}
                fetched = getattr_of(binding.node)  # `sentinel = getattr(redis, "sentinel", None)`
                if fetched is not None:
                    return {f"{q}.{fetched[1]}.{expr.attr.value}" for q in model.refs.qualified_names(fetched[0])}
        return self._through_returned_module(expr)

    def _through_returned_module(self, attribute: cst.Attribute) -> set[str]:
        """`module.Redis.from_url` where `module = importlib.import_module("redis")`, or where
        `module = self._redis_module()` and that function of this module returns imported modules
        or names (`return redis` in one branch, `return valkey` in another): each of them."""
        path: list[str] = []
        root: cst.BaseExpression = attribute
        while isinstance(root, cst.Attribute):
            path.append(root.attr.value)
            root = root.value
        if not isinstance(root, cst.Name) or root in self._following:
            return set()
        located = [b for b in self.index.bindings(root) if not b.is_none]
        if not located or any(b.kind is not BindingKind.VALUE or not isinstance(b.node, cst.Call) for b in located):
            return set()
        self._following.add(root)
        try:
            modules: set[str] = set()
            for binding in located:
                found = self._modules_returned(binding.node)  # type: ignore[arg-type]
                if not found:
                    return set()
                modules |= found
        finally:
            self._following.discard(root)
        rest = ".".join(reversed(path))
        return {f"{module}.{rest}" for module in modules}

    def _own_function(self, func: cst.BaseExpression) -> cst.FunctionDef | None:
        """The function of this module a callee names, read from this module alone: `helper`, or
        `self.helper` in a method of the class that defines it."""
        if isinstance(func, cst.Name):
            located = self.index.bindings(func)
            return located[0].node if len(located) == 1 and isinstance(located[0].node, cst.FunctionDef) else None
        if isinstance(func, cst.Attribute) and isinstance(func.value, cst.Name):
            located = self.index.bindings(func.value)
            owner = self.index.self_class(located[0].node) if len(located) == 1 and isinstance(
                located[0].node, cst.Param) else None
            return self.index.class_info(owner).methods.get(func.attr.value) if owner is not None else None
        return None

    def _modules_returned(self, call: cst.Call) -> set[str]:
        if "importlib.import_module" in self.qualified_names(call.func):
            name = call.args[0].value if len(call.args) == 1 and not call.args[0].star else None
            value = name.evaluated_value if isinstance(name, cst.SimpleString) else None
            return {value} if isinstance(value, str) and not value.startswith(".") else set()
        function = self._own_function(call.func)
        if function is None:
            return set()  # a function of this module (reading another's is not worth it for every `x.y`)
        returned = [r for r in returned_values(function) if not (isinstance(r, cst.Name) and r.value == "None")]
        names = [self.qualified_names(r) if isinstance(r, cst.Name | cst.Attribute) else set() for r in returned]
        return set().union(*names) if returned and all(names) else set()

    def _plain_attribute(self, attribute: cst.Attribute) -> bool:
        """Whether `self.x` is known, from the summary of the first class of its hierarchy that binds
        it, to be bound to nothing that names an imported module or class (so that its class's
        module need not be parsed to learn that `self.x.y` names nothing imported)."""
        owner = self.class_ref(attribute.value)
        if owner is None:
            return False
        name = attribute.attr.value
        for entry in self.hierarchy(owner):
            if isinstance(entry, ClassRef):
                if entry.model.index.class_info(entry.node).attributes.get(name):
                    return False  # its code is at hand: read as before
            elif name in entry.summary.attributes:
                return name in entry.summary.plain
        return False

    def canonical(self, qualified: str) -> str:
        """A name the project re-exports (`app.redis.Redis`), as the library's own name
        (`redis.asyncio.Redis`): read from the summaries of the modules on the way."""
        project = self.model.project
        if project is None:
            return qualified
        return canonical(qualified, lambda name: project.summary_lookup(name, by=self.model))

    # -- classes -------------------------------------------------------------------

    def class_ref(self, expr: cst.BaseExpression, *, reach: Reach = Reach.ANY, this: ClassRef | None = None) -> ClassRef | None:
        """The project class an expression names: `self`/`cls` in a method, or a class name (local or imported).

        `this`: the class of the instance the analysis came from.  In a base class's method,
        `self` is that subclass, whose constants fill the base's key (`self._KEY_PREFIX`)."""
        if not isinstance(expr, cst.Name):
            return None
        local = self.index.bindings(expr)
        if self._summary_class(expr, local) is None:
            return None  # imported, and no class of the project: its module need not be parsed to know
        located = self.bindings(expr, reach=reach, local=local)
        if len(located) != 1:
            return None
        model, binding = located[0]
        if binding.kind is BindingKind.PARAM:
            owner = model.index.self_class(binding.node)  # type: ignore[arg-type]
            if owner is None:
                return None
            if this is not None and any(_is(c, model, owner) for c in this.model.refs.hierarchy(this)):
                return this
            return ClassRef(model, owner)
        if isinstance(binding.node, cst.ClassDef):
            return ClassRef(model, binding.node)
        return None

    def _class_of_expression(self, expr: cst.BaseExpression, reach: Reach = Reach.ANY) -> ClassRef | None:
        if isinstance(expr, cst.Name):
            return self.class_ref(expr, reach=reach)
        if isinstance(expr, cst.Attribute) and self.model.project is not None:
            for qualified in self.qualified_names(expr):
                target = self.model.project.lookup(qualified, by=self.model, reach=reach)
                if isinstance(target, tuple):
                    found = target[0].refs.global_bindings(target[1])
                    if found and len(found) == 1 and isinstance(found[0][1].node, cst.ClassDef):
                        return ClassRef(found[0][0], found[0][1].node)  # type: ignore[arg-type]
        return None

    def hierarchy(self, ref: ClassRef) -> list[Ancestor]:
        """The class and its project base classes, depth first, each once; a base whose module is
        not parsed is known from its summary (redis_lint.inference.hierarchy) until a question
        needs its code."""
        project = self.model.project
        memo = project.across_modules if project is not None else self.model.derived
        key = ("hierarchy", ref.model.path, ref.node)
        known = memo.get(key)
        if known is None or known[0].model is not ref.model:  # type: ignore[index]
            known = memo[key] = self._hierarchy(ref)
        return known  # type: ignore[return-value]

    def summary_hierarchy(self, cls: SummaryClass) -> list[Ancestor]:
        """`hierarchy`, for a class known from its module's summary (parsed only where a summary on
        the way cannot tell what a base is)."""
        project = self.model.project
        assert project is not None  # a summary class is found through the project
        key = ("hierarchy", cls.path, cls.name)
        known = project.across_modules.get(key)
        if known is None:
            known = project.across_modules[key] = self._hierarchy(cls)
        return known  # type: ignore[return-value]

    def summary_class(self, qualified: str) -> SummaryClass | Unsure | None:
        """The project class an absolute name refers to, from the summaries: None when it names no
        class of the project, UNSURE when only its module's code can tell (or that code is at hand)."""
        return self._summary_class_named({qualified}) if self.model.project is not None else UNSURE

    def _hierarchy(self, ref: Ancestor) -> list[Ancestor]:
        order: list[Ancestor] = []
        seen: set[object] = set()
        pending: list[Ancestor] = [ref]
        while pending and len(order) < _MAX_HOPS * 4:
            current = pending.pop(0)
            identity = _identity(current)
            if identity in seen:
                continue
            if isinstance(current, SummaryClass):
                bases = base_classes(current, self._module_lookup)
                if any(b is UNSURE for b in bases):  # the summary cannot tell: read its code
                    parsed = self._parsed(current)
                    if parsed is None:
                        continue
                    current = parsed
                    identity = _identity(current)
                    if identity in seen:
                        continue
                else:
                    seen.add(identity)
                    order.append(current)
                    pending.extend(b for b in bases if isinstance(b, SummaryClass))
                    continue
            seen.add(identity)
            order.append(current)
            pending.extend(current.model.refs._bases_of(current))
        return order

    def _bases_of(self, ref: ClassRef) -> list[Ancestor]:
        bases: list[Ancestor] = []
        for base in ref.node.bases:
            summarised = self._summary_class(base.value)
            if isinstance(summarised, SummaryClass):
                bases.append(summarised)
            elif summarised is UNSURE:
                target = self._class_of_expression(base.value)
                if target is not None:
                    bases.append(target)
        return bases

    def _summary_class(self, expr: cst.BaseExpression, local: list[Binding] | None = None) -> SummaryClass | Unsure | None:
        """The project class a base class expression of this module names, from the summaries when
        its module is not parsed: None when it names no project class, UNSURE to find out by parsing
        (`local`: a name's bindings in this module, when the caller has them already)."""
        project = self.model.project
        if project is None:
            return UNSURE
        if isinstance(expr, cst.Name):
            bindings = self.index.bindings(expr) if local is None else local
            if len(bindings) != 1 or bindings[0].kind is not BindingKind.IMPORT:
                return UNSURE  # a class of this module (no other module to parse), or several bindings
            key = ("summary class", self.model.path, bindings[0].node, expr.value)  # asked at every use
            if key not in project.across_modules:
                names = self.absolute(self.index.qualified_names_of_import(expr.value, bindings[0].node))
                project.across_modules[key] = self._summary_class_named(names)
            return project.across_modules[key]  # type: ignore[return-value]
        if isinstance(expr, cst.Attribute):
            return self._summary_class_named(self.qualified_names(expr))
        return UNSURE

    def _summary_class_named(self, names: set[str]) -> SummaryClass | Unsure | None:
        project = self.model.project
        assert project is not None
        if len(names) != 1:
            return UNSURE
        name = self.canonical(names.pop())  # through the re-exports on the way
        found = self._module_lookup(name)
        if found is None:
            return None  # a library's class, or a module the project does not have
        if project.is_parsed(found[0]):
            return UNSURE  # its module is at hand: asked as before, at no cost
        return class_named(name, self._module_lookup)

    def _module_lookup(self, qualified: str) -> tuple[Path, ModuleSummary, str, str] | None:
        project = self.model.project
        return project.module_lookup(qualified, by=self.model) if project is not None else None

    def _may_hold_values(self, entry: Ancestor) -> bool:
        project = self.model.project
        path = entry.model.path if isinstance(entry, ClassRef) else entry.path
        return project is None or path is None or project.may_hold_values(path)

    def _binds(self, entry: Ancestor, name: str) -> bool:
        """Whether a class of a hierarchy binds `name` as a method or an attribute, by its summary
        whether or not its module is parsed (an answer that depended on what was parsed before
        would depend on the order of the files)."""
        if isinstance(entry, SummaryClass):
            return entry.binds(name)
        project = self.model.project
        described = project.class_summary(entry.model, entry.node, by=self.model) if project is not None else None
        if described is None:  # a nested class, or one its module binds twice: its code is at hand
            info = entry.model.index.class_info(entry.node)
            return name in info.methods or name in info.attributes
        return name in described.binds

    def _parsed(self, entry: Ancestor) -> ClassRef | None:
        """A class of a hierarchy with its code: a summary class's module is parsed now."""
        if isinstance(entry, ClassRef):
            return entry
        project = self.model.project
        if project is None:
            return None
        model = project.model_for(entry.path, by=self.model)
        if model is None:
            return None
        found = model.refs.global_bindings(entry.name)
        if found and len(found) == 1 and isinstance(found[0][1].node, cst.ClassDef):
            return ClassRef(found[0][0], found[0][1].node)  # type: ignore[arg-type]
        return None

    def _up(self, ref: ClassRef, name: str, reach: Reach) -> Iterator[Ancestor]:
        """The classes of a hierarchy, in order, as far as a question about `name` may go: one about a
        class held ends at the first that binds it and cannot hold a Redis value: what it binds is no
        Redis class (one that only reads it, a mixin's `self.client_class(...)`, leaves it to the
        classes after it)."""
        for entry in self.hierarchy(ref):
            if reach is Reach.CLASSES and not self._may_hold_values(entry) and self._binds(entry, name):
                return
            yield entry

    def _defining(self, ref: ClassRef, name: str, reach: Reach = Reach.ANY, *,
                  where: Callable[[ClassSummary], bool] | None = None) -> Iterator[ClassRef]:
        """The classes of a hierarchy, in order, that may bind `name`: a summary class is parsed only
        when its summary says it may (`where`: what its summary must say, for a question about its
        methods or attributes alone; by default, that it mentions the name at all)."""
        for entry in self._up(ref, name, reach):
            if isinstance(entry, SummaryClass):
                if not (where(entry.summary) if where is not None else entry.may_define(name)):
                    continue
                parsed = self._parsed(entry)
                if parsed is None:
                    continue
                entry = parsed
            yield entry

    def class_attribute(self, ref: ClassRef, name: str, hops: int = 0, *, reach: Reach = Reach.ANY) -> list[Located]:
        """An attribute of a class, up its hierarchy, then up its metaclass's: a metaclass that
        declares `_meta: BaseMeta` gives every class built with it a `_meta` (redis-om)."""
        for cls in self._defining(ref, name, reach, where=lambda summary: name in summary.attributes):
            bindings = cls.model.index.class_info(cls.node).attributes.get(name)
            if bindings:
                return [(cls.model, b) for b in bindings]
        if hops < _MAX_HOPS:
            for entry in self.hierarchy(ref):
                if not (entry.summary.metaclass if isinstance(entry, SummaryClass) else _names_metaclass(entry.node)):
                    continue
                if reach is Reach.CLASSES and not self._may_hold_values(entry):
                    return []  # a metaclass where no Redis value can be: its attributes are no Redis class
                cls = self._parsed(entry)
                if cls is None:
                    continue
                for keyword in cls.node.keywords:
                    if keyword.keyword is not None and keyword.keyword.value == "metaclass":
                        meta = cls.model.refs._class_of_expression(keyword.value)
                        if meta is not None:
                            return meta.model.refs.class_attribute(meta, name, hops + 1, reach=reach)
        return []

    def method(self, ref: ClassRef, name: str, reach: Reach = Reach.ANY) -> FunctionRef | None:
        for cls in self._defining(ref, name, reach, where=lambda summary: name in summary.methods):
            function = cls.model.index.class_info(cls.node).methods.get(name)
            if function is not None:
                static = any(_decorator(d) == "staticmethod" for d in function.decorators)
                return FunctionRef(cls.model, function, bound=not static)
        return None

    def attribute_bindings(self, attribute: cst.Attribute, *, reach: Reach = Reach.ANY,
                           this: ClassRef | None = None) -> list[Located]:
        """Bindings of `self.x`, `cls.X`, `ClassName.X` (up the class hierarchy) or `module.X`."""
        owner = self.class_ref(attribute.value, reach=reach, this=None if _private(attribute) else this)
        if owner is not None:
            return self.class_attribute(owner, attribute.attr.value, reach=reach)
        if self.model.project is not None:
            for qualified in self.qualified_names(attribute):
                target = self.model.project.lookup(qualified, by=self.model, reach=reach)
                if isinstance(target, tuple):
                    return target[0].refs.global_bindings(target[1], reach=reach) or []
                if target is NOT_BOUND:
                    return []
        return []

    def stored_values(self, owner: ClassRef, name: str, *, mapping: bool) -> list[tuple[ModuleModel, cst.BaseExpression]]:
        """What the methods of a class store into the container its attribute `name` holds: its
        values (`self.x[k] = v`, `.setdefault(k, v)`) with `mapping`, else its elements (`.append(v)`)."""
        wanted = ("item", "value") if mapping else ("item", "element")
        return [(cls.model, value) for cls in self._defining(owner, name)
                for value, how in cls.model.index.class_info(cls.node).stores.get(name, [])
                if how in wanted]

    def property_getter(self, attribute: cst.Attribute, *, reach: Reach = Reach.ANY,
                        this: ClassRef | None = None) -> FunctionRef | None:
        """`self.client` where `client` is a @property / @cached_property of the class."""
        owner = self.class_ref(attribute.value, reach=reach, this=None if _private(attribute) else this)
        if owner is None:
            return None
        name = attribute.attr.value
        for entry in self._up(owner, name, reach):
            if isinstance(entry, SummaryClass):
                members = entry.summary
                if name not in members.methods and name not in members.attributes:
                    continue
                if name not in members.properties:
                    return None  # a method that is no property, or an attribute: as below, from the summary
            cls = self._parsed(entry)
            if cls is None:
                continue
            info = cls.model.index.class_info(cls.node)
            function = info.methods.get(name)
            if function is not None:
                is_property = any((_decorator(d) or "").endswith(_PROPERTY_DECORATORS) for d in function.decorators)
                return FunctionRef(cls.model, function, bound=True) if is_property else None
            if name in info.attributes:
                return None  # a subclass's constant overrides the base's (abstract) property
        return None

    # -- calls -------------------------------------------------------------------

    def function_for_call(self, call: cst.Call, *, reach: Reach = Reach.ANY, this: ClassRef | None = None) -> FunctionRef | None:
        """The project function or method a call invokes: `helper()`, `self.m()`, `Class.m()`, `mod.f()`."""
        func = call.func
        if isinstance(func, cst.Name):
            located = self.bindings(func, reach=reach)
            if len(located) == 1 and isinstance(located[0][1].node, cst.FunctionDef):
                return FunctionRef(located[0][0], located[0][1].node, bound=False)  # type: ignore[arg-type]
        elif isinstance(func, cst.Attribute):
            owner = self.class_ref(func.value, reach=reach, this=None if _private(func) else this)
            if owner is not None:
                return self.method(owner, func.attr.value, reach)
            located = self.attribute_bindings(func, reach=reach)
            if len(located) == 1 and isinstance(located[0][1].node, cst.FunctionDef):
                return FunctionRef(located[0][0], located[0][1].node, bound=False)  # type: ignore[arg-type]
        return None

    def calls_definition(self, call: cst.Call, function: cst.FunctionDef, owner: cst.ClassDef | None) -> bool:
        """Whether a call invokes `function` (or, for an `__init__`, instantiates its class)."""
        if owner is not None and function.name.value == "__init__":
            cls = self.class_for_call(call)
            return cls is not None and cls.node is owner
        target = self.function_for_call(call)
        return target is not None and target.node is function

    def class_for_call(self, call: cst.Call, *, reach: Reach = Reach.ANY) -> ClassRef | None:
        """The project class a call instantiates."""
        return self._class_of_expression(call.func, reach) if isinstance(call.func, cst.Name | cst.Attribute) else None


def _names_metaclass(node: cst.ClassDef) -> bool:
    return any(k.keyword is not None and k.keyword.value == "metaclass" for k in node.keywords)


def _identity(entry: Ancestor) -> object:
    return id(entry.node) if isinstance(entry, ClassRef) else (entry.path, entry.name)


def _is(entry: Ancestor, model: ModuleModel, node: cst.ClassDef) -> bool:
    """Whether a class of a hierarchy is the class `node` of `model`."""
    if isinstance(entry, ClassRef):
        return entry.node is node
    return entry.path == model.path and entry.name == node.name.value


def single_value(located: list[Located]) -> tuple[ModuleModel, cst.BaseExpression] | None:
    """The one value a name or attribute is bound to, with the module it is bound in."""
    values = [(m, b) for m, b in located if not b.is_none]
    if len(values) == 1 and values[0][1].kind is BindingKind.VALUE:
        return values[0][0], values[0][1].node  # type: ignore[return-value]
    return None


def getattr_of(node: cst.CSTNode | None) -> tuple[cst.BaseExpression, str] | None:
    """(`redis`, "sentinel") for `getattr(redis, "sentinel"[, default])`."""
    if (isinstance(node, cst.Call) and isinstance(node.func, cst.Name) and node.func.value == "getattr"
            and len(node.args) in (2, 3) and not any(a.star or a.keyword for a in node.args)
            and isinstance(node.args[1].value, cst.SimpleString)):
        name = node.args[1].value.evaluated_value
        if isinstance(name, str) and name.isidentifier():
            return node.args[0].value, name
    return None


def _private(attribute: cst.Attribute) -> bool:
    """`self.__key`: name-mangled, so it belongs to the class that writes it, not to a subclass."""
    name = attribute.attr.value
    return name.startswith("__") and not name.endswith("__")


def _decorator(decorator: cst.Decorator) -> str | None:
    return get_full_name_for_node(decorator.decorator)


def returned_values(function: cst.FunctionDef) -> list[cst.BaseExpression]:
    """The expressions a function returns (nested functions, lambdas and classes excluded)."""
    return _body_of(function).returns


def yielded_values(function: cst.FunctionDef) -> list[cst.BaseExpression]:
    """The expressions a generator function yields."""
    return _body_of(function).yields


def _body_of(function: cst.FunctionDef) -> _FunctionBody:
    collector = _FunctionBody()
    collector.walk(function.body)
    return collector


class _FunctionBody(FastVisitor):
    def __init__(self) -> None:
        self.returns: list[cst.BaseExpression] = []
        self.yields: list[cst.BaseExpression] = []

    def visit_FunctionDef(self, node: cst.FunctionDef) -> bool:
        return False

    def visit_Lambda(self, node: cst.Lambda) -> bool:
        return False

    def visit_ClassDef(self, node: cst.ClassDef) -> bool:
        return False

    def visit_Return(self, node: cst.Return) -> None:
        if node.value is not None:
            self.returns.append(node.value)

    def visit_Yield(self, node: cst.Yield) -> None:
        if isinstance(node.value, cst.BaseExpression):
            self.yields.append(node.value)
