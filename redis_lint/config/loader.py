"""Finding and validating `[tool.redis-lint]`.

Every problem is a ConfigError that names the file and the key, so that the
CLI can print one line and exit 2, and the flake8 plugin can stop with the
same line.
"""

from __future__ import annotations

import difflib
import os
import re
import sys
from dataclasses import replace
from pathlib import Path
from typing import Any

from redis_lint.catalogue import ALL_CODES
from redis_lint.config.settings import Config

if sys.version_info >= (3, 11):
    import tomllib
else:  # pragma: no cover - exercised on 3.10 only
    import tomli as tomllib


class ConfigError(Exception):
    """A configuration that cannot be used; the message names the file and the key."""


_SECTION = "redis-lint"
_DURATION = re.compile(r"^\s*(\d+(?:\.\d+)?)\s*(ms|s|m|h|d|w)?\s*$")
_UNIT_SECONDS = {"ms": 0.001, "s": 1, "m": 60, "h": 3600, "d": 86400, "w": 604800, None: 1}
_QUALIFIED_NAME = re.compile(r"^[A-Za-z_]\w*(?:\.[A-Za-z_]\w*)+$")
_KEY_PATTERN = re.compile(r"^[a-z0-9_\-]+(?::[a-z0-9_\-]+)*$")
_UNGUARDED_CALL = "RDS703"


DEDICATED_FILE = "redis-lint.toml"


def find_config(start: Path) -> Path | None:
    """The nearest configuration file at or above `start` (see config_in_folder)."""
    directory = _directory_of(start)
    for candidate in (directory, *directory.parents):
        found = config_in_folder(candidate)
        if found is not None:
            return found
    return None


def config_in_folder(folder: Path | str) -> Path | None:
    """The folder's configuration file: redis-lint.toml (always ours, as ruff.toml is ruff's), else
    a pyproject.toml that has a [tool.redis-lint] table.  Asked of every folder a run walks: on
    strings, a Path only for what is found."""
    dedicated = os.path.join(folder, DEDICATED_FILE)
    if os.path.isfile(dedicated):
        return Path(dedicated)
    candidate = os.path.join(folder, "pyproject.toml")
    if os.path.isfile(candidate):
        pyproject = Path(candidate)
        try:
            data = tomllib.loads(pyproject.read_text(encoding="utf-8"))
        except (OSError, UnicodeDecodeError, tomllib.TOMLDecodeError):
            return pyproject  # broken: load_config reports it rather than silently skipping it
        if isinstance(data.get("tool"), dict) and _SECTION in data["tool"]:
            return pyproject
    return None


def load_config(path: Path | None = None, *, start: Path | None = None) -> Config:
    """The configuration from `path` (an explicit --config), or the nearest one above `start`."""
    if path is None:
        path = find_config(start or Path.cwd())
        if path is None:
            # no project configuration: paths are relative to where the run was started
            return Config(root=Path.cwd())
    try:
        text = path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read configuration: {error}") from None
    try:
        data = tomllib.loads(text)
    except tomllib.TOMLDecodeError as error:
        raise ConfigError(_syntax_error(path, text, error)) from None
    # a pyproject keeps its options under [tool.redis-lint]; a dedicated --config file may be bare
    if path.name == "pyproject.toml" or "tool" in data:
        table = data.get("tool", {}).get(_SECTION, {})
    else:
        table = data
    return _parse(table, path)


def _parse(table: dict[str, Any], path: Path) -> Config:
    where = f"{path}: [tool.{_SECTION}]" if path.name == "pyproject.toml" else f"{path}:"
    reader = _Reader(table, where)
    config = Config(root=path.absolute().parent, source=path)
    policy = config.policy

    config = replace(
        config,
        select=reader.codes("select", config.select),
        extend_select=reader.codes("extend-select", ()),
        ignore=reader.codes("ignore", ()),
        per_file_ignores=reader.per_file_ignores("per-file-ignores"),
        exclude=(*reader.strings("exclude", ()), *reader.strings("extend-exclude", ())),
        server_config_files=reader.strings("server-config-files", ()),
    )
    # each replacing policy option has an extend- twin: adding one prefix must not drop the defaults
    policy = replace(
        policy,
        namespaces=_union(reader.key_parts("namespaces", policy.namespaces),
                          reader.key_parts("extend-namespaces", ())),
        max_ttl=_merged(reader.max_ttl("max-ttl", policy.max_ttl), reader.max_ttl("extend-max-ttl", ())),
        persistent_prefixes=_union(reader.key_parts("persistent-prefixes", policy.persistent_prefixes),
                                   reader.key_parts("extend-persistent-prefixes", ())),
        injection_points=_union(reader.strings("injection-points", policy.injection_points),
                                reader.strings("extend-injection-points", ())),
        client_factories=reader.qualified_names("client-factories"),
        request_paths=reader.strings("request-path", ()),
        cache_instances=reader.instances("cache-instances"),
        persistent_instances=reader.instances("persistent-instances"),
        cluster=reader.flag("cluster"),
    )
    reader.reject_unknown()
    if _UNGUARDED_CALL in (*config.select, *config.extend_select) and not policy.request_paths:
        # an opt-in rule switched on with nothing to check would pass silently forever
        raise reader.fail("request-path", f"{_UNGUARDED_CALL} is selected but no request-path is set: list the "
                                          "modules that serve requests, e.g. request-path = [\"app/views/**\"]")
    return replace(config, policy=policy)


class _Reader:
    KNOWN = (
        "select", "extend-select", "ignore", "per-file-ignores", "exclude", "extend-exclude",
        "namespaces", "extend-namespaces", "max-ttl", "extend-max-ttl", "persistent-prefixes",
        "extend-persistent-prefixes", "injection-points", "extend-injection-points",
        "client-factories", "request-path", "cache-instances", "persistent-instances", "server-config-files",
        "cluster",
    )

    def __init__(self, table: dict[str, Any], where: str) -> None:
        if not isinstance(table, dict):
            raise ConfigError(f"{where} must be a table")
        self.table = table
        self.where = where

    def fail(self, key: str, problem: str) -> ConfigError:
        return ConfigError(f"{self.where} {key}: {problem}")

    def reject_unknown(self) -> None:
        for key in self.table:
            if key not in self.KNOWN:
                close = difflib.get_close_matches(key.replace("_", "-"), self.KNOWN, n=1)
                hint = f" (did you mean '{close[0]}'?)" if close else f" (known keys: {', '.join(self.KNOWN)})"
                raise self.fail(key, f"unknown option{hint}")

    def strings(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        if key not in self.table:
            return default
        value = self.table[key]
        if not isinstance(value, list) or not all(isinstance(v, str) for v in value):
            raise self.fail(key, f"expected a list of strings, got {_describe(value)}")
        return tuple(value)

    def codes(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        codes = self.strings(key, default)
        for code in codes:
            check_code(code, lambda problem: self.fail(key, problem))
        return codes

    def flag(self, key: str) -> bool | None:
        value = self.table.get(key)
        if value is not None and not isinstance(value, bool):
            raise self.fail(key, f"must be true or false, not {value!r}")
        return value

    def qualified_names(self, key: str) -> tuple[str, ...]:
        names = self.strings(key, ())
        for name in names:
            if not _QUALIFIED_NAME.match(name):
                raise self.fail(key, f"{name!r} is not a dotted name such as 'django_redis.get_redis_connection'")
        return names

    def key_parts(self, key: str, default: tuple[str, ...]) -> tuple[str, ...]:
        values = self.strings(key, default)
        for value in values:
            if not _KEY_PATTERN.match(value):
                raise self.fail(key, f"{value!r} is not a lowercase key prefix such as 'cache' or 'cache:user'")
        return values

    def instances(self, key: str) -> tuple[str, ...]:
        patterns = self.strings(key, ())
        for pattern in patterns:
            path, colon, service = pattern.partition(":")
            if not path.strip("/") or (colon and (not service or ":" in service)):
                raise self.fail(key, f"{pattern!r} is not a file glob ('deploy/cache.redis.conf') or a compose "
                                     "file glob and a service ('docker-compose.yml:cache')")
        return patterns

    def per_file_ignores(self, key: str) -> tuple[tuple[str, tuple[str, ...]], ...]:
        value = self.table.get(key, {})
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table of glob = [codes], got {_describe(value)}")
        result = []
        for pattern, codes in value.items():
            if not isinstance(codes, list) or not all(isinstance(c, str) for c in codes):
                raise self.fail(f"{key}.{pattern!r}", f"expected a list of codes, got {_describe(codes)}")
            for code in codes:
                check_code(code, lambda problem: self.fail(f"{key}.{pattern!r}", problem))
            result.append((pattern, tuple(codes)))
        return tuple(result)

    def max_ttl(self, key: str, default: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
        if key not in self.table:
            return default
        value = self.table[key]
        if not isinstance(value, dict):
            raise self.fail(key, f"expected a table of prefix = seconds, got {_describe(value)}")
        result = []
        for prefix, limit in value.items():
            if not _KEY_PATTERN.match(prefix):
                raise self.fail(f"{key}.{prefix!r}", "not a lowercase key prefix such as 'cache:user'")
            seconds = parse_duration(limit)
            if seconds is None:
                raise self.fail(f"{key}.{prefix!r}",
                                f"expected seconds or a duration such as '30s', '5m', '6h', '1d', got {limit!r}")
            result.append((prefix, seconds))
        return tuple(result)


def _union(base: tuple[str, ...], extra: tuple[str, ...]) -> tuple[str, ...]:
    return (*base, *(value for value in extra if value not in base))


def _merged(base: tuple[tuple[str, int], ...], extra: tuple[tuple[str, int], ...]) -> tuple[tuple[str, int], ...]:
    """`base` with `extra`'s limits added; a prefix in both takes `extra`'s limit."""
    limits = dict(base)
    limits.update(extra)
    return tuple(limits.items())


def parse_duration(value: object) -> int | None:
    """Seconds from 3600, "3600", "1h", "30 s" or "1.5h"; None when it is not a positive duration."""
    if isinstance(value, bool):
        return None
    if isinstance(value, (int, float)):
        return int(value) if value > 0 else None
    if isinstance(value, str):
        match = _DURATION.match(value)
        if match:
            seconds = float(match.group(1)) * _UNIT_SECONDS[match.group(2)]
            return int(seconds) if seconds > 0 else None
    return None


def check_code(code: str, fail) -> None:  # type: ignore[no-untyped-def]
    """A code or code prefix must name at least one rule ("RDS", "RDS1", "RDS101")."""
    if not any(known.startswith(code) for known in ALL_CODES) or not code.startswith("RDS"):
        close = difflib.get_close_matches(code, ALL_CODES, n=1, cutoff=0.8)
        hint = f" (did you mean {close[0]}?)" if close else ""
        raise fail(f"unknown rule code {code!r}{hint}")


_POSITION = re.compile(r"\s*\((?:at line (\d+), column (\d+)|at end of document)\)$")


def _syntax_error(path: Path, text: str, error: Exception) -> str:
    """`path:line:column: invalid TOML: problem`, the form editors and terminals make clickable;
    tomllib puts the position at the end of its message, or says "at end of document"."""
    message = str(error)
    match = _POSITION.search(message)
    if match is None:
        return f"{path}: invalid TOML: {message}"
    if match.group(1):
        line, column = int(match.group(1)), int(match.group(2))
    else:
        lines = text.splitlines() or [""]
        line, column = len(lines), len(lines[-1]) + 1
    return f"{path}:{line}:{column}: invalid TOML: {message[: match.start()]}"


def _directory_of(path: Path) -> Path:
    path = path.absolute()
    return path if path.is_dir() else path.parent


def _describe(value: object) -> str:
    return f"{type(value).__name__} {value!r}"[:80]
