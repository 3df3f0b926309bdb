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
from functools import lru_cache
from pathlib import Path

from redis_lint import __version__
from redis_lint.config import Config, ConfigError, load_config
from redis_lint.semantics.project import ProjectIndex


@lru_cache(maxsize=64)
def _config_for(directory: Path) -> Config | ConfigError:
    try:
        return load_config(start=directory)
    except ConfigError as error:
        return error


@lru_cache(maxsize=8)
def _project_for(config: Config) -> ProjectIndex:
    """One index of the project's modules per configuration, for every file this process checks."""
    from redis_lint.engine.linter import project_index

    return project_index(config)


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
        if isinstance(config, ConfigError):
            yield 1, 0, f"RDS000 cannot use the redis-lint configuration: {config}", type(self)
            return
        if config.is_excluded(config.relative(path)):
            return
        source = "".join(self.lines)
        project = _project_for(config)
        for finding in lint_source(source, path=path, display=self.filename, config=config, apply_noqa=False,
                                   project=project):
            yield finding.line, finding.column - 1, f"{finding.code} {finding.message}", type(self)
