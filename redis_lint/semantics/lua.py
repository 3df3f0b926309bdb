"""Redis commands called from a Lua script (`redis.call('KEYS', ...)`).

Lua is not Python, so a small pattern over the script's text is the right
tool here; the script itself comes from the Python side already resolved.
"""

from __future__ import annotations

import re

_CALL = re.compile(r"""redis\s*\.\s*p?call\s*\(\s*(['"])([A-Za-z]+)\1(?:\s*,\s*(['"])([A-Za-z]+)\3)?""")


def lua_commands(script: str) -> list[str]:
    """Upper-case command names a script calls, two words for CONFIG/SCRIPT/CLIENT."""
    from redis_lint.semantics.command_specs import command_from_words

    commands = []
    for match in _CALL.finditer(script):
        words = [match.group(2)] + ([match.group(4)] if match.group(4) else [])
        commands.append(command_from_words(words))
    return commands
