"""`redis-lint audit URL`: what the server says about itself, read-only.

INFO gives the memory limit and eviction policy, the keyspace hit ratio and the
evicted and expired keys.  A second connection without credentials says whether
the server asks for AUTH.  Where the server permits them, `CONFIG GET`,
`ACL GETUSER default` and `COMMAND INFO` give the settings RDS801-RDS806 judge in
redis.conf files, and the same rules judge them here.  Managed services refuse
CONFIG and ACL: that is a note, and the rules judge what INFO says.  Passwords
are never kept: only whether there is one.

Every command goes through the audit's `ReadOnlyConnection`.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any
from urllib.parse import parse_qsl, urlencode, urlsplit, urlunsplit

from redis_lint.runtime.audit import ReadOnlyConnection, redact_url
from redis_lint.redisconf.acl import TRACKED
from redis_lint.redisconf.server_config import Directive, ServerConfig
from redis_lint.redisconf.conf_parser import split_args
from redis_lint.redisconf.server_rules import SERVER_RULES, Role

# The settings the server rules read, as CONFIG GET names them.
_SETTINGS = ("bind", "port", "tls-port", "protected-mode", "maxmemory", "maxmemory-policy", "save", "appendonly",
             "aclfile", "requirepass")
_SECRETS = frozenset({"requirepass"})
_PASSWORD = "#" + "0" * 64  # stands for "a password" in a rebuilt ACL rule: the hash itself is not kept
_ACL_FLAGS = frozenset({"on", "off", "nopass"})


@dataclass
class ServerReport:
    server: str
    version: str | None = None
    maxmemory: int | None = None  # bytes; 0: no limit
    maxmemory_policy: str | None = None
    used_memory: int | None = None
    keyspace_hits: int | None = None
    keyspace_misses: int | None = None
    evicted_keys: int | None = None
    expired_keys: int | None = None
    auth_required: bool | None = None  # None: the unauthenticated probe could not tell
    tls: bool = False  # this connection (rediss://)
    tls_port: int | None = None  # the server's, from CONFIG GET
    problems: list[tuple[str, str]] = field(default_factory=list)  # (code, message)
    notes: list[str] = field(default_factory=list)

    @property
    def hit_ratio(self) -> float | None:
        lookups = (self.keyspace_hits or 0) + (self.keyspace_misses or 0)
        return (self.keyspace_hits or 0) / lookups if lookups else None

    def as_dict(self) -> dict[str, object]:
        return {
            "server": self.server, "version": self.version, "maxmemory": self.maxmemory,
            "maxmemory_policy": self.maxmemory_policy, "used_memory": self.used_memory,
            "keyspace_hits": self.keyspace_hits, "keyspace_misses": self.keyspace_misses,
            "hit_ratio": self.hit_ratio, "evicted_keys": self.evicted_keys, "expired_keys": self.expired_keys,
            "auth_required": self.auth_required, "tls": self.tls, "tls_port": self.tls_port,
            "problems": [f"{code} {message}" for code, message in self.problems], "notes": self.notes,
        }


def total_report(server: str, reports: list[ServerReport]) -> ServerReport:
    """What several servers (a cluster's primaries) say, added up; a setting they do not share is
    unknown in the total (each node's report gives it)."""
    def summed(values: list[int | None]) -> int | None:
        return None if any(v is None for v in values) else sum(v for v in values if v is not None)

    def shared(values: list[Any]) -> Any:
        return values[0] if values and all(v == values[0] for v in values) else None

    limits = [r.maxmemory for r in reports]
    return ServerReport(
        server, version=shared([r.version for r in reports]),
        maxmemory=summed(limits) if all(limits) or not any(limits) else None,  # 0 is no limit: not summed with one
        maxmemory_policy=shared([r.maxmemory_policy for r in reports]),
        used_memory=summed([r.used_memory for r in reports]),
        keyspace_hits=summed([r.keyspace_hits for r in reports]),
        keyspace_misses=summed([r.keyspace_misses for r in reports]),
        evicted_keys=summed([r.evicted_keys for r in reports]), expired_keys=summed([r.expired_keys for r in reports]),
        auth_required=shared([r.auth_required for r in reports]), tls=all(r.tls for r in reports),
        tls_port=shared([r.tls_port for r in reports]))


def server_report(url: str, *, cache: bool = False, persistent: bool = False) -> ServerReport:
    """Connection errors propagate (the audit cannot run at all); refusals become notes."""
    report = ServerReport(redact_url(url), tls=urlsplit(url).scheme == "rediss")
    connection = ReadOnlyConnection(url)
    try:
        info = _refusable(report, "INFO", lambda: connection.call("INFO"))
        if info is not None:
            _read_info(report, info)
        report.auth_required = _auth_required(url, report)
        config = _settings(connection, report, info)
    finally:
        connection.close()
    if config is not None:
        role = Role(cache=cache, persistent=persistent)
        report.problems = [(rule.code, violation.message) for rule in SERVER_RULES
                           for violation in rule.check(config, role)]
    return report


def _refusable(report: ServerReport, what: str, ask: Any) -> Any:
    """The reply, or None with a note when the server refuses the command (managed services,
    ACLs, renamed commands).  Connection problems are not refusals: they propagate."""
    import redis

    try:
        return ask()
    except redis.ResponseError as error:
        reason = str(error).splitlines()[0] if str(error) else type(error).__name__
        report.notes.append(f"{what} refused ({reason})")
        return None


def _read_info(report: ServerReport, info: dict[str, Any]) -> None:
    report.version = _text(info.get("redis_version") or info.get("valkey_version"))
    report.maxmemory = _integer(info.get("maxmemory"))
    report.maxmemory_policy = _text(info.get("maxmemory_policy"))
    report.used_memory = _integer(info.get("used_memory"))
    report.keyspace_hits = _integer(info.get("keyspace_hits"))
    report.keyspace_misses = _integer(info.get("keyspace_misses"))
    report.evicted_keys = _integer(info.get("evicted_keys"))
    report.expired_keys = _integer(info.get("expired_keys"))


def _auth_required(url: str, report: ServerReport) -> bool | None:
    """Ask PING on a connection without the URL's credentials: a server that answers lets
    anyone in."""
    import redis

    probe = ReadOnlyConnection(anonymous_url(url))
    try:
        probe.call("PING")
        return False
    except redis.AuthenticationError:
        return True
    except redis.ResponseError as error:
        if "NOAUTH" in str(error) or "NOPERM" in str(error):
            return True
        report.notes.append(f"could not tell whether AUTH is required ({str(error).splitlines()[0]})")
        return None
    finally:
        probe.close()


def anonymous_url(url: str) -> str:
    """The URL without credentials: no user:password@, no ?username=/?password=."""
    parts = urlsplit(url)
    host = f"[{parts.hostname}]" if parts.hostname and ":" in parts.hostname else parts.hostname or ""
    query = urlencode([(k, v) for k, v in parse_qsl(parts.query) if k not in ("username", "password")])
    if parts.scheme.lower() == "unix":  # urlunsplit would write unix:/path, which redis-py refuses
        return f"unix://{parts.path}" + (f"?{query}" if query else "")
    return urlunsplit((parts.scheme, host + (f":{parts.port}" if parts.port else ""), parts.path, query, ""))


def _settings(connection: ReadOnlyConnection, report: ServerReport, info: dict[str, Any] | None) -> ServerConfig | None:
    """The server's settings as a configuration the server rules can read."""
    values = _refusable(report, "CONFIG GET", lambda: connection.call("CONFIG GET", "*"))
    if values is None:
        if info is None:
            return None
        report.notes.append("RDS801-RDS806 judge what INFO says: maxmemory and maxmemory-policy")
        config = ServerConfig(complete=False, acl_visible=False)
        for name in ("maxmemory", "maxmemory-policy"):
            value = info.get(name.replace("-", "_"))
            if value is not None:
                config.directives.append(Directive(name, (str(value),), 0))
        return config
    config = ServerConfig()
    for name in _SETTINGS:
        value = _text(values.get(name))
        if value is None:
            continue
        if name in _SECRETS:
            args: tuple[str, ...] = ("<set>",) if value else ("",)
        else:
            args = tuple(split_args(value)) or ("",)
        config.directives.append(Directive(name, args, 0))
    report.tls_port = _integer(values.get("tls-port"))
    _add_acl(connection, report, config)
    return config


def _add_acl(connection: ReadOnlyConnection, report: ServerReport, config: ServerConfig) -> None:
    """The default user's ACL, rebuilt as a `user default ...` line, and the dangerous commands
    that no longer exist (renamed away), as `rename-command NAME ""`."""
    user = _refusable(report, "ACL GETUSER default", lambda: connection.call("ACL GETUSER", "default"))
    commands = _refusable(report, "COMMAND INFO", lambda: connection.call("COMMAND INFO", *TRACKED))
    if not isinstance(user, dict) or not isinstance(commands, list):
        config.acl_visible = False
        report.notes.append("the default user's ACL is not visible: RDS803 and RDS805 are not checked")
        return
    rules = [flag for flag in map(_text, user.get("flags") or []) if flag in _ACL_FLAGS]
    rules += [_PASSWORD for _ in user.get("passwords") or []]
    # redis-py splits Redis's rule string into categories and commands; Redis writes the
    # categories first, so this is the order it gave them in
    rules += [_text(rule) or "" for rule in [*(user.get("categories") or []), *(user.get("commands") or [])]]
    for selector in user.get("selectors") or []:
        if isinstance(selector, dict):
            words = " ".join(_text(w) or "" for w in _words(selector.get("commands")))
            rules.append(f"({words})")
    config.directives.append(Directive("user", ("default", *rules), 0))
    for name, reply in zip(TRACKED, commands):
        if reply is None:  # unknown to the server: renamed or removed
            config.directives.append(Directive("rename-command", (name, ""), 0))


def _words(value: Any) -> list[Any]:
    if isinstance(value, (list, tuple)):
        return [w for item in value for w in _words(item)]
    text = _text(value)
    return text.split() if text else []


def _text(value: Any) -> str | None:
    if value is None:
        return None
    return value.decode("utf-8", "replace") if isinstance(value, bytes) else str(value)


def _integer(value: Any) -> int | None:
    try:
        return int(value)
    except (TypeError, ValueError):
        return None


def format_server_text(report: ServerReport, title: str = "Server") -> str:
    version = f" (Redis {report.version})" if report.version else ""
    lines = [f"{title} {report.server}{version}"]
    if report.maxmemory is not None:
        used = f", {_size(report.used_memory)} used" if report.used_memory is not None else ""
        limit = "no limit" if report.maxmemory == 0 else _size(report.maxmemory)
        lines.append(f"  maxmemory           {limit}{used}")
    if report.maxmemory_policy is not None:
        lines.append(f"  maxmemory-policy    {report.maxmemory_policy}")
    ratio = report.hit_ratio
    if report.keyspace_hits is not None:
        shown = f"{ratio:.1%}" if ratio is not None else "no lookups yet"
        lookups = f"{_count(report.keyspace_hits, 'hit')}, {_count(report.keyspace_misses or 0, 'miss')}"
        lines.append(f"  keyspace hit ratio  {shown} ({lookups})")
    if report.evicted_keys is not None:
        lines.append(f"  evicted keys        {report.evicted_keys}")
    if report.expired_keys is not None:
        lines.append(f"  expired keys        {report.expired_keys}")
    auth = {True: "yes", False: "no: anyone who reaches the port is logged in", None: "unknown"}[report.auth_required]
    lines.append(f"  AUTH required       {auth}")
    tls_port = f"; server tls-port {report.tls_port}" if report.tls_port else ""
    lines.append(f"  TLS                 {'yes' if report.tls else 'no'} (this connection){tls_port}")
    if report.problems:
        lines += ["", "Server settings:"] + [f"  {code} {message}" for code, message in report.problems]
    if report.notes:
        lines += ["", "Notes:"] + [f"  {note}" for note in report.notes]
    return "\n".join(lines)


def _count(number: int, noun: str) -> str:
    return f"{number} {noun}" if number == 1 else f"{number} {noun}{'es' if noun.endswith('s') else 's'}"


def _size(value: int | None) -> str:
    if value is None:
        return "unknown"
    for unit, size in (("GiB", 1024**3), ("MiB", 1024**2), ("KiB", 1024)):
        if value >= size:
            return f"{value / size:.1f} {unit}"
    return f"{value} B"
