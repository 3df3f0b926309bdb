"""Reading a Python file as text the way Python does: BOM, then PEP 263 cookie, else UTF-8."""

from __future__ import annotations

import io
import tokenize


class SourceError(Exception):
    """A file that cannot be read or decoded; the message is shown as RDS000."""


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
    # Python reads source in universal-newline mode: lone CRs end lines too.
    return text.replace("\r\n", "\n").replace("\r", "\n") if "\r" in text else text
