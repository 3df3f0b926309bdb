"""RDS701 hardcoded-credentials and RDS702 plaintext-remote.

What a client is built with, read from the constructor's literal arguments; and, for RDS701,
every Redis credential written in the module, wherever it is written (redis_lint.semantics.credentials).
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

import libcst as cst

from redis_lint.rulebook import security as book
from redis_lint.rules.base import Fix, Rule, RuleContext, Violation
from redis_lint.semantics.credentials import carries_credentials, names_redis_secret, names_secret
from redis_lint.semantics.module_model import Construction, ModuleModel

_CREDENTIALS = ("password", "username")


def _url_argument(construction: Construction) -> cst.BaseExpression | None:
    call = construction.node
    for arg in call.args:
        if arg.keyword is not None and arg.keyword.value == "url":
            return arg.value
    if construction.qualified_name.endswith("from_url"):
        positional = [a for a in call.args if a.keyword is None and not a.star]
        return positional[0].value if positional else None
    return None


def _literal(model: ModuleModel, expr: cst.BaseExpression | None) -> str | None:
    return model.keys.string_value(expr) if expr is not None else None


def _keyword(construction: Construction, name: str) -> cst.BaseExpression | None:
    return next((a.value for a in construction.node.args if a.keyword is not None and a.keyword.value == name), None)


def is_loopback(host: str) -> bool:
    if host in ("localhost", "") or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host.strip("[]")).is_loopback
    except ValueError:
        return False


class HardcodedCredentials(book.HardcodedCredentials, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        handed = {id(value) for construction in model.constructions for value in _credential_arguments(construction)}
        written: set[cst.CSTNode] = set()
        for literal in model.strings:
            if id(literal) in handed:
                continue  # reported below, as what the client is given
            message = _written_credential(model, literal)
            if message is not None:
                written.add(literal)
                yield Violation(literal, message)
        for construction in model.constructions:
            for name in _CREDENTIALS:
                value = _keyword(construction, name)
                if value is not None and _literal(model, value) and not _reported_where_written(model, value, written):
                    yield Violation(value, f"{name}= is written in the code: read it from the environment or a "
                                           "secret store")
            url = _url_argument(construction)
            text = _literal(model, url)
            if url is not None and text and not _reported_where_written(model, url, written):
                parts = urlsplit(text)
                if parts.password or parts.username:
                    yield Violation(url, _URL_MESSAGE)


_URL_MESSAGE = "the URL carries credentials in the code: read the URL (or its password) from the environment or a secret store"
_ENVIRONMENT_READS = frozenset({"os.environ.get", "os.getenv", "os.environ.setdefault"})


def _credential_arguments(construction: Construction) -> Iterator[cst.BaseExpression]:
    url = _url_argument(construction)
    if url is not None:
        yield url
    for name in _CREDENTIALS:
        value = _keyword(construction, name)
        if value is not None:
            yield value


def _written_credential(model: ModuleModel, literal: cst.BaseExpression) -> str | None:
    """Why a string literal is a Redis credential written in the code, or None: a URL with a
    password or username, or the value of a name, settings key, keyword or environment variable
    that names a Redis password (the default of `os.getenv("REDIS_PASSWORD", ...)`)."""
    code = literal.value if isinstance(literal, cst.SimpleString) else model.index.code(literal)
    if "://" in code and "@" in code:  # read only what may be a URL with credentials
        text = model.keys.string_value(literal)
        return _URL_MESSAGE if text and carries_credentials(text) else None
    holder = _holder_name(model, literal)
    if holder is not None and model.keys.string_value(literal):
        return f"{holder} is given a Redis password in the code: read it from the environment or a secret store"
    return None


def _holder_name(model: ModuleModel, literal: cst.BaseExpression) -> str | None:
    """The name that says the literal is a Redis password, where it is given one."""
    parent = model.index.parent(literal)
    if isinstance(parent, (cst.Assign, cst.AnnAssign)) and parent.value is literal:
        targets = [t.target for t in parent.targets] if isinstance(parent, cst.Assign) else [parent.target]
        for target in targets:
            name = target.value if isinstance(target, cst.Name) else (
                target.attr.value if isinstance(target, cst.Attribute) else None)
            if name is not None and names_redis_secret(name):
                return name
    elif isinstance(parent, cst.DictElement) and parent.value is literal:
        key = model.keys.string_value(parent.key) if isinstance(parent.key, cst.BaseExpression) else None
        if key and (names_redis_secret(key) or names_secret(key) and _configures_redis(model, parent)):
            return f'"{key}"'
    elif isinstance(parent, cst.Arg) and parent.value is literal:
        call = model.index.parent(parent)
        if parent.keyword is not None and names_redis_secret(parent.keyword.value):
            return f"{parent.keyword.value}="
        if isinstance(call, cst.Call) and model.refs.qualified_names(call.func) & _ENVIRONMENT_READS:
            positional = [a for a in call.args if a.keyword is None]
            variable = model.keys.string_value(positional[0].value) if positional else None
            default = len(positional) > 1 and positional[1] is parent or (
                parent.keyword is not None and parent.keyword.value == "default")
            if default and variable and names_redis_secret(variable):
                return f"the default of {variable}"
    return None


def _configures_redis(model: ModuleModel, element: cst.DictElement) -> bool:
    """Whether the settings dict a key is in (the outermost dict around it) configures Redis: its
    code names redis or valkey (`"BACKEND": "django_redis.cache.RedisCache"`, a redis:// location)."""
    outermost, node = None, model.index.parent(element)
    while node is not None and not isinstance(node, (cst.SimpleStatementLine, cst.BaseCompoundStatement)):
        if isinstance(node, cst.Dict):
            outermost = node
        node = model.index.parent(node)
    code = model.index.code(outermost).lower() if outermost is not None else ""
    return "redis" in code or "valkey" in code


def _reported_where_written(model: ModuleModel, value: cst.BaseExpression, written: set[cst.CSTNode]) -> bool:
    """Whether the literal a client is given by name was reported where this module writes it."""
    if not isinstance(value, cst.Name) or not written:
        return False
    bindings = model.index.bindings(value)
    return bool(bindings) and all(b.node in written for b in bindings)


class PlaintextRemote(book.PlaintextRemote, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        model = context.model
        for construction in model.constructions:
            url = _url_argument(construction)
            text = _literal(model, url)
            if url is not None and text:
                parts = urlsplit(text)
                if parts.scheme == "redis" and parts.hostname and not is_loopback(parts.hostname):
                    fix = None
                    if isinstance(url, cst.SimpleString) and "redis://" in url.value:
                        fix = Fix("use rediss://", url, url.with_changes(value=url.value.replace("redis://", "rediss://", 1)))
                    yield Violation(url, f"redis:// to {parts.hostname} sends data and passwords unencrypted: "
                                         "use rediss:// (TLS)", fix)
            host = _keyword(construction, "host")
            name = _literal(model, host)
            if host is not None and name and not is_loopback(name) and not _tls_on(construction):
                yield Violation(host, f"host {name} is reached without TLS: pass ssl=True (or use a rediss:// URL)")


def _tls_on(construction: Construction) -> bool:
    ssl = _keyword(construction, "ssl")
    if ssl is None:
        return False
    return not (isinstance(ssl, cst.Name) and ssl.value in ("False", "None"))
