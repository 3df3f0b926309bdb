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
        "tests/**", "test/**", "test_*.py", "*_test.py",
    )
    # modules that serve requests, where a Redis outage must degrade, not fail (RDS703)
    request_paths: tuple[str, ...] = ()
    # Redis server configurations (a file glob, or "compose-file-glob:service-glob") that hold a
    # cache (RDS802: must evict) or data that must survive a restart (RDS806: must persist)
    cache_instances: tuple[str, ...] = ()
    persistent_instances: tuple[str, ...] = ()

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

    def relative(self, path: Path) -> str:
        """`path` relative to the project root, with "/", for pattern matching."""
        resolved = path.absolute()
        try:
            return resolved.relative_to(self.root.absolute()).as_posix()
        except ValueError:
            return resolved.as_posix()

    def enabled_codes(self, relative_path: str) -> frozenset[str]:
        """The codes checked in one file: selected, not ignored, not ignored for this file.

        When a code matches both a selection and an ignore, the longer (more
        specific) prefix wins, as in flake8; ties go to ignore.
        """
        ignores = list(self.ignore)
        for pattern, codes in self.per_file_ignores:
            if matches_any(relative_path, (pattern,)):
                ignores.extend(codes)
        selects = [*self.select, *self.extend_select]
        enabled = set()
        for rule in RULES:
            # an opt-in rule is enabled by its full code only, never by a prefix such as "RDS"
            selected = max((len(p) for p in selects if rule.code.startswith(p) and (rule.default or p == rule.code)),
                           default=-1)
            ignored = max((len(p) for p in ignores if rule.code.startswith(p)), default=-1)
            if selected > ignored:
                enabled.add(rule.code)
        return frozenset(enabled)

    def is_excluded(self, relative_path: str) -> bool:
        return matches_any(relative_path, self.exclude)
