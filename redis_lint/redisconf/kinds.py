"""Which files are Redis server configurations, by name, without importing their parsers.

Which files are Redis server configurations, by name: what discovery asks of every file it
lists, kept apart from the parsers and rules (redis_lint.redisconf.lint) that a run imports only
when it finds such a file.
"""

from __future__ import annotations

import os
import re
from enum import Enum
from fnmatch import translate
from pathlib import Path
from typing import TYPE_CHECKING

from redis_lint.config.globs import matches_any

if TYPE_CHECKING:
    from redis_lint.config import Config

_REDIS_CONF_NAMES = ("redis.conf", "*.redis.conf")
_COMPOSE_NAMES = ("docker-compose*.yml", "docker-compose*.yaml", "compose.yml", "compose.yaml",
                  "compose.*.yml", "compose.*.yaml")
_YAML_SUFFIXES = (".yml", ".yaml")
# fnmatchcase(name, pattern) for any of the patterns, as one regex: discovery asks for every file
_REDIS_CONF = re.compile("|".join(translate(p) for p in _REDIS_CONF_NAMES))
_COMPOSE = re.compile("|".join(translate(p) for p in _COMPOSE_NAMES))


class Kind(Enum):
    REDIS_CONF = "redis.conf"
    COMPOSE = "compose"


def server_config_kind(path: Path | str, config: Config, relative: str | None = None) -> Kind | None:
    """Whether discovery should hand a file to `lint_server_config`, and how to read it.
    `relative`: `config.relative(path)`, when the caller has it."""
    name = os.path.basename(path)
    if _COMPOSE.match(name):
        return Kind.COMPOSE
    if _REDIS_CONF.match(name):
        return Kind.REDIS_CONF
    if config.server_config_files:
        if relative is None:
            relative = config.relative(Path(path))
        if matches_any(relative, config.server_config_files):
            return Kind.COMPOSE if name.endswith(_YAML_SUFFIXES) else Kind.REDIS_CONF
    return None
