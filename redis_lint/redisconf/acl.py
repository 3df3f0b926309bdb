"""What the default user may do, by Redis's ACL rules, for the commands RDS803 and RDS805 ask about.

What the default user may do: Redis's ACL rules, evaluated for the few commands RDS803 and
RDS805 ask about.

Every connection starts as the user `default`: on, no password (`nopass`), every command.
`requirepass` gives it a password.  A `user default ...` line in redis.conf resets it (off, no
password, no command) before applying its rules, and wins over `requirepass` wherever it is
written, since Redis loads users after the rest of the file.  Users kept in an `aclfile` are not
visible here, and neither are the rules of a partly visible configuration: both are unknown.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from redis_lint.redisconf.server_config import Directive, ServerConfig

# The commands RDS805 wants closed, as ACL names (command|subcommand) with their ACL categories
# (COMMAND INFO, Redis 7; the tests compare them with a real server).
_DANGEROUS = ("keyspace", "slow", "dangerous")
_CONFIG = ("admin", "slow", "dangerous")
TRACKED: dict[str, dict[str, frozenset[str]]] = {
    "KEYS": {"keys": frozenset({*_DANGEROUS, "read"})},
    "FLUSHALL": {"flushall": frozenset({*_DANGEROUS, "write"})},
    "FLUSHDB": {"flushdb": frozenset({*_DANGEROUS, "write"})},
    "CONFIG": {f"config|{sub}": frozenset(_CONFIG) for sub in ("get", "set", "rewrite", "resetstat")},
}
_CATEGORIES: dict[str, frozenset[str]] = {name: cats for names in TRACKED.values() for name, cats in names.items()}
_ALL = frozenset(_CATEGORIES)


@dataclass
class AclUser:
    enabled: bool = True
    nopass: bool = True
    has_password: bool = False
    allowed: set[str] = field(default_factory=lambda: set(_ALL))  # tracked names the root selector allows
    selectors: list[set[str]] = field(default_factory=list)  # `(...)` selectors: more that is allowed

    @property
    def open_without_password(self) -> bool:
        """A new connection is logged in as this user without AUTH."""
        return self.enabled and self.nopass

    def allows(self, name: str) -> bool:
        return name in self.allowed or any(name in selector for selector in self.selectors)


def default_user(config: ServerConfig) -> AclUser | None:
    """The default user as the configuration leaves it; None when we cannot know."""
    aclfile = config.last("aclfile")
    if not config.complete or not config.acl_visible or (aclfile is not None and any(aclfile.args)):
        return None
    lines = [d for d in config.all("user") if d.args and d.args[0] == "default"]
    if lines:
        user = AclUser(enabled=False, nopass=False, allowed=set())
        _apply(user, lines[-1].args[1:])
        return user
    user = AclUser()
    requirepass = config.last("requirepass")
    if requirepass is not None and any(requirepass.args):
        user.nopass, user.has_password = False, True
    return user


def user_directive(config: ServerConfig) -> Directive | None:
    lines = [d for d in config.all("user") if d.args and d.args[0] == "default"]
    return lines[-1] if lines else None


def open_commands(config: ServerConfig) -> list[str] | None:
    """The tracked commands the default user can run (renamed ones are closed); None: unknown."""
    user = default_user(config)
    if user is None:
        return None
    if not user.enabled:
        return []
    renamed = {d.args[0].lower() for d in config.all("rename-command") if d.args}
    return [command for command, names in TRACKED.items()
            if command.lower() not in renamed and any(user.allows(name) for name in names)]


def _apply(user: AclUser, rules: tuple[str, ...]) -> None:
    selector: list[str] | None = None
    for rule in rules:
        if selector is not None:  # `(~x +get)` is split into words: gather them back
            selector.append(rule)
            if rule.endswith(")"):
                user.selectors.append(_selector(" ".join(selector)[1:-1].split()))
                selector = None
            continue
        if rule.startswith("("):
            if rule.endswith(")") and len(rule) > 1:
                user.selectors.append(_selector(rule[1:-1].split()))
            else:
                selector = [rule]
            continue
        _apply_rule(user, rule)


def _selector(rules: list[str]) -> set[str]:
    allowed: set[str] = set()
    for rule in rules:
        _commands(allowed, rule.lower())
    return allowed


def _apply_rule(user: AclUser, rule: str) -> None:
    lowered = rule.lower()
    if lowered == "on":
        user.enabled = True
    elif lowered == "off":
        user.enabled = False
    elif lowered == "nopass":
        user.nopass, user.has_password = True, False
    elif lowered == "resetpass":
        user.nopass, user.has_password = False, False
    elif rule[:1] in (">", "#"):
        user.nopass, user.has_password = False, True
    elif lowered == "reset":
        user.enabled, user.nopass, user.has_password = False, False, False
        user.allowed.clear()
        user.selectors.clear()
    elif lowered == "clearselectors":
        user.selectors.clear()
    else:
        _commands(user.allowed, lowered)  # key and channel patterns do not matter to these commands


def _commands(allowed: set[str], rule: str) -> None:
    """+@all, -@all, allcommands, nocommands, +@category, -@category, +command, -command|sub."""
    if rule == "allcommands":
        rule = "+@all"
    elif rule == "nocommands":
        rule = "-@all"
    if rule[:1] not in ("+", "-") or len(rule) < 2:
        return
    add, target = rule[0] == "+", rule[1:]
    if target == "@all":
        names = _ALL
    elif target.startswith("@"):
        names = frozenset(n for n, categories in _CATEGORIES.items() if target[1:] in categories)
    else:
        names = frozenset(n for n in _ALL if n == target or n.startswith(f"{target}|"))
    if add:
        allowed.update(names)
    else:
        allowed.difference_update(names)
