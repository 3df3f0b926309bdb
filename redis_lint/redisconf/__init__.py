"""The Redis server configuration rules (RDS801-RDS806), on redis.conf and compose files.

redis.conf files and `redis-server` command lines in compose files, parsed as Redis reads them.
"""

from __future__ import annotations

from typing import Any

from redis_lint.redisconf.kinds import server_config_kind

__all__ = ["lint_server_config", "server_config_kind"]


def __getattr__(name: str) -> Any:
    """`lint_server_config` on first use: its parsers and rules are imported only by a run that
    found a server configuration file (discovery needs `server_config_kind` alone)."""
    if name == "lint_server_config":
        from redis_lint.redisconf.lint import lint_server_config

        return lint_server_config
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
