"""Which expressions are Redis clients, pipelines, pools or locks.

A value is recognised only when it can be traced to a redis/valkey import:
a constructor call, a parameter or attribute annotated with a client type, a
name or `self.<attr>` bound (every time it is bound) to such a value, a
pipeline or lock taken from a client, a chained pipeline command, an awaited
call, a function, method or property of the project that returns a client,
an instance of a project class that subclasses one, or a configured
third-party factory.  Anything else is unknown, and unknown values are never
flagged.  Instances of the project's other classes are tracked too
(`OBJECT`), so that their attributes and methods can be followed.
"""

from __future__ import annotations

from dataclasses import dataclass, field, replace
from typing import TYPE_CHECKING

import libcst as cst
from libcst.helpers import get_full_name_for_node

from redis_lint.semantics.command_specs import COMMANDS
from redis_lint.semantics.index import Binding, BindingKind, ModuleIndex
from redis_lint.semantics.libraries import (CLIENT_LIBRARIES, CONSTRUCTED_KINDS, Kind, class_kind, constructor_kind,
                                            is_async_name, is_cluster_name)
from redis_lint.summaries.docstrings import documented_type
from redis_lint.semantics.project import Reach
from redis_lint.semantics.references import (Ancestor, ClassRef, FunctionRef, Located, References, getattr_of,
                                              returned_values, yielded_values)
from redis_lint.inference.hierarchy import UNSURE, SummaryClass, Unsure, library_bases

if TYPE_CHECKING:
    from redis_lint.semantics.module_model import ModuleModel


@dataclass(frozen=True)
class RedisValue:
    kind: Kind
    is_async: bool = False
    owner: ClassRef | None = field(default=None, compare=True)  # for OBJECT: the project class
    queued: bool = False  # for JSON: `pipe.json()`, whose commands are queued on a pipeline
    # why a value known by its use is taken for a Redis one (redis_lint.semantics.usage):
    # "`self.backend`: used with hincrby, zadd in Stats"; None for a value traced to its origin
    evidence: str | None = field(default=None, compare=False)
    # known by its use to be a client or a pipeline, without telling which (taken as a pipeline,
    # so that only the rules that hold for both apply; another origin that says client wins)
    either: bool = False
    # a client built by a project subclass of a client class (`class AppRedis(redis.Redis)`): the
    # methods it defines or overrides are its own, not redis-py's commands
    subclass: ClassRef | None = None
    # a Redis Cluster client or pipeline (`RedisCluster`, `ValkeyCluster`), by its class
    cluster: bool = False

    @classmethod
    def of_library(cls, kind: Kind, qualified_name: str) -> RedisValue:
        """What an instance of (or a call to) a client library's name is: `redis.asyncio.Redis`."""
        return cls(kind, is_async_name(qualified_name), cluster=is_cluster_name(qualified_name))


# Methods of a client that return another Redis object.
_DERIVED_FROM_CLIENT = {"pipeline": Kind.PIPELINE, "lock": Kind.LOCK, "register_script": Kind.SCRIPT}
_DERIVED_FROM_SENTINEL = {"master_for": Kind.CLIENT, "slave_for": Kind.CLIENT}
_CALLABLES = {"typing.Callable", "collections.abc.Callable", "typing_extensions.Callable"}
# functions that return what a dotted path names (besides those whose name says they import)
_DYNAMIC_IMPORTS = {"pydoc.locate", "pkgutil.resolve_name", "celery.utils.imports.symbol_by_name",
                    "kombu.utils.imports.symbol_by_name"}
_TYPING_UNIONS = {"typing.Optional", "typing.Union", "typing_extensions.Optional", "typing_extensions.Union"}


class ValueResolver:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index
        self.refs = model.refs
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

    def redis(self, expr: cst.CSTNode) -> RedisValue | None:
        """The value when it is a Redis object (not a project OBJECT)."""
        value = self.resolve(expr)
        return value if value is not None and value.kind is not Kind.OBJECT else None

    def _resolve(self, expr: cst.CSTNode) -> RedisValue | None:
        if isinstance(expr, cst.Await):
            return self.resolve(expr.expression)
        if isinstance(expr, cst.Call):
            return self._resolve_call(expr)
        if isinstance(expr, cst.Name):
            located = self.refs.bindings(expr, reach=Reach.VALUES)
            # `pipe = pipe.zadd(...)` keeps what `pipe` was: a pipeline's commands return the pipeline
            others = [(m, b) for m, b in located if not _rebinds_itself(b, expr.value)]
            value = _agree(others if others else located)
            if value is None and located and all(m is self.model and b.kind is BindingKind.VALUE for m, b in located):
                return self._checked_type(expr)  # `conn = connect()` then `assertIsInstance(conn, Redis)`
            return value
        if isinstance(expr, cst.Attribute):
            return self._resolve_attribute(expr)
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            return self._either([expr.left, expr.right])
        if isinstance(expr, cst.Subscript) and len(expr.slice) == 1 and isinstance(expr.slice[0].slice, cst.Index):
            index = expr.slice[0].slice.value
            positional = isinstance(index, cst.Integer) or isinstance(index, cst.UnaryOperation) and isinstance(
                index.expression, cst.Integer)
            return self.element_value(expr.value, mapping=not positional)  # self._servers[name], self.servers[0]
        if isinstance(expr, cst.IfExp):
            return self._either([expr.body, expr.orelse])
        return None

    def _either(self, options: list[cst.BaseExpression]) -> RedisValue | None:
        """`client or Redis(...)`, `a if c else b`: the options that are known must agree, and one must be."""
        known = {self.resolve(o) for o in options if not (isinstance(o, cst.Name) and o.value == "None")}
        known.discard(None)
        return _merge(known)

    def _resolve_attribute(self, attribute: cst.Attribute) -> RedisValue | None:
        getter = self.refs.property_getter(attribute, reach=Reach.VALUES)
        if getter is not None:
            return getter.model.values.function_value(getter.node)
        located = self.refs.attribute_bindings(attribute, reach=Reach.VALUES)
        if located:
            return _agree(located)
        ref = self._instance_class(attribute.value)
        if ref is not None:
            method = ref.model.refs.method(ref, attribute.attr.value)
            if method is not None and _is_property(method):
                return method.model.values.function_value(method.node)
            return _agree(ref.model.refs.class_attribute(ref, attribute.attr.value))
        return None

    def _instance_class(self, expr: cst.BaseExpression) -> ClassRef | None:
        """The project class of the object an expression holds (`detector` after
        `detector = SchemaDetector(...)`); `self` and class names are the References' business."""
        value = self.resolve(expr)
        return value.owner if value is not None and value.kind is Kind.OBJECT else None

    def constructed(self, call: cst.Call) -> tuple[str, RedisValue] | None:
        """(name, value) when the call constructs a client, pool or sentinel: a library class,
        `from_url`, a project class that subclasses a client, or a variable or attribute holding
        one of these classes (`self.client_class(...)`, `pool_cls.from_url(...)`)."""
        for name in sorted(self.refs.qualified_names(call.func)):
            kind = constructor_kind(name)
            if kind is not None:
                return name, RedisValue.of_library(kind, name)
        func = call.func
        builder = func.value if isinstance(func, cst.Attribute) and func.attr.value in ("from_url", "from_pool") else func
        value = self.class_held(builder)
        if value is not None and value.kind in CONSTRUCTED_KINDS:
            return " ".join(self.index.code(func).split()), value
        return None

    def factory_handed(self, call: cst.Call) -> tuple[str, RedisValue] | None:
        """(name, value) when a call hands a client's (or pool's) `from_url` to the function it
        calls, as the factory that builds it (`clients.get(url, redis.StrictRedis.from_url, url)`):
        the construction happens at that call."""
        for arg in call.args:
            value = arg.value
            if isinstance(value, cst.Attribute) and value.attr.value == "from_url" and not arg.star:
                held = self.class_held(value.value)
                if held is not None and held.kind in CONSTRUCTED_KINDS:
                    return " ".join(self.index.code(value).split()), held
        return None

    def class_held(self, expr: cst.BaseExpression, depth: int = 0) -> RedisValue | None:
        """What instances of the class an expression holds would be: `redis.Redis`, a project
        subclass, a name or attribute bound to one (or annotated `type[Redis]`), `A if c else B`.
        No parameter is followed to its callers for it, so it never enters a module that cannot
        hold a Redis value (`Reach.CLASSES`): such a module has no Redis class to give."""
        if depth > 6:
            return None
        if isinstance(expr, cst.IfExp):
            return _merge({self.class_held(e, depth + 1) for e in (expr.body, expr.orelse)})
        if isinstance(expr, cst.BooleanOperation) and isinstance(expr.operator, cst.Or):
            # `pool_class or redis.ConnectionPool`: the default unless the caller passes another
            known = {self.class_held(e, depth + 1) for e in (expr.left, expr.right)}
            known.discard(None)
            return _merge(known)
        if isinstance(expr, cst.Attribute):
            getter = self.refs.property_getter(expr, reach=Reach.CLASSES)
            if getter is not None:
                returns = returned_values(getter.node)
                known = {getter.model.values.class_held(r, depth + 1) for r in returns}
                known.discard(None)
                return _merge(known)
        if isinstance(expr, cst.Call):
            fetched = getattr_of(expr)  # `getattr(redis, "Redis")`: `redis.Redis`
            if fetched is not None:
                for name in sorted(self.refs.qualified_names(fetched[0])):
                    kind = class_kind(f"{name}.{fetched[1]}")
                    if kind is not None:
                        return RedisValue.of_library(kind, f"{name}.{fetched[1]}")
                return None
            default = _mapping_default(expr)  # `options.pop("connection_class", redis.Redis)`
            if default is not None:
                return self.class_held(default, depth + 1)
            # `self._get_client()(...)`: a function of the project returning a class
            target = self.refs.function_for_call(expr, reach=Reach.CLASSES)
            if target is None:
                return None
            returns = returned_values(target.node)
            return _merge({target.model.values.class_held(r, depth + 1) for r in returns}) if returns else None
        if not isinstance(expr, cst.Name | cst.Attribute):
            return None
        value = self._type_value(expr, expr, owners=False)
        if value is not None:
            return value
        located = self.refs.bindings(expr, reach=Reach.CLASSES) if isinstance(expr, cst.Name) else \
            self.refs.attribute_bindings(expr, reach=Reach.CLASSES)
        declared = {m.values._class_annotation(b.annotation.annotation, b.annotation)
                    for m, b in located if b.annotation is not None}
        declared.discard(None)
        if declared:
            return _merge(declared)
        found: set[RedisValue | None] = set()
        for model, binding in located:
            if binding.is_none:
                continue
            if binding.kind is BindingKind.VALUE and binding.node is not None:
                found.add(model.values.class_held(binding.node, depth + 1))  # type: ignore[arg-type]
            elif isinstance(binding.node, cst.ClassDef):
                value = model.values.class_value(ClassRef(model, binding.node))
                found.add(value if value is not None and value.kind is not Kind.OBJECT else None)
        # `cls = redis.Redis; if custom: cls = import_string(path)`: the class it is unless configured otherwise
        found.discard(None)
        return _merge(found)

    def _class_annotation(self, annotation: cst.BaseExpression, anchor: cst.CSTNode) -> RedisValue | None:
        """`type[Redis]`, `type[Redis] | type[RedisCluster]` -> what their instances are."""
        if isinstance(annotation, cst.BinaryOperation) and isinstance(annotation.operator, cst.BitOr):
            return _merge({self._class_annotation(annotation.left, anchor),
                           self._class_annotation(annotation.right, anchor)})
        if not isinstance(annotation, cst.Subscript):
            return None
        names = self.refs.qualified_names(annotation.value, anchor)
        if isinstance(annotation.value, cst.Name) and annotation.value.value == "type" or names & {"typing.Type"}:
            elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
            return self._union_value(elements, anchor) if elements else None
        return None

    def _resolve_call(self, call: cst.Call) -> RedisValue | None:
        constructed = self.constructed(call) or self.factory_handed(call)
        if constructed is not None:
            return constructed[1]
        names = self.refs.qualified_names(call.func)
        if names & set(self.model.client_factories):
            return RedisValue(Kind.CLIENT, any(is_async_name(n) for n in names))
        func = call.func
        if isinstance(func, cst.Attribute):
            receiver = self.resolve(func.value)
            method = func.attr.value
            if receiver is not None:
                if receiver.kind is Kind.CLIENT and method in _DERIVED_FROM_CLIENT:
                    return RedisValue(_DERIVED_FROM_CLIENT[method], receiver.is_async, cluster=receiver.cluster)
                if receiver.kind in (Kind.CLIENT, Kind.PIPELINE) and method == "json":
                    return RedisValue(Kind.JSON, receiver.is_async, queued=receiver.kind is Kind.PIPELINE)
                if receiver.kind is Kind.SENTINEL and method in _DERIVED_FROM_SENTINEL:
                    return RedisValue(Kind.CLIENT, receiver.is_async)
                if receiver.kind is Kind.PIPELINE and method in COMMANDS:
                    return receiver  # pipeline commands return the pipeline: chaining
                if receiver.kind is Kind.OBJECT and receiver.owner is not None:
                    target = receiver.owner.model.refs.method(receiver.owner, method)
                    if target is not None:
                        return target.model.values.function_value(target.node)
                    return self._callable_returns(func)  # an attribute holding a callable
        target = self.refs.function_for_call(call, reach=Reach.VALUES)
        if target is not None:
            return target.model.values.function_value(target.node)
        cls = self.refs.class_for_call(call, reach=Reach.VALUES)
        if cls is not None:
            return RedisValue(Kind.OBJECT, owner=cls)
        return self._callable_returns(func) or self._fixture_factory(func)

    def _callable_returns(self, func: cst.BaseExpression) -> RedisValue | None:
        """What calling a name or attribute annotated `Callable[..., T]` gives: a T
        (`client_factory: Callable[[], Redis]`, then `self.client_factory()`)."""
        if isinstance(func, cst.Name):
            located = self.refs.bindings(func, reach=Reach.VALUES)
        elif isinstance(func, cst.Attribute):
            located = self.refs.attribute_bindings(func, reach=Reach.VALUES)
        else:
            return None
        returned = set()
        for model, binding in located:
            annotation = binding.annotation
            if annotation is None or not isinstance(annotation.annotation, cst.Subscript):
                continue
            subscript = annotation.annotation
            names = model.refs.qualified_names(subscript.value, annotation) | _bare_typing_name(subscript.value)
            if names & _CALLABLES and len(subscript.slice) == 2 and isinstance(subscript.slice[1].slice, cst.Index):
                returned.add(model.values._type_value(subscript.slice[1].slice.value, annotation))
        returned.discard(None)
        return _merge(returned)

    def function_value(self, function: cst.FunctionDef) -> RedisValue | None:
        """What a function of this module returns: its annotation, else what all its returns agree on."""
        if function.returns is not None:
            annotated = self.annotation_value(function.returns)
            if annotated is not None:
                return annotated
        key = id(function)
        if key in self._in_progress:
            return None  # recursion
        self._in_progress.add(key)
        try:
            values = {self.resolve(v) for v in returned_values(function)
                      if not (isinstance(v, cst.Name) and v.value == "None")}
        finally:
            self._in_progress.discard(key)
        return _merge(values)  # every return agrees (a None return aside)

    # -- containers of clients -------------------------------------------------------

    def element_value(self, container: cst.BaseExpression, *, mapping: bool = False, depth: int = 0) -> RedisValue | None:
        """What the elements of a container are (its values, for a mapping): `for master in self.masters`,
        `self._servers[name]`, `for c in self._servers.values()`."""
        if depth > 6:
            return None
        depth += 1
        if isinstance(container, (cst.List, cst.Tuple, cst.Set)) and not mapping:
            return _merge({self.resolve(e.value) for e in container.elements if isinstance(e, cst.Element)})
        if isinstance(container, cst.Dict) and mapping:
            return _merge({self.resolve(e.value) for e in container.elements if isinstance(e, cst.DictElement)})
        if isinstance(container, (cst.ListComp, cst.SetComp, cst.GeneratorExp)) and not mapping:
            return self.resolve(container.elt)
        if isinstance(container, cst.DictComp) and mapping:
            return self.resolve(container.value)
        if isinstance(container, cst.Call):
            func = container.func
            if isinstance(func, cst.Attribute) and func.attr.value == "values" and not container.args and not mapping:
                return self.element_value(func.value, mapping=True, depth=depth)
            if (isinstance(func, cst.Name) and func.value in _COPIES and len(container.args) == 1
                    and self.index.is_builtin(func)):
                return self.element_value(container.args[0].value, mapping=mapping, depth=depth)
            target = self.refs.function_for_call(container)
            if target is not None:
                resolver = target.model.values
                if target.node.returns is not None:
                    return resolver._element_of_annotation(target.node.returns.annotation, target.node.returns, mapping)
                returns = returned_values(target.node)
                return _merge({resolver.element_value(r, mapping=mapping, depth=depth) for r in returns}) if returns else None
            return None
        if isinstance(container, (cst.Name, cst.Attribute)):
            owner = None
            if isinstance(container, cst.Name):
                located = self.refs.bindings(container, reach=Reach.VALUES)
            else:
                owner = self.refs.class_ref(container.value, reach=Reach.VALUES) or self._instance_class(container.value)
                located = owner.model.refs.class_attribute(owner, container.attr.value) if owner is not None else \
                    self.refs.attribute_bindings(container, reach=Reach.VALUES)
            declared = {m.values._element_of_annotation(b.annotation.annotation, b.annotation, mapping)
                        for m, b in located if b.annotation is not None}
            declared.discard(None)
            if declared:
                return _merge(declared)
            # an empty container filled later (`self._conns = {}` ... `self._conns[i] = Redis(...)`)
            # says nothing about its elements; what the class stores into it does
            elements = {m.values.element_value(b.node, mapping=mapping, depth=depth)  # type: ignore[arg-type]
                        for m, b in located if b.kind is BindingKind.VALUE and b.node is not None
                        and not b.is_none and not _empty_container(b.node)}
            if owner is not None:
                elements |= {m.values.resolve(v) for m, v in
                             owner.model.refs.stored_values(owner, container.attr.value, mapping=mapping)}
            return _merge(elements) if elements else None
        return None

    def _element_of_annotation(self, annotation: cst.BaseExpression, anchor: cst.CSTNode, mapping: bool) -> RedisValue | None:
        """`Iterable[Redis]` -> Redis; with `mapping`, `dict[str, Redis]` -> Redis."""
        if isinstance(annotation, cst.SimpleString):
            try:
                annotation = cst.parse_expression(annotation.evaluated_value)  # type: ignore[arg-type]
            except Exception:
                return None
        if not isinstance(annotation, cst.Subscript):
            return None
        name = (get_full_name_for_node(annotation.value) or "").rsplit(".", 1)[-1]
        elements = [e.slice.value for e in annotation.slice if isinstance(e.slice, cst.Index)]
        if mapping and name in _MAPPINGS and len(elements) == 2:
            return self._type_value(elements[1], anchor)
        if not mapping and name in _COLLECTIONS and elements:
            return self._type_value(elements[0], anchor)
        return None

    def yielded_value(self, function: cst.FunctionDef) -> RedisValue | None:
        """What a @contextmanager function yields: from `-> Iterator[Pipeline]`, else its yields."""
        returns = function.returns.annotation if function.returns is not None else None
        if isinstance(returns, cst.Subscript) and (get_full_name_for_node(returns.value) or "").endswith(_YIELDING):
            first = returns.slice[0].slice
            if isinstance(first, cst.Index):
                value = self._type_value(first.value, function.returns)  # type: ignore[arg-type]
                if value is not None:
                    return value
        yielded = yielded_values(function)
        return _merge({self.resolve(v) for v in yielded}) if yielded else None

    def class_value(self, ref: ClassRef) -> RedisValue | None:
        """A project class that subclasses a client (or pipeline, pool) builds one; others build OBJECTs.

        Up the hierarchy, the first base that is a client library's class decides (the project's
        own bases are in the hierarchy, each looked at in turn); a base known from its module's
        summary is not parsed for it."""
        refs = ref.model.refs
        value = _library_class_value(refs, refs.hierarchy(ref))
        return replace(value, subclass=ref) if value is not None else RedisValue(Kind.OBJECT, owner=ref)

    def _binding_value(self, binding: Binding) -> RedisValue | None:
        if binding.annotation is not None:
            annotated = self.annotation_value(binding.annotation)
            if annotated is not None:
                return annotated
        if binding.kind is BindingKind.CONTEXT and isinstance(binding.node, cst.Call):
            target = self.refs.function_for_call(binding.node)
            if target is not None and any((_decorator_name(d) or "").endswith("contextmanager")
                                          for d in target.node.decorators):
                return target.model.values.yielded_value(target.node)  # `with self._watch() as pipe:`
        if binding.kind in (BindingKind.VALUE, BindingKind.CONTEXT) and binding.node is not None:
            return self.resolve(binding.node)
        if binding.kind is BindingKind.ITERATION and binding.node is not None:
            return self.element_value(binding.node)  # type: ignore[arg-type]
        if binding.kind is BindingKind.PARAM:
            owner = self.index.self_class(binding.node)  # type: ignore[arg-type]
            if owner is not None:  # `self`: an instance of its class
                return self.class_value(ClassRef(self.model, owner))
            param = binding.node
            assert isinstance(param, cst.Param)
            return (self._checked_type(param) or self._documented_type(param) or self._default_value(param)
                    or self._transaction_pipeline(param) or self._fixture_value(param)
                    or self._passed_by_callers(param))
        if binding.kind is BindingKind.DEFINITION and isinstance(binding.node, cst.FunctionDef):
            if any("lazy" in (_decorator_name(d) or "").lower() for d in binding.node.decorators):
                return self.function_value(binding.node)  # @LazyObject def client(): the object it returns
        return None

    def _documented_type(self, param: cst.Param) -> RedisValue | None:
        """An unannotated parameter whose type the function's docstring gives (Sphinx, numpy or
        Google style: redis_lint.summaries.docstrings).  A type written with its module
        (`redis.Redis`) names that class even where the module is not imported."""
        function = self.index.enclosing(param, (cst.FunctionDef,))
        if not isinstance(function, cst.FunctionDef):
            return None
        written = documented_type(function.get_docstring(), param.name.value)
        if written is None:
            return None
        try:
            parsed = cst.parse_expression(written)
        except Exception:  # prose, not a type
            return None
        value = self._type_value(parsed, param)
        if value is None and isinstance(parsed, (cst.Name, cst.Attribute)):
            dotted = get_full_name_for_node(parsed) or ""
            kind = class_kind(dotted) if dotted.split(".", 1)[0] in CLIENT_LIBRARIES else None
            value = RedisValue.of_library(kind, dotted) if kind is not None else None
        return value

    def _transaction_pipeline(self, param: cst.Param) -> RedisValue | None:
        """The pipeline parameter of a function handed to a client's `transaction(func, *watches)`,
        which calls it with a pipeline (`def trans(pipe): ...` then `r.transaction(trans, key)`;
        a method's parameter after `self`, handed as `self.trans`)."""
        function = self.index.enclosing(param, (cst.FunctionDef,))
        if not isinstance(function, cst.FunctionDef) or not any(p is param for p in function.params.params[:2]):
            return None
        for call, _ in self.model.calls:
            func = call.func
            if not (isinstance(func, cst.Attribute) and func.attr.value == "transaction"):
                continue
            callback = transaction_callback(self.index, call)
            if callback is not None and callback[0] is function and callback[1] is param:
                client = self.redis(func.value) or self.model.usage.value(func.value)
                if client is not None and client.kind is Kind.CLIENT:
                    return RedisValue(Kind.PIPELINE, client.is_async, cluster=client.cluster)
        return None

    def _fixture_value(self, param: cst.Param) -> RedisValue | None:
        """A test's parameter named after a pytest fixture of its module: what the fixture returns
        or yields (pytest hands it that)."""
        fixture = self.model.usage.fixture_for(param)
        return (self.function_value(fixture) or self.yielded_value(fixture)) if fixture is not None else None

    def _fixture_factory(self, func: cst.BaseExpression) -> RedisValue | None:
        """Calling a fixture's value that is a function of the fixture's own (`def make_conn():
        def factory(**options): return Redis(**options); return factory`): what that function returns."""
        if not isinstance(func, cst.Name):
            return None
        located = self.index.bindings(func)
        if len(located) != 1 or located[0].kind is not BindingKind.PARAM:
            return None
        fixture = self.model.usage.fixture_for(located[0].node)  # type: ignore[arg-type]
        if fixture is None:
            return None
        factories = set()
        for returned in [*returned_values(fixture), *yielded_values(fixture)]:
            bound = self.index.bindings(returned) if isinstance(returned, cst.Name) else []
            if len(bound) != 1 or not isinstance(bound[0].node, cst.FunctionDef):
                return None
            factories.add(self.function_value(bound[0].node))
        return _merge(factories) if factories else None

    def _default_value(self, param: cst.Param) -> RedisValue | None:
        """An unannotated parameter with a default (`def __init__(self, client=redis_client)`): what
        the default is, the value the function is written for."""
        default = param.default
        if default is None or isinstance(default, cst.Name) and default.value == "None":
            return None
        return self.resolve(default)

    def _passed_by_callers(self, param: cst.Param) -> RedisValue | None:
        """An unannotated parameter that every caller passes a client to.

        A constructor's callers are looked for in the whole project (`Scheduler(connection=
        Redis(...))` makes `connection` one: the dependency-injection pattern); another function's
        only in its own module (`def _do_save(conn): ...` then `_do_save(db)`), where a call by
        the same name that cannot be told apart leaves the parameter unknown."""
        project = self.model.project
        function = self.index.enclosing(param, (cst.FunctionDef,))
        if not isinstance(function, cst.FunctionDef):
            return None
        if param.default is not None and not (isinstance(param.default, cst.Name) and param.default.value == "None"):
            return None
        key = ("callers", id(param))
        if key in self.model.derived:
            return self.model.derived[key]  # type: ignore[return-value]
        self.model.derived[key] = None  # recursion through callers: unknown
        if function.name.value != "__init__":
            result = self._passed_by_callers_in_module(param, function)
            self.model.derived[key] = result
            return result
        owner = self.index.class_of_method(function)
        if owner is None or project is None:
            return None
        callee = owner.name.value
        params = list(function.params.params)[1:]
        position = next((i for i, p in enumerate(params) if p is param), None)
        values: set[RedisValue | None] = set()
        # Callers in files that can hold a Redis value first: when none of them passes one, the
        # others (which cannot) need not be parsed.
        callers = sorted(project.files_calling(callee, by=self.model), key=lambda p: not project.may_hold_values(p))
        for path in callers:
            if not project.may_hold_values(path) and not any(v is not None for v in values):
                break
            model = project.model_for(path, by=self.model)
            if model is None:
                continue
            for call, _ in model.calls:
                named = call.func.value if isinstance(call.func, cst.Name) else (
                    call.func.attr.value if isinstance(call.func, cst.Attribute) else None)
                if named != callee or not model.refs.calls_definition(call, function, owner):
                    continue
                argument = _argument_for(call, param.name.value, position)
                values.add(model.handed_value(argument) if argument is not None else None)
        result = _merge(values) if values else None
        self.model.derived[key] = result
        return result

    def _passed_by_callers_in_module(self, param: cst.Param, function: cst.FunctionDef) -> RedisValue | None:
        project = self.model.project
        if project is not None and self.model.path is not None and not project.may_hold_values(self.model.path):
            return None
        callee = function.name.value
        values: set[RedisValue | None] = set()
        for call, _ in self.model.calls:
            named = call.func.value if isinstance(call.func, cst.Name) else (
                call.func.attr.value if isinstance(call.func, cst.Attribute) else None)
            if named != callee:
                continue
            target = self.refs.function_for_call(call)
            if target is None:
                return None  # `x.save(...)`: maybe this method, with something else
            if target.node is not function:
                continue
            params = list(function.params.params)[1 if target.bound else 0:]
            position = next((i for i, p in enumerate(params) if p is param), None)
            argument = _argument_for(call, param.name.value, position)
            if argument is None:
                return None  # not passed (the default, None) or passed through *args
            value = self.model.handed_value(argument)
            if value is None and self._forwarded_parameter(argument):
                continue  # `def reset_all(client): Lock.register(client)`: says nothing either way
            values.add(value)
        return _merge(values) if values else None

    def _forwarded_parameter(self, expr: cst.BaseExpression) -> bool:
        """A caller's own parameter, unannotated, passed on as it came (`c: dict` says what it is)."""
        if not isinstance(expr, cst.Name):
            return False
        bindings = self.refs.bindings(expr)
        return len(bindings) == 1 and bindings[0][1].kind is BindingKind.PARAM and bindings[0][1].annotation is None

    def _checked_type(self, param: cst.Param | cst.Name) -> RedisValue | None:
        """A parameter (or a local) its function checks with `isinstance(name, Redis)` or
        `self.assertIsInstance(name, Redis)` is taken to be one."""
        function = self.index.enclosing(param, (cst.FunctionDef,))
        if not isinstance(function, cst.FunctionDef):
            return None
        values = set()
        name = param.name.value if isinstance(param, cst.Param) else param.value
        for type_expr in self._type_checks().get(function, {}).get(name, ()):
            members = [e.value for e in type_expr.elements] if isinstance(type_expr, cst.Tuple) else [type_expr]
            values.add(self._union_value(members, type_expr))
        values.discard(None)
        return values.pop() if len(values) == 1 else None

    def _type_checks(self) -> dict[cst.FunctionDef, dict[str, list[cst.BaseExpression]]]:
        """Per function, the types it checks its names against with `isinstance()` (or unittest's
        `assertIsInstance()`), by name: read once per module from the calls its walk collected
        (a lambda's calls are its function's)."""
        key = "isinstance checks"
        checks = self.model.derived.get(key)
        if checks is None:
            checks = {}
            for call, scope in self.model.calls:
                checked = _type_check(call)
                if checked is None:
                    continue
                function = scope if isinstance(scope, cst.FunctionDef) else self.index.enclosing(call, (cst.FunctionDef,))
                if isinstance(function, cst.FunctionDef):
                    checks.setdefault(function, {}).setdefault(checked[0], []).append(checked[1])
            self.model.derived[key] = checks
        return checks  # type: ignore[return-value]

    # -- annotations ---------------------------------------------------------

    def annotation_value(self, annotation: cst.Annotation) -> RedisValue | None:
        return self._type_value(annotation.annotation, annotation)

    def _type_value(self, expr: cst.BaseExpression, anchor: cst.CSTNode, *, owners: bool = True) -> RedisValue | None:
        """The Redis value a type expression describes; `anchor` is where its names are looked up.
        Without `owners`, a project class that is no Redis class is an OBJECT of no class in
        particular (`class_held` asks only whether its instances are Redis objects, which the
        summaries tell without parsing its module)."""
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
            names = self.refs.qualified_names(expr.value, anchor) | _bare_typing_name(expr.value)
            elements = [e.slice.value for e in expr.slice if isinstance(e.slice, cst.Index)]
            if names & _TYPING_UNIONS:
                return self._union_value(elements, anchor)
            return self._type_value(expr.value, anchor)  # Redis[bytes]
        if isinstance(expr, (cst.Name, cst.Attribute)):
            names = self.refs.qualified_names(expr, anchor)
            for name in sorted(names):
                kind = class_kind(name)
                if kind is not None:
                    return RedisValue.of_library(kind, name)
            project = self.model.project
            if project is not None:
                for name in sorted(names):
                    if not owners:
                        summarised = self._summary_class_value(name)
                        if summarised is not UNSURE:
                            if summarised is None:
                                continue
                            return summarised  # type: ignore[return-value]
                    target = project.lookup(name, by=self.model, reach=Reach.VALUES)
                    found = target[0].refs.global_bindings(target[1], reach=Reach.CLASSES) if isinstance(target, tuple) else None
                    if found and len(found) == 1 and isinstance(found[0][1].node, cst.ClassDef):
                        return found[0][0].values.class_value(ClassRef(found[0][0], found[0][1].node))
            if isinstance(expr, cst.Name) and anchor is not expr and not names:
                cls = self.refs.class_ref(expr) if self.index.scope(expr) is not None else None
                if cls is not None:
                    return self.class_value(cls)  # a project class: an OBJECT, unless it subclasses a client
        return None

    def _summary_class_value(self, qualified: str) -> RedisValue | Unsure | None:
        """What instances of the project class an absolute name refers to are, from the summaries
        (an OBJECT of no class in particular when no base is a Redis class): None when the name is
        no project class, or its module can hold no Redis value (as `lookup` finds none there);
        UNSURE when only its code can tell."""
        project = self.model.project
        assert project is not None
        found = self.refs.summary_class(qualified)
        if not isinstance(found, SummaryClass):
            return found
        if not project.may_hold_values(found.path):
            return None
        return _library_class_value(self.refs, self.refs.summary_hierarchy(found)) or RedisValue(Kind.OBJECT)

    def _union_value(self, members: list[cst.BaseExpression], anchor: cst.CSTNode) -> RedisValue | None:
        return _merge({
            self._type_value(m, anchor)
            for m in members
            if not (isinstance(m, cst.Name) and m.value == "None")
        })


def _library_class_value(refs: References, hierarchy: list[Ancestor]) -> RedisValue | None:
    """What instances of a class with this hierarchy are when one of its bases is a client
    library's class: the first such base decides."""
    for cls in hierarchy:
        if isinstance(cls, SummaryClass):
            names = [[refs.canonical(name)] for name in library_bases(cls)]
        else:
            names = [sorted(cls.model.refs.qualified_names(_unsubscripted(base.value))) for base in cls.node.bases]
        for base_names in names:
            for name in base_names:
                kind = class_kind(name)
                if kind is not None:
                    return RedisValue.of_library(kind, name)
    return None


def _unsubscripted(expr: cst.BaseExpression) -> cst.BaseExpression:
    """`Redis[bytes]` -> `Redis`."""
    return expr.value if isinstance(expr, cst.Subscript) else expr


def transaction_callback(index: ModuleIndex, call: cst.Call) -> tuple[cst.FunctionDef, cst.Param] | None:
    """The function `transaction(func, *watches)` is handed and the parameter its pipeline comes
    in: a function of this module named directly (`trans`: its first parameter), or a method of
    the calling class (`self.trans`: its parameter after `self`)."""
    handed = call.args[0].value if call.args and call.args[0].keyword is None and not call.args[0].star else None
    if isinstance(handed, cst.Name):
        function = next((b.node for b in index.bindings(handed) if isinstance(b.node, cst.FunctionDef)), None)
        position = 0
    elif isinstance(handed, cst.Attribute) and isinstance(handed.value, cst.Name):
        caller = index.enclosing(call, (cst.FunctionDef,))
        owner = index.class_of_method(caller) if isinstance(caller, cst.FunctionDef) else None
        if owner is None or not caller.params.params or caller.params.params[0].name.value != handed.value.value:
            return None  # not `self.<method>` inside a method of its class
        function = next((statement for statement in owner.body.body if isinstance(statement, cst.FunctionDef)
                         and statement.name.value == handed.attr.value), None)
        position = 1
    else:
        return None
    if function is None or len(function.params.params) <= position:
        return None
    return function, function.params.params[position]


def _merge(values: set[RedisValue | None]) -> RedisValue | None:
    """One value for several that agree on their kind (sync and asyncio variants of a client agree);
    None when any is unknown or the kinds differ."""
    if not values or None in values:
        return None
    if any(v is not None and v.kind is Kind.CLIENT for v in values):
        values = {replace(v, kind=Kind.CLIENT, either=False) if v is not None and v.either else v for v in values}
    kinds = {(v.kind, v.owner, v.queued) for v in values if v is not None}
    if kinds == {(Kind.CLIENT, None, False), (Kind.PIPELINE, None, False)}:
        # `return pipeline if pipeline is not None else self.db()`: every command on it is a Redis
        # command; taken as a pipeline, so that only the rules that hold for both apply
        kinds = {(Kind.PIPELINE, None, False)}
    if len(kinds) != 1:
        return None
    kind, owner, queued = kinds.pop()
    evidence = min((v.evidence for v in values if v is not None and v.evidence is not None), default=None)
    either = all(v.either for v in values if v is not None)
    subclasses = {v.subclass for v in values if v is not None}
    subclass = subclasses.pop() if len(subclasses) == 1 else None
    return RedisValue(kind, any(v.is_async for v in values if v is not None), owner, queued, evidence, either,
                      subclass, all(v.cluster for v in values if v is not None))


def _agree(located: list[Located]) -> RedisValue | None:
    """The value a name or attribute holds: its declared type when it has one (`_client: Redis`),
    else the value every (non-None) binding agrees on, each resolved in its own module."""
    declared = {model.values.annotation_value(b.annotation) for model, b in located if b.annotation is not None}
    declared.discard(None)
    if declared:
        return _merge(declared)
    values: set[RedisValue | None] = set()
    handed = False  # a binding to what the function was handed, or the configuration names: no veto
    for model, binding in located:
        if binding.is_none:
            continue
        value = model.values._binding_value(binding)
        if value is None and (_passed_in(model, binding) or _configured(model, binding)):
            handed = True
            continue
        values.add(value)
    if handed and not all(v is not None and v.kind in (Kind.CLIENT, Kind.PIPELINE) for v in values):
        return None
    return _merge(values)  # `server = Redis(**info)` or, when handed one, `server = info`: a client


def _passed_in(model: ModuleModel, binding: Binding) -> bool:
    """`x = param` (or a loop's variable over a parameter): a binding to what a function was handed,
    unannotated, unchanged.  Code that builds a client unless it is handed one (`server =
    Redis(**info)` in one branch, `server = info` in the other) takes what it is handed for one."""
    node = binding.node
    if binding.kind is not BindingKind.VALUE or not isinstance(node, cst.Name):
        return False
    forwarded = model.values._forwarded_parameter
    if forwarded(node):
        return True
    origins = model.index.bindings(node)  # `for info in infos:` over a parameter
    return (len(origins) == 1 and origins[0].kind is BindingKind.ITERATION
            and isinstance(origins[0].node, cst.Name) and forwarded(origins[0].node))


def _configured(model: ModuleModel, binding: Binding) -> bool:
    """`x = import_string(settings.CONNECTION_CLASS)()`: what a class or factory that configuration
    names by its dotted path builds.  Code that builds a client unless configured otherwise takes
    what the configuration names for one, as it takes a configured client class for a client class."""
    node = binding.node
    if binding.kind is not BindingKind.VALUE or not isinstance(node, cst.Call) or not isinstance(node.func, cst.Call):
        return False
    importer = node.func.func
    name = importer.attr.value if isinstance(importer, cst.Attribute) else importer.value if isinstance(
        importer, cst.Name) else ""
    return "import" in name or bool(model.refs.qualified_names(importer) & _DYNAMIC_IMPORTS)


def _rebinds_itself(binding: Binding, name: str) -> bool:
    """`pipe = pipe.zadd(...)`: a name bound to a command called on itself."""
    node = binding.node
    return (binding.kind is BindingKind.VALUE and isinstance(node, cst.Call) and isinstance(node.func, cst.Attribute)
            and isinstance(node.func.value, cst.Name) and node.func.value.value == name and node.func.attr.value in COMMANDS)


def _mapping_default(call: cst.Call) -> cst.BaseExpression | None:
    """The default of `mapping.get(name, default)` or `mapping.pop(name, default)`."""
    func = call.func
    if not (isinstance(func, cst.Attribute) and func.attr.value in ("get", "pop")) or any(a.star for a in call.args):
        return None
    positional = [a.value for a in call.args if a.keyword is None]
    keyword = [a.value for a in call.args if a.keyword is not None and a.keyword.value == "default"]
    return positional[1] if len(positional) == 2 else keyword[0] if len(positional) == 1 and keyword else None


def _empty_container(expr: cst.CSTNode) -> bool:
    """`{}`, `[]`, `dict()`, `list()`, `set()`."""
    if isinstance(expr, (cst.Dict, cst.List)):
        return not expr.elements
    return (isinstance(expr, cst.Call) and isinstance(expr.func, cst.Name)
            and expr.func.value in ("dict", "list", "set") and not expr.args)


def _argument_for(call: cst.Call, name: str, position: int | None) -> cst.BaseExpression | None:
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == name:
            return arg.value
    positional = [a for a in call.args if a.keyword is None]
    if any(a.star for a in positional):
        return None
    if position is not None and position < len(positional):
        return positional[position].value
    return None


_COPIES = frozenset({"set", "frozenset", "list", "tuple", "sorted", "iter", "dict"})
_COLLECTIONS = frozenset({"Iterable", "Iterator", "Collection", "Sequence", "MutableSequence", "AbstractSet", "Set",
                          "MutableSet", "List", "list", "set", "frozenset", "FrozenSet", "tuple", "Tuple"})
_MAPPINGS = frozenset({"dict", "Dict", "Mapping", "MutableMapping", "OrderedDict", "DefaultDict", "defaultdict"})
_YIELDING = ("Generator", "Iterator", "AsyncGenerator", "AsyncIterator", "Iterable", "ContextManager",
             "AsyncContextManager")


def _type_check(call: cst.Call) -> tuple[str, cst.BaseExpression] | None:
    """(name, type) for `isinstance(name, T)` and `self.assertIsInstance(name, T)`."""
    func = call.func
    checks = (isinstance(func, cst.Name) and func.value == "isinstance" and len(call.args) == 2
              or isinstance(func, cst.Attribute) and func.attr.value == "assertIsInstance" and len(call.args) >= 2)
    if checks and isinstance(call.args[0].value, cst.Name) and not any(a.keyword or a.star for a in call.args[:2]):
        return call.args[0].value.value, call.args[1].value
    return None


def _decorator_name(decorator: cst.Decorator) -> str | None:
    target = decorator.decorator.func if isinstance(decorator.decorator, cst.Call) else decorator.decorator
    return get_full_name_for_node(target)


def _is_property(method: FunctionRef) -> bool:
    return any((get_full_name_for_node(d.decorator) or "").endswith(("property", "cached_property"))
               for d in method.node.decorators)


def _bare_typing_name(expr: cst.BaseExpression) -> set[str]:
    """`Optional` used without import in a string annotation still means typing.Optional."""
    if isinstance(expr, cst.Name) and expr.value in ("Optional", "Union"):
        return {f"typing.{expr.value}"}
    return set()
