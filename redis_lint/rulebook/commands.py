"""RDS301-RDS304, commands that should not run from application code: what they are and what they say."""

from __future__ import annotations

from typing import ClassVar

from redis_lint.rulemeta import RuleMeta
from redis_lint.semantics.command_specs import ADMIN_COMMANDS, FLUSHES, KEYSPACE_WALKS, SCANS


class CommandFamily(RuleMeta):
    """A rule that flags some Redis commands, by name, whatever sent them (redis-py, the runtime)."""

    commands: ClassVar[frozenset[str]]
    why: ClassVar[str] = ""  # what the commands do, unless `whys` says it for each
    whys: ClassVar[dict[str, str]] = {}
    instead: ClassVar[str]

    @classmethod
    def message(cls, what: str, command: str) -> str:
        """`what` names the command and how it was sent; shared with the runtime."""
        return f"{what}, {cls.whys.get(command, cls.why)}: {cls.instead}"


class KeysCommand(CommandFamily):
    code = "RDS301"
    name = "keys-command"
    summary = ("`KEYS` (from Python, `execute_command` or a Lua script), which blocks the server while it walks every "
               "key.")
    commands = KEYSPACE_WALKS
    why = "which blocks Redis while it walks every key"
    instead = "keep the keys you need in a set (an index) and read that"


class FlushCommand(CommandFamily):
    code = "RDS302"
    name = "flush-command"
    summary = "`FLUSHDB`, which empties the client's database, or `FLUSHALL`, every database of the server."
    commands = FLUSHES
    # the scope is the point: FLUSHALL does not stop at the client's database
    whys = {
        "FLUSHALL": "which empties every database of the server, not only the client's",
        "FLUSHDB": "which deletes every key of the client's database, not only this code's",
    }
    instead = "delete the keys you own by name; give tests their own database or server"


class ScanCommand(CommandFamily):
    code = "RDS303"
    name = "scan-command"
    summary = ("`SCAN` and its family (`scan_iter`, `hscan`, `sscan`, `zscan`, ...), which walk the keyspace or a "
               "whole collection.")
    commands = SCANS
    why = "which walks the keyspace or a whole collection"
    instead = "keep an index (a set or sorted set) of the keys you need"


class AdminCommand(CommandFamily):
    code = "RDS304"
    name = "admin-command"
    summary = ("Server administration from application code: `DEBUG`, `CONFIG SET/REWRITE/RESETSTAT`, `SHUTDOWN`, "
               "`MONITOR`, `SAVE`, `REPLICAOF`/`SLAVEOF`, `SCRIPT FLUSH`, `CLIENT KILL`.")
    commands = ADMIN_COMMANDS
    # what each does to the whole server, for every client: the reason it is not the application's
    whys = {
        "DEBUG": "which can block (DEBUG SLEEP), crash (DEBUG SEGFAULT) or reload the whole server",
        "CONFIG SET": "which changes the server's configuration for every client",
        "CONFIG REWRITE": "which rewrites the server's configuration file",
        "CONFIG RESETSTAT": "which resets the statistics the server reports (INFO) for every client",
        "SHUTDOWN": "which stops the server",
        "MONITOR": "which streams every client's commands, secrets included, and slows the server",
        "SAVE": "which blocks the server, every client, until the whole dataset is written to disk",
        "REPLICAOF": "which makes the server a replica of another, discarding its own data, or promotes it",
        "SLAVEOF": "which makes the server a replica of another, discarding its own data, or promotes it",
        "SCRIPT FLUSH": "which removes every Lua script cached on the server, other applications' included",
        "CLIENT KILL": "which disconnects other clients of the server",
    }
    instead = "configure and operate the server from its deployment, not from application code"


FAMILIES: tuple[type[CommandFamily], ...] = (KeysCommand, FlushCommand, ScanCommand, AdminCommand)
_BY_COMMAND = {command: family for family in FAMILIES for command in family.commands}


def family_rule(command: str) -> type[CommandFamily] | None:
    """The rule that flags a Redis command (as sent: "KEYS", "CONFIG SET"), if any."""
    return _BY_COMMAND.get(command)
