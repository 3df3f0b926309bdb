"""The configuration a run works with."""

from __future__ import annotations

from dataclasses import dataclass, field
from fnmatch import fnmatchcase
from pathlib import Path

from redis_lint.catalogue import RULES
from redis_lint.config.globs import matches_any, path_matches


@dataclass(frozen=True)
class Policy:
    """The Redis practices being enforced (defaults: rules/policy.md)."""

    namespaces: tuple[str, ...] = ("cache", "session", "queue", "lock", "rate")
    max_ttl: tuple[tuple[str, int], ...] = (
        ("session:auth", 24 * 3600),
        ("cache:user", 3600),
        ("cache:referral", 6 * 3600),
        ("rate", 60),
        ("lock", 30),
    )
    persistent_prefixes: tuple[str, ...] = ("queue",)
    # third-party functions that return a client, by qualified name ("django_redis.get_redis_connection")
    client_factories: tuple[str, ...] = ()
    injection_points: tuple[str, ...] = (
        "redis/client.py", "main.py", "__main__.py", "app.py", "wsgi.py", "asgi.py",
        "settings.py", "conftest.py", "container.py",
        "extensions.py",  # Flask: where the shared client of the app factory pattern lives
        "deps.py", "dependencies.py",  # FastAPI: the modules that provide Depends() values
        "tests/**", "test/**", "test_*.py", "*_test.py",
    )
    # modules that serve requests, where a Redis outage must degrade, not fail (RDS703)
    request_paths: tuple[str, ...] = ()
    # Redis server configurations (a file glob, or "compose-file-glob:service-glob") that hold a
    # cache (RDS802: must evict) or data that must survive a restart (RDS806: must persist)
    cache_instances: tuple[str, ...] = ()
    persistent_instances: tuple[str, ...] = ()
    # the project runs on Redis Cluster (RDS603 judges its multi-key commands); None: when it builds
    # a RedisCluster or ValkeyCluster client itself
    cluster: bool | None = None

    def max_ttl_for(self, segments: list[str]) -> tuple[str, int] | None:
        """The (prefix, seconds) of the longest policy prefix the key's leading segments match."""
        best = None
        for prefix, seconds in self.max_ttl:
            parts = prefix.split(":")
            if segments[: len(parts)] == parts and (best is None or len(parts) > len(best[0].split(":"))):
                best = (prefix, seconds)
        return best

    def is_persistent(self, segments: list[str]) -> bool:
        return any(segments[: len(p.split(":"))] == p.split(":") for p in self.persistent_prefixes)

    def is_injection_point(self, relative_path: str) -> bool:
        return matches_any(relative_path, self.injection_points)

    def is_request_path(self, relative_path: str) -> bool:
        return matches_any(relative_path, self.request_paths)

    def is_cache_instance(self, relative_path: str, service: str | None = None) -> bool:
        return _instance_matches(self.cache_instances, relative_path, service)

    def is_persistent_instance(self, relative_path: str, service: str | None = None) -> bool:
        return _instance_matches(self.persistent_instances, relative_path, service)


def _instance_matches(patterns: tuple[str, ...], relative_path: str, service: str | None) -> bool:
    """"deploy/cache.redis.conf" names a file; "docker-compose*.yml:cache*" a service of a compose
    file (a pattern without a service names every service of the file)."""
    for pattern in patterns:
        path_pattern, _, service_pattern = pattern.partition(":")
        if not path_matches(relative_path, path_pattern):
            continue
        if not service_pattern or (service is not None and fnmatchcase(service, service_pattern)):
            return True
    return False


# Every rule that is on by default; opt-in rules need their full code in select/extend-select.
DEFAULT_SELECT = ("RDS",)


@dataclass(frozen=True)
class Selection:
    """`--select`, `--extend-select` and `--ignore`: applied over the configured selection, as ruff
    applies its command line (`--select` starts afresh; `None` keeps the configured set)."""

    select: tuple[str, ...] | None = None
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()


@dataclass(frozen=True)
class Config:
    policy: Policy = field(default_factory=Policy)
    select: tuple[str, ...] = DEFAULT_SELECT
    extend_select: tuple[str, ...] = ()
    ignore: tuple[str, ...] = ()
    per_file_ignores: tuple[tuple[str, tuple[str, ...]], ...] = ()
    exclude: tuple[str, ...] = ()
    # globs of Redis server configuration files linted besides redis.conf, *.redis.conf and compose files
    server_config_files: tuple[str, ...] = ()
    root: Path = field(default_factory=Path.cwd)  # paths in patterns are relative to it
    source: Path | None = None  # the file the configuration came from
    command_line: Selection = field(default_factory=Selection)

    def relative(self, path: Path) -> str:
        """`path` relative to the project root, with "/", for pattern matching."""
        resolved = path.absolute()
        try:
            return resolved.relative_to(self.root.absolute()).as_posix()
        except ValueError:
            return resolved.as_posix()

    def enabled_codes(self, relative_path: str) -> frozenset[str]:
        """The codes checked in one file, resolved as ruff resolves them.

        Two layers, the file's options then the command line's: within a layer the longer (more
        specific) prefix wins between a selection and an ignore, ties going to the ignore, as in
        flake8; the command line's layer then overrides the file's for the codes it names, and a
        `--select` discards the file's select, extend-select and ignore.  per-file-ignores apply
        last, whatever selected the code.
        """
        cli = self.command_line
        if cli.select is not None:
            enabled = {code for code, on in _layer((*cli.select, *cli.extend_select), cli.ignore).items() if on}
        else:
            enabled = {code for code, on in _layer((*self.select, *self.extend_select), self.ignore).items() if on}
            for code, on in _layer(cli.extend_select, cli.ignore).items():
                (enabled.add if on else enabled.discard)(code)
        for pattern, codes in self.per_file_ignores:
            if matches_any(relative_path, (pattern,)):
                enabled -= {code for code in enabled if code.startswith(codes)}
        return frozenset(enabled)

    def is_excluded(self, relative_path: str) -> bool:
        return matches_any(relative_path, self.exclude)


def _layer(selects: tuple[str, ...], ignores: tuple[str, ...]) -> dict[str, bool]:
    """Each rule one layer names: True when its most specific mention selects it, False when it
    ignores it.  An opt-in rule is selected by its full code only, never by a prefix such as "RDS"."""
    decided = {}
    for rule in RULES:
        selected = max((len(p) for p in selects if rule.code.startswith(p) and (rule.default or p == rule.code)),
                       default=-1)
        ignored = max((len(p) for p in ignores if rule.code.startswith(p)), default=-1)
        if selected >= 0 or ignored >= 0:
            decided[rule.code] = selected > ignored
    return decided
