"""`redis-lint config`: a configuration written back as the table it resolves to.

`redis-lint config`: a configuration as the options it resolves to, every default filled in,
written back as the `[tool.redis-lint]` table that would configure the same (or as JSON).
"""

from __future__ import annotations

from typing import Any

from redis_lint.config.settings import Config

_UNITS = (("d", 86400), ("h", 3600), ("m", 60))


def settings(config: Config) -> dict[str, Any]:
    """The options in effect, by their names in the file; TTLs in seconds."""
    policy = config.policy
    return {
        "select": list(config.select),
        "extend-select": list(config.extend_select),
        "ignore": list(config.ignore),
        "per-file-ignores": {pattern: list(codes) for pattern, codes in config.per_file_ignores},
        "exclude": list(config.exclude),
        "namespaces": list(policy.namespaces),
        "max-ttl": dict(policy.max_ttl),
        "persistent-prefixes": list(policy.persistent_prefixes),
        "injection-points": list(policy.injection_points),
        "client-factories": list(policy.client_factories),
        "request-path": list(policy.request_paths),
        "cache-instances": list(policy.cache_instances),
        "persistent-instances": list(policy.persistent_instances),
        "server-config-files": list(config.server_config_files),
        **({"cluster": policy.cluster} if policy.cluster is not None else {}),  # unset: found from the code
    }


def as_toml(config: Config) -> str:
    import tomlkit  # only this command pays for it

    table = settings(config)
    table["max-ttl"] = {prefix: duration(seconds) for prefix, seconds in table["max-ttl"].items()}
    return tomlkit.dumps({"tool": {"redis-lint": table}})


def duration(seconds: int) -> str:
    """3600 -> "1h", 90 -> "90s": what a user would write, read back as the same seconds."""
    for unit, size in _UNITS:
        if seconds % size == 0:
            return f"{seconds // size}{unit}"
    return f"{seconds}s"
