"""Which files can produce a finding, decided from their bytes before anything is parsed.

Only a handful of files in a project touch Redis, and parsing with libcst is
the expensive part of a run, so a run first reads every file of the project
and keeps for analysis only the files that can hold a Redis value:

- a file that imports a client library (`redis`, `valkey`) or the module of a
  configured client factory;
- a file that imports from such a project module a name that can carry one
  (transitively: a module that re-exports a client, a factory or a client
  subclass); a file importing only the module's other names is not kept
  (redis_lint.inference.carriers tells which names carry a value, from the
  module's summary);
- a file that defines a class that such a file instantiates: its constructor
  may be handed a client (the dependency-injection pattern the analysis follows
  back to the callers);
- a file that calls a method only Redis has (`hset`, `zadd`, `expire`) on a
  receiver it names: that receiver may be a client known by its use
  (redis_lint.inference.usage), whatever the file imports;
- a file that may write a Redis credential (a `redis://` URL with an `@`, or the
  words "redis" and "password" in one file: redis_lint.semantics.credentials),
  which RDS701 reports where it is written.

Of the files that can hold a Redis value, only those that can hold a Redis call
are analysed (redis_lint.inference.redis_calls: a value their imports bring
reaches a call, by their flows); the others are still holders, which the
analysis of another file may ask about.

This is a conservative reading of the bytes, never the analysis: a pattern
that looks like an import inside a string only makes a file be parsed for
nothing. Files it drops are still decoded, so that undecodable files are
reported as RDS000 whatever they contain; a syntax error is only reported in
files that can matter to Redis.
"""

from __future__ import annotations

import contextlib
import os
import re
from collections import Counter
from collections.abc import Iterable
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from redis_lint.engine.cache import Cache, digest
from redis_lint.engine.snapshot import Snapshot, status_of
from redis_lint.source.reading import SourceError, decode_source, read_source
from redis_lint.semantics.installed import InstalledLibraries, library_roots
from redis_lint.semantics.libraries import CLUSTER_CLIENTS
from redis_lint.inference.carriers import ALL, Carries, carried_imports, carrier_names
from redis_lint.inference.redis_calls import counted_whatever_the_receiver, holds_redis_call
from redis_lint.inference.reexports import canonical
from redis_lint.inference.expiry import ExpiringHelpers, mentions_expiry_call
from redis_lint.inference.usage import held_by_use, may_call_redis_only, wrapped_names
from redis_lint.summaries import ModuleSummary, SummaryStore
from redis_lint.summaries.flows import ValueFlows
from redis_lint.summaries.module import LOCAL
from redis_lint.summaries.imports import absolute_module
from redis_lint.semantics.credentials import may_write_credentials
from redis_lint.semantics.libraries import is_exception, is_library_name
from redis_lint.semantics.layout import called_names, index_calls, module_name, module_of, project_file_names

if TYPE_CHECKING:
    from redis_lint.semantics.project import ProjectIndex

CLIENT_LIBRARIES = (b"redis", b"valkey")  # redis_lint.semantics.libraries.CLIENT_LIBRARIES, as bytes
_MAX_PROJECT_FILES = 50_000  # beyond this, the project is not scanned and every file is analysed
_CALLS = frozenset({"calls"})  # a holder that can hold a Redis call (Prefilter._holds)

# An import statement: `import a.b as c, d` or `from .pkg import (x, y)`; the names of a
# from-import may span lines inside parentheses.  Statements after `;` are rare: a second, slower
# pattern reads them only in files that have one.
_IMPORT_BODY = (
    rb"(?:from[ \t]+(?P<source>\.*[\w.]*)[ \t]+import[ \t]*(?P<names>\([^)]*\)|(?:[^\n;\\]|\\\r?\n)*)"
    rb"|import[ \t]+(?P<modules>(?:[^\n;\\]|\\\r?\n)+))"
)
_IMPORT = re.compile(rb"^[ \t]*" + _IMPORT_BODY, re.MULTILINE)
_IMPORT_AFTER_SEMICOLON = re.compile(rb";[ \t]*" + _IMPORT_BODY)
# a cluster client built: the class called, or its from_url
_CLUSTER_CLIENT = re.compile(rb"\b(?:" + b"|".join(sorted(n.encode() for n in CLUSTER_CLIENTS))
                             + rb")(?:\s*\.\s*from_url)?\s*\(")
_CLASS = re.compile(rb"^[ \t]*class[ \t]+(\w+)", re.MULTILINE)
# `importlib.import_module("redis")`: an import by name, as the module model reads it too
_IMPORT_MODULE = re.compile(rb"import_module\(\s*[\'\"]([\w.]+)[\'\"]\s*\)")
_INIT_WITH_PARAMETERS = re.compile(rb"def[ \t]+__init__[ \t]*\([ \t\r\n]*self[ \t\r\n]*,[ \t\r\n]*[\w*]")


@dataclass
class FileFacts:
    """What the prefilter reads from one file's bytes (kept between runs by redis_lint.engine.snapshot)."""

    imports: set[str] = field(default_factory=set)  # absolute dotted module names of its `import` statements
    from_imports: set[tuple[str, str]] = field(default_factory=set)  # (absolute module, imported name)
    imports_library: bool = False
    injectable_classes: set[bytes] = field(default_factory=set)  # classes, when one has an __init__ with parameters
    text: bytes | None = None  # None: known from the snapshot, not read in this run (read when needed)
    in_roots: bool = True  # its import root is at or below a project root (else its imports were not read)
    package: str = ""  # the package its relative imports start from
    module: str = ""  # its dotted module name ("" when it has none)
    digest: str = ""  # of its bytes
    called: frozenset[str] | None = None  # the names it calls (redis_lint.semantics.layout.called_names)
    expiry_call: bool = False  # it calls an EXPIRE-family command (redis_lint.inference.expiry)
    decodes: bool = True  # Python can decode its bytes
    credentials: bool = False  # it may write a Redis credential (redis_lint.semantics.credentials)
    builds_cluster: bool = False  # it may build a RedisCluster or ValkeyCluster client (RDS603)

    @property
    def may_call_redis_only(self) -> bool:
        """It may call (or define) a method only Redis has (redis_lint.inference.usage)."""
        return bool(self.called) and may_call_redis_only(self.called)  # type: ignore[arg-type]

    def to_entry(self) -> list:
        return [sorted(self.imports), sorted(self.from_imports), self.imports_library,
                sorted(c.decode("latin-1") for c in self.injectable_classes), self.in_roots, self.package,
                self.module, self.digest, sorted(self.called or ()), self.expiry_call, self.decodes,
                self.credentials, self.builds_cluster]

    @classmethod
    def from_entry(cls, entry: list) -> FileFacts:
        (imports, from_imports, imports_library, injectable, in_roots, package, module, file_digest, called,
         expiry_call, decodes, credentials, builds_cluster) = entry
        return cls(set(imports), {(m, n) for m, n in from_imports}, imports_library,
                   {c.encode("latin-1") for c in injectable}, None, in_roots, package, module, file_digest,
                   frozenset(called), expiry_call, decodes, credentials, builds_cluster)


class Prefilter:
    """One project's import graph, read from bytes; `may_find(path)` says whether to analyse a file.

    Files are kept under their absolute paths as strings (what `str(path.absolute())` gives): a
    project of thousands of files pays for no `Path` per file."""

    def __init__(self, roots: Iterable[Path], *, client_factories: tuple[str, ...] = (),
                 summaries: Cache | None = None) -> None:
        """`summaries`: where the modules' summaries are kept by the digest of their text, and what
        this scan read of each file by the file's status (redis_lint.engine.snapshot)."""
        self.summaries = SummaryStore(summaries)
        self._factory_modules = {f.rpartition(".")[0] for f in client_factories if "." in f}
        self.roots = sorted({r.absolute() for r in roots})
        self._root_prefixes = [_as_folder(str(r)) for r in self.roots]
        # the installed libraries whose modules can carry a value into the project's
        self.libraries = InstalledLibraries(library_roots(self.roots), self._library_summary)
        self._library_answers: dict[tuple[str, str | None], bool] = {}
        files = project_file_names([str(r) for r in self.roots], _MAX_PROJECT_FILES)
        self.complete = files is not None  # False: too many files to scan, keep everything
        self._facts: dict[str, FileFacts] = {}
        self._module_files: dict[str, str] = {}
        self._digests: dict[str, str] = {}
        self._callers: dict[str, list[Path]] = {}
        self._calls_by_name: dict[str, list[str]] | None = None
        self._carrying: dict[str, set[str] | None] = {}  # holder -> its names that carry a value (ALL: all)
        self._fed_by_imports_only: set[str] = set()
        self._only_silencing: dict[str, frozenset[str]] = {}  # Prefilter.only_silences
        self._handed: set[bytes] | None = set()  # the names holders call with what may be a value
        snapshot = (Snapshot(summaries, summaries.content_key(
            b"scan", *(os.fsencode(r) for r in self._root_prefixes), *(f.encode() for f in client_factories),
            *(os.fsencode(p) for p in files))) if summaries is not None and files is not None else None)
        for path in files or ():
            status = status_of(path) if snapshot is not None else None
            known = snapshot.facts(path, status) if snapshot is not None else None
            if known is not None:
                with contextlib.suppress(AttributeError, TypeError, ValueError):  # a broken entry: the file is read
                    self._restore(path, FileFacts.from_entry(known))
                    continue
            facts = self._add(path)
            if snapshot is not None and facts is not None:
                snapshot.keep(path, status, facts.to_entry())
        if snapshot is not None:
            snapshot.save()
        self._cache = summaries
        self._decisions_key = b"decisions", *(os.fsencode(r) for r in self._root_prefixes), \
            *(f.encode() for f in client_factories), b"\0", *(os.fsencode(e) for e in self.libraries.fingerprint)
        self._decide()

    def _decide(self) -> None:
        """What follows from the files read: which can hold a Redis value, and the indexes built on demand.
        Decided once for the files' contents: a run on an unchanged project reads what the last one decided."""
        holders, analysed = self._decided() if self.complete else (set(), set())
        self.relevant = {Path(p) for p in holders}  # the files that can hold a Redis value
        self._relevant_names = holders
        self.analysed = {Path(p) for p in analysed}  # those of them that can hold a Redis call
        self._analysed_names = analysed
        # Everything the analysis is told of the whole project (redis_lint.semantics.project): an
        # edit that changes none of it changes only what was read of the edited file.
        self.decisions = digest(*(os.fsencode(p) for p in sorted(holders)), b"\0",
                                *(os.fsencode(p) for p in sorted(analysed)), b"\0",
                                *(os.fsencode(p) for p in sorted(self._fed_by_imports_only)), b"\0",
                                *(os.fsencode(f"{p}:{'*' if names is ALL else ','.join(sorted(names))}")
                                  for p, names in sorted(self._carrying.items())))
        self._callers = {}
        self._calls_by_name = None
        # None when the project was not scanned: no file can then be ruled out
        self.expiring_helpers = ExpiringHelpers([p for p, f in self._facts.items() if f.expiry_call],
                                                self._summary_of) if self.complete else None

    def _decided(self) -> tuple[set[str], set[str]]:
        """`_relevant()`, or what it said last for the same roots, client factories and files' contents."""
        if self._cache is None:
            return self._relevant()
        key = self._cache.content_key(*self._decisions_key, *(
            part for path, facts in self._facts.items() for part in (os.fsencode(path), facts.digest.encode())))
        entry = self._cache.get(key)
        if entry is not None:
            with contextlib.suppress(AttributeError, KeyError, TypeError, ValueError):  # a broken entry: decided again
                holders, analysed = set(entry["holders"]), set(entry["analysed"])
                self._fed_by_imports_only = set(entry["fed_by_imports_only"])
                self._carrying = {path: ALL if names is None else set(names) for path, names in entry["carrying"].items()}
                self._only_silencing = {path: frozenset(kinds) for path, kinds in entry["only_silencing"].items()}
                handed = entry["handed"]
                self._handed = None if handed is None else {name.encode("latin-1") for name in handed}
                # decided from installed libraries too: the same only while their modules are
                if all(self.digest(path) == known for path, known in entry["libraries"].items()):
                    return holders, analysed
        holders, analysed = self._relevant()
        self._cache.put(key, {"holders": sorted(holders), "analysed": sorted(analysed),
                             "fed_by_imports_only": sorted(self._fed_by_imports_only),
                             "carrying": {path: None if names is ALL else sorted(names)
                                          for path, names in self._carrying.items()},
                             "only_silencing": {path: sorted(kinds) for path, kinds in self._only_silencing.items()},
                             "handed": None if self._handed is None else sorted(n.decode("latin-1") for n in self._handed),
                             "libraries": {path.as_posix(): self.digest(path) for path in sorted(self.libraries.read)}})
        return holders, analysed

    def refresh(self, paths: Iterable[Path]) -> None:
        """Files changed, appeared or disappeared (an editor saved them): read them again and decide
        anew.  The other files' bytes and every module's summary are kept; the decisions over the
        whole project, which cost a fraction of reading it, are made again."""
        if not self.complete:
            return
        for path in paths:
            key = _absolute(path)
            self._facts.pop(key, None)
            self._digests.pop(key, None)
            self._module_files = {name: file for name, file in self._module_files.items() if file != key}
            if key.endswith(".py") and os.path.isfile(key) and any(_as_folder(key).startswith(r) for r in self._root_prefixes):
                self._add(key)
        self._decide()

    @property
    def fingerprint(self) -> str:
        """Which files the project has, and which of them can hold a Redis value: a module that
        appears or disappears changes what imports find, and a question about a Redis value does
        not enter a module that cannot hold one (which a module comes to, or stops, through an edit
        of another file), and the installed libraries an analysis may read (another environment)."""
        holders = sorted(os.fsencode(p) for p in self._relevant_names)
        libraries = [os.fsencode(e) for e in self.libraries.fingerprint]
        return digest(*(os.fsencode(p) for p in self._facts), b"\0", *holders, b"\0", *libraries)  # files as scanned

    def text(self, path: Path | str) -> bytes | None:
        """A project file's bytes, read once a run (None: not a file of the scanned project, or gone)."""
        key = _absolute(path)
        facts = self._facts.get(key)
        if facts is None:
            return None
        if facts.text is None:  # known from the snapshot: read now
            try:
                text = read_source(key)
            except OSError:
                return None
            if digest(text) != facts.digest:  # changed since its status was read: what it says now
                self._facts.pop(key)
                self._digests.pop(key, None)
                added = self._add(key)
                return added.text if added is not None else None
            facts.text = text
        return facts.text

    def scanned(self, path: Path) -> bool:
        """Whether the file is one of the scanned project's (its digest is known without reading it)."""
        return _absolute(path) in self._facts

    def decodes(self, path: Path) -> bool:
        """Whether Python can decode a project file's bytes (True when the scan did not read it)."""
        facts = self._facts.get(_absolute(path))
        return facts is None or facts.decodes

    def digest(self, path: Path | str) -> str:
        """The digest of a file's bytes ("" when it cannot be read)."""
        # entries name their modules by absolute posix paths: used as they are, without a Path
        key = path if isinstance(path, str) and os.path.isabs(path) and os.sep == "/" else _absolute(Path(path))
        known = self._digests.get(key)
        if known is not None:
            return known
        facts = self._facts.get(key)
        if facts is not None:  # the project's files are read once a run: their digest too
            known = self._digests[key] = facts.digest
            return known
        try:
            return digest(read_source(Path(key)))
        except OSError:
            return ""

    def files_calling(self, name: str) -> list[Path]:
        """The project's files that call `name`, found the way ProjectIndex.files_calling finds them."""
        callers = self._callers.get(name)
        if callers is None:
            if self._calls_by_name is None:
                self._calls_by_name = index_calls((path, facts.called or frozenset()) for path, facts in self._facts.items())
            callers = self._callers[name] = [Path(p) for p in self._calls_by_name.get(name, [])]
        return list(callers)

    def prepare(self) -> None:
        """Build now what is otherwise built on the first question (the callers of each name, the
        expiring helpers), when some file can hold a Redis value and so may ask."""
        if self.relevant:
            self.files_calling("__init__")
            if self.expiring_helpers is not None:
                self.expiring_helpers.defined("__init__")

    def inform(self, project: ProjectIndex) -> None:
        """Hand the analysis what the scan found: where Redis values can be, the modules' summaries,
        the callers of each name and the project's expiring helpers."""
        project.value_holders = frozenset(self.relevant) if self.complete else None
        project.value_keys = self.value_keys if self.complete else None
        project.scanned_callers = self.files_calling if self.complete else None
        project.scanned_roots = tuple(self.roots)
        project.summaries = self.summaries
        project.expiring_helpers = self.expiring_helpers
        project.wrapped_names = self._wrapped_names() if self.complete else None
        project.builds_cluster = self.builds_cluster if self.complete else None
        if project.libraries.roots == self.libraries.roots:
            project.libraries = self.libraries  # what the scan learnt of them is not learnt again

    @cached_property
    def builds_cluster(self) -> bool:
        """Whether a file of the project that imports a client library, not a test, builds a cluster
        client (calls the class, or its from_url): the project runs on Redis Cluster (RDS603)."""
        return any(f.imports_library and f.builds_cluster for f in self._facts.values())

    def _wrapped_names(self) -> frozenset[str]:
        """The names only Redis has that the project's classes define as methods (redis_lint.inference.usage)."""
        return frozenset().union(*(wrapped_names(self._summary_of(path)) for path, facts in self._facts.items()
                                   if facts.may_call_redis_only))

    def helpers_named(self, name: str) -> list[Path]:
        """The project's files defining a helper `name` that expires a key it is handed (none when
        the project was not scanned: entries are then not kept)."""
        return self.expiring_helpers.defined(name) if self.expiring_helpers is not None else []

    def only_silences(self, path: Path) -> frozenset[str]:
        """What a file the analysis is given holds, when it holds nothing but what the project-level
        rules count whatever the receiver (redis_lint.inference.redis_calls.PINGS: a `ping()`, CLOSES:
        a close in a shutdown hook, in a module importing a client library), which only ever silences
        them: it has no finding of its own, and a run over the project analyses it only when a rule
        it may silence would report (redis_lint.engine.run).  Empty for every other file."""
        return self._only_silencing.get(_absolute(path), frozenset()) if self.complete else frozenset()

    def may_find_in(self, path: Path, data: bytes) -> bool:
        """`may_find` for a file's text that may not be what the scan read (an editor's buffer), and
        False too for a file that holds only what silences a project-level rule (one file at a time
        never runs them).  The scan's answer for the bytes it read; for other bytes, whether they
        can hold a Redis value at all: the file could (or its new text imports a client library, or
        a name of the project that can carry a value, or is a configured factory's module), or it
        defines a class that others may hand a value to.  More than a scan of that text would keep,
        never less: an edited file that cannot hold a Redis value has no finding."""
        if not self.complete:
            return True
        key = _absolute(path)
        known = self._facts.get(key)
        if known is None or not known.in_roots:
            return True  # not a file the scan read, or one whose imports it could not follow
        if digest(data) == known.digest:
            return self.may_find(path) and not self.only_silences(path)
        facts = self._read(key, data)
        handed = self._handed
        if facts.injectable_classes and (handed is None or facts.injectable_classes & handed):
            return True  # a holder may hand one of its classes a value
        if facts.module and self._is_client_module(facts.module):
            return True  # a configured factory's module
        if facts.credentials or facts.may_call_redis_only and held_by_use(ValueFlows.read(data)):
            return True  # a Redis credential may be written in it, or a receiver is known by its use
        if not (key in self._relevant_names or facts.imports_library or self._imports_carrier(facts, self._carries)):
            return False  # no value can reach it
        if handed is None:
            return True  # a holder the scan could not read: every holder may be handed a value
        flows = ValueFlows.read(data)  # a value can reach it: can it reach a call?
        return holds_redis_call(flows, carried_imports(ModuleSummary.read(data, facts.package), self._carries))

    def may_find(self, path: Path) -> bool:
        """False only for a file of the scanned project that cannot hold a Redis call.  A file
        whose modules live outside the project root is always analysed: its imports were not read."""
        if not self.complete:
            return True
        key = _absolute(path)
        facts = self._facts.get(key)
        return facts is None or not facts.in_roots or key in self._analysed_names

    # -- reading -------------------------------------------------------------

    def _restore(self, path: str, facts: FileFacts) -> None:
        """A file known from the snapshot, as `_add` would have read it."""
        if facts.module:
            self._module_files.setdefault(facts.module, path)
        self._facts[path] = facts

    def _add(self, path: str) -> FileFacts | None:
        try:
            text = read_source(path)  # not a FIFO: it would block
        except OSError:
            return None  # the linter reports it when it reads the file itself
        facts = self._read(path, text)
        if facts.module:
            self._module_files.setdefault(facts.module, path)
        self._facts[path] = facts
        return facts

    def _read(self, path: str, text: bytes) -> FileFacts:
        """What the scan reads of a file's bytes."""
        name, root = module_of(path)
        package = name if os.path.basename(path) == "__init__.py" else name.rpartition(".")[0]
        facts = FileFacts(text=text, in_roots=any(_as_folder(root).startswith(r) for r in self._root_prefixes),
                          module=name, digest=digest(text), called=called_names(text),
                          expiry_call=mentions_expiry_call(text), decodes=_decodes(text),
                          credentials=may_write_credentials(text),
                          builds_cluster=b"Cluster" in text and _CLUSTER_CLIENT.search(text) is not None
                          and not _is_test(path))
        text = text.removeprefix(b"\xef\xbb\xbf")  # a UTF-8 BOM before `import redis` on the first line
        if _INIT_WITH_PARAMETERS.search(text):
            facts.injectable_classes = set(_CLASS.findall(text))
        if b"import_module" in text:
            facts.imports.update(m.decode("ascii") for m in _IMPORT_MODULE.findall(text))
        matches = _imports(text)
        if b";" in text:
            matches.extend(_IMPORT_AFTER_SEMICOLON.finditer(text))
        for match in matches:
            if match["modules"] is not None:
                facts.imports.update(_split_names(match["modules"]))
                continue
            source = _absolute_module(match["source"].decode("ascii", "replace"), package)
            if source is not None:
                facts.from_imports.update((source, n) for n in _split_names(match["names"]))
        facts.package = package
        facts.imports_library = (any(self._is_client_module(m) for m in facts.imports)
                                 or any(self._carries_from_library(m, n) for m, n in facts.from_imports))
        return facts

    # -- deciding ------------------------------------------------------------

    def _relevant(self) -> tuple[set[str], set[str]]:
        """The files that can hold a Redis value, and those of them that can hold a Redis call."""
        importers: dict[str, set[str]] = {}  # module file -> files that import it
        imported: dict[str, set[str]] = {}  # file -> project module files it imports
        for path, facts in self._facts.items():
            targets = self._imported_files(facts)
            imported[path] = targets
            for target in targets:
                importers.setdefault(target, set()).add(path)
        carrying = self._holders(importers)
        # A file that calls a method only Redis has on a receiver it names may hold a client known
        # by its use (redis_lint.semantics.usage), whatever it imports.
        by_use = {path for path, facts in self._facts.items()
                  if facts.may_call_redis_only and path not in carrying and self._held_by_use(path)}
        holders = set(carrying)
        # The classes a holder instantiates from project modules it imports may be handed a client
        # through their constructors: those modules are analysed too.  (Their importers are not:
        # a client reaches them only through an instance, from a holder they import.)  A call hands
        # a value only through its arguments: one whose arguments mention only names that cannot
        # carry one (constants, other imports, builtins) hands none.
        candidates = {path: {t: self._facts[t].injectable_classes for t in imported[path] - holders}
                      for path in holders}
        injected: set[str] = set()
        handed: dict[str, set[bytes]] = {}  # holder -> the names it calls with what may be a Redis value
        unread: list[str] = []  # holders whose summary cannot tell: every class they call counts
        for path in holders:
            summary = self._summary_of(path)
            names = carrying[path]
            if names is ALL or not summary.readable:
                unread.append(path)
                continue
            handed[path] = {called.encode() for called, mentioned in summary.call_arguments.items()
                            if LOCAL in mentioned or mentioned & names}
            injected.update(t for t, defined in candidates[path].items() if defined & handed[path])
        # One pattern for the classes of every such holder's candidates: a name matches where it alone
        # is called, so what it finds in a holder, kept to that holder's classes, is what a pattern
        # of its own would find (and compiling a pattern per holder costs more than the search).
        classes = set().union(*(c for path in unread for c in candidates[path].values()))
        pattern = _called(classes) if classes else None
        for path in unread:
            called = set(pattern.findall(self.text(path) or b"")) if pattern is not None else set()
            injected.update(t for t, defined in candidates[path].items() if defined & called)
        # A holder's own calls are known from its flows; but a client may also reach it through a
        # constructor of its classes that another holder calls (by name, through any import).
        handers = Counter(name for names in handed.values() for name in names)  # name -> how many holders
        self._handed = None if unread else set(handers)  # Prefilter.may_find_in (None: any name may be)
        fed = {path for path in holders if unread or any(handers[c] > (c in handed.get(path, ()))
                                                          for c in self._facts[path].injectable_classes)}
        # the holders in which a value comes only from what their own imports bring
        self._fed_by_imports_only = {path for path in holders - fed if not self._factory_module(path)}
        holding = {path: self._holds(path) for path in holders - fed}
        calling = fed | {path for path, holds in holding.items() if holds is not None}
        self._only_silencing = {path: holds for path, holds in holding.items()
                                if holds is not None and holds is not _CALLS and path not in injected}
        # A file that may write a Redis credential is analysed for RDS701, whatever else it holds.
        secrets = {path for path, facts in self._facts.items() if facts.credentials}
        return holders | injected | by_use, calling | injected | by_use | secrets

    def value_keys(self, path: Path, text: str) -> frozenset[str] | None:
        """What a Redis value can reach in a file's text (the keys of redis_lint.summaries.flows:
        its names and attributes), from what its imports bring; None when a value may come another
        way (a constructor other modules call, a configured factory, an import of everything), the
        file is not one the scan found able to hold one, or the text is not what the scan read
        (an editor's buffer: reading it again would cost more than it spares).  The analysis need
        not ask what a call's receiver is when the receiver mentions none of them."""
        key = _absolute(path)
        if not self.complete or key not in self._fed_by_imports_only or digest(text.encode()) != self.digest(key):
            return None
        flows = self.summaries.flows(lambda: self.text(key) or b"", self._facts[key].digest)
        carried = carried_imports(self._summary_of(key), self._carries)
        if not flows.readable or "*" in carried:
            return None
        return flows.reached(carried)

    def _held_by_use(self, path: str) -> bool:
        facts = self._facts[path]
        return held_by_use(self.summaries.flows(lambda: self.text(path) or b"", facts.digest))

    def _factory_module(self, path: str) -> bool:
        """A configured client factory's module: its own calls of the factory count."""
        module = self._facts[path].module
        return bool(module) and self._is_client_module(module)

    def _holds(self, path: str) -> frozenset[str] | None:
        """What a holder can hold: _CALLS (a Redis call), or only what the project-level rules count
        whatever the receiver (redis_lint.inference.redis_calls.PINGS, CLOSES), or None: nothing."""
        facts = self._facts[path]
        if self._factory_module(path) or (facts.may_call_redis_only and self._held_by_use(path)):
            return _CALLS
        flows = self.summaries.flows(lambda: self.text(path) or b"", facts.digest)
        summary = self._summary_of(path)
        if holds_redis_call(flows, carried_imports(summary, self._carries)):
            return _CALLS
        imports_library = any(is_library_name(module) for module, _, _ in summary.imports)
        counted = counted_whatever_the_receiver(flows, imports_library=imports_library,
                                                closes_elsewhere=lambda local: self._closes_something(summary, local))
        return counted or None

    def _closes_something(self, summary: ModuleSummary, local: str) -> bool:
        """Whether a name a module's from-imports bind is a function of the project (where it is
        defined, through re-exports) that calls a close method."""
        for module, name, bound in summary.imports:
            if bound != local or name in (None, "*"):
                continue
            found = self._summary_lookup(canonical(f"{module}.{name}", self._summary_lookup))
            if found is not None and (not found[0].readable or found[2] in found[0].closing):
                return True
        return False

    def _summary_lookup(self, qualified: str) -> tuple[ModuleSummary, str, str] | None:
        """`pkg.mod.NAME` -> (summary of pkg.mod, its package, "NAME") for the longest prefix that is
        a module of the project (redis_lint.inference.reexports.SummaryLookup)."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self._module_files.get(".".join(parts[:cut]))
            if path is not None:
                return self._summary_of(path), self._facts[path].package, ".".join(parts[cut:])
        return None

    def _holders(self, importers: dict[str, set[str]]) -> dict[str, set[str] | None]:
        """Files that can hold a Redis value, with their module-level names that can carry one (ALL:
        every name): those importing a client library, and, transitively, those importing from the
        project a name that can carry one (redis_lint.inference.carriers).  A file that imports
        only a holder's other names is not one."""
        carrying = self._carrying = {}  # holder -> its names that carry a value (ALL: all), as found so far
        carries = self._carries
        # importing a client library, or what an installed library hands out (`from rq import Queue`)
        pending = [p for p, f in self._facts.items() if f.imports_library or self._imports_carrier(f, carries)]
        while pending:
            path = pending.pop()
            names = carrier_names(self._summary_of(path), carries)
            if path in carrying and carrying[path] == names:
                continue
            carrying[path] = names  # new, or more names: its importers are read again
            pending.extend(i for i in importers.get(path, ()) if self._imports_carrier(self._facts[i], carries))
        return carrying

    def _carries(self, module: str, name: str | None) -> bool:
        """Whether `from module import name` (`import module` for None) brings in what can carry a
        Redis value, by the holders found so far (redis_lint.inference.carriers.Carries)."""
        carrying = self._carrying
        if self._is_client_module(module):
            return name is None or not _library_exception(module, name)
        if name is not None and (submodule := self._module_files.get(f"{module}.{name}")) is not None:
            return submodule in carrying  # `from app import cache`: a module, whatever it holds
        target = self._module_files.get(module)
        if target is None:  # not a project module by that name: read as the one it falls in
            target = self._longest_module(module)
            if target is None:  # an installed library's (redis_lint.semantics.installed)
                return self._library_carries(module, name)
            return target in carrying
        if target not in carrying:
            return False
        names = carrying[target]
        return name is None or names is ALL or name in names

    def _library_carries(self, module: str, name: str | None) -> bool:
        """Whether `from module import name` brings in what an installed library's module can carry."""
        known = self._library_answers.get((module, name))
        if known is None:
            path = (self.libraries.find(f"{module}.{name}") if name not in (None, "*") else None) \
                or self.libraries.module_of(module)
            known = self._library_answers[module, name] = path is not None and self.libraries.may_carry(path)
        return known

    def _library_summary(self, path: Path, package: str) -> ModuleSummary | None:
        try:
            return self.summaries.summary(read_source(path), package)
        except OSError:
            return None

    def _summary_of(self, path: str) -> ModuleSummary:
        """A project file's summary: from the cache by its digest, else read from its bytes."""
        facts = self._facts[path]
        return self.summaries.summary(lambda: self.text(path) or b"", facts.package, facts.digest)

    @staticmethod
    def _imports_carrier(facts: FileFacts, carries: Carries) -> bool:
        """Whether a file's imports (as its bytes read) bring in a name that can carry a value."""
        return any(carries(m, None) for m in facts.imports) or any(carries(m, n) for m, n in facts.from_imports)

    def _is_client_module(self, module: str) -> bool:
        """`redis`, `valkey.asyncio`, or the module of a configured client factory (or its package)."""
        return (module.split(".", 1)[0].encode() in CLIENT_LIBRARIES
                or any(f == module or f.startswith(f"{module}.") or module.startswith(f"{f}.")
                       for f in self._factory_modules))

    def _carries_from_library(self, module: str, name: str) -> bool:
        """Whether `from module import name` brings in what can carry a Redis value from a client
        library (or a client factory's module): anything of it but the library's exceptions."""
        return self._is_client_module(module) and not _library_exception(module, name)

    def _imported_files(self, facts: FileFacts) -> set[str]:
        """The project files whose names a file's imports bind: for `import a.b` the module a.b,
        for `from a import b` the module a.b if there is one, else a (where b is defined)."""
        files = {self._longest_module(name) for name in facts.imports}
        for source, name in facts.from_imports:
            files.add(self._module_files.get(f"{source}.{name}" if source else name) or self._longest_module(source))
        files.discard(None)
        return files  # type: ignore[return-value]

    def _longest_module(self, dotted: str) -> str | None:
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            path = self._module_files.get(".".join(parts[:cut]))
            if path is not None:
                return path
        return None


def _is_test(path: str) -> bool:
    """A test module (under tests/ or test/, test_*.py, *_test.py, conftest.py): a project's tests
    build clients of every kind to test them, and say nothing of where the application runs."""
    folder, name = os.path.split(path)
    parts = set(folder.replace("\\", "/").split("/"))
    return bool(parts & {"tests", "test"}) or name.startswith("test_") or name.endswith("_test.py") or name == "conftest.py"


def _imports(text: bytes) -> list[re.Match[bytes]]:
    """`_IMPORT.finditer(text)`, tried only at the starts of lines that hold `import`: a pattern
    anchored at line starts is otherwise tried at every byte of the file."""
    matches = []
    end = 0  # where the last match ended: finditer goes on from there
    tried = -1  # the last line start tried
    find = text.find
    at = find(b"import")
    while at >= 0:
        start = text.rfind(b"\n", 0, at) + 1
        if start > tried and start >= end:
            tried = start
            match = _IMPORT.match(text, start)
            if match is not None:
                matches.append(match)
                end = match.end()
        at = find(b"import", at + 6)
    return matches


def _absolute(path: Path) -> str:
    """`str(path.absolute())`, without building another Path."""
    text = os.fspath(path)
    return text if os.path.isabs(text) else os.path.join(os.getcwd(), text)


def _as_folder(path: str) -> str:
    return path if path.endswith(os.sep) else path + os.sep


def project_roots(paths: Iterable[Path], configured_root: Path | None) -> list[Path]:
    """The folders whose files make up the project: the configuration's folder when there is a
    configuration file, else the import root of each linted path (not the working directory,
    which may hold anything)."""
    if configured_root is not None:
        return [configured_root]
    roots = set()
    for path in paths:
        if path.is_dir():
            roots.add(module_name(path / "__init__.py")[1] if (path / "__init__.py").is_file() else path.absolute())
        else:
            roots.add(module_name(path)[1])
    return sorted(roots)


def _called(names: set[bytes]) -> re.Pattern[bytes]:
    """A pattern for calls of any of `names` (`Name(` or `.Name(`)."""
    return re.compile(rb"\b(" + b"|".join(re.escape(n) for n in sorted(names)) + rb")\s*\(")


def _library_exception(module: str, name: str) -> bool:
    """`from redis.exceptions import ConnectionError`, `from redis import RedisError`: an exception
    holds no connection (a client factory's module is not a library's: its names all count)."""
    return is_library_name(module) and is_exception(module, name)


def _decodes(text: bytes) -> bool:
    if text.isascii():
        return True
    try:
        decode_source(text)
    except SourceError:
        return False
    return True


def _split_names(raw: bytes) -> list[str]:
    """`a.b as c, d` or `(x,\\n y as z)` -> "a.b", "d" / "x", "y"."""
    text = raw.decode("ascii", "replace")
    if "\\" in text:
        text = text.replace("\\", " ")
    names = []
    for part in text.strip("() \t\r\n").split(","):
        if "#" in part:
            part = part.split("#", 1)[0]
        words = part.split()
        if words:
            first = words[0]
            if first.isidentifier() or (first != "*" and all(c.isidentifier() for c in first.split("."))):
                names.append(first)
    return names


def _absolute_module(source: str, package: str) -> str | None:
    """A from-import's module as written (`..keys`), as an absolute name (in `app.sub`: `app.keys`)."""
    dots = len(source) - len(source.lstrip("."))
    return absolute_module(source[dots:], dots, package)
