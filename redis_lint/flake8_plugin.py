"""The flake8 plugin (`RDS`): a thin adapter over the engine.

flake8 hands over the file's lines; configuration comes from the same
`[tool.redis-lint]` the CLI reads, found from the file's folder.  flake8
applies `# noqa` itself, so the engine's own noqa pass is skipped here and
`--disable-noqa` keeps working.  A broken configuration cannot stop flake8
cleanly from inside a plugin, so it is reported as RDS000 on each file.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from pathlib import Path

from redis_lint import __version__
from redis_lint.config import ConfigError
from redis_lint.engine.session import config_for, config_problem, project_for


class RedisLintPlugin:
    name = "redis-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from redis_lint.engine.linter import lint_source

        path = Path(self.filename)
        config = config_for(path.absolute().parent)
        if isinstance(config, ConfigError):
            findings = [config_problem(self.filename, config)]
        elif config.is_excluded(config.relative(path)):
            return
        else:
            findings = lint_source("".join(self.lines), path=path, display=self.filename, config=config,
                                   apply_noqa=False, project=project_for(config))
        for finding in findings:
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
