"""`# noqa` and `# noqa: RDS101,RDS203`, with flake8's semantics.

As in flake8, a comment anywhere on a multi-line statement applies to every
line of it, a bare `# noqa` silences everything, and listed codes also match
as prefixes (`# noqa: RDS2` silences RDS201-RDS203).  Only comments count:
the file is tokenized, not searched as text.
"""

from __future__ import annotations

import io
import re
import tokenize

# flake8's own pattern (flake8/defaults.py), applied to comment tokens.
_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]+")

ALL = frozenset({"*"})  # a bare noqa


def noqa_map(source: str) -> dict[int, frozenset[str]]:
    """Line number -> codes silenced on it (ALL for a bare noqa)."""
    result: dict[int, frozenset[str]] = {}
    first, last = None, -1
    comments: list[str] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = token.start[0] if first is None else min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type == tokenize.COMMENT:
                comments.append(token.string)
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                codes = _codes(comments)
                if codes and first is not None:
                    for line in range(first, last + 1):
                        result[line] = codes
                first, last, comments = None, -1, []
    except (tokenize.TokenError, SyntaxError):
        pass  # flake8 gives up on noqa for such a file too; whatever was mapped stays
    return result


def _codes(comments: list[str]) -> frozenset[str] | None:
    found: set[str] = set()
    for comment in comments:
        match = _NOQA.search(comment)
        if match is None:
            continue
        if match["codes"] is None:
            return ALL
        found.update(c for c in _SEPARATORS.split(match["codes"].strip()) if c)
    return frozenset(found) or None


def is_silenced(code: str, line: int, silenced: dict[int, frozenset[str]]) -> bool:
    codes = silenced.get(line)
    if not codes:
        return False
    return codes is ALL or code in codes or code.startswith(tuple(codes))
