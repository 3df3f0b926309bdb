"""Redis server configuration: redis.conf files and `redis-server` command lines in compose
files, parsed as Redis reads them and checked by RDS801-RDS806."""

from __future__ import annotations

from typing import Any

from redis_lint.serverconf.kinds import server_config_kind

__all__ = ["lint_server_config", "server_config_kind"]


def __getattr__(name: str) -> Any:
    """`lint_server_config` on first use: its parsers and rules are imported only by a run that
    found a server configuration file (discovery needs `server_config_kind` alone)."""
    if name == "lint_server_config":
        from redis_lint.serverconf.lint import lint_server_config

        return lint_server_config
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
