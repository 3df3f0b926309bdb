"""RDS301-RDS304: commands that should not run from application code.

The command is known by its Redis name whether it comes from a redis-py
method, `execute_command("KEYS", ...)` or a Lua script sent with EVAL or
SCRIPT LOAD, so one check covers all three.
"""

from __future__ import annotations

from collections.abc import Iterator

from redis_lint.rulebook import commands as book
from redis_lint.rules.base import Rule, RuleContext, Violation


class CommandFamilyRule(book.CommandFamily, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        for call in context.model.commands:
            if call.command in self.commands:
                yield Violation(call.node, self.message(f"{call.shown} runs {call.command}", call.command))
            for command in call.lua_commands:
                if command in self.commands:
                    yield Violation(call.node, self.message(
                        f"the Lua script passed to {call.shown} calls {command}", command))


class KeysCommand(book.KeysCommand, CommandFamilyRule):
    pass


class FlushCommand(book.FlushCommand, CommandFamilyRule):
    pass


class ScanCommand(book.ScanCommand, CommandFamilyRule):
    pass


class AdminCommand(book.AdminCommand, CommandFamilyRule):
    pass
