"""Which helpers of the project give a TTL to a key they are handed.

`def touch(key): client.expire(key, 60)`, by name, over every file of the project.

The TTL rule asks, for a call in the file it checks, whether the function
called expires its argument; following every call into the module that
defines it would parse most of a large project.  A helper that expires a
parameter calls an EXPIRE-family command, and the file's bytes show that call
(`expire(`, `pexpireat (`): only those files are summarised, and only a call
by one of their helpers' names is followed.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable
from pathlib import Path

from redis_lint.summaries.module import ModuleSummary

# A call of EXPIRE, PEXPIRE, EXPIREAT or PEXPIREAT, in bytes: a file without one defines no such
# helper (the name and its parenthesis may be apart, across a line continuation too).
_EXPIRY_CALL = re.compile(rb"expire(?:at)?[\s\\]*\(")


def mentions_expiry_call(text: bytes) -> bool:
    """Whether a file's bytes call EXPIRE, PEXPIRE, EXPIREAT or PEXPIREAT."""
    return _EXPIRY_CALL.search(text) is not None


class ExpiringHelpers:
    def __init__(self, files: Iterable[str], summary: Callable[[str], ModuleSummary]) -> None:
        """`files`: the project's files whose bytes call an EXPIRE-family command
        (`mentions_expiry_call`); `summary`: reads one of them."""
        self._files = files
        self._summary = summary
        self._by_name: dict[str, list[Path]] | None = None

    def defined(self, name: str) -> list[Path]:
        """The project files that define a function or method `name` expiring one of its parameters."""
        if self._by_name is None:
            self._by_name = {}
            for path in self._files:
                for function in self._summary(path).expiring:
                    self._by_name.setdefault(function, []).append(Path(path))
        return list(self._by_name.get(name, []))
