"""Key expressions resolved to templates such as `cache:user:{uid}:profile`.

Resolution follows string literals, f-strings, `%`-formatting, `.format`,
`+`, `":".join([...])`, names bound once (module and local constants), class
constants and `self` attributes bound once, attributes of an instance a variable
is bound to once (`lock = Lock(r, "foobar")`, then `lock._name`: what `__init__`
binds it to, with the construction's arguments for its parameters), and calls of
the project's helper functions and methods that return a key.  Whatever cannot be followed
becomes a placeholder named after its source text; a key is never guessed.
"""

from __future__ import annotations

import warnings

import re
import string
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

import libcst as cst

from redis_lint.semantics.index import Binding, BindingKind
from redis_lint.semantics.key_templates import KeyTemplate, Part, Placeholder
from redis_lint.semantics.references import ClassRef, returned_values
from redis_lint.semantics.walk import children

if TYPE_CHECKING:
    from redis_lint.semantics.module_model import ModuleModel


_MAX_DEPTH = 12
# Calls that change a key's type but not its text: `ensure_bytes(prefix)`, `force_str(name)`.
_TEXT_CONVERTERS = frozenset({
    "kombu.utils.encoding.ensure_bytes", "kombu.utils.encoding.str_to_bytes", "kombu.utils.encoding.bytes_to_str",
    "kombu.utils.encoding.safe_str", "django.utils.encoding.force_str", "django.utils.encoding.force_bytes",
    "django.utils.encoding.smart_str", "django.utils.encoding.smart_bytes",
})
_TEXT_METHODS = ("encode", "decode")  # `prefix.encode()`, `raw.decode("utf-8")`
_PRINTF = re.compile(r"%(?:\((?P<key>[^)]*)\))?[-#0 +]*(?:\*|\d+)?(?:\.(?:\*|\d+))?[hlL]?(?P<conv>[diouxXeEfFgGcrsa%])")


@dataclass(frozen=True)
class _Env:
    """What the code being resolved knows of how it was reached: the arguments the parameters of
    an inlined helper receive, and `this`, the class of the instance whose key is built (a base
    class's method builds it from the subclass's constants)."""

    arguments: dict[cst.Param, KeyTemplate] = field(default_factory=dict)
    this: ClassRef | None = None
    # the attributes whose value is being resolved, as (name, id of the owning class):
    # `self.p = f(self.p)` must not resolve itself forever
    resolving: frozenset[tuple[str, int | None]] = frozenset()

    def elsewhere(self) -> _Env:
        """For code in another module or function: the arguments do not apply there."""
        return _Env(this=self.this, resolving=self.resolving) if self.arguments else self

    def on(self, this: ClassRef | None, arguments: dict[cst.Param, KeyTemplate] | None = None) -> _Env:
        """For the body of a method or property run on an instance of `this`."""
        return _Env(arguments or {}, this, self.resolving)


class KeyResolver:
    def __init__(self, model: ModuleModel) -> None:
        self.model = model
        self.index = model.index
        self.refs = model.refs

    def resolve(self, expr: cst.BaseExpression) -> KeyTemplate | None:
        """The key's template, or None when nothing about it is known."""
        template = self._template(expr, _Env(), 0)
        return template if template.has_literal else None

    def origin(self, expr: cst.BaseExpression) -> cst.BaseExpression:
        """The expression of this module that builds the key `expr` holds, where a naming finding
        belongs: through names and attributes bound once, conversions (`str(key)`) and this
        module's helpers and properties to the literal, f-string, `+`, `%`, `.format` or `join`
        that writes it.  `expr` itself when the key is built there, or elsewhere (another module,
        several bindings): a finding must point into the file it is reported for."""
        seen: set[int] = set()
        while id(expr) not in seen and len(seen) <= _MAX_DEPTH:
            seen.add(id(expr))
            builder = self._builder(expr)
            if builder is None:
                break
            expr = builder
        return expr

    def _builder(self, expr: cst.BaseExpression) -> cst.BaseExpression | None:
        """The one expression of this module that `expr` takes its key from, if there is one."""
        located: list[tuple[ModuleModel, cst.CSTNode | None]] = []
        if isinstance(expr, cst.Name | cst.Attribute):
            getter = self.refs.property_getter(expr) if isinstance(expr, cst.Attribute) else None
            if getter is not None:
                returns = returned_values(getter.node)
                located = [(getter.model, returns[0])] if len(returns) == 1 else []
            else:
                bindings = [(m, b) for m, b in (self.refs.bindings(expr) if isinstance(expr, cst.Name)
                                                else self.refs.attribute_bindings(expr)) if not b.is_none]
                # a parameter or an import may hold anything: only plain assignments are followed
                located = [(m, b.node) for m, b in bindings] if all(
                    b.kind is BindingKind.VALUE for _, b in bindings) else []
        elif isinstance(expr, cst.Call):
            converted = self._converted(expr)
            if converted is not None:
                return converted
            target = self.refs.function_for_call(expr)
            returns = returned_values(target.node) if target is not None else []
            located = [(target.model, returns[0])] if target is not None and len(returns) == 1 else []
        if len(located) != 1 or located[0][0] is not self.model:
            return None
        node = located[0][1]
        return node if isinstance(node, cst.BaseExpression) else None

    def string_value(self, expr: cst.BaseExpression) -> str | None:
        """The constant string an expression evaluates to (a Lua script, a command name)."""
        template = self._template(expr, _Env(), 0)
        return template.literal

    def _template(self, expr: cst.BaseExpression, env: _Env, depth: int) -> KeyTemplate:
        if depth > _MAX_DEPTH:
            return self._placeholder(expr)
        depth += 1
        if isinstance(expr, cst.SimpleString):
            return self._string(expr)
        if isinstance(expr, cst.Integer):
            return KeyTemplate.of(str(expr.evaluated_value))
        if isinstance(expr, cst.ConcatenatedString):
            return self._template(expr.left, env, depth) + self._template(expr.right, env, depth)
        if isinstance(expr, cst.FormattedString):
            return self._fstring(expr, env, depth)
        if isinstance(expr, cst.BinaryOperation):
            if isinstance(expr.operator, cst.Add):
                left, right = self._template(expr.left, env, depth), self._template(expr.right, env, depth)
                if left.has_literal or right.has_literal:
                    return left + right
            elif isinstance(expr.operator, cst.Modulo):
                formatted = self._printf(expr, env, depth)
                if formatted is not None:
                    return formatted
        if isinstance(expr, cst.Call):
            resolved = self._call(expr, env, depth)
            if resolved is not None:
                return resolved
        if isinstance(expr, cst.Name):
            return self._name(expr, env, depth)
        if isinstance(expr, cst.Attribute):
            getter = self.refs.property_getter(expr, this=env.this)
            if getter is not None:
                returns = returned_values(getter.node)
                if len(returns) == 1:
                    this = self.refs.class_ref(expr.value, this=env.this)
                    template = getter.model.keys._template(returns[0], env.on(this), depth)
                    if template.has_literal:
                        return template
            template = self._attribute(expr, env, depth)
            if template is not None:
                return template
        return self._placeholder(expr)

    def _attribute(self, attribute: cst.Attribute, env: _Env, depth: int) -> KeyTemplate | None:
        """A class constant or an attribute bound once (`self.prefix = "cache:user:"`).

        A rebinding that only converts the value or puts a configured prefix in front of it
        (`self.prefix = ensure_bytes(self.prefix)`, `self.prefix = f"{glob}{self.prefix}"`) does
        not hide it: the key is judged as the code writes it unless configured otherwise."""
        name = attribute.attr.value
        owner = self.refs.class_ref(attribute.value, this=env.this)
        construction = self._construction(attribute.value) if owner is None else None
        if construction is not None:  # an instance of a project class: `lock._name`
            owner = construction[1]
        resolving = (name, id(owner.node) if owner is not None else None)
        if resolving in env.resolving:
            return None
        located = [(m, b) for m, b in (self.refs.class_attribute(owner, name) if construction is not None
                                       else self.refs.attribute_bindings(attribute, this=env.this)) if not b.is_none]
        if any(b.kind is not BindingKind.VALUE for _, b in located):
            return None
        values = []
        for model, binding in located:
            arguments = self._constructed_with(construction, model, binding, env, depth) if construction else {}
            inner = _Env(arguments, this=owner, resolving=env.resolving | {resolving})
            template = model.keys._template(binding.node, inner, depth)
            if _mentions_attribute(binding.node, name) and not template.has_literal:
                continue  # a conversion or a configured prefix of the value itself
            values.append(template)
        return values[0] if len(values) == 1 and values[0].has_literal else None

    def _placeholder(self, expr: cst.BaseExpression) -> KeyTemplate:
        code = " ".join(self.index.code(expr).split())
        return KeyTemplate((Placeholder(code if len(code) <= 40 else code[:37] + "..."),))

    @staticmethod
    def _string(expr: cst.SimpleString) -> KeyTemplate:
        try:
            if "\\" in expr.value:  # an invalid escape warns (`"\d"`): the value is read, the user not warned
                with warnings.catch_warnings():
                    warnings.simplefilter("ignore")
                    value = expr.evaluated_value
            else:
                value = expr.evaluated_value
        except Exception:  # an escape sequence Python itself would reject
            return KeyTemplate((Placeholder(expr.value),))
        if isinstance(value, bytes):
            value = value.decode("utf-8", "replace")
        return KeyTemplate.of(value)

    def _fstring(self, expr: cst.FormattedString, env: _Env, depth: int) -> KeyTemplate:
        parts: list[Part] = []
        for part in expr.parts:
            if isinstance(part, cst.FormattedStringText):
                parts.append(part.value.replace("{{", "{").replace("}}", "}"))
            elif isinstance(part, cst.FormattedStringExpression):
                if part.format_spec or part.conversion:
                    parts.extend(self._placeholder(part.expression).parts)
                else:
                    parts.extend(self._template(part.expression, env, depth).parts)
        return KeyTemplate.of(*parts)

    def _printf(self, expr: cst.BinaryOperation, env: _Env, depth: int) -> KeyTemplate | None:
        fmt = self._template(expr.left, env, depth).literal
        if fmt is None:
            return None
        right = expr.right
        positional = [e.value for e in right.elements] if isinstance(right, cst.Tuple) else [right]
        named = {}
        if isinstance(right, cst.Dict):
            for element in right.elements:
                if isinstance(element, cst.DictElement) and isinstance(element.key, cst.SimpleString):
                    named[element.key.evaluated_value] = element.value
        parts: list[Part] = []
        position, last = 0, 0
        for match in _PRINTF.finditer(fmt):
            parts.append(fmt[last:match.start()])
            last = match.end()
            if match["conv"] == "%":
                parts.append("%")
            elif match["key"] is not None:
                value = named.get(match["key"])
                parts.extend(self._template(value, env, depth).parts if value is not None else (Placeholder(match["key"]),))
            elif position < len(positional) and not isinstance(right, cst.Dict):
                parts.extend(self._template(positional[position], env, depth).parts)
                position += 1
            else:
                return None
        parts.append(fmt[last:])
        return KeyTemplate.of(*parts)

    def _call(self, call: cst.Call, env: _Env, depth: int) -> KeyTemplate | None:
        func = call.func
        if isinstance(func, cst.Attribute) and func.attr.value in ("format", "join"):
            literal = self._template(func.value, env, depth).literal
            if literal is not None and func.attr.value == "format":
                return self._format(literal, call, env, depth)
            if literal is not None and func.attr.value == "join" and len(call.args) == 1:
                items = call.args[0].value
                if isinstance(items, (cst.List, cst.Tuple)) and all(isinstance(e, cst.Element) for e in items.elements):
                    parts: list[Part] = []
                    for i, element in enumerate(items.elements):
                        if i:
                            parts.append(literal)
                        parts.extend(self._template(element.value, env, depth).parts)
                    return KeyTemplate.of(*parts)
            return None
        converted = self._converted(call)
        if converted is not None:
            return self._template(converted, env, depth)
        return self._helper(call, env, depth)

    def _converted(self, call: cst.Call) -> cst.BaseExpression | None:
        """The argument of a call that keeps its text (`str(uid)`, `key.encode()`, `ensure_bytes(p)`)."""
        func = call.func
        positional = [a for a in call.args if a.keyword is None]
        if any(a.star for a in call.args):
            return None
        if isinstance(func, cst.Attribute) and func.attr.value in _TEXT_METHODS and len(positional) <= 1:
            return func.value
        if len(positional) == 1 and self._is_text_converter(func, 0):
            return positional[0].value
        return None

    def _is_text_converter(self, func: cst.BaseExpression, depth: int) -> bool:
        """`str`, a known converter, or a name or class attribute bound to one (`key_t = ensure_bytes`)."""
        if depth > _MAX_DEPTH or not isinstance(func, cst.Name | cst.Attribute):
            return False
        if isinstance(func, cst.Name) and func.value == "str" and self.index.is_builtin(func):
            return True
        if self.refs.qualified_names(func) & _TEXT_CONVERTERS:
            return True
        located = self.refs.bindings(func) if isinstance(func, cst.Name) else self.refs.attribute_bindings(func)
        # `self.key_t = self.key_t.__func__` rebinds the same function: it says nothing new
        relevant = [(model, binding) for model, binding in located if not _unbinding(binding.node, func)]
        return bool(relevant) and all(
            binding.kind is BindingKind.VALUE and model.keys._is_text_converter(binding.node, depth + 1)  # type: ignore[arg-type]
            for model, binding in relevant)

    def _format(self, fmt: str, call: cst.Call, env: _Env, depth: int) -> KeyTemplate | None:
        positional = [a.value for a in call.args if a.keyword is None and not a.star]
        named = {a.keyword.value: a.value for a in call.args if a.keyword is not None}
        parts: list[Part] = []
        auto = 0
        try:
            parsed = list(string.Formatter().parse(fmt))
        except ValueError:
            return None
        for text, name, _spec, _conversion in parsed:
            parts.append(text)
            if name is None:
                continue
            value: cst.BaseExpression | None = None
            if name == "":
                value = positional[auto] if auto < len(positional) else None
                auto += 1
            elif name.isdigit():
                value = positional[int(name)] if int(name) < len(positional) else None
            else:
                value = named.get(name)
            parts.extend(self._template(value, env, depth).parts if value is not None else (Placeholder(name or "?"),))
        return KeyTemplate.of(*parts)

    def _helper(self, call: cst.Call, env: _Env, depth: int) -> KeyTemplate | None:
        """Inline a helper of the project that returns a key: `user_key(uid)`, `self._key(uid)`, `keys.user(uid)`."""
        target = self.refs.function_for_call(call, this=env.this)
        if target is None:
            return None
        returns = returned_values(target.node)
        if len(returns) != 1 or any(a.star for a in call.args):
            return None
        inner_env = self._arguments(call, target.node, target.model, bound=target.bound, env=env, depth=depth)
        this = self.refs.class_ref(call.func.value, this=env.this) if target.bound and isinstance(call.func, cst.Attribute) else None
        return target.model.keys._template(returns[0], env.on(this, inner_env), depth)

    def _arguments(self, call: cst.Call, function: cst.FunctionDef, model: ModuleModel, *, bound: bool,
                   env: _Env, depth: int) -> dict[cst.Param, KeyTemplate]:
        """What each parameter of `function` receives from `call` (the default when not passed)."""
        params = list(function.params.params)[1 if bound else 0:]
        arguments: dict[cst.Param, KeyTemplate] = {}
        positional = [a for a in call.args if a.keyword is None]
        for param, arg in zip(params, positional):
            arguments[param] = self._template(arg.value, env, depth)
        by_name = {p.name.value: p for p in [*function.params.params, *function.params.kwonly_params]}
        for arg in call.args:
            if arg.keyword is not None and arg.keyword.value in by_name:
                arguments[by_name[arg.keyword.value]] = self._template(arg.value, env, depth)
        for param in by_name.values():  # not passed: the default applies (`prefix: str = "pottery:"`)
            if param not in arguments and param.default is not None:
                arguments[param] = model.keys._template(param.default, env.elsewhere(), depth)
        return arguments

    def _construction(self, instance: cst.BaseExpression) -> tuple[cst.Call, ClassRef] | None:
        """The construction of a project class a variable is bound to, once (`lock = Lock(conn, "foobar")`)."""
        if not isinstance(instance, cst.Name):
            return None
        located = self.refs.bindings(instance)
        if len(located) != 1 or located[0][0] is not self.model or located[0][1].kind is not BindingKind.VALUE:
            return None
        call = located[0][1].node
        if not isinstance(call, cst.Call) or any(a.star for a in call.args):
            return None
        cls = self.refs.class_for_call(call)
        return (call, cls) if cls is not None else None

    def _constructed_with(self, construction: tuple[cst.Call, ClassRef], model: ModuleModel, binding: Binding,
                          env: _Env, depth: int) -> dict[cst.Param, KeyTemplate]:
        """The arguments the `__init__` that binds an attribute received from the construction of the
        instance (`lock._name`, bound to `"lock:" + name` in `Lock.__init__`, is "lock:foobar")."""
        call, cls = construction
        init = self.refs.method(cls, "__init__")
        if init is None or init.model is not model or binding.node is None \
                or model.index.enclosing(binding.node, (cst.FunctionDef,)) is not init.node:
            return {}
        return self._arguments(call, init.node, init.model, bound=True, env=env, depth=depth)

    def _name(self, name: cst.Name, env: _Env, depth: int) -> KeyTemplate:
        located = [(m, b) for m, b in self.refs.bindings(name) if not b.is_none]
        if len(located) == 1 and located[0][1].kind is BindingKind.PARAM:
            if located[0][1].node in env.arguments:
                return env.arguments[located[0][1].node]  # type: ignore[index]
            return KeyTemplate((Placeholder(name.value),))
        if located and all(b.kind is BindingKind.VALUE and b.node is not None for _, b in located):
            # bound more than once (`key = prefix + uuid; if taken: key = retry(...)`): the key is
            # known when every binding that says anything about it says the same
            templates = {model.keys._template(b.node, env if model is self.model else env.elsewhere(), depth)  # type: ignore[arg-type]
                         for model, b in located}
            known = {t for t in templates if t.has_literal}
            if len(known) == 1:
                return known.pop()
        # a variable holding something dynamic reads best under its own name
        return KeyTemplate((Placeholder(name.value),))


def _mentions_attribute(value: cst.CSTNode | None, name: str) -> bool:
    """Whether `.name` is read anywhere in `value` (libcst's matchers would do; importing them costs
    half a second of every run)."""
    pending = [value] if value is not None else []
    while pending:
        node = pending.pop()
        if isinstance(node, cst.Attribute) and node.attr.value == name:
            return True
        pending.extend(children(node))
    return False


def _unbinding(value: cst.CSTNode | None, func: cst.BaseExpression) -> bool:
    """`self.f = self.f.__func__`: the same function, no longer bound to the instance."""
    return (isinstance(value, cst.Attribute) and value.attr.value == "__func__"
            and isinstance(func, cst.Attribute) and isinstance(value.value, cst.Attribute)
            and value.value.attr.value == func.attr.value)
