"""Lint one module: parse once, build its model once, run the enabled rules, apply noqa, sort.

Runs over many files are redis_lint.engine.run's job.
"""

from __future__ import annotations

import os
import re
import sys
import threading
import traceback
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TypeVar

import libcst as cst
from libcst.metadata import CodeRange

from redis_lint.config import Config
from redis_lint.findings import Finding, LocatedFact, Related
from redis_lint.rulemeta import UNUSED_NOQA
from redis_lint.rules import ALL_RULES, PROJECT_RULES, RuleContext, Violation
from redis_lint.semantics.module_model import ModuleModel
from redis_lint.semantics.positions import Positions
from redis_lint.semantics.project import MODELS_KEPT, ProjectIndex
from redis_lint.source import PARSE_ERROR
from redis_lint.source.noqa import ALL, Suppressions, is_silenced, suppressions
from redis_lint.source.paths import display_path
from redis_lint.source.reading import SourceError, decode_source, read_source
from redis_lint.source.syntax import checked, parse_quietly

T = TypeVar("T")
_LIBCST_POSITION = re.compile(r"error at (\d+):(\d+)")
DEBUG_VARIABLE = "REDIS_LINT_DEBUG"  # set (by `check --debug`): internal errors print their traceback


@dataclass
class FileResult:
    """Everything a run keeps of one file: its findings, its facts for the project-level rules,
    the noqa comments on the lines of those facts, and what the analysis read of the project."""

    findings: list[Finding] = field(default_factory=list)
    facts: list[LocatedFact] = field(default_factory=list)
    noqa: dict[int, frozenset[str]] = field(default_factory=dict)  # line -> codes silenced (ALL: every code)
    read_modules: set[Path] = field(default_factory=set)
    read_callers: set[str] = field(default_factory=set)
    read_helpers: set[str] = field(default_factory=set)


def project_index(config: Config, roots: list[Path] | None = None, *, models_kept: int = MODELS_KEPT) -> ProjectIndex:
    """The index of the project's modules for one run: imports resolve from the project's roots
    (default: the configuration's folder and its src/ folder) and from each linted file's own
    import root.  `models_kept`: how many parsed modules it keeps at most."""
    roots = roots if roots is not None else [config.root, config.root / "src"]
    return ProjectIndex(tuple(roots), client_factories=config.policy.client_factories, models_kept=models_kept)


def lint_file(path: Path, config: Config, project: ProjectIndex | None = None) -> list[Finding]:
    return analyse_file(path, config, project).findings


def analyse_file(path: Path, config: Config, project: ProjectIndex | None = None, *,
                 data: bytes | None = None, facts: bool = False) -> FileResult:
    """A file's result; `data`: its bytes, when the caller has read them already; `facts`: collect
    the facts of the project-level rules too."""
    display = display_path(path)
    try:
        data = read_source(path) if data is None else data
    except OSError as error:
        return FileResult(_file_error(display, f"cannot read: {error.strerror or error}", config, path))
    try:
        source = decode_source(data)
    except SourceError as error:
        return FileResult(_file_error(display, str(error), config, path))
    return analyse_source(source, path=path, display=display, config=config, project=project, facts=facts)


def lint_source(source: str, *, path: Path, display: str, config: Config, apply_noqa: bool = True,
                project: ProjectIndex | None = None) -> list[Finding]:
    """Findings for one module's text; `path` places it in the project (policy globs, imports)."""
    return analyse_source(source, path=path, display=display, config=config, apply_noqa=apply_noqa,
                          project=project).findings


def analyse_source(source: str, *, path: Path, display: str, config: Config, apply_noqa: bool = True,
                   project: ProjectIndex | None = None, facts: bool = False) -> FileResult:
    return with_deep_stack(_analyse_source, source, path=path, display=display, config=config,
                           apply_noqa=apply_noqa, project=project, facts=facts)


# libcst's visitors recurse once per level of nesting, a handful of frames each: code nested as
# deep as redis-lint accepts (redis_lint.source.syntax.MAX_DEPTH) needs more than Python's default
# limit of 1,000 frames, and a stack to match.
_STACK_SIZE = 256 * 1024 * 1024  # reserved address space: only the pages used are ever backed
_RECURSION_LIMIT = 20_000


def with_deep_stack(function: Callable[..., T], *args: object, **kwargs: object) -> T:
    """`function(*args, **kwargs)` in a thread with a deep stack, under a raised recursion limit."""
    if threading.current_thread().name == _DEEP_THREAD:  # already in one
        return function(*args, **kwargs)
    outcome: list[object] = []

    def target() -> None:
        try:
            outcome.append(function(*args, **kwargs))
        except BaseException as error:  # re-raised in the caller's thread
            outcome.append(error)

    with _deep_stack_lock:
        previous_limit = sys.getrecursionlimit()
        sys.setrecursionlimit(max(previous_limit, _RECURSION_LIMIT))
        try:
            previous_size = threading.stack_size()
            try:
                threading.stack_size(_STACK_SIZE)  # for the threads started from now on
                thread = threading.Thread(target=target, name=_DEEP_THREAD, daemon=True)
                thread.start()
            except (ValueError, RuntimeError, MemoryError):  # not allowed here: no deep stack
                thread = None
            finally:
                threading.stack_size(previous_size)
            if thread is not None:
                thread.join()
        finally:
            sys.setrecursionlimit(previous_limit)
    if not outcome:
        return function(*args, **kwargs)
    if isinstance(outcome[0], BaseException):
        raise outcome[0]
    return outcome[0]  # type: ignore[return-value]


_deep_stack_lock = threading.Lock()
_DEEP_THREAD = "redis-lint-analysis"


def _analyse_source(source: str, *, path: Path, display: str, config: Config, apply_noqa: bool = True,
                    project: ProjectIndex | None = None, facts: bool = False) -> FileResult:
    relative = config.relative(path)
    enabled = config.enabled_codes(relative)
    project = project or project_index(config)
    model = project.cached_model(path, source)
    tree = None
    if model is None:
        problem, tree = checked(source)
        if problem is not None:
            return FileResult(_finding_if(enabled, display, 1, 1, problem))
        try:
            module = cst.parse_module(source)
        except cst.ParserSyntaxError as error:
            return FileResult(_parse_error(source, error, display, enabled))
        except RecursionError:
            return FileResult(_finding_if(enabled, display, 1, 1, "cannot parse: the code is nested too deeply"))
        except Exception as error:  # libcst's own bug: one file, not the run
            return FileResult(_internal_error(error, enabled, display))
    try:
        if model is None:
            model = project.model_for(path, module, source=source, replace=True)
        if tree is not None:
            model.index.positions.adopt(tree)  # parsed by Python already: not parsed again to place findings
        located = check_module(model, source, path=path, config=config, apply_noqa=apply_noqa)
        result = FileResult(facts=_facts(model, source, path, display, config) if facts else [])
    except Exception as error:  # a bug in redis-lint must cost one file, not the run
        return FileResult(_internal_error(error, enabled, display))
    result.read_modules, result.read_callers, result.read_helpers = project.dependencies(path)
    if result.facts:
        silenced = suppressions(source)
        by_line = silenced.silenced()
        lines = {fact.line for fact in result.facts}
        result.noqa = {line: ALL for line in lines} if silenced.skip_file else {
            line: by_line[line] for line in lines if line in by_line}
    positions = model.index.positions
    evidence = {call.node: call.receiver.evidence for call in model.commands if call.receiver.evidence}
    result.findings = sorted({
        Finding(display, where.start.line, where.start.column + 1, code, violation.message,
                where.end.line, where.end.column + 1,
                fix=violation.fix.description if violation.fix else None,
                fix_safe=bool(violation.fix and violation.fix.safe),
                evidence=evidence.get(violation.node) or _evidence_around(violation.node, model, evidence),
                related=_related(violation, positions))
        for code, violation, where in located
    }, key=Finding.sort_key)
    positions.release()
    return result


def _evidence_around(node: cst.CSTNode, model: ModuleModel, evidence: dict[cst.CSTNode, str]) -> str | None:
    """The evidence of the command a finding's node is part of (a key argument of it), if any."""
    if not evidence:
        return None
    for _ in range(8):
        parent = model.index.parent(node)
        if parent is None:
            return None
        node = parent
        if node in evidence:
            return evidence[node]
    return None


def _related(violation: Violation, positions: Positions) -> tuple[Related, ...]:
    places = {Related((where := positions[node]).start.line, where.start.column + 1, where.end.line,
                      where.end.column + 1, message) for node, message in violation.related}
    return tuple(sorted(places, key=lambda r: (r.line, r.column, r.message)))


def _facts(model: ModuleModel, source: str, path: Path, display: str, config: Config) -> list[LocatedFact]:
    """The facts this module contributes to the project-level rules, placed in the file."""
    context = RuleContext(model, config.policy, config.relative(path))
    found = [fact for rule in PROJECT_RULES for fact in rule.facts(context)]
    if not found:
        return []
    positions = model.index.positions
    return [LocatedFact(display, (where := positions[fact.node]).start.line, where.start.column + 1,
                        where.end.line, where.end.column + 1, fact.kind, fact.detail) for fact in found]


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
    positions = model.index.positions
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


def _parse_error(source: str, error: cst.ParserSyntaxError, display: str, enabled: frozenset[str]) -> list[Finding]:
    # Python's own parser words syntax errors best ("'(' was never closed"); libcst's is the fallback.
    try:
        parse_quietly(source)
    except SyntaxError as syntax:
        return _finding_if(enabled, display, syntax.lineno or 1, syntax.offset or 1, f"cannot parse: {syntax.msg}")
    except (RecursionError, MemoryError, ValueError):
        pass
    match = _LIBCST_POSITION.search(error.message)
    line, column = (int(match[1]), int(match[2]) + 1) if match else (error.raw_line, error.raw_column + 1)
    message = error.message.removeprefix("parser error: ")
    return _finding_if(enabled, display, line, column, f"cannot parse: {message}")


def _internal_error(error: Exception, enabled: frozenset[str], display: str) -> list[Finding]:
    """RDS000 for a bug of redis-lint (or libcst) met while checking a file; its traceback on stderr
    under `check --debug`."""
    if os.environ.get(DEBUG_VARIABLE):
        # one write: worker processes share stderr, and their reports must not interleave
        report = "".join(traceback.format_exception(type(error), error, error.__traceback__))
        sys.stderr.write(f"redis-lint: internal error while checking {display}:\n{report}")
        sys.stderr.flush()
    message = f"internal error while checking this file ({type(error).__name__}): please report it"
    return _finding_if(enabled, display, 1, 1, message)


def _file_error(display: str, message: str, config: Config, path: Path) -> list[Finding]:
    return _finding_if(config.enabled_codes(config.relative(path)), display, 1, 1, message)


def _finding_if(enabled: frozenset[str], display: str, line: int, column: int, message: str) -> list[Finding]:
    if PARSE_ERROR not in enabled:
        return []
    return [Finding(display, line, column, PARSE_ERROR, message, line, column)]
