"""Checking one file at a time, for the flake8 plugin and the language server, as the CLI would.

The adapters that are handed one file at a time (the flake8 plugin, the language
server): `check_text` checks a file's text as the CLI checks the file, with each
folder's configuration (the CLI's own lookup), and one project index, prefilter and
cache per configuration kept for every file the process checks.
"""

from __future__ import annotations

from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path
from typing import TYPE_CHECKING

from redis_lint.config import Config, ConfigError
from redis_lint.config.resolve import Configurations
from redis_lint.engine.cache import DEFAULT_FOLDER, Cache
from redis_lint.engine.file_check import FileCheck
from redis_lint.engine.prefilter import Prefilter
from redis_lint.findings import Finding
from redis_lint.semantics.layout import module_of
from redis_lint.source import PARSE_ERROR
from redis_lint.source.file import SourceFile
from redis_lint.source.reading import read_source

if TYPE_CHECKING:
    from redis_lint.semantics.project import ProjectIndex


_configurations = Configurations()  # the CLI's lookup, cached per folder for the life of the process


@dataclass(frozen=True)
class Host:
    """What differs between the adapters handed one file at a time."""

    name: str  # its results are cached under it
    applies_noqa: bool  # False: the host applies `# noqa` itself (flake8, whose --disable-noqa must work)
    # True: the text is the file on disk (flake8): excluded files are skipped, the prefilter and the
    # cache apply, and bytes Python cannot decode are reported.  False: an editor's buffer, which
    # may differ from the disk: it is analysed whatever the exclusions, unless its text can hold
    # no Redis call (Prefilter.may_find_in).
    reads_disk: bool


FLAKE8 = Host("flake8", applies_noqa=False, reads_disk=True)
EDITOR = Host("editor", applies_noqa=True, reads_disk=False)


def check_text(path: Path, text: str, *, display: str, host: Host) -> list[Finding]:
    """The findings of a file whose text the host hands over; `display`: how the host names it."""
    config = config_for(path.absolute().parent)
    if isinstance(config, ConfigError):
        return [config_problem(display, config)]
    file = SourceFile(path, display, config.relative(path), module_of(str(path.absolute()))[0])
    if not host.reads_disk:
        if not prefilter_for(config).may_find_in(path, text.encode("utf-8", "surrogatepass")):
            return []  # this text can hold no Redis call: what the CLI would say of it, at no cost
        return FileCheck(config).check(file, project_for(config), text=text, apply_noqa=host.applies_noqa)
    if config.is_excluded(file.relative):
        return []
    scan = prefilter_for(config)
    data = scan.text(path)
    if data is None:
        try:
            data = read_source(path)
        except OSError:
            data = None  # standard input, or gone: the host read the text itself
    checks = FileCheck(config, scan=scan, cache=cache_for(config, host.name))
    return checks.check(file, project_for(config), data=data, text=text, apply_noqa=host.applies_noqa)


def config_for(folder: Path) -> Config | ConfigError:
    """The configuration that applies in a folder, or why there is none."""
    try:
        return _configurations.for_folder(folder)
    except ConfigError as error:
        return error


@lru_cache(maxsize=8)
def project_for(config: Config) -> ProjectIndex:
    """One index of the project's modules per configuration, for every file this process checks."""
    from redis_lint.engine.linter import project_index

    project = project_index(config)
    prefilter_for(config).inform(project)
    return project


@lru_cache(maxsize=8)
def prefilter_for(config: Config) -> Prefilter:
    """The project's import graph, read once per process: which files can hold Redis code."""
    summaries = Cache(config.root / DEFAULT_FOLDER, salt="summaries")  # shared with the CLI's runs
    return Prefilter([config.root], client_factories=config.policy.client_factories, summaries=summaries)


@lru_cache(maxsize=8)
def cache_for(config: Config, adapter: str) -> Cache | None:
    """The cache in the project root, for results of one adapter (flake8 applies noqa itself, so its
    results are not the CLI's).  None when the project is too large to scan."""
    scan = prefilter_for(config)
    if not scan.complete:
        return None
    return Cache(config.root / DEFAULT_FOLDER, salt=f"{adapter}|{config!r}|{scan.fingerprint}")


def prepare(folder: Path) -> None:
    """Read the project of a folder's configuration now: a host that forks worker processes
    (flake8 -j) calls this first, so that its workers inherit the project read once, instead of
    each reading all of it again."""
    config = config_for(folder.absolute())
    if isinstance(config, ConfigError):
        return  # reported on each file, as check_text does
    scan = prefilter_for(config)
    if scan.analysed:  # else no file is analysed, and libcst is never imported
        scan.prepare()
        project_for(config)


def files_changed(config: Config, paths: list[Path]) -> None:
    """Files of a configuration's project changed on disk (saved in the editor, created, deleted):
    the index and the prefilter read them again; everything else they know is kept, unless the
    change moves what the prefilter decided for the whole project (a model built under other
    decisions may have left out a question they now allow)."""
    scan = prefilter_for(config)
    decided = scan.decisions
    scan.refresh(paths)
    project = project_for(config)
    if scan.decisions != decided:  # which files can hold a value or a call, or what reaches them
        project.forget_all()
    for path in paths:
        project.forget(path)
    scan.inform(project)


def config_problem(display: str, error: ConfigError) -> Finding:
    """A broken configuration, as RDS000 on the file: an adapter cannot stop its host with a message."""
    message = f"cannot use the redis-lint configuration: {error}"
    return Finding(display, 1, 1, PARSE_ERROR, message, 1, 1)
