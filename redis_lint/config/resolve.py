"""Which configuration applies to a file, the same whichever adapter asks.

Which configuration applies to a file, like ruff: `--config` for every file, else the nearest
configuration file above the file (redis_lint.config.loader.config_in_folder).

The CLI, the flake8 plugin and the language server all ask here, so a file gets the same
configuration whichever adapter checks it and whatever else is in the run.  Answers are kept per
folder and per configuration file: a run over a tree reads each folder's candidates once.
"""

from __future__ import annotations

import os
from dataclasses import replace
from pathlib import Path

from redis_lint.config.loader import ConfigError, config_in_folder, load_config
from redis_lint.config.settings import Config, Selection


class Configurations:
    def __init__(self, explicit: Path | None = None, *, command_line: Selection | None = None) -> None:
        """`explicit`: a --config file, loaded now so that a broken one stops the run before it
        starts; `command_line`: the --select/--extend-select/--ignore given with it."""
        self._command_line = command_line or Selection()
        self._by_folder: dict[str, Config] = {}  # by absolute path: a tree's files ask per folder
        self._by_file: dict[Path, Config | ConfigError] = {}
        self._fixed = self._load(explicit) if explicit is not None else None

    @classmethod
    def of(cls, config: Config) -> Configurations:
        """One configuration for every file (an API caller's or a test's)."""
        configurations = cls()
        configurations._fixed = config
        return configurations

    def for_folder(self, folder: Path | str) -> Config:
        """The configuration of the files in `folder`; raises ConfigError for a broken one."""
        if self._fixed is not None:
            return self._fixed
        key = os.path.abspath(folder)  # abspath, not absolute(): "../x" must lose its ".."
        config = self._by_folder.get(key)
        if config is None:
            found = config_in_folder(key)
            parent = os.path.dirname(key)
            if found is not None:
                config = self._load(found)
            elif parent != key:
                config = self.for_folder(parent)
            else:  # none up to the file system's root: the defaults, paths relative to the working folder
                config = replace(Config(root=Path.cwd()), command_line=self._command_line)
            self._by_folder[key] = config
        return config

    def for_file(self, path: Path | str) -> Config:
        return self.for_folder(os.path.dirname(os.path.abspath(path)))

    def for_path(self, path: Path) -> Config:
        """For a file or a folder given by the user."""
        return self.for_folder(path) if path.is_dir() else self.for_file(path)

    def _load(self, path: Path) -> Config:
        key = Path(os.path.abspath(path))  # messages name the file as the user gave it
        loaded = self._by_file.get(key)
        if loaded is None:
            try:
                loaded = replace(load_config(path), command_line=self._command_line)
            except ConfigError as error:
                loaded = error
            self._by_file[key] = loaded
        if isinstance(loaded, ConfigError):
            raise loaded
        return loaded
