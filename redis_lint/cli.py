"""The `redis-lint` command: a thin click adapter over the engine."""

from __future__ import annotations

import json
import os
import signal
import sys
from collections.abc import Iterator
from contextlib import contextmanager, nullcontext
from pathlib import Path

import click

from redis_lint import __version__
from redis_lint.catalogue import RULES
from redis_lint.config import Config, ConfigError, Selection, load_config
from redis_lint.config.resolve import Configurations
from redis_lint.config.loader import check_code
from redis_lint.engine.cache import DEFAULT_FOLDER as DEFAULT_CACHE_FOLDER
from redis_lint.engine.interrupt import Stopped, stopping_on_signals
from redis_lint.findings import Finding
from redis_lint.pages import read_page

EXIT_CLEAN, EXIT_FINDINGS, EXIT_ERROR = 0, 1, 2
FORMAT_NAMES = ("text", "full", "json", "json-lines", "sarif", "github", "gitlab")  # redis_lint.formats.FORMATS


class CommandAfterDashes(click.Command):
    """A command whose arguments after `--` are another program's command line, kept whole."""

    def parse_args(self, ctx: click.Context, args: list[str]) -> list[str]:
        if "--" in args:
            split = args.index("--")
            ctx.meta["command"] = args[split + 1 :]
            args = args[:split]
        return super().parse_args(ctx, args)


def command_after_dashes() -> list[str]:
    return list(click.get_current_context().meta.get("command", []))


class RedisLintError(click.ClickException):
    """A usage or configuration problem: one line on stderr, exit 2."""

    exit_code = EXIT_ERROR

    def show(self, file=None) -> None:  # type: ignore[no-untyped-def]
        click.echo(f"redis-lint: error: {self.format_message()}", err=True)


class ServerAddress(click.ParamType):
    """host:port or a redis://, rediss://, unix:// URL, checked before redis-py sees it."""

    name = "server"

    def convert(self, value: object, param: click.Parameter | None, ctx: click.Context | None) -> str:
        from redis_lint.runtime.address import AddressError, server_url

        try:
            return server_url(str(value))
        except AddressError as error:
            self.fail(str(error), param, ctx)


def _configuration_in_use(config: Config) -> str:
    """Which configuration a command read, for its output."""
    if config.source is None:
        return f"configuration: none found from {Path.cwd()}; the built-in policy applies"
    return f"configuration: {config.source}"


def _source(config: Config) -> str | None:
    return None if config.source is None else str(config.source)


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
    """Entry point: a bug surfaces as one line and exit 2, never as a traceback; a run stopped by
    Ctrl-C or SIGTERM says so in one line and exits 128 + the signal's number (130, 143)."""
    try:
        cli()
    except Stopped as stop:
        click.echo(f"redis-lint: {'interrupted' if stop.signum == signal.SIGINT else 'terminated'}", err=True)
        sys.stdout.flush()
        sys.stderr.flush()
        # Everything was unwound (caches written whole or not at all, workers killed and reaped).
        # The interpreter's own exit would join the worker pool's manager thread, which can stay
        # blocked on the pipes of the workers it lost: seen once in CI, a stopped run that hung.
        os._exit(128 + stop.signum)
    except Exception as error:  # click handles usage errors and exits itself
        click.echo(f"redis-lint: internal error ({type(error).__name__}: {error}); please report it", err=True)
        sys.exit(EXIT_ERROR)


@cli.command()
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--select", metavar="CODES",
              help="Comma-separated codes or prefixes to check (replaces the configured select, extend-select "
                   "and ignore).")
@click.option("--extend-select", metavar="CODES", help="Codes or prefixes to check in addition.")
@click.option("--ignore", metavar="CODES", help="Codes or prefixes not to check (applied after the selections).")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A TOML file to use for every file, instead of the nearest pyproject.toml or "
                   "redis-lint.toml above each.")
@click.option("--format", "output_format", type=click.Choice(list(FORMAT_NAMES)), default="text", show_default=True,
              help="text (concise), full (with the source), json, json-lines, sarif, github (annotations), "
                   "gitlab (Code Quality).")
@click.option("--output-file", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the report to this file instead of standard output.")
@click.option("--statistics", is_flag=True, help="Print the number of findings per code instead of the findings.")
@click.option("--exit-zero", is_flag=True, help="Exit 0 even when there are findings.")
@click.option("-q", "--quiet", is_flag=True, help="Print findings only, no summary.")
@click.option("--fix", is_flag=True, help="Apply the safe fixes, then report what remains.")
@click.option("--unsafe-fixes", is_flag=True, help="With --fix or --diff: apply the fixes that change behaviour too.")
@click.option("--diff", is_flag=True, help="Print the fixes as a unified diff and change no file.")
@click.option("-j", "--jobs", type=click.IntRange(min=1), metavar="N",
              help="Worker processes for the files to analyse  [default: the number of cores]")
@click.option("--no-cache", is_flag=True, help="Analyse every file, and keep no results for the next run.")
@click.option("--cache-dir", type=click.Path(path_type=Path, file_okay=False), envvar="REDIS_LINT_CACHE_DIR",
              help=f"Where results are kept between runs  [default: {DEFAULT_CACHE_FOLDER} in the project root; "
                   "env: REDIS_LINT_CACHE_DIR]")
@click.option("--debug", is_flag=True,
              help="Print the traceback of redis-lint's internal errors (RDS000) on stderr; implies --no-cache.")
def check(paths: tuple[Path, ...], select: str | None, extend_select: str | None, ignore: str | None,
          config_path: Path | None, output_format: str, output_file: Path | None, statistics: bool,
          exit_zero: bool, quiet: bool, fix: bool, unsafe_fixes: bool, diff: bool, jobs: int | None,
          no_cache: bool, cache_dir: Path | None, debug: bool) -> None:
    """Lint PATHS (files or folders; default: the current folder)."""
    click.get_current_context().with_resource(stopping_on_signals())  # see main()
    from redis_lint.engine.run import default_jobs, lint_paths  # keeps `rules` and `explain` light

    if debug:  # read by the analysis, in this process and in the workers (they inherit it)
        os.environ["REDIS_LINT_DEBUG"] = "1"

    paths = paths or (Path("."),)
    configs = _configurations(config_path, _selection(select, extend_select, ignore))
    if fix or diff:
        _apply_fixes(paths, configs, unsafe=unsafe_fixes, diff=diff, quiet=quiet)
    cache_folder = None if no_cache or debug else (cache_dir or _cache_in_project_root)
    from redis_lint import formats, progress

    shown = progress.wanted(sys.stderr, quiet=quiet, machine_format=output_format not in formats.COLORED)
    with _config_errors(), (progress.TerminalProgress(sys.stderr) if shown else nullcontext()) as bar:
        # (a broken configuration below a folder is found while walking it)
        run = lint_paths(paths, configs, jobs=jobs or default_jobs(), cache_folder=cache_folder, progress=bar)
    for problem in run.problems:
        click.echo(f"redis-lint: {problem}", err=True)

    if statistics:
        report = formats.statistics(run.findings)
    elif output_format in formats.COLORED:
        color = output_file is None and formats.use_color(sys.stdout.isatty())
        report = formats.FORMATS[output_format](run.findings, color=color)
    else:
        report = formats.FORMATS[output_format](run.findings)
    if output_file is not None:
        _write_report(output_file, report)
    else:
        click.echo(report, nl=False)
    if not quiet and output_format in formats.COLORED:
        _summary(run.findings, run.files)
    if run.problems:
        sys.exit(EXIT_ERROR)
    sys.exit(EXIT_FINDINGS if run.findings and not exit_zero else EXIT_CLEAN)


def _cache_in_project_root(config: Config) -> Path:
    return config.root / DEFAULT_CACHE_FOLDER


def _apply_fixes(paths: tuple[Path, ...], configs: Configurations, *, unsafe: bool, diff: bool, quiet: bool) -> None:
    from redis_lint.engine.discovery import discover
    from redis_lint.engine.fixes import fix_file
    from redis_lint.engine.linter import project_index
    from redis_lint.semantics.project import ProjectIndex

    projects: dict[Config, ProjectIndex] = {}  # one index per configuration, as the run builds them
    applied = 0
    with _config_errors():
        files = discover(paths, configs).files
    for path in files:
        config = configs.for_file(path)
        if config not in projects:
            projects[config] = project_index(config)
        fixed = fix_file(path, config, unsafe=unsafe, project=projects[config])
        if fixed is None or not fixed.applied:
            continue
        applied += fixed.applied
        if diff:
            click.echo(fixed.diff(), nl=False)
        else:
            fixed.write()
    if not quiet:
        verb = "Would fix" if diff else "Fixed"
        click.echo(f"{verb} {applied} finding{'s' if applied != 1 else ''}.", err=True)
    if diff:
        sys.exit(EXIT_FINDINGS if applied else EXIT_CLEAN)


def _load(config_path: Path | None, first_path: Path) -> Config:
    try:
        return load_config(config_path, start=first_path)
    except ConfigError as error:
        raise RedisLintError(str(error)) from None


def _configurations(config_path: Path | None, selection: Selection | None = None) -> Configurations:
    """Each file's configuration: `config_path` for all, else the nearest file above it."""
    with _config_errors():
        return Configurations(config_path, command_line=selection)


@contextmanager
def _config_errors() -> Iterator[None]:
    try:
        yield
    except ConfigError as error:
        raise RedisLintError(str(error)) from None


def _selection(select: str | None, extend_select: str | None, ignore: str | None) -> Selection:
    return Selection(select=_codes_option(select, "--select"),
                     extend_select=_codes_option(extend_select, "--extend-select") or (),
                     ignore=_codes_option(ignore, "--ignore") or ())


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
    safe = sum(1 for f in findings if f.fix and f.fix_safe)
    unsafe = sum(1 for f in findings if f.fix and not f.fix_safe)
    if safe:
        click.echo(f"{safe} fixable with --fix.", err=True)
    if unsafe:
        click.echo(f"{unsafe} fixable with --fix --unsafe-fixes (they change what the code does; "
                   "see --diff first).", err=True)


@cli.command("server")
def language_server() -> None:
    """Run the language server (LSP over stdio) for editors."""
    from redis_lint.lsp import serve

    serve()


@cli.command()
def rules() -> None:
    """List every rule: code, name, whether --fix rewrites it, whether it is on by default, summary."""
    width = max(len(rule.name) for rule in RULES)
    click.echo(f"{'code':<6}  {'name':<{width}}  {'fix':<6}  {'default':<7}  summary")
    for rule in RULES:
        default = "on" if rule.default else "opt-in"
        click.echo(f"{rule.code}  {rule.name:<{width}}  {rule.fixable or '-':<6}  {default:<7}  {rule.summary}")
    click.echo("\nfix unsafe: `check --fix --unsafe-fixes` rewrites findings (it changes behaviour: see --diff "
               "first); opt-in: runs only when its full code is selected.", err=True)


@cli.command()
@click.argument("rule")
def explain(rule: str) -> None:
    """Print the documentation page of RULE, given by code or name (RDS101 or missing-ttl)."""
    from redis_lint.catalogue import find_rule

    found = find_rule(rule)
    if isinstance(found, str):
        raise RedisLintError(found)
    page = read_page(found.code)
    if page is None:
        raise RedisLintError(f"the page of {found.code} is missing from this installation")
    click.echo(page.rstrip())


# -- runtime -------------------------------------------------------------------


@cli.command(cls=CommandAfterDashes)
@click.option("--output", "output", type=click.Path(path_type=Path, dir_okay=False),
              help="Write the runtime findings as JSON to this file.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="The TOML configuration for the watched processes.")
@click.option("-q", "--quiet", is_flag=True, help="No summary line.")
def run(output: Path | None, config_path: Path | None, quiet: bool) -> None:
    """Run a command (after --) with redis-py watched in every Python process it starts.

    Example: redis-lint run --output rt.json -- pytest tests/
    """
    from redis_lint.runtime.runner import run_instrumented

    command = command_after_dashes()
    if not command:
        raise RedisLintError("give the command to run after --, e.g. redis-lint run -- python app.py")
    _load(config_path, Path("."))  # a broken configuration stops here, not in every child
    result = run_instrumented(command, config_path)
    _write_runtime(result.findings, output, quiet)
    if result.returncode != 0:
        click.echo(f"redis-lint: the command exited with {result.returncode}", err=True)
        sys.exit(result.returncode)
    sys.exit(EXIT_FINDINGS if result.findings else EXIT_CLEAN)


def _write_report(path: Path, text: str) -> None:
    """Write a report whole or not at all (a CI step never reads half of one); a path that cannot
    be written is the user's to fix, said plainly."""
    from redis_lint.runtime.files import write_atomically

    try:
        write_atomically(path, text)
    except OSError as error:
        click.echo(f"redis-lint: cannot write {path}: {error.strerror or error}", err=True)
        sys.exit(EXIT_ERROR)


def _write_runtime(findings: list, output: Path | None, quiet: bool) -> None:  # type: ignore[type-arg]
    for finding in findings:
        click.echo(str(finding))
    if output is not None:
        _write_report(output, json.dumps([f.as_dict() for f in findings], indent=2) + "\n")
    if not quiet:
        total = sum(f.count for f in findings)
        click.echo(f"Runtime: {len(findings)} finding{'s' if len(findings) != 1 else ''} "
                   f"({total} occurrence{'s' if total != 1 else ''}).", err=True)


@cli.command(cls=CommandAfterDashes)
@click.argument("paths", nargs=-1, type=click.Path(path_type=Path))
@click.option("--runtime", "runtime_file", type=click.Path(path_type=Path, dir_okay=False, exists=True),
              help="Runtime findings written by `redis-lint run --output`.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A TOML file to read instead of the nearest pyproject.toml's [tool.redis-lint], "
                   "for the static analysis and the watched command.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text (for people) or json (for scripts).")
def compare(paths: tuple[Path, ...], runtime_file: Path | None, config_path: Path | None, output_format: str) -> None:
    """Compare static findings on PATHS with runtime findings.

    redis-lint compare PATHS --runtime rt.json, or redis-lint compare PATHS -- COMMAND to run
    COMMAND first. Exits 1 when the runtime saw something the static analysis did not.
    """
    from redis_lint.engine.run import lint_paths
    from redis_lint.runtime.compare import compare as compare_findings
    from redis_lint.runtime.compare import report
    from redis_lint.runtime.runner import load_runtime_file, run_instrumented

    command = command_after_dashes()
    if (runtime_file is None) == (not command):
        raise RedisLintError("give either --runtime FILE or -- COMMAND")
    paths = paths or (Path("."),)
    configs = _configurations(config_path)
    if command:
        runtime = run_instrumented(command, config_path).findings
    else:
        try:
            runtime = load_runtime_file(runtime_file)  # type: ignore[arg-type]
        except (OSError, ValueError, TypeError, KeyError) as error:
            raise RedisLintError(f"{runtime_file}: not a runtime findings file ({error})") from None
    with _config_errors():
        static = lint_paths(paths, configs).findings
    config = configs.for_path((paths or (Path("."),))[0])  # the one named: the first path's
    result = compare_findings(static, runtime, within=list(paths))
    if output_format == "json":
        click.echo(json.dumps({**result.as_dict(), "configuration": _source(config)}, indent=2))
    else:
        click.echo(f"{_configuration_in_use(config)}\n{report(result)}")
    sys.exit(EXIT_FINDINGS if result.runtime_only else EXIT_CLEAN)


@cli.command()
@click.argument("server", type=ServerAddress())
@click.option("--count", default=500, show_default=True, help="Keys asked per SCAN batch.")
@click.option("--pause", default=0.01, show_default=True, help="Seconds to wait between batches.")
@click.option("--max-keys", type=int, default=None, help="Stop after this many keys.")
@click.option("--memory-samples", default=0, show_default=True, help="MEMORY USAGE calls per template.")
@click.option("--match", default=None, help="Only keys matching this SCAN pattern.")
@click.option("--config", "config_path", type=click.Path(path_type=Path, dir_okay=False),
              help="A TOML file whose policy (namespaces, TTL limits) judges the keys, instead of the "
                   "[tool.redis-lint] of the nearest pyproject.toml above the current folder.")
@click.option("--format", "output_format", type=click.Choice(["text", "json"]), default="text", show_default=True,
              help="text (for people) or json (for scripts).")
@click.option("--role", "roles", type=click.Choice(["cache", "persistent"]), multiple=True,
              help="What the server holds: a cache must evict (RDS802), persistent data must be saved (RDS806).")
@click.option("--sentinel-service", metavar="NAME",
              help="SERVER is a Sentinel: audit the primary it watches under this name.")
@click.option("--sentinel-password", envvar="REDIS_LINT_SENTINEL_PASSWORD", show_envvar=True,
              help="The Sentinel's own password (SERVER's credentials are the primary's).")
def audit(server: str, count: int, pause: float, max_keys: int | None, memory_samples: int, match: str | None,
          config_path: Path | None, output_format: str, roles: tuple[str, ...], sentinel_service: str | None,
          sentinel_password: str | None) -> None:
    """Audit a live server, read-only: its memory, eviction, AUTH and TLS settings (RDS801-RDS806)
    and hit ratio, then its keyspace: keys without TTL, TTLs over policy, naming.

    SERVER is host:port, or a redis://, rediss:// (TLS) or unix:// URL, e.g. localhost:6379 or
    redis://:PASSWORD@cache.internal:6379/0. A node of a Redis Cluster stands for the whole cluster:
    every primary is audited, one after the other, then the totals. Exits 1 when a setting or a key
    template breaks a rule.
    """
    from redis_lint.runtime.audit import format_text, redact_url
    from redis_lint.runtime.audit_cluster import audit_topology, format_cluster_text
    from redis_lint.runtime.audit_server import format_server_text
    from redis_lint.runtime.topology import discover

    config = _load(config_path, Path("."))
    interactive = sys.stderr.isatty()

    def progress(number: int, nodes: int, name: str, scanned: int) -> None:
        where = f"node {number}/{nodes} {name}: " if nodes > 1 else ""
        click.echo(f"\r{where}scanned {scanned} keys\x1b[K", err=True, nl=False)

    try:
        topology = discover(server, sentinel_service, sentinel_password)
        result = audit_topology(topology, config.policy, cache="cache" in roles, persistent="persistent" in roles,
                                progress=progress if interactive else None, count=count, pause=pause,
                                max_keys=max_keys, memory_samples=memory_samples, match=match)
    except Exception as error:  # connection refused, bad URL, auth, an unknown Sentinel service: one line
        raise RedisLintError(f"cannot audit {redact_url(server)}: {type(error).__name__}: {error}") from None
    if interactive:
        click.echo("", err=True)
    if topology.kind == "cluster":
        if output_format == "json":
            click.echo(json.dumps({**result.as_dict(), "configuration": _source(config)}, indent=2))
        else:
            click.echo(format_cluster_text(result, _configuration_in_use(config)))
        if result.unreachable:  # the audit is incomplete: an error, whatever the others hold
            raise RedisLintError(f"{len(result.unreachable)} of {len(topology.primaries)} primaries could not be "
                                 "reached: their keys were not audited")
    elif output_format == "json":
        node = result.nodes[0]
        click.echo(json.dumps({**node.keyspace.as_dict(), "server_settings": node.settings.as_dict(),
                               "notes": topology.notes, "configuration": _source(config)}, indent=2))
    else:
        node = result.nodes[0]
        notes = "".join(f"Note: {note}\n" for note in topology.notes)
        # the configuration judges the keys, not the server: named where the keys are
        click.echo(f"{notes}{format_server_text(node.settings)}\n\n{_configuration_in_use(config)}\n"
                   f"{format_text(node.keyspace)}")
    sys.exit(EXIT_FINDINGS if result.has_problems else EXIT_CLEAN)


from redis_lint import cli_config  # noqa: E402,F401  registers `config` and `init` on the group
