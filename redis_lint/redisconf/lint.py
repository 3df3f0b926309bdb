"""Lint one Redis server configuration file: redis.conf-style or docker-compose.

Lint one Redis server configuration file: redis.conf-style, or a docker-compose file whose
services run `redis-server --option value`.

This is the single entry point the engine calls for the files discovery lists as server
configuration; it never raises: a file that cannot be read, decoded or parsed is RDS000.
"""

from __future__ import annotations

import re
from pathlib import Path

from redis_lint.config import Config
from redis_lint.findings import Finding
from redis_lint.redisconf.kinds import Kind, server_config_kind
from redis_lint.redisconf.server_config import ServerConfig, ServerConfigError
from redis_lint.redisconf.conf_parser import parse_redis_conf
from redis_lint.redisconf.server_rules import SERVER_CODES, SERVER_RULES, Role
from redis_lint.source import PARSE_ERROR
from redis_lint.source.noqa import SKIP_FILE, is_silenced, noqa_codes

_COMMENT_NOQA = re.compile(r"(?:^|\s)(#.*)$")


def lint_server_config(path: Path, display: str, config: Config) -> list[Finding]:
    """The enabled RDS8xx findings of one file (and RDS000 when it cannot be read), sorted,
    with `# noqa` and `# redis-lint: skip-file` applied."""
    relative = config.relative(path)
    enabled = config.enabled_codes(relative)
    if not enabled & (SERVER_CODES | {PARSE_ERROR}):
        return []
    kind = server_config_kind(path, config, relative) or Kind.REDIS_CONF
    try:
        text = _read(path)
        servers = _parse(text, kind)
    except ServerConfigError as error:
        return _problem(display, error.line, str(error), enabled)
    except (RecursionError, MemoryError):  # a YAML document nested beyond what the parser can follow
        return _problem(display, 1, "cannot parse: the document is nested too deeply", enabled)
    if any(SKIP_FILE.search(line) for line in text.splitlines()):
        return []
    try:
        findings = _check(servers, text, kind, display, relative, enabled, config)
    except Exception as error:  # a bug in redis-lint must cost one file, not the run
        return _problem(display, 1, f"internal error while checking this file ({type(error).__name__}): "
                                    "please report it", enabled)
    return sorted(findings, key=Finding.sort_key)


def _check(servers: list[ServerConfig], text: str, kind: Kind, display: str, relative: str,
           enabled: frozenset[str], config: Config) -> set[Finding]:
    silenced = _silenced(text, kind)
    findings = set()
    for server in servers:
        role = Role(cache=config.policy.is_cache_instance(relative, server.service),
                    persistent=config.policy.is_persistent_instance(relative, server.service))
        for rule in SERVER_RULES:
            if rule.code not in enabled:
                continue
            for violation in rule.check(server, role):
                where = violation.directive
                line, column, end = (where.line, where.column, where.end_column) if where is not None else (
                    server.line, server.column, server.end_column)
                if not is_silenced(rule.code, line, silenced):
                    findings.add(_finding(display, line, column, end, rule.code, _in_service(server, violation.message)))
    return findings


def _problem(display: str, line: int, message: str, enabled: frozenset[str]) -> list[Finding]:
    return [_finding(display, line, 1, 1, PARSE_ERROR, message)] if PARSE_ERROR in enabled else []


def _read(path: Path) -> str:
    try:
        data = path.read_bytes()
    except OSError as error:
        raise ServerConfigError(f"cannot read: {error.strerror or error}") from None
    try:
        return data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise ServerConfigError(f"cannot decode as utf-8 (line {line}): {error.reason}", line) from None


def _parse(text: str, kind: Kind) -> list[ServerConfig]:
    if kind is Kind.COMPOSE:  # PyYAML is imported only when there is a compose file
        from redis_lint.redisconf.compose import parse_compose

        return parse_compose(text)
    try:
        return [parse_redis_conf(text)]
    except ServerConfigError as error:
        raise ServerConfigError(f"cannot parse: {error}", error.line) from None


def _silenced(text: str, kind: Kind) -> dict[int, frozenset[str]]:
    """Line -> codes its `# noqa` silences.  In a compose file the comment ends the line it
    silences, as in Python.  redis.conf has no end-of-line comments: there a `# noqa` comment
    line silences itself (line 1 is where missing directives are reported) and the next directive."""
    silenced: dict[int, frozenset[str]] = {}
    pending: frozenset[str] | None = None
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if kind is Kind.COMPOSE:
            comment = _COMMENT_NOQA.search(raw)
            codes = noqa_codes(comment.group(1)) if comment else None
            if codes is not None:
                silenced[number] = codes
            continue
        if line.startswith("#"):
            codes = noqa_codes(line)
            if codes is not None:
                silenced[number] = pending = codes
        elif line and pending is not None:
            silenced[number], pending = pending, None
    return silenced


def _in_service(server: ServerConfig, message: str) -> str:
    return f"service {server.service}: {message}" if server.service else message


def _finding(display: str, line: int, column: int, end_column: int, code: str, message: str) -> Finding:
    return Finding(display, line, column, code, message, line, max(end_column, column))
