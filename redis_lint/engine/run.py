"""A run over paths: discovery, prefilter, cache, worker processes, then the project-level rules.

A run over paths: find the files, skip those that cannot hold Redis code (the
prefilter), take unchanged ones from the cache, analyse the rest (in worker
processes when there are several), then decide the project-level rules once
every file is seen.

Nothing here imports libcst: a run where every file is filtered out or cached
never pays for it.  What happens to each file is redis_lint.engine.file_check's, the analysis
itself redis_lint.engine.linter's.
"""

from __future__ import annotations

import contextlib
import json
import os
import sys
import traceback
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from redis_lint.catalogue import BY_CODE
from redis_lint.config import Config
from redis_lint.config.resolve import Configurations
from redis_lint.engine import cache as caching
from redis_lint.engine import interrupt
from redis_lint.engine.discovery import discover
from redis_lint.engine.file_check import FileCheck, Kept, analyse
from redis_lint.engine.prefilter import Prefilter, project_roots
from redis_lint.findings import Finding
from redis_lint.source import PARSE_ERROR
from redis_lint.source.file import SourceFile
from redis_lint.source.noqa import is_silenced
from redis_lint.source.paths import display_path
from redis_lint.source.reading import read_source

if TYPE_CHECKING:
    from redis_lint.engine.linter import FileResult
    from redis_lint.semantics.project import ProjectIndex


@dataclass
class LintRun:
    findings: list[Finding] = field(default_factory=list)
    problems: list[str] = field(default_factory=list)  # paths that could not be linted at all
    files: int = 0
    analysed: int = 0  # files parsed in this run (the others were filtered out or cached)


def default_jobs() -> int:
    try:
        return max(1, len(os.sched_getaffinity(0)))
    except AttributeError:  # not on Linux
        return max(1, os.cpu_count() or 1)


def lint_paths(paths: Iterable[Path], config: Config | Configurations, *, jobs: int = 1,
               cache_folder: Path | Callable[[Config], Path] | None = None, prefilter: bool = True,
               progress: Callable[[int, int], None] | None = None) -> LintRun:
    """Lint files and folders.  `config`: one configuration for every file, or each file's own
    (redis_lint.config.resolve); `jobs`: worker processes; `cache_folder`: where results are kept
    between runs, or a function of each configuration (None: no cache); `prefilter`: False
    analyses every file (for tests); `progress`: called with (files analysed, files to analyse)
    before the analysis of each project and as each file ends.

    The files of each configuration are linted as one project, the projects one after the other:
    what a file gets does not depend on the other paths of the run, nor on their order.  The
    project-level rules run only when every path is a folder: a list of files (pre-commit, an
    editor) does not show the whole project."""
    configs = Configurations.of(config) if isinstance(config, Config) else config
    paths = list(paths)
    found = discover(paths, configs)
    run = LintRun(problems=found.problems, files=len(found.files))
    groups: dict[Config, tuple[list[SourceFile], list[Path]]] = {}
    for file in found.sources:
        groups.setdefault(configs.for_file(file.path), ([], []))[0].append(file)
    for path in found.server_configs:
        groups.setdefault(configs.for_file(path), ([], []))[1].append(path)
    whole_project = bool(paths) and all(p.is_dir() for p in paths)
    for group_config, (files, server_configs) in sorted(groups.items(), key=lambda item: str(item[0].source)):
        own_paths = [p for p in paths if configs.for_path(p) == group_config] or paths
        folder = cache_folder(group_config) if callable(cache_folder) else cache_folder
        _lint_project(run, own_paths, files, server_configs, group_config, jobs=jobs, cache_folder=folder,
                      prefilter=prefilter, whole_project=whole_project, progress=progress)
    run.findings.sort(key=Finding.sort_key)
    return run


def _lint_project(run: LintRun, paths: list[Path], files: list[SourceFile], server_configs: list[Path], config: Config,
                  *, jobs: int, cache_folder: Path | None, prefilter: bool, whole_project: bool,
                  progress: Callable[[int, int], None] | None) -> None:
    """Lint the files one configuration applies to, adding to `run`."""
    roots = project_roots(paths, config.root if config.source is not None else None)
    if config.source is not None:
        roots.append(config.root / "src")
    summaries = caching.Cache(cache_folder, salt="summaries") if cache_folder is not None else None
    scan = Prefilter(roots, client_factories=config.policy.client_factories, summaries=summaries)
    # display paths depend on the working directory: they are part of what an entry says
    cache = (caching.Cache(cache_folder, salt=f"{config!r}|{scan.fingerprint}|{whole_project}|{Path.cwd()}")
             if cache_folder is not None and scan.complete else None)

    checks = FileCheck(config, scan=scan, cache=cache, prefilter=prefilter)
    kept: dict[str, Kept] = {}
    to_analyse: list[tuple[SourceFile, bytes | None]] = []
    for file in files:
        if prefilter and not scan.may_find(file.path) and scan.decodes(file.path):
            kept[file.display] = Kept([])  # cannot hold a Redis value: not even read
            continue
        if cache is not None and scan.scanned(file.path) and (not prefilter or scan.may_find(file.path)):
            # its digest is known from the scan: the file is read only if it must be analysed
            known_file = file.read(scan.digest(file.path))
            known = checks.known(known_file, None)
            if known is not None:
                kept[file.display] = known
                continue
            data = scan.text(file.path)
            if data is not None and checks.digest_of(file.path, data) == known_file.digest:
                to_analyse.append((known_file, data))  # looked up in the cache once, not again below
                continue
        data = scan.text(file.path)
        if data is None:
            try:
                data = read_source(file.path)
            except OSError:
                to_analyse.append((file, None))  # the analysis reports why it cannot be read
                continue
        if cache is not None:
            file = file.read(checks.digest_of(file.path, data))
        known = checks.known(file, data)
        if known is not None:
            kept[file.display] = known
        else:
            to_analyse.append((file, data))

    # Files that hold only what the project-level rules count to stay silent have no finding of
    # their own: they are analysed last, and only if a project-level rule would report without them.
    silences = {f.display: scan.only_silences(f.path) if prefilter else frozenset() for f, _ in to_analyse}
    silencing = [(f, d) for f, d in to_analyse if silences[f.display]]
    to_analyse = [(f, d) for f, d in to_analyse if not silences[f.display]]
    done = 0
    total = len(to_analyse)

    def analyse_all(batch: list[tuple[SourceFile, bytes | None]]) -> None:
        def finished(index: int, result: FileResult) -> None:
            nonlocal done
            file, _ = batch[index]
            kept[file.display] = Kept(result.findings, result.facts, result.noqa)
            checks.keep(file, result)  # now: a run stopped midway keeps what it finished
            if progress is not None:
                done += 1
                progress(done, total)

        _analyse(batch, config, roots, scan, jobs, facts=whole_project, finished=finished)
        run.analysed += len(batch)

    if progress is not None:
        progress(0, total)
    analyse_all(to_analyse)
    wanted = _silencing_wanted(kept, config, cache) if silencing and whole_project else frozenset()
    needed = [(f, d) for f, d in silencing if silences[f.display] & wanted]
    kept.update((file.display, Kept([])) for file, _ in silencing if not silences[file.display] & wanted)
    if needed:
        total += len(needed)
        analyse_all(needed)

    for result in kept.values():
        run.findings.extend(result.findings)
    if server_configs:  # redis.conf and compose files: read as data, no libcst
        from redis_lint.redisconf import lint_server_config

        for path in server_configs:
            run.findings.extend(lint_server_config(path, display_path(path), config))
        run.files += len(server_configs)
    if whole_project:
        run.findings.extend(_project_findings(kept, config, cache))
    if cache is not None:
        cache.prune()


# -- analysis -----------------------------------------------------------------

_worker: tuple[Config, ProjectIndex] | None = None  # in a worker process: the run's configuration and index


def _analyse(files: list[tuple[SourceFile, bytes | None]], config: Config, roots: list[Path],
             scan: Prefilter, jobs: int, *, facts: bool,
             finished: Callable[[int, FileResult], None]) -> None:
    """Analyse the files, handing each result to `finished` with the file's index as soon as it is known."""
    if not files:
        return  # without importing libcst
    from redis_lint.engine.linter import FileResult, project_index
    from redis_lint.semantics.project import MODELS_KEPT_BY_A_RUN

    if jobs <= 1 or len(files) <= 1:
        project = project_index(config, roots, models_kept=MODELS_KEPT_BY_A_RUN)
        scan.inform(project)
        for index, (file, data) in enumerate(files):
            finished(index, analyse(file, config, project, data=data, facts=facts))
        return
    work = [(file, data, facts) for file, data in files]
    lost = _in_workers(work, config, (roots, scan), min(jobs, len(files)), finished)
    # A worker that dies (a crash in native code, the OOM killer) breaks the pool: the files left
    # unfinished are analysed again, each in a process of its own, so that a crash costs one file.
    for index in lost:
        if _in_workers(work[index : index + 1], config, (roots, scan), 1,
                       lambda _, result, index=index: finished(index, result)):
            finished(index, FileResult(_crashed(work[index][0], config, "its process died")))


def _in_workers(work: list[tuple[SourceFile, bytes | None, bool]], config: Config,
                project: tuple[list[Path], Prefilter], workers: int,
                finished: Callable[[int, FileResult], None]) -> list[int]:
    """Hand each file's result to `finished`, in order; returns the indexes of the files whose
    worker process died."""
    import multiprocessing  # here: a run whose files are all cached or filtered out never starts one
    from concurrent.futures import ProcessPoolExecutor
    from concurrent.futures.process import BrokenProcessPool

    from redis_lint.engine.linter import FileResult

    # fork where there is one: the workers start with everything this process imported
    context = multiprocessing.get_context("fork" if sys.platform == "linux" else None)
    lost: list[int] = []
    pool = ProcessPoolExecutor(max_workers=workers, mp_context=context, initializer=_start_worker,
                               initargs=(os.getpid(), config, *project))
    try:
        with interrupt.signals_blocked():  # the workers are forked at the first submit
            futures = [pool.submit(_analyse_in_worker, job) for job in work]
        for index, (job, future) in enumerate(zip(work, futures)):
            try:
                result = future.result()
            except BrokenProcessPool:
                lost.append(index)
                continue
            except Exception as error:  # raised outside the analysis' own guard, or not picklable
                result = FileResult(_crashed(job[0], config, type(error).__name__))
            finished(index, result)
    except BaseException:  # stopped (redis_lint.engine.interrupt.Stopped): now, not after the queued files
        interrupt.stop_pool(pool)
        raise
    pool.shutdown()
    return lost


def _crashed(file: SourceFile, config: Config, why: str) -> list[Finding]:
    if PARSE_ERROR not in config.enabled_codes(file.relative):
        return []
    message = f"internal error while checking this file ({why}): please report it"
    return [Finding(file.display, 1, 1, PARSE_ERROR, message, 1, 1)]


def _start_worker(parent: int, config: Config, roots: list[Path], scan: Prefilter) -> None:
    global _worker
    interrupt.end_with_parent(parent)
    from redis_lint.engine.linter import project_index
    from redis_lint.semantics.project import MODELS_KEPT_BY_A_RUN

    project = project_index(config, roots, models_kept=MODELS_KEPT_BY_A_RUN)  # one index a worker
    scan.inform(project)
    _worker = (config, project)


def _analyse_in_worker(job: tuple[SourceFile, bytes | None, bool]) -> FileResult:
    assert _worker is not None
    file, data, facts = job
    config, project = _worker
    return analyse(file, config, project, data=data, facts=facts)


# -- project-level rules ------------------------------------------------------


def _silencing_wanted(kept: dict[str, Kept], config: Config, cache: caching.Cache | None) -> frozenset[str]:
    """What may still silence the project-level rules that would report with the facts found so far
    (redis_lint.inference.redis_calls.PINGS, CLOSES): the files holding nothing else are analysed
    only for them.  From the catalogue, and the decision from the cache on a warm run: no rule is
    imported."""
    reported = {finding.code for finding in _project_findings(kept, config, cache)}
    return frozenset(kind for code in reported if code in BY_CODE for kind in BY_CODE[code].silenced_by)


def _project_findings(kept: dict[str, Kept], config: Config, cache: caching.Cache | None) -> list[Finding]:
    """The project-level rules' findings, from every file's facts; noqa and per-file-ignores apply
    at the reported line.  The decision is cached under the facts it was made from."""
    facts = sorted((fact for result in kept.values() for fact in result.facts),
                   key=lambda f: (f.path, f.line, f.column, f.kind, f.detail))
    if not facts:
        return []
    key = caching.digest(json.dumps([list(vars(f).values()) for f in facts]).encode(), repr(config).encode())
    entry = cache.get(key) if cache is not None else None
    reported: list[Finding] | None = None
    if entry is not None and "findings" in entry:
        with contextlib.suppress(AttributeError, KeyError, TypeError, ValueError):  # broken: decided again
            reported = caching.from_entry(entry)[0]
    if reported is None:
        from redis_lint.rules import PROJECT_RULES

        reported = []
        for rule in PROJECT_RULES:
            try:
                found = list(rule.check_project(facts, config.policy))
            except Exception as error:  # a bug in one project-level rule must not cost the run
                if os.environ.get("REDIS_LINT_DEBUG"):  # check --debug (redis_lint.engine.linter.DEBUG_VARIABLE)
                    print(f"redis-lint: internal error in {rule.code}:", file=sys.stderr)
                    traceback.print_exc(file=sys.stderr)
                first = facts[0]
                message = (f"internal error while checking the project ({rule.code}, {type(error).__name__}): "
                           "please report it")
                reported.append(Finding(first.path, first.line, first.column, PARSE_ERROR, message,
                                        first.line, first.column))
                continue
            reported.extend(Finding(fact.path, fact.line, fact.column, rule.code, message, fact.end_line,
                                    fact.end_column) for fact, message in found)
        if cache is not None:
            cache.put(key, caching.to_entry(reported, [], {}, {}, {}, {}))
    return [f for f in reported
            if f.code in config.enabled_codes(config.relative(Path(f.path)))
            and not is_silenced(f.code, f.line, kept[f.path].noqa if f.path in kept else {})]
