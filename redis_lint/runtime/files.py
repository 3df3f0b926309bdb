"""Reports written whole or not at all.

A reader (the parent merging its watched processes' files, a CI step reading
`redis-lint run --output`) never sees half a file: the text goes to a
temporary file beside the target, reaches the disk, and only then takes the
target's name.  A write that fails (full disk, a size limit, a crash) leaves
the previous report as it was and no temporary file behind.
"""

from __future__ import annotations

import contextlib
import os
import secrets
from pathlib import Path


def write_atomically(path: Path, text: str) -> None:
    temporary = path.with_name(f".{path.name}.{secrets.token_hex(6)}.tmp")
    # O_EXCL: never someone else's file; mode 0o666: the umask applies, as it does for open()
    handle = os.open(temporary, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    try:
        with os.fdopen(handle, "w", encoding="utf-8") as file:
            file.write(text)
            file.flush()
            os.fsync(file.fileno())  # on disk before the name points at it
        os.replace(temporary, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(temporary)
        raise
