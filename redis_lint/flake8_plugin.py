"""The flake8 plugin (`RDS`): a thin adapter over the engine.

flake8 hands over the file's lines; configuration comes from the same
`[tool.redis-lint]` the CLI reads, found from the file's folder.  flake8
applies `# noqa` itself, so the engine's own noqa pass is skipped here and
`--disable-noqa` keeps working.
"""

from __future__ import annotations

import ast
from collections.abc import Iterator
from functools import lru_cache
from pathlib import Path

from redis_lint import __version__
from redis_lint.config import Config, load_config


@lru_cache(maxsize=64)
def _config_for(directory: Path) -> Config:
    return load_config(start=directory)  # a ConfigError stops flake8 with its one-line message


class RedisLintPlugin:
    name = "redis-lint"
    version = __version__

    def __init__(self, tree: ast.AST, filename: str, lines: list[str]) -> None:
        self.filename = filename
        self.lines = lines

    def run(self) -> Iterator[tuple[int, int, str, type]]:
        from redis_lint.engine.linter import lint_source

        path = Path(self.filename)
        config = _config_for(path.absolute().parent)
        if config.is_excluded(config.relative(path)):
            return
        source = "".join(self.lines)
        for finding in lint_source(source, path=path, display=self.filename, config=config, apply_noqa=False):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
