"""What an adapter that is handed one file at a time (the flake8 plugin, the
language server) needs across files: each folder's configuration, one project
index per configuration, and how a broken configuration is reported."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

from redis_lint.config import Config, ConfigError, load_config
from redis_lint.findings import Finding
from redis_lint.semantics.project import ProjectIndex


@lru_cache(maxsize=64)
def config_for(folder: Path) -> Config | ConfigError:
    """The configuration that applies in a folder, or why there is none."""
    try:
        return load_config(start=folder)
    except ConfigError as error:
        return error


@lru_cache(maxsize=8)
def project_for(config: Config) -> ProjectIndex:
    """One index of the project's modules per configuration, for every file this process checks."""
    from redis_lint.engine.linter import project_index

    return project_index(config)


def config_problem(display: str, error: ConfigError) -> Finding:
    """A broken configuration, as RDS000 on the file: an adapter cannot stop its host with a message."""
    message = f"cannot use the redis-lint configuration: {error}"
    return Finding(display, 1, 1, "RDS000", message, 1, 1)
