"""Which files a run lints: Python files and Redis server configurations below the given paths.

Which files a run lints: Python files below the given paths, minus excludes, and apart from
them the Redis server configurations (redis.conf, *.redis.conf, docker-compose files and the
`server-config-files` globs) that `redis_lint.redisconf.lint_server_config` checks.

Folders are listed with os.scandir and paths kept as strings until the end: on a large tree,
a `pathlib.Path` per file and per exclusion check cost more than listing the folders.
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from redis_lint.config import Config
from redis_lint.config.resolve import Configurations
from redis_lint.semantics.layout import EXCLUDED_DIRS, PYTHON_SUFFIXES, module_of
from redis_lint.redisconf.kinds import server_config_kind
from redis_lint.source.file import SourceFile
from redis_lint.source.paths import display_path

DEFAULT_EXCLUDED_DIRS = EXCLUDED_DIRS  # folders that never hold the project's own code


@dataclass
class Discovery:
    sources: list[SourceFile] = field(default_factory=list)  # Python files, with what discovery knows of them
    server_configs: list[Path] = field(default_factory=list)  # Redis server configuration files
    problems: list[str] = field(default_factory=list)  # paths that do not exist or cannot be listed

    @property
    def files(self) -> list[Path]:
        return [source.path for source in self.sources]


def discover(paths: Iterable[Path], configs: Config | Configurations) -> Discovery:
    """Each folder is pruned and each file kept by the configuration that applies to it."""
    if isinstance(configs, Config):
        configs = Configurations.of(configs)
    result = Discovery()
    files: dict[str, tuple[str, str]] = {}  # path -> (relative to its root, module name)
    server_configs: list[str] = []
    seen: set[str] = set()
    cwd = os.getcwd()
    relatives: dict[Config, Callable[[str], str]] = {}

    def relative_for(config: Config) -> Callable[[str], str]:
        if config not in relatives:
            relatives[config] = _relative_path(config, cwd)
        return relatives[config]

    def add(path: str, config: Config, relative_path: str | None = None) -> None:
        key = path if os.path.isabs(path) else os.path.join(cwd, path)  # str(Path(path).absolute())
        if key not in seen:
            seen.add(key)
            if server_config_kind(path, config, relative_path):
                server_configs.append(path)
            else:
                relative = relative_path if relative_path is not None else relative_for(config)(path)
                files[path] = (relative, module_of(key)[0])

    for path in paths:
        if path.is_dir():
            _walk(str(path), configs, relative_for, result.problems, add)
        elif path.exists() or path.is_symlink():
            config = configs.for_file(path)
            if not config.is_excluded(config.relative(path)):
                # named explicitly: a server configuration by its name, else Python whatever its suffix
                add(str(path), config)
        else:
            result.problems.append(f"{path}: no such file or directory")
    result.sources = [SourceFile(path, display_path(path), *files[p])
                      for p in sorted(files, key=_as_posix) for path in (Path(p),)]
    result.server_configs = [Path(p) for p in sorted(server_configs, key=_as_posix)]
    return result


def _walk(root: str, configs: Configurations, relative_for: Callable[[Config], Callable[[str], str]],
          problems: list[str], add: Callable[[str, Config, str | None], None]) -> None:
    """os.walk(root) without following symlinked folders, in the same order (folders sorted,
    depth first), pruned as it goes.  Paths are os.walk's (`./sub` below `.`); what is added is
    what `Path` makes of them (`sub`)."""
    strip = len("." + os.sep) if root == "." else 0
    pending = [root]
    while pending:
        directory = pending.pop()
        config = configs.for_folder(directory)  # cached per folder
        relative = relative_for(config)
        needs_relative = bool(config.exclude or config.server_config_files)
        try:
            with os.scandir(directory) as listing:
                entries = [(entry.name, _is_dir(entry) and not entry.is_symlink(), _is_dir(entry))
                           for entry in listing]
        except OSError as error:
            problems.append(f"{error.filename}: cannot list folder: {error.strerror}")
            continue
        folders = []
        prefix = directory if directory.endswith(os.sep) else directory + os.sep  # os.path.join, inlined
        for name, walk_into, is_dir in sorted(entries):
            path = prefix + name
            shown = path[strip:]
            if is_dir:
                if (name not in DEFAULT_EXCLUDED_DIRS
                        and not name.endswith(".egg-info")
                        and not os.path.exists(path + os.sep + "pyvenv.cfg")  # a virtualenv under any name
                        and not (config.exclude and config.is_excluded(relative(shown)))
                        and walk_into):
                    folders.append(path)
                continue
            relative_path = relative(shown) if needs_relative else None
            if not name.endswith(PYTHON_SUFFIXES) and server_config_kind(shown, config, relative_path) is None:
                continue
            if relative_path is None or not config.is_excluded(relative_path):
                add(shown, config, relative_path)
        pending.extend(reversed(folders))


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


def _relative_path(config: Config, cwd: str) -> Callable[[str], str]:
    """`config.relative` on strings: the path relative to the project root, with "/"."""
    if os.sep != "/":
        return lambda path: config.relative(Path(path))
    root = str(config.root.absolute())
    prefix = root if root.endswith("/") else root + "/"

    def relative(path: str) -> str:
        absolute = path if path.startswith("/") else os.path.join(cwd, path)
        if absolute.startswith(prefix):
            return absolute[len(prefix):]
        return "." if absolute == root else absolute

    return relative


def _as_posix(path: str) -> str:
    return path.replace(os.sep, "/")
