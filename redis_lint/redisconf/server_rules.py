"""RDS801-RDS806: the practices document's server settings, checked on one server's configuration.

A rule reports what it can prove from what it sees.  A directive that is missing
is reported only when the whole configuration is in view (no `include`, no
config file on the command line); a value that is written is reported when
nothing we cannot see comes after it.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from redis_lint.rulemeta import RuleMeta
from redis_lint.redisconf.acl import default_user, open_commands, user_directive
from redis_lint.redisconf.server_config import Directive, ServerConfig, memory_bytes


@dataclass(frozen=True)
class Role:
    """What the policy says this server holds."""

    cache: bool = False  # cache-instances: evicting is the point
    persistent: bool = False  # persistent-instances: data must survive a restart


@dataclass(frozen=True)
class ConfigViolation:
    directive: Directive | None  # where it points; None: the configuration itself (line 1, the command)
    message: str


class ServerRule(RuleMeta):
    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        raise NotImplementedError


class NoMaxmemory(ServerRule):
    code = "RDS801"
    name = "server-no-maxmemory"
    summary = "A Redis server configuration without `maxmemory` (or `maxmemory 0`)."

    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        directive = server.last("maxmemory")
        if directive is None:
            if server.complete:
                yield ConfigViolation(None, "no maxmemory: Redis grows until the host runs out of memory; set a "
                                            "limit below what the host or container gives it (maxmemory 256mb)")
        elif directive.args and memory_bytes(directive.args[0]) == 0 and server.settled(directive):
            yield ConfigViolation(directive, "maxmemory 0 means no limit: Redis grows until the host runs out of "
                                             "memory; set a limit (maxmemory 256mb)")


class EvictionPolicy(ServerRule):
    code = "RDS802"
    name = "server-eviction-policy"
    summary = "No `maxmemory-policy`, or `noeviction` on an instance `cache-instances` marks as a cache."

    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        directive = server.last("maxmemory-policy")
        if directive is None:
            if server.complete:
                advice = ("this is a cache: use allkeys-lru or allkeys-lfu" if role.cache else
                          "choose one: allkeys-lru or allkeys-lfu for a cache, volatile-lru to evict only keys with "
                          "a TTL, noeviction written out for data that must never be evicted")
                yield ConfigViolation(None, "no maxmemory-policy: the default, noeviction, makes every write fail "
                                            f"once maxmemory is reached; {advice}")
        elif (role.cache and directive.args and directive.args[0].lower() == "noeviction"
              and server.settled(directive)):
            yield ConfigViolation(directive, "maxmemory-policy noeviction on a cache: once memory is full every "
                                             "write fails instead of evicting old entries; use allkeys-lru or "
                                             "allkeys-lfu")


_EVERY_INTERFACE = frozenset({"*", "0.0.0.0", "::", "::*"})


def _exposure(server: ServerConfig) -> tuple[Directive | None, str]:
    """Where the server opens itself to other hosts, and how to say it."""
    bind = server.last("bind")
    if bind is None:
        return None, "listens on every interface (no bind)"
    if any(address.removeprefix("-") in _EVERY_INTERFACE for address in bind.args):
        return bind, f"listens on every interface (bind {' '.join(bind.args)})"
    return bind, f"is bound to {' '.join(bind.args)}"


class NoAuth(ServerRule):
    code = "RDS803"
    name = "server-no-auth"
    summary = "A server bound beyond loopback whose default user has no password, or `protected-mode no`."

    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        if not server.beyond_loopback:
            return
        user = default_user(server)
        if user is None or not user.open_without_password:
            return
        protected = server.last("protected-mode")
        if protected is not None and not server.flag("protected-mode", True):
            yield ConfigViolation(protected, "protected-mode no and no password for the default user: anyone who "
                                             "reaches the port can run every command; set requirepass, or ACL "
                                             "users with passwords (user default on >...)")
            return
        where, exposure = _exposure(server)
        yield ConfigViolation(where, f"the server {exposure} and the default user has no password: only protected "
                                     "mode turns other hosts away, and a container or a CONFIG SET turns it off; "
                                     "set requirepass, or ACL users with passwords, or bind 127.0.0.1 -::1")


class NoTls(ServerRule):
    code = "RDS804"
    name = "server-no-tls"
    summary = "A server bound beyond loopback without `tls-port`."

    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        if not server.complete or not server.beyond_loopback or server.tls:
            return
        where, exposure = _exposure(server)
        yield ConfigViolation(where, f"the server {exposure} without TLS: passwords and data cross the network in "
                                     "clear text; set tls-port with tls-cert-file and tls-key-file (and port 0 to "
                                     "close the plaintext port), or bind 127.0.0.1 -::1")


class DangerousCommands(ServerRule):
    code = "RDS805"
    name = "server-dangerous-commands"
    summary = ("`KEYS`, `FLUSHALL`, `FLUSHDB` or `CONFIG` open to the default user (no ACL restriction, no "
               "`rename-command`).")

    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        commands = open_commands(server)
        if not commands:
            return
        names = commands[0] if len(commands) == 1 else f"{', '.join(commands[:-1])} and {commands[-1]}"
        verb = "is" if len(commands) == 1 else "are"
        closing = " ".join(f"-{c.lower()}" for c in commands)
        yield ConfigViolation(user_directive(server),
                              f"{names} {verb} open to the default user, so the application (or anyone with its "
                              f"password) can block or wipe the server: close them in its ACL "
                              f"(user default on >... ~* &* +@all {closing}) or rename-command them to \"\"")


class NoPersistence(ServerRule):
    code = "RDS806"
    name = "server-no-persistence"
    summary = '`save ""` without `appendonly yes` on an instance `persistent-instances` marks as persistent.'

    def check(self, server: ServerConfig, role: Role) -> Iterator[ConfigViolation]:
        if not role.persistent:
            return
        save, aof = server.last("save"), server.last("appendonly")
        # without a save directive, Redis keeps its default snapshot points (3600 1 300 100 60 10000)
        snapshots_off = save is not None and not any(save.args) and server.settled(save)
        aof_off = server.missing("appendonly") if aof is None else (
            not server.flag("appendonly", False) and server.settled(aof))
        if snapshots_off and aof_off:
            yield ConfigViolation(save, "save \"\" turns RDB snapshots off and appendonly is not yes, on an instance "
                                        "the policy marks persistent: a restart loses every key; set appendonly yes "
                                        "(and keep save points for backups)")


SERVER_RULES: tuple[ServerRule, ...] = (
    NoMaxmemory(), EvictionPolicy(), NoAuth(), NoTls(), DangerousCommands(), NoPersistence(),
)
SERVER_CODES = frozenset(rule.code for rule in SERVER_RULES)
