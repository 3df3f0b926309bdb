"""Python's own parser, for reading analysed code without running it."""

from __future__ import annotations

import ast
import warnings


def parse_quietly(source: str | bytes) -> ast.Module:
    """`ast.parse`, without the warnings Python gives about the code it reads (an invalid escape
    sequence, a call of a literal): they are the analysed code's business, and printed here they
    would land in the middle of redis-lint's output."""
    with warnings.catch_warnings():
        warnings.simplefilter("ignore")
        return ast.parse(source)
