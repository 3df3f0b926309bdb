"""`# noqa` comments with flake8's semantics, and the file-level `# redis-lint: skip-file`.

`# noqa` and `# noqa: RDS101,RDS203`, with flake8's semantics, and the file-level
`# redis-lint: skip-file`.

As in flake8, a comment anywhere on a multi-line string applies to every line of
it, a bare `# noqa` silences everything, and listed codes also match as prefixes
(`# noqa: RDS2` silences RDS201-RDS203).  Only comments count: the file is
tokenized, not searched as text.
"""

from __future__ import annotations

import io
import re
import tokenize
from dataclasses import dataclass
from functools import lru_cache

# flake8's own pattern (flake8/defaults.py), applied to comment tokens.
_NOQA = re.compile(r"# noqa(?::[\s]?(?P<codes>([A-Z]+[0-9]+(?:[,\s]+)?)+))?", re.IGNORECASE)
SKIP_FILE = re.compile(r"#\s*redis-lint:\s*skip-file\b", re.IGNORECASE)
_SEPARATORS = re.compile(r"[,\s]+")
_MENTIONED = re.compile(r"noqa|redis-lint", re.IGNORECASE)  # what either comment must hold

ALL = frozenset({"*"})  # a bare noqa


@dataclass(frozen=True)
class NoqaComment:
    line: int
    column: int  # 1-based
    codes: frozenset[str]  # ALL for a bare noqa
    covers: range  # the lines it silences (a multi-line string's, or its own)


@dataclass(frozen=True)
class Suppressions:
    comments: tuple[NoqaComment, ...] = ()
    skip_file: bool = False

    def silenced(self) -> dict[int, frozenset[str]]:
        """Line number -> codes silenced on it."""
        result: dict[int, frozenset[str]] = {}
        for comment in self.comments:
            for line in comment.covers:
                result[line] = comment.codes
        return result


@lru_cache(maxsize=4)  # asked twice of a file whose project-level facts are collected too
def suppressions(source: str) -> Suppressions:
    if _MENTIONED.search(source) is None:
        return Suppressions()  # no comment can match: the text is not tokenized (a tenth of a run)
    comments: list[NoqaComment] = []
    skip = False
    first, last = None, -1
    pending: list[tokenize.TokenInfo] = []
    try:
        for token in tokenize.generate_tokens(io.StringIO(source).readline):
            if token.type in (tokenize.ENDMARKER, tokenize.DEDENT):
                continue
            first = token.start[0] if first is None else min(first, token.start[0])
            last = max(last, token.end[0])
            if token.type == tokenize.COMMENT:
                pending.append(token)
                skip = skip or bool(SKIP_FILE.match(token.string))
            if token.type in (tokenize.NL, tokenize.NEWLINE):
                for comment in pending:
                    codes = noqa_codes(comment.string)
                    if codes is not None and first is not None:
                        comments.append(NoqaComment(comment.start[0], comment.start[1] + 1, codes,
                                                    range(first, last + 1)))
                first, last, pending = None, -1, []
    except (tokenize.TokenError, SyntaxError):
        pass  # flake8 gives up on noqa for such a file too; whatever was mapped stays
    return Suppressions(tuple(comments), skip)


def noqa_map(source: str) -> dict[int, frozenset[str]]:
    return suppressions(source).silenced()


def noqa_codes(comment: str) -> frozenset[str] | None:
    """The codes a `# noqa` comment names (ALL for a bare one); None when the text has no noqa."""
    match = _NOQA.search(comment)
    if match is None:
        return None
    if match["codes"] is None:
        return ALL
    return frozenset(c for c in _SEPARATORS.split(match["codes"].strip()) if c)


def is_silenced(code: str, line: int, silenced: dict[int, frozenset[str]]) -> bool:
    codes = silenced.get(line)
    if not codes:
        return False
    return codes is ALL or code in codes or code.startswith(tuple(codes))
