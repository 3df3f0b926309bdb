"""RDS701 hardcoded-credentials and RDS702 plaintext-remote, from a client's constructor arguments.

What a client is built with, read from the constructor's literal arguments.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Iterator
from urllib.parse import urlsplit

import libcst as cst

from redis_lint.rulebook import security as book
from redis_lint.rules.base import Fix, Rule, RuleContext, Violation
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
        for construction in model.constructions:
            for name in _CREDENTIALS:
                value = _keyword(construction, name)
                if value is not None and _literal(model, value):
                    yield Violation(value, f"{name}= is written in the code: read it from the environment or a "
                                           "secret store")
            url = _url_argument(construction)
            text = _literal(model, url)
            if url is not None and text:
                parts = urlsplit(text)
                if parts.password or parts.username:
                    yield Violation(url, "the URL carries credentials in the code: read the URL (or its password) "
                                         "from the environment or a secret store")


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
