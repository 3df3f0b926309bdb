"""A progress bar for `redis-lint check` on a terminal, for runs long enough to need one.

Shown on stderr only when it is a terminal and the run has gone on for DELAY seconds: a quick
run, a pipe, a CI log or a machine-read format never sees it, and never pays for importing
tqdm, which is imported the first time the bar is drawn.  The bar is erased when the run ends,
so the report that follows starts on a clean line.
"""

from __future__ import annotations

import os
import time
from types import TracebackType
from typing import Any, TextIO

DELAY = 1.0  # seconds of silence a user accepts before wondering whether the run is stuck


class TerminalProgress:
    """A callback for the engine (`done` files of `total` analysed), drawing a bar once the run is slow."""

    def __init__(self, stream: TextIO, delay: float = DELAY) -> None:
        self._stream = stream
        self._shown_after = time.monotonic() + delay
        self._bar: Any = None  # a tqdm bar, once drawn

    def __call__(self, done: int, total: int) -> None:
        if self._bar is None:
            if done >= total or time.monotonic() < self._shown_after:
                return
            from tqdm import tqdm

            self._bar = tqdm(total=total, file=self._stream, desc="redis-lint", unit="file", leave=False,
                             ncols=_width(self._stream), mininterval=0.1)
        self._bar.update(done - self._bar.n)

    def __enter__(self) -> TerminalProgress:
        return self

    def __exit__(self, kind: type[BaseException] | None, error: BaseException | None,
                 traceback: TracebackType | None) -> None:
        if self._bar is not None:
            self._bar.close()


def _width(stream: TextIO) -> int:
    """The terminal's width; 80 where it reports none (a fresh pseudo-terminal says 0, and tqdm
    would then draw nothing)."""
    try:
        return os.get_terminal_size(stream.fileno()).columns or 80
    except (OSError, ValueError):
        return 80


def wanted(stream: TextIO, *, quiet: bool, machine_format: bool) -> bool:
    """Whether a bar may be drawn on `stream`: a terminal that can redraw a line, for a person."""
    return not quiet and not machine_format and stream.isatty() and os.environ.get("TERM") != "dumb"
