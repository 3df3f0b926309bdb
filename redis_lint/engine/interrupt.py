"""How a run stops when it is told to, leaving no worker and no half-written cache behind.

How a run stops when it is told to: Ctrl-C, a pre-commit or CI timeout (SIGTERM, then SIGKILL),
an editor restarting it.

The parent turns SIGINT and SIGTERM into an exception, `Stopped`, so that the run unwinds: the
`finally` clauses run (a cache entry being written is removed), the worker pool is stopped at once
and the command prints one line.  The workers end with their parent whatever ends it, SIGKILL
included: left behind, they would go on analysing for nobody, or wait forever on the pool's queue.
"""

from __future__ import annotations

import os
import signal
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from types import FrameType
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from concurrent.futures import ProcessPoolExecutor

_SIGNALS = (signal.SIGINT, signal.SIGTERM)
_PR_SET_PDEATHSIG = 1  # <linux/prctl.h>
_WATCH_EVERY = 0.2  # seconds between two looks at the parent, where prctl is missing


class Stopped(BaseException):
    """SIGINT or SIGTERM was received.  Not a KeyboardInterrupt: click would print "Aborted!" and
    exit 1; a BaseException, so that no `except Exception` of the analysis swallows it."""

    def __init__(self, signum: int) -> None:
        super().__init__(signum)
        self.signum = signum


# -- the parent ---------------------------------------------------------------


@contextmanager
def stopping_on_signals() -> Iterator[None]:
    """SIGINT and SIGTERM raise `Stopped` in here.  Signals only reach Python's main thread: from
    another thread (an embedding program) nothing changes; a signal the caller ignores (a shell's
    background job ignores SIGINT) stays ignored."""
    if threading.current_thread() is not threading.main_thread():
        yield
        return
    previous = {signum: signal.getsignal(signum) for signum in _SIGNALS}
    for signum, handler in previous.items():
        if handler != signal.SIG_IGN:
            signal.signal(signum, _raise_stopped)
    try:
        yield
    finally:
        for signum, handler in previous.items():
            # after a Stopped the default action stays: the process is on its way out
            if signal.getsignal(signum) is _raise_stopped and handler is not None:
                signal.signal(signum, handler)


def _raise_stopped(signum: int, frame: FrameType | None) -> None:
    # A second signal while the run unwinds ends the process at once (its workers go with it):
    # never a second message, and a way out should the unwinding hang.
    for each in _SIGNALS:
        signal.signal(each, signal.SIG_DFL)
    raise Stopped(signum)


@contextmanager
def signals_blocked() -> Iterator[None]:
    """Processes forked in here start with SIGINT and SIGTERM blocked until `end_with_parent` has
    set them up: in between, the parent's handler (copied by fork) would raise in the worker and
    print a traceback.  A signal that arrives meanwhile reaches the parent when this block ends."""
    if not hasattr(signal, "pthread_sigmask"):  # Windows: no fork either
        yield
        return
    previous = signal.pthread_sigmask(signal.SIG_BLOCK, _SIGNALS)
    try:
        yield
    finally:
        signal.pthread_sigmask(signal.SIG_SETMASK, previous)


def stop_pool(pool: ProcessPoolExecutor) -> None:
    """Stop a pool now: drop the queued work and kill the workers (they hold nothing worth saving),
    then reap them, so that the executor's own join at exit finds nothing left to wait for."""
    processes = list((getattr(pool, "_processes", None) or {}).values())  # no public handle on them
    pool.shutdown(wait=False, cancel_futures=True)
    for process in processes:
        process.kill()
    for process in processes:
        process.join(timeout=1)  # only a process stuck in the kernel takes longer


# -- a worker -----------------------------------------------------------------


def end_with_parent(parent: int) -> None:
    """Called first in a worker process: end it when `parent` (the pid of the process that started
    it) ends, however that ends."""
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C reaches the whole process group: the parent answers
    signal.signal(signal.SIGTERM, signal.SIG_DFL)  # not the parent's handler, copied by fork
    if hasattr(signal, "pthread_sigmask"):
        signal.pthread_sigmask(signal.SIG_UNBLOCK, _SIGNALS)  # blocked by signals_blocked()
    if not _parent_death_signal(signal.SIGKILL):
        threading.Thread(target=watch_parent, args=(parent,), name="redis-lint-watch-parent", daemon=True).start()
    if os.getppid() != parent:  # the parent died before the line above took effect
        os._exit(1)


def watch_parent(parent: int) -> None:
    """End this process once its parent is gone (it is then adopted: another parent pid).  Not on
    Windows, where the parent pid stays as it was after the parent exits."""
    while os.getppid() == parent:
        time.sleep(_WATCH_EVERY)
    os._exit(1)


def _parent_death_signal(signum: int) -> bool:
    """Ask Linux to send `signum` to this process when its parent dies.  The parent is the thread
    that forked it: ProcessPoolExecutor forks its workers from the thread that submits the first
    job (redis_lint.engine.run), which waits for them all."""
    if not sys.platform.startswith("linux"):
        return False
    try:
        import ctypes

        libc = ctypes.CDLL(None, use_errno=True)
        return bool(libc.prctl(_PR_SET_PDEATHSIG, signum, 0, 0, 0) == 0)
    except (ImportError, OSError, AttributeError):
        return False
