"""One Redis server's configuration: its directives in order, and Redis's defaults for the rest.

One Redis server's configuration as the linter sees it: the directives that set it, in order,
read from a redis.conf file, a `redis-server --option value` command line or `CONFIG GET`.

Directives keep their line so that a finding points where the user wrote the value.  What a
directive left out means is Redis's own default (Redis 7), answered by the properties below.
"""

from __future__ import annotations

import ipaddress
from dataclasses import dataclass, field


class ServerConfigError(Exception):
    """A configuration Redis itself would refuse to load (unbalanced quotes, broken YAML)."""

    def __init__(self, message: str, line: int = 1) -> None:
        super().__init__(message)
        self.line = line


@dataclass(frozen=True)
class Directive:
    name: str  # lower case, as Redis compares them
    args: tuple[str, ...]
    line: int  # 1-based; 0 when the value came from a live server
    column: int = 1  # 1-based; with end_column (just past the text), the finding's span
    end_column: int = 1


@dataclass
class ServerConfig:
    directives: list[Directive] = field(default_factory=list)
    service: str | None = None  # the compose service, for policy patterns and messages
    # False when options we cannot see apply too: an `include`, or a config file given to
    # redis-server on a command line.  A missing directive then proves nothing.
    complete: bool = True
    acl_visible: bool = True  # False: the server would not show its users (a refused ACL GETUSER)
    # where a finding about a missing directive points: line 1 of a file, a compose service's command
    line: int = 1
    column: int = 1
    end_column: int = 1

    def all(self, name: str) -> list[Directive]:
        return [d for d in self.directives if d.name == name]

    def last(self, name: str) -> Directive | None:
        found = self.all(name)
        return found[-1] if found else None

    def settled(self, directive: Directive) -> bool:
        """Whether nothing we cannot see may override it: no include after it (a config file
        given on a command line is read before the command line's own options)."""
        return not any(d.name == "include" and d.line > directive.line for d in self.directives)

    def missing(self, name: str) -> bool:
        """True only when the directive is absent and we see the whole configuration."""
        return self.complete and self.last(name) is None

    # -- what the directives mean, with Redis's defaults -----------------------------------

    def flag(self, name: str, default: bool) -> bool:
        directive = self.last(name)
        if directive is None or not directive.args:
            return default
        return directive.args[0].lower() == "yes"

    @property
    def listens_on_tcp(self) -> bool:
        """`port 0` without a tls-port: only a unix socket, nothing reachable over the network."""
        return _number(self.last("port"), 6379) != 0 or _number(self.last("tls-port"), 0) != 0

    @property
    def beyond_loopback(self) -> bool:
        """Whether the server accepts TCP connections from other hosts.  Without `bind` Redis
        listens on every interface (and in a container, loopback is the container's own)."""
        if not self.listens_on_tcp:
            return False
        bind = self.last("bind")
        if bind is None:
            return True
        return any(not is_loopback_address(address) for address in bind.args)

    @property
    def tls(self) -> bool:
        return _number(self.last("tls-port"), 0) != 0


def is_loopback_address(address: str) -> bool:
    """A `bind` address that only this host reaches (`-` marks an optional address)."""
    address = address.removeprefix("-")
    if address in ("localhost", ""):
        return True
    try:
        return ipaddress.ip_address(address).is_loopback
    except ValueError:
        return False  # `*`, `::*`, a host name: other hosts may reach it


def _number(directive: Directive | None, default: int) -> int:
    if directive is None or not directive.args:
        return default
    try:
        return int(directive.args[0])
    except ValueError:
        return default if directive.args[0] == "" else -1  # not a number we know: treat as set


def memory_bytes(text: str) -> int | None:
    """Redis's memory sizes: `100mb`, `1gb`, `512k`, `1073741824` (k=1000, kb=1024)."""
    units = {"": 1, "b": 1, "k": 1000, "kb": 1024, "m": 1000**2, "mb": 1024**2, "g": 1000**3, "gb": 1024**3}
    lowered = text.strip().lower()
    digits = lowered.rstrip("kmgb")
    unit = lowered[len(digits):]
    if not digits.isdigit() or unit not in units:
        return None
    return int(digits) * units[unit]

