"""`redis-lint init`: a commented starter `[tool.redis-lint]` added to a pyproject.toml.

tomlkit edits the document, so every byte of the rest of the file (comments, spacing, key
order) stays as it was; the starter's options are the extend- forms, which add to the default
policy rather than replace it.
"""

from __future__ import annotations

from pathlib import Path

import tomlkit
from tomlkit.exceptions import TOMLKitError

from redis_lint.config.loader import DEDICATED_FILE, ConfigError

_COMMENTS = [
    "redis-lint: `redis-lint config` shows what this table resolves to.",
    "Rules: every rule that is on by default; opt-in rules (RDS703) need their full code in",
    "extend-select.",
]
_EXAMPLES = [
    'ignore = ["RDS303"]',
    'per-file-ignores = { "scripts/**" = ["RDS301", "RDS302"] }',
    'exclude = ["migrations/**"]',
    "",
    "The policy. Each extend- option adds to the default; the same option without extend-",
    "replaces it (namespaces, max-ttl, persistent-prefixes, injection-points).",
    "Key namespaces, the first segment of a key (RDS203); default: cache, session, queue, lock, rate.",
    'extend-namespaces = ["jobs"]',
    'Maximum TTL by key prefix (RDS102): seconds, or "30s", "5m", "6h", "1d".',
    'extend-max-ttl = { "cache:feed" = "10m" }',
    "Key prefixes that need no TTL (RDS101); default: queue.",
    'extend-persistent-prefixes = ["jobs"]',
    "Modules where clients may be built (RDS401); default: main.py, app.py, settings.py,",
    "extensions.py, deps.py, dependencies.py, conftest.py, tests/** and others.",
    'extend-injection-points = ["app/wiring.py"]',
    "Modules that serve requests, where Redis errors must be handled (RDS703, opt-in).",
    'request-path = ["app/views/**"]',
]


def starter_table() -> tomlkit.items.Table:
    table = tomlkit.table()
    for line in _COMMENTS:
        table.add(tomlkit.comment(line))
    table.add("select", ["RDS"])
    for line in _EXAMPLES:
        table.add(tomlkit.comment(line) if line else tomlkit.nl())
    return table


def write_starter(folder: Path) -> Path:
    """Add the starter table to `folder`/pyproject.toml (created if missing); ConfigError when the
    file already configures redis-lint or cannot take the table, and nothing is written."""
    path = folder / "pyproject.toml"
    if (folder / DEDICATED_FILE).is_file():
        raise ConfigError(f"{folder / DEDICATED_FILE} configures redis-lint here (it takes precedence over "
                          f"pyproject.toml): nothing written")
    try:
        original = path.read_text(encoding="utf-8") if path.exists() else ""
    except (OSError, UnicodeDecodeError) as error:
        raise ConfigError(f"{path}: cannot read: {error}") from None
    try:
        document = tomlkit.parse(original)
    except TOMLKitError as error:
        raise ConfigError(f"{path}: invalid TOML: {error}; nothing written") from None
    tool = document.get("tool")
    if tool is not None and "redis-lint" in tool:
        raise ConfigError(f"{path} already has a [tool.redis-lint] table: nothing written "
                          "(`redis-lint config` shows what it resolves to)")
    table = starter_table()
    table.add(tomlkit.nl())  # a blank line before whatever table follows
    try:
        if tool is None:
            tool = tomlkit.table(is_super_table=True)  # [tool.redis-lint] alone, no empty [tool]
            tool.add("redis-lint", table)
            document.add("tool", tool)
        else:
            tool.add("redis-lint", table)  # beside the other tools' tables
    except (TOMLKitError, ValueError) as error:  # e.g. `tool = { ... }`, an inline table
        raise ConfigError(f"{path}: cannot add [tool.redis-lint] to its tool table ({error}): "
                          "nothing written") from None
    text = tomlkit.dumps(document)
    if text.endswith("\n\n") and not original.endswith("\n\n"):
        text = text[:-1]  # the table ended the file: no trailing blank line
    path.write_text(text, encoding="utf-8")
    return path
