"""The flake8 plugin (`RDS`): a thin adapter over the engine.

flake8 hands over the file's lines; the engine checks them as the CLI checks the file
(redis_lint.engine.session.check_text): configuration from the same `[tool.redis-lint]`
the CLI reads, found from the file's folder, the prefilter, and the same cache folder
(under a key of its own).  flake8 applies `# noqa` itself, so the engine's own noqa pass
is skipped here and `--disable-noqa` keeps working.  A broken configuration cannot stop
flake8 cleanly from inside a plugin, so it is reported as RDS000 on each file; a file
Python cannot decode is reported as RDS000 too, as the CLI reports it (flake8 falls back
to latin-1 for it and goes on).
"""

from __future__ import annotations

import argparse
import ast
from collections.abc import Iterator
from pathlib import Path

from redis_lint import __version__
from redis_lint.engine.session import FLAKE8, check_text, prepare


class RedisLintPlugin:
    name = "redis-lint"
    version = __version__

    @classmethod
    def parse_options(cls, options: argparse.Namespace) -> None:
        """Called once in flake8's main process, before `-j` forks the workers: the project of the
        working folder is read here, and each worker inherits it instead of reading it again."""
        try:
            prepare(Path.cwd())
        except Exception:  # noqa: BLE001  only a head start: a failure here must not stop flake8
            pass  # (each file is then checked, and any problem reported, as without it)

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        findings = check_text(Path(self.filename), "".join(self.lines), display=self.filename, host=FLAKE8)
        for finding in findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.explained}", type(self)
