"""The `redis-lint` command: a thin click adapter over the engine."""

from __future__ import annotations

import json
import sys
from pathlib import Path

import click

from redis_lint import __version__
from redis_lint.catalogue import BY_CODE, RULES
from redis_lint.config import Config, ConfigError, load_config
from redis_lint.config.loader import check_code
from redis_lint.findings import Finding
from redis_lint.pages import read_page

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2


class RedisLintError(click.ClickException):
    """A usage or configuration problem: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"redis-lint: error: {self.format_message()}", err=True)


def _codes_option(value: str | None, option: str) -> tuple[str, ...] | None:
    if value is None:
        return None
    codes = tuple(c.strip() for c in value.split(",") if c.strip())
    for code in codes:
        check_code(code, lambda problem: RedisLintError(f"{option}: {problem}"))
    return codes


@click.group(context_settings={"help_option_names": ["-h", "--help"]})
@click.version_option(__version__, "--version", prog_name="redis-lint")
def cli() -> None:
    """Lint Python code that uses Redis: TTLs, key names, dangerous commands, client injection."""


def main() -> None:
    """Entry point: a bug surfaces as one line and exit 2, never as a traceback."""
    try:
        cli()
    except Exception as error:  # click handles usage errors and exits itself
        click.echo(f"redis-lint: internal error ({type(error).__name__}: {error}); please report it", err=True)
        sys.exit(EXIT_ERROR)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", metavar="CODES", help="Comma-separated codes or prefixes to check (replaces the configured set).")
@click.option("--extend-select", metavar="CODES", help="Codes or prefixes to check in addition.")
@click.option("--ignore", metavar="CODES", help="Codes or prefixes not to check.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A TOML file to read instead of the nearest pyproject.toml's [tool.redis-lint].")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True)
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
def check(paths: tuple[Path, ...], select: str | None, extend_select: str | None, ignore: str | None,
          config_path: Path | None, output_format: str, quiet: bool) -> None:
    """Lint PATHS (files or folders; default: the current folder)."""
    from redis_lint.engine.linter import lint_paths  # keeps `rules` and `explain` light

    paths = paths or (Path("."),)
    config = _load(config_path, paths[0])
    config = _with_overrides(config, select, extend_select, ignore)
    run = lint_paths(paths, config)
    for problem in run.problems:
        click.echo(f"redis-lint: {problem}", err=True)

    if output_format == "json":
        click.echo(json.dumps([f.as_dict() for f in run.findings], indent=2))
    else:
        for finding in run.findings:
            click.echo(str(finding))
        if not quiet:
            _summary(run.findings, run.files)
    if run.problems:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if run.findings else EXIT_CLEAN)


def _load(config_path: Path | None, first_path: Path) -> Config:
    try:
        return load_config(config_path, start=first_path)
    except ConfigError as error:
        raise RedisLintError(str(error)) from None


def _with_overrides(config: Config, select: str | None, extend_select: str | None, ignore: str | None) -> Config:
    from dataclasses import replace

    changes: dict[str, tuple[str, ...]] = {}
    if (codes := _codes_option(select, "--select")) is not None:
        changes["select"] = codes
    if (codes := _codes_option(extend_select, "--extend-select")) is not None:
        changes["extend_select"] = config.extend_select + codes
    if (codes := _codes_option(ignore, "--ignore")) is not None:
        changes["ignore"] = config.ignore + codes
    return replace(config, **changes)


def _summary(findings: list[Finding], files: int) -> None:
    checked = f"{files} file{'s' if files != 1 else ''} checked"
    if not findings:
        click.echo(f"All clean: {checked}.", err=True)
        return
    with_findings = len({f.path for f in findings})
    click.echo(
        f"Found {len(findings)} finding{'s' if len(findings) != 1 else ''} in {with_findings} "
        f"file{'s' if with_findings != 1 else ''} ({checked}).",
        err=True,
    )


@cli.command()
def rules() -> None:
    """List every rule: code, name and summary."""
    width = max(len(rule.name) for rule in RULES)
    for rule in RULES:
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.summary}")


@cli.command()
@click.argument("code")
def explain(code: str) -> None:
    """Print the documentation page of rule CODE (e.g. RDS101)."""
    code = code.strip().upper()
    if code not in BY_CODE:
        raise RedisLintError(f"unknown rule code {code!r}; `redis-lint rules` lists them")
    page = read_page(code)
    if page is None:
        raise RedisLintError(f"the page of {code} is missing from this installation")
    click.echo(page.rstrip())
