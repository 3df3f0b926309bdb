"""Which files a run lints: Python files below the given paths, minus excludes, and apart from
them the Redis server configurations (redis.conf, *.redis.conf, docker-compose files and the
`server-config-files` globs) that `redis_lint.serverconf.lint_server_config` checks."""

from __future__ import annotations

import os
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

from redis_lint.config import Config
from redis_lint.semantics.layout import EXCLUDED_DIRS
from redis_lint.serverconf import server_config_kind

DEFAULT_EXCLUDED_DIRS = EXCLUDED_DIRS  # folders that never hold the project's own code
PYTHON_SUFFIXES = (".py", ".pyi")


@dataclass
class Discovery:
    files: list[Path] = field(default_factory=list)  # Python files
    server_configs: list[Path] = field(default_factory=list)  # Redis server configuration files
    problems: list[str] = field(default_factory=list)  # paths that do not exist or cannot be listed


def discover(paths: Iterable[Path], config: Config) -> Discovery:
    result = Discovery()
    seen: set[Path] = set()

    def add(path: Path) -> None:
        key = path.absolute()
        if key not in seen:
            seen.add(key)
            (result.server_configs if server_config_kind(path, config) else result.files).append(path)

    for path in paths:
        if path.is_dir():
            for file in _walk(path, config, result):
                add(file)
        elif path.exists() or path.is_symlink():
            if not config.is_excluded(config.relative(path)):
                add(path)  # named explicitly: a server configuration by its name, else Python whatever its suffix
        else:
            result.problems.append(f"{path}: no such file or directory")
    result.files.sort(key=lambda p: p.as_posix())
    result.server_configs.sort(key=lambda p: p.as_posix())
    return result


def _walk(root: Path, config: Config, result: Discovery) -> Iterable[Path]:
    def on_error(error: OSError) -> None:
        result.problems.append(f"{error.filename}: cannot list folder: {error.strerror}")

    for directory, dirnames, filenames in os.walk(root, onerror=on_error):  # never follows symlinked folders
        here = Path(directory)
        dirnames[:] = sorted(
            d for d in dirnames
            if d not in DEFAULT_EXCLUDED_DIRS
            and not d.endswith(".egg-info")
            and not (here / d / "pyvenv.cfg").exists()  # a virtualenv under any name
            and not config.is_excluded(config.relative(here / d))
        )
        for name in sorted(filenames):
            file = here / name
            wanted = name.endswith(PYTHON_SUFFIXES) or server_config_kind(file, config) is not None
            if wanted and not config.is_excluded(config.relative(file)):
                yield file
