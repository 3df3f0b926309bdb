"""Path patterns for exclude, per-file-ignores and injection points.

A pattern matches a path relative to the project root, written with "/".
`*` and `?` stay inside one folder, `**` crosses folders.  A pattern that does
not start with "/" may match at any depth (`redis/client.py` matches
`app/redis/client.py`), and a pattern that matches a folder matches
everything below it (`build` excludes `build/x.py`), as in .gitignore.
"""

from __future__ import annotations

import re
from functools import lru_cache


@lru_cache(maxsize=512)
def _compile(pattern: str) -> re.Pattern[str]:
    anchored = pattern.startswith("/")
    body = pattern.strip("/")
    regex = []
    i = 0
    while i < len(body):
        if body.startswith("**/", i):
            regex.append("(?:.*/)?")
            i += 3
        elif body.startswith("**", i):
            regex.append(".*")
            i += 2
        elif body[i] == "*":
            regex.append("[^/]*")
            i += 1
        elif body[i] == "?":
            regex.append("[^/]")
            i += 1
        else:
            regex.append(re.escape(body[i]))
            i += 1
    prefix = "" if anchored else "(?:.*/)?"
    return re.compile(f"{prefix}{''.join(regex)}(?:/.*)?")


def path_matches(relative_path: str, pattern: str) -> bool:
    return _compile(pattern).fullmatch(relative_path.strip("/")) is not None


def matches_any(relative_path: str, patterns: tuple[str, ...] | list[str]) -> bool:
    return any(path_matches(relative_path, p) for p in patterns)
