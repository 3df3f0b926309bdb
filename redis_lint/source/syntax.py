"""Python's own parser for analysed code, and the limits a file must stay within to be parsed.

The code is read, never run.
"""

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


# Beyond this many characters a file is reported (RDS000), not analysed: libcst and its metadata
# take about a minute and close to a gigabyte of memory a megabyte of code, and a file this
# large is generated, not written.
MAX_SOURCE_SIZE = 1_000_000
# Nesting deeper than this (levels of the syntax tree: a 500-call method chain, a 1,000-branch
# elif chain) is reported, not analysed.  libcst has no limit of its own: its parser overflows
# the stack (a crash, not an exception) on 5,000 nested brackets, and parsing and visiting a
# chain of a few thousand calls takes many minutes.  CPython's own limits come first.
MAX_DEPTH = 1_000
_TOO_DEEP = ("too many nested parentheses", "too many levels of indentation", "too complex")


def unparsable(source: str) -> str | None:
    """Why a module's text must not be handed to libcst (RDS000's message), or None."""
    return checked(source)[0]


def checked(source: str) -> tuple[str | None, ast.Module | None]:
    """Why a module's text must not be handed to libcst (RDS000's message) or None, and Python's
    tree of it when Python parsed it (the analysis places what it reports with it).

    CPython's parser goes first: it is fast, and it refuses nesting deeper than it can take with
    an exception, where libcst's native parser crashes the process.  Other syntax errors are
    left to libcst, which knows the grammar of newer Pythons than the running one."""
    if len(source) > MAX_SOURCE_SIZE:
        return f"file too large to analyse ({len(source) / 1e6:.1f} MB > {MAX_SOURCE_SIZE / 1e6:g} MB)", None
    if "\0" in source:
        return "cannot parse: source code cannot contain null bytes", None
    try:
        tree = parse_quietly(source)
    except SyntaxError as error:
        if any(words in str(error.msg) for words in _TOO_DEEP):
            return "cannot parse: the code is nested too deeply", None
        return None, None
    except (RecursionError, MemoryError):
        return "cannot parse: the code is nested too deeply", None
    except ValueError:
        return None, None
    if _deeper_than(tree, MAX_DEPTH, source):
        return f"cannot analyse: the code is nested more than {MAX_DEPTH} levels deep", None
    return None, tree


# A node `span` bytes of code long holds no subtree deeper than about one level a byte (a chain of
# unary minus signs, the densest nesting Python has: `---x`), plus the levels that take no code
# (a context, an operator, an `arguments`); twice that, and some, is a safe bound.
_LEVELS_PER_BYTE = 2
_LEVELS_WITHOUT_CODE = 16


def _deeper_than(tree: ast.AST, limit: int, source: str) -> bool:
    """Whether the tree nests deeper than `limit`: only the nodes long enough to hold that much
    nesting are walked into (most statements are not), by their span in the code."""
    starts = _line_starts(source)
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        end = getattr(node, "end_lineno", None)
        if end is not None and end < len(starts):
            span = starts[end - 1] + node.end_col_offset - starts[node.lineno - 1] - node.col_offset  # type: ignore[attr-defined]
            if depth + _LEVELS_PER_BYTE * span + _LEVELS_WITHOUT_CODE <= limit:
                continue
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False


def _line_starts(source: str) -> list[int]:
    """The offset in UTF-8 bytes (what `ast` counts columns in) where each line starts, and the
    end: lines end as Python's tokenizer ends them (\\n, \\r\\n, \\r)."""
    starts = [0]
    for line in source.encode("utf-8", "surrogatepass").splitlines(keepends=True):
        starts.append(starts[-1] + len(line))
    return starts
