"""Policy and configuration: the practices' defaults, overridable from `[tool.redis-lint]`."""

from redis_lint.config.loader import ConfigError, find_config, load_config
from redis_lint.config.settings import Config, Policy, Selection

__all__ = ["Config", "ConfigError", "Policy", "Selection", "find_config", "load_config"]
