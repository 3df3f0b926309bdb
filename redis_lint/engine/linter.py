"""Lint a source text, a file or a set of paths: parse once, build the module's
model once, run the enabled rules over it, map positions, apply noqa, sort."""

from __future__ import annotations

import ast
import re
from collections.abc import Iterable
from dataclasses import dataclass, field
from pathlib import Path

import libcst as cst
from libcst.metadata import CodeRange, PositionProvider

from redis_lint.config import Config
from redis_lint.engine.discovery import discover
from redis_lint.engine.noqa import ALL, Suppressions, is_silenced, suppressions
from redis_lint.engine.source import SourceError, decode_source
from redis_lint.findings import Finding
from redis_lint.rules import ALL_RULES, RuleContext, Violation
from redis_lint.semantics.model import ModuleModel
from redis_lint.semantics.project import ProjectIndex

PARSE_ERROR = "RDS000"
UNUSED_NOQA = "RDS900"
_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")


@dataclass
class LintRun:
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # paths that could not be linted at all
    files: int = 0


def project_index(config: Config) -> ProjectIndex:
    """The index of the project's modules for one run: imports resolve from the project root
    (and its src/ folder) and from each linted file's own import root."""
    return ProjectIndex((config.root, config.root / "src"), client_factories=config.policy.client_factories)


def lint_paths(paths: Iterable[Path], config: Config) -> LintRun:
    found = discover(paths, config)
    run = LintRun(problems=found.problems, files=len(found.files))
    project = project_index(config)
    for path in found.files:
        run.findings.extend(lint_file(path, config, project))
    run.findings.sort(key=Finding.sort_key)
    return run


def lint_file(path: Path, config: Config, project: ProjectIndex | None = None) -> list[Finding]:
    display = display_path(path)
    try:
        data = path.read_bytes()
    except OSError as error:
        return _file_error(display, f"cannot read: {error.strerror or error}", config, path)
    try:
        source = decode_source(data)
    except SourceError as error:
        return _file_error(display, str(error), config, path)
    return lint_source(source, path=path, display=display, config=config, project=project)


def lint_source(source: str, *, path: Path, display: str, config: Config, apply_noqa: bool = True,
                project: ProjectIndex | None = None) -> list[Finding]:
    """Findings for one module's text; `path` places it in the project (policy globs, imports)."""
    relative = config.relative(path)
    enabled = config.enabled_codes(relative)
    project = project or project_index(config)
    model = project.cached_model(path, source)
    if model is None:
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError as error:
            return _parse_error(source, error, display, enabled)
        except RecursionError:
            return _finding_if(enabled, display, 1, 1, "cannot parse: the code is nested too deeply")
    try:
        if model is None:
            model = project.model_for(path, module, source=source, replace=True)
        located = check_module(model, source, path=path, config=config, apply_noqa=apply_noqa)
    except Exception as error:  # a bug in redis-lint must cost one file, not the run
        return _finding_if(enabled, display, 1, 1,
                           f"internal error while checking this file ({type(error).__name__}): please report it")
    findings = {
        Finding(display, where.start.line, where.start.column + 1, code, violation.message,
                where.end.line, where.end.column + 1,
                fix=violation.fix.description if violation.fix else None,
                fix_safe=bool(violation.fix and violation.fix.safe))
        for code, violation, where in located
    }
    return sorted(findings, key=Finding.sort_key)


def check_module(model: ModuleModel, source: str, *, path: Path, config: Config,
                 apply_noqa: bool = True) -> list[tuple[str, Violation, CodeRange]]:
    """(code, violation, position) for every enabled rule's violation not silenced by noqa.
    Shared by linting and fixing, so that both see exactly the same violations."""
    relative = config.relative(path)
    enabled = config.enabled_codes(relative)
    context = RuleContext(model, config.policy, relative)
    found = suppressions(source) if apply_noqa else Suppressions()
    if found.skip_file:
        return []
    violations = [(rule.code, v) for rule in ALL_RULES if rule.code in enabled for v in rule.check(context)]
    if not violations and UNUSED_NOQA not in enabled:
        return []
    positions = model.index.wrapper.resolve(PositionProvider)
    silenced = found.silenced()
    located = [(code, violation, positions[violation.node]) for code, violation in violations]
    kept = [item for item in located if not is_silenced(item[0], item[2].start.line, silenced)]
    if UNUSED_NOQA in enabled:
        kept.extend(_unused_noqa(found, located, model))
    return kept


def _unused_noqa(found: Suppressions, located: list[tuple[str, Violation, CodeRange]],
                 model: ModuleModel) -> list[tuple[str, Violation, CodeRange]]:
    """RDS900: codes of ours in a `# noqa: ...` that silence nothing on the lines it covers."""
    unused = []
    for comment in found.comments:
        if comment.codes is ALL:
            continue
        reported = {code for code, _, where in located if where.start.line in comment.covers}
        idle = sorted(c for c in comment.codes if c.startswith("RDS") and not any(r.startswith(c) for r in reported))
        if idle:
            where = CodeRange((comment.line, comment.column - 1), (comment.line, comment.column - 1))
            message = f"# noqa: {', '.join(idle)} silences nothing here: remove {'them' if len(idle) > 1 else 'it'}"
            unused.append((UNUSED_NOQA, Violation(model.module, message), where))
    return unused


def display_path(path: Path) -> str:
    """The path as the user gave it, without "./", or relative to the working directory when below it."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()


def _parse_error(source: str, error: cst.ParserSyntaxError, display: str, enabled: frozenset[str]) -> list[Finding]:
    # Python's own parser words syntax errors best ("'(' was never closed"); libcst's is the fallback.
    try:
        ast.parse(source)
    except SyntaxError as syntax:
        return _finding_if(enabled, display, syntax.lineno or 1, syntax.offset or 1, f"cannot parse: {syntax.msg}")
    except (RecursionError, MemoryError, ValueError):
        pass
    match = _LIBCST_POSITION.search(error.message)
    line, column = (int(match[1]), int(match[2]) + 1) if match else (error.raw_line, error.raw_column + 1)
    message = error.message.removeprefix("parser error: ")
    return _finding_if(enabled, display, line, column, f"cannot parse: {message}")


def _file_error(display: str, message: str, config: Config, path: Path) -> list[Finding]:
    return _finding_if(config.enabled_codes(config.relative(path)), display, 1, 1, message)


def _finding_if(enabled: frozenset[str], display: str, line: int, column: int, message: str) -> list[Finding]:
    if PARSE_ERROR not in enabled:
        return []
    return [Finding(display, line, column, PARSE_ERROR, message, line, column)]
