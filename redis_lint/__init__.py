"""redis-lint: a libcst linter for Python code that uses Redis."""

__version__ = "0.1.0"
