"""Reading a Python file as text the way Python does: BOM, then PEP 263 cookie, else UTF-8;
and the limits a file must stay within to be parsed at all."""

from __future__ import annotations

import ast
import io
import os
import stat
import tokenize
from pathlib import Path
from redis_lint.syntax import parse_quietly

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
_KINDS = ((stat.S_ISDIR, "a folder"), (stat.S_ISFIFO, "a FIFO"), (stat.S_ISSOCK, "a socket"),
          (stat.S_ISCHR, "a character device"), (stat.S_ISBLK, "a block device"))


class SourceError(Exception):
    """A file that cannot be read or decoded; the message is shown as RDS000."""


def read_source(path: Path | str) -> bytes:
    """A file's bytes.  Anything but a regular file (a FIFO, a device, a socket, a folder) raises
    OSError instead of blocking or reading forever: it is opened without blocking and checked."""
    handle = os.open(path, os.O_RDONLY | getattr(os, "O_NONBLOCK", 0) | getattr(os, "O_CLOEXEC", 0))
    try:
        mode = os.fstat(handle).st_mode
        if not stat.S_ISREG(mode):
            kind = next((name for test, name in _KINDS if test(mode)), "a special file")
            raise OSError(0, f"not a regular file ({kind})", str(path))
        with open(handle, "rb", closefd=False) as file:
            return file.read()
    finally:
        os.close(handle)


def decode_source(data: bytes) -> str:
    try:
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
    except SyntaxError as error:
        if "encoding problem" in error.msg or "unknown encoding" in error.msg or "mismatch" in error.msg:
            raise SourceError(f"cannot decode: {error.msg}") from None
        encoding = "utf-8"  # invalid UTF-8 in the first lines: the decode below says where
    try:
        text = data.decode(encoding)  # "utf-8-sig" when there is a BOM: it is dropped
    except UnicodeDecodeError as error:
        line = data[: error.start].count(b"\n") + 1
        raise SourceError(f"cannot decode as {encoding} (line {line}): {error.reason}") from None
    except (UnicodeError, LookupError):  # a codec that is not a text encoding (rot13, zlib, undefined...)
        raise SourceError(f"cannot decode: encoding problem: {encoding}") from None  # as Python words it
    # Python reads source in universal-newline mode: lone CRs end lines too.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text


def unparsable(source: str) -> str | None:
    """Why a module's text must not be handed to libcst (RDS000's message), or None.

    CPython's parser goes first: it is fast, and it refuses nesting deeper than it can take with
    an exception, where libcst's native parser crashes the process.  Other syntax errors are
    left to libcst, which knows the grammar of newer Pythons than the running one."""
    if len(source) > MAX_SOURCE_SIZE:
        return f"file too large to analyse ({len(source) / 1e6:.1f} MB > {MAX_SOURCE_SIZE / 1e6:g} MB)"
    if "\0" in source:
        return "cannot parse: source code cannot contain null bytes"
    try:
        tree = parse_quietly(source)
    except SyntaxError as error:
        if any(words in str(error.msg) for words in _TOO_DEEP):
            return "cannot parse: the code is nested too deeply"
        return None
    except (RecursionError, MemoryError):
        return "cannot parse: the code is nested too deeply"
    except ValueError:
        return None
    if _deeper_than(tree, MAX_DEPTH):
        return f"cannot analyse: the code is nested more than {MAX_DEPTH} levels deep"
    return None


def _deeper_than(tree: ast.AST, limit: int) -> bool:
    pending = [(tree, 1)]
    while pending:
        node, depth = pending.pop()
        if depth > limit:
            return True
        pending.extend((child, depth + 1) for child in ast.iter_child_nodes(node))
    return False
