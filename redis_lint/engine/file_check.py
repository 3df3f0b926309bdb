"""The one way a file is checked, whichever adapter asks: ruled out, cached or analysed.

The one way a file is checked, whichever adapter asks (the CLI's runs, the flake8 plugin, the
language server): a file the prefilter rules out is only decoded (RDS000 when it cannot be), an
unchanged file's result comes from the cache, any other file is analysed and its result kept.

`FileCheck.check` does it all for one file; a run over many files (redis_lint.engine.run) calls
its steps itself, `known` and `keep` here and `analyse` in its worker processes.  Nothing here
imports libcst until a file is analysed.
"""

from __future__ import annotations

import contextlib
from dataclasses import dataclass, field
from pathlib import Path
from typing import TYPE_CHECKING

from redis_lint.config import Config
from redis_lint.engine import cache as caching
from redis_lint.engine.prefilter import Prefilter
from redis_lint.findings import Finding, LocatedFact
from redis_lint.source import PARSE_ERROR
from redis_lint.source.file import SourceFile
from redis_lint.source.reading import SourceError, decode_source

if TYPE_CHECKING:
    from redis_lint.engine.linter import FileResult
    from redis_lint.semantics.project import ProjectIndex


@dataclass
class Kept:
    """One file's result as a run keeps it (analysed now, or read from the cache)."""

    findings: list[Finding]
    facts: list[LocatedFact] = field(default_factory=list)
    noqa: dict[int, frozenset[str]] = field(default_factory=dict)


@dataclass(frozen=True)
class FileCheck:
    """How the files of one configuration are checked.  `scan`: the project's prefilter (None: no
    file is ruled out, as for an editor's buffer, which may differ from what the prefilter read);
    `cache`: where results are kept (None: nowhere); `prefilter`: False analyses every file."""

    config: Config
    scan: Prefilter | None = None
    cache: caching.Cache | None = None
    prefilter: bool = True

    def check(self, file: SourceFile, project: ProjectIndex, *, data: bytes | None = None, text: str | None = None,
              apply_noqa: bool = True) -> list[Finding]:
        """A file's findings.  `data`: its bytes on disk (None: not read); `text`: what to analyse
        when it is not `data` decoded (flake8's lines, an editor's buffer)."""
        if data is not None and text is not None and (problem := self.undecodable(file, data)):
            return problem  # flake8 decodes such a file with a latin-1 fallback: report it as the CLI does
        checked = data if text is None else text.encode("utf-8", "surrogatepass")
        if checked is not None and self.cache is not None:  # the digest is the cache's key
            file = file.read(self.digest_of(file.path, checked))
        known = self.known(file, data if text is None else None)
        if known is not None:
            return known.findings
        if (self.prefilter and self.scan is not None and self.scan.only_silences(file.path)
                and checked is not None and self.scan.text(file.path) == checked):
            # no finding of its own (in the text the scan read), and one file at a time is never a
            # run over the project
            return self.undecodable(file, data) if data is not None else []
        result = analyse(file, self.config, project, data=data, text=text, apply_noqa=apply_noqa)
        self.keep(file, result)
        return result.findings

    def digest_of(self, path: Path, data: bytes) -> str:
        """The digest of a file's bytes: the prefilter's, which it computes once a run, when it read these."""
        if self.scan is not None and self.scan.text(path) == data:
            return self.scan.digest(path)
        return caching.digest(data)

    def known(self, file: SourceFile, data: bytes | None) -> Kept | None:
        """The file's result without analysing it: ruled out by the prefilter (only `data`, its bytes
        when read, is decoded), or kept by an earlier run and still valid; None: analyse it."""
        if self.prefilter and self.scan is not None and not self.scan.may_find(file.path):
            return Kept(self.undecodable(file, data) if data is not None else [])
        if self.cache is None or self.scan is None or not file.digest:
            return None
        entry = self.cache.get(self.cache.key(file.path, file.digest))
        if entry is not None and caching.still_valid(entry, self.scan.digest, self.scan.files_calling,
                                                     self.scan.helpers_named):
            with contextlib.suppress(AttributeError, KeyError, TypeError, ValueError):  # broken: analysed again
                return Kept(*caching.from_entry(entry))
        return None

    def keep(self, file: SourceFile, result: FileResult) -> None:
        """Keep an analysed file's result, with what its analysis read of the project."""
        if self.cache is None or self.scan is None or not file.digest:
            return
        scan = self.scan
        modules = {p.as_posix(): scan.digest(p) for p in sorted(result.read_modules)}
        callers = {name: sorted(p.as_posix() for p in scan.files_calling(name)) for name in sorted(result.read_callers)}
        helpers = {name: sorted(p.as_posix() for p in scan.helpers_named(name)) for name in sorted(result.read_helpers)}
        self.cache.put(self.cache.key(file.path, file.digest), caching.to_entry(result.findings, result.facts, result.noqa, modules,
                                                         callers, helpers))

    def undecodable(self, file: SourceFile, data: bytes) -> list[Finding]:
        """RDS000 for bytes Python cannot decode: reported whatever the file holds."""
        try:
            decode_source(data)
        except SourceError as error:
            if PARSE_ERROR in self.config.enabled_codes(file.relative):
                return [Finding(file.display, 1, 1, PARSE_ERROR, str(error), 1, 1)]
        return []


def analyse(file: SourceFile, config: Config, project: ProjectIndex, *, data: bytes | None = None,
            text: str | None = None, apply_noqa: bool = True, facts: bool = False) -> FileResult:
    """The analysis of one file (libcst is imported here, on the first file analysed): of `text`
    when given, else of `data` decoded, else of the file read now."""
    from redis_lint.engine.linter import analyse_file, analyse_source

    try:
        if text is not None:
            return analyse_source(text, path=file.path, display=file.display, config=config, apply_noqa=apply_noqa,
                                  project=project, facts=facts)
        return analyse_file(file.path, config, project, data=data, facts=facts)
    finally:
        project.trim()  # between files: what this one parsed and no other follows may go
