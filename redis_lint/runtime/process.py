"""One watched process under `redis-lint run`: instrumented at start, its findings written at exit.

At exit its findings (RDS101 decided against the servers) go to a file of its own in the
run's folder, atomically, for the parent to merge.
"""

from __future__ import annotations

import atexit
import json
import os
import secrets
import sys
from pathlib import Path

from redis_lint.config import load_config
from redis_lint.runtime import RuntimeSession, instrument
from redis_lint.runtime.files import write_atomically

RUNTIME_DIR = "REDIS_LINT_RUNTIME_DIR"
CONFIG = "REDIS_LINT_CONFIG"


def start_from_environment() -> RuntimeSession:
    folder = Path(os.environ[RUNTIME_DIR])
    config_file = os.environ.get(CONFIG)
    session = instrument(load_config(Path(config_file) if config_file else None, start=Path.cwd()))
    atexit.register(_write_findings, session, folder)
    if hasattr(os, "register_at_fork"):  # a forked child reports only what it does itself
        os.register_at_fork(after_in_child=session.recorder.reset)
    return session


def _write_findings(session: RuntimeSession, folder: Path) -> None:
    try:
        findings = session.stop()
        data = json.dumps([{**f.as_dict(), "path": str(Path(f.path).absolute())} for f in findings])
        # pid and a random part: a pid may come back in a long run
        write_atomically(folder / f"{os.getpid()}-{secrets.token_hex(4)}.json", data)
    except Exception as error:  # at exit as at any time: one line, never a traceback in the program's output
        print(f"redis-lint runtime: the findings of this process are lost ({type(error).__name__}: {error})",
              file=sys.stderr)
