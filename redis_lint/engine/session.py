"""What an adapter that is handed one file at a time (the flake8 plugin, the
language server) needs across files: each folder's configuration (the CLI's own
lookup), one project index, prefilter and cache per configuration, and how a
broken configuration is reported."""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from redis_lint.config import Config, ConfigError
from redis_lint.config.resolve import Configurations
from redis_lint.engine.cache import DEFAULT_FOLDER, Cache
from redis_lint.engine.prefilter import Prefilter
from redis_lint.findings import Finding
from redis_lint.source import PARSE_ERROR

if TYPE_CHECKING:
    from redis_lint.semantics.project import ProjectIndex


_configurations = Configurations()  # the CLI's lookup, cached per folder for the life of the process


def config_for(folder: Path) -> Config | ConfigError:
    """The configuration that applies in a folder, or why there is none."""
    try:
        return _configurations.for_folder(folder)
    except ConfigError as error:
        return error


@lru_cache(maxsize=8)
def project_for(config: Config) -> ProjectIndex:
    """One index of the project's modules per configuration, for every file this process checks."""
    from redis_lint.engine.linter import project_index

    project = project_index(config)
    prefilter_for(config).inform(project)
    return project


@lru_cache(maxsize=8)
def prefilter_for(config: Config) -> Prefilter:
    """The project's import graph, read once per process: which files can hold Redis code."""
    summaries = Cache(config.root / DEFAULT_FOLDER, salt="summaries")  # shared with the CLI's runs
    return Prefilter([config.root], client_factories=config.policy.client_factories, summaries=summaries)


@lru_cache(maxsize=8)
def cache_for(config: Config, adapter: str) -> Cache | None:
    """The cache in the project root, for results of one adapter (flake8 applies noqa itself, so its
    results are not the CLI's).  None when the project is too large to scan."""
    scan = prefilter_for(config)
    if not scan.complete:
        return None
    return Cache(config.root / DEFAULT_FOLDER, salt=f"{adapter}|{config!r}|{scan.fingerprint}")


def config_problem(display: str, error: ConfigError) -> Finding:
    """A broken configuration, as RDS000 on the file: an adapter cannot stop its host with a message."""
    message = f"cannot use the redis-lint configuration: {error}"
    return Finding(display, 1, 1, PARSE_ERROR, message, 1, 1)
