"""`redis-lint config` and `redis-lint init`: the configuration a file gets, and a starter one.

Registered on the `redis-lint` group by redis_lint.cli; kept apart so that the run's adapter
stays about linting."""

from __future__ import annotations

import json
import textwrap
from pathlib import Path

import click

from redis_lint.cli import RedisLintError, _config_errors, _configurations, cli
from redis_lint.source.paths import display_path


@cli.command("config")
@click.argument("path", required=False, type=click.Path(path_type=Path))
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A TOML file to use instead of the nearest pyproject.toml or redis-lint.toml, as in check.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text: the resolved [tool.redis-lint] table, as TOML with comments; json: the same as data.")
def show_config(path: Path | None, config_path: Path | None, output_format: str) -> None:
    """Show which configuration file applies to PATH (default: the current folder) and every
    option it resolves to, defaults included."""
    from redis_lint.config.show import as_toml, settings

    path = path or Path(".")
    if not (path.exists() or path.is_symlink()):
        raise RedisLintError(f"{path}: no such file or directory")
    configs = _configurations(config_path)
    with _config_errors():
        config = configs.for_path(path)
    enabled = sorted(config.enabled_codes(config.relative(path)))
    source = display_path(config.source.absolute()) if config.source is not None else None
    if output_format == "json":
        click.echo(json.dumps({"path": display_path(path), "configuration": source,
                               "root": str(config.root.absolute()), "enabled": enabled,
                               "settings": settings(config)}, indent=2))
        return
    if source is not None:
        click.echo(f"# Configuration for {display_path(path)}: {source}")
    else:
        click.echo(f"# No configuration file at or above {display_path(path)}: the defaults apply.")
    click.echo(f"# Patterns are relative to {config.root.absolute()}")
    click.echo(textwrap.fill(f"Rules checked in {display_path(path)}: {', '.join(enabled) or 'none'}", width=88,
                             initial_indent="# ", subsequent_indent="#   ", break_on_hyphens=False))
    click.echo()
    click.echo(as_toml(config), nl=False)


@cli.command()
@click.argument("folder", required=False, default=Path("."),
                type=click.Path(path_type=Path, file_okay=False, exists=True))
def init(folder: Path) -> None:
    """Add a commented starter [tool.redis-lint] table to FOLDER's pyproject.toml (default: the
    current folder; created if missing). The rest of the file is kept byte for byte; a file that
    already has the table is left alone."""
    from redis_lint.config.starter import write_starter

    with _config_errors():
        path = write_starter(folder)
    click.echo(f"Added a starter [tool.redis-lint] table to {path}; `redis-lint config` shows what it resolves to.")
