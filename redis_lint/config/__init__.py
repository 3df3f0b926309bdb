"""Policy and configuration: the defaults of the practices document, overridable
from `[tool.redis-lint]` in pyproject.toml."""

from redis_lint.config.loader import ConfigError, find_config, load_config
from redis_lint.config.model import Config, Policy, Selection

__all__ = ["Config", "ConfigError", "Policy", "Selection", "find_config", "load_config"]
