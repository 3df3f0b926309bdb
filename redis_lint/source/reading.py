"""Reading a Python file as text the way Python does: BOM, then PEP 263 cookie, else UTF-8."""

from __future__ import annotations

import io
import os
import stat
import tokenize
from pathlib import Path

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
