"""Redis server configuration: redis.conf files and `redis-server` command lines in compose
files, parsed as Redis reads them and checked by RDS801-RDS806."""

from redis_lint.serverconf.lint import lint_server_config, server_config_kind

__all__ = ["lint_server_config", "server_config_kind"]
