"""The linted project's own modules, for facts that cross module boundaries.

`from .keys import PROFILE_KEY`, `from app.redis import client`, a factory
defined in another module, a client subclass imported from a sibling: the
index finds the module by name, parses it once per run (on demand, and only
when a Redis-relevant expression leads there) and hands out its model.
Module names come from the file system the way Python finds them: a
module's package is the chain of folders holding `__init__.py`.
"""

from __future__ import annotations

import builtins
import os
from collections import OrderedDict
from collections.abc import Callable, Iterator
from enum import Enum
from pathlib import Path
from typing import TYPE_CHECKING

import libcst as cst

from redis_lint.semantics.installed import InstalledLibraries, library_roots
from redis_lint.semantics.layout import calls_by_name, module_name, project_files
from redis_lint.source.reading import read_source
from redis_lint.summaries import ModuleSummary, SummaryStore
from redis_lint.summaries.module import ClassSummary

if TYPE_CHECKING:
    from redis_lint.inference.expiry import ExpiringHelpers
    from redis_lint.semantics.module_model import ModuleModel

class NotBound:
    """What `ProjectIndex.lookup` finds in a module that does not bind the name asked for."""

    def __repr__(self) -> str:
        return "NOT_BOUND"


NOT_BOUND = NotBound()


class Reach(Enum):
    """How far into the project a question may lead, by where its answer can be.

    A module that cannot hold a Redis value (ProjectIndex.may_hold_values: it imports no client
    library and no project name that can carry one) defines no client, no client class and no
    function handing one out; what it can do is store or pass on a value it is handed."""

    ANY = "any"  # keys, constants, which function a call invokes: every project module
    # a Redis value: not through an import of such a module (a value it is handed comes from its
    # callers, which are followed from the parameter, not from the module)
    VALUES = "values"
    # the class an expression holds: not into such a module at all, up class hierarchies too,
    # since no parameter is followed to its callers for it (a class is carried like a value)
    CLASSES = "classes"

# Parsed modules kept; beyond that the least recently used are parsed again if needed.  A model
# (its tree, scopes and caches) weighs about a megabyte.  An editor keeps many, to answer the next
# edit at once.  A run over a whole project keeps the modules other files' analyses follow into
# (base classes, constants: the next file asks again) and few of the files it checked and is done
# with: keeping every tree it parsed cost 183 MiB on the Redis-heavy corpus with -j 1.
MODELS_KEPT = 256
MODELS_KEPT_BY_A_RUN = 32


class ProjectIndex:
    def __init__(self, roots: tuple[Path, ...] = (), client_factories: tuple[str, ...] = (), *,
                 models_kept: int = MODELS_KEPT) -> None:
        self.client_factories = client_factories  # third-party functions known to return a client
        self.models_kept = models_kept
        self._roots: list[Path] = [r.absolute() for r in roots]
        self._models: OrderedDict[Path, ModuleModel | None] = OrderedDict()
        self._found: dict[str, Path | None] = {}
        self._sources: dict[Path, str | None] = {}  # the text each model was parsed from
        self._followed: set[Path] = set()  # modules another module's analysis followed into
        self._calls_by_name: dict[str, list[Path]] | None = None
        self._callers_seen: dict[str, frozenset[Path]] = {}  # each name's callers, as the analysis was told
        # What each module's analysis read of the rest of the project, for the cache: the module
        # files it looked into, and the names whose callers it searched for.
        self.read_modules: dict[Path, set[Path]] = {}
        self.read_callers: dict[Path, set[str]] = {}
        self.read_helpers: dict[Path, set[str]] = {}  # names whose expiring helpers it looked for
        # The files that can hold a Redis value (redis_lint.engine.prefilter), when known: questions
        # about Redis values do not enter the others, which is most of a large project.
        self.value_holders: frozenset[Path] | None = None
        # What a Redis value can reach in a file's text, by name and attribute (Prefilter.value_keys;
        # None: not known, every receiver is resolved).
        self.value_keys: Callable[[Path, str], frozenset[str] | None] | None = None
        # The modules' summaries (the prefilter's, when it ran), and the project's helpers that
        # expire a key they are handed (None: not known, every call is followed).
        self.summaries = SummaryStore()
        self._summaries: dict[Path, tuple[tuple[int, int], tuple[ModuleSummary, str]]] = {}
        # Facts derived across modules (a class's bases, up its hierarchy), for as long as every
        # model they were derived from is the one the index holds.  Keys are (what, the path of the
        # module asking, ...): what a module no other module followed into derived goes with it.
        self.across_modules: dict[tuple, object] = {}
        self.expiring_helpers: ExpiringHelpers | None = None
        # the names only Redis has that the project's classes define as methods (None: not scanned;
        # redis_lint.inference.usage.wrapped_names): no evidence of a client in this project
        self.wrapped_names: frozenset[str] | None = None
        # whether the project builds a RedisCluster or ValkeyCluster client (None: not scanned)
        self.builds_cluster: bool | None = None
        # The callers of a name as the prefilter found them in the bytes it read (None: read them here),
        # and the folders it read: its answers hold only while every module found is below them.
        self.scanned_callers: Callable[[str], list[Path]] | None = None
        self.scanned_roots: tuple[Path, ...] = ()
        self._within: tuple[tuple[int, tuple[Path, ...]], bool] | None = None  # _within_scan's last answer
        # the installed libraries a question about a Redis value may lead into (redis_lint.semantics.installed)
        self.libraries = InstalledLibraries(library_roots(self._roots), self._library_summary)

    def add_root(self, root: Path) -> None:
        root = root.absolute()
        if root not in self._roots:
            self._roots.append(root)
            self._found = {k: v for k, v in self._found.items() if v is not None}  # misses may now be found

    def model_for(self, path: Path, module: cst.Module | None = None, *, source: str | None = None,
                  replace: bool = False, by: ModuleModel | None = None) -> ModuleModel | None:
        """The model of a project file (parsed now unless `module`, parsed from `source`, is given),
        remembered for the run.

        `replace`: `module` is the text being linted right now (an editor's unsaved buffer,
        flake8's lines), which wins over whatever was read from disk before."""
        from redis_lint.semantics.module_model import ModuleModel

        path = path.absolute()
        if by is not None and by.path is not None:
            self.read_modules.setdefault(by.path, set()).add(path)
        if by is not None and by.path != path:
            self._followed.add(path)
        if path in self._models and not (replace and module is not None):
            self._models.move_to_end(path)
            return self._models[path]
        name, root = module_name(path)
        if not self.libraries.contains(path):
            self.add_root(root)  # (an installed library's folder is no root of the project's imports)
        if path in self._models:
            self._invalidate({path})  # a module parsed again (an edit): what was derived from it goes
        model = None
        if module is None:
            source, module = _parse(path)
        if module is not None:
            model = ModuleModel(module, project=self, name=name, is_package=path.name == "__init__.py", path=path,
                                source=source)
        self.read_modules[path] = set()
        self.read_callers[path] = set()
        self.read_helpers[path] = set()
        self._models[path] = model
        self._sources[path] = source
        return model

    def trim(self) -> None:
        """Between two files' analyses (never during one, which holds on to what it parsed): beyond
        `models_kept` models, the least recently used that no other module's analysis followed into
        go (files checked and done) before those that were (a base class, a module of constants,
        which the next file may ask about again)."""
        done: set[Path] = set()
        while len(self._models) > self.models_kept:
            victim = next((p for p in self._models if p not in self._followed), None)
            if victim is None:  # a module others followed into: whatever was derived may lead there
                victim = next(iter(self._models))
                self.across_modules.clear()
            del self._models[victim]
            self._sources.pop(victim, None)
            done.add(victim)
        if done:  # what they derived would keep them alive (nothing else derived anything from them)
            self.across_modules = {k: v for k, v in self.across_modules.items() if k[1] not in done}

    def forget(self, path: Path) -> None:
        """A file changed on disk: what was read or derived from it goes, and nothing else.  A module
        that appears or disappears changes what imports find: then everything is read again."""
        path = path.absolute()
        self._summaries.pop(path, None)
        self._calls_by_name = None  # read again when asked (the prefilter's callers were refreshed)
        dotted = module_name(path)[0]
        if not path.is_file() or (dotted in self._found and self._found[dotted] is None):
            self.forget_all()
        else:
            self._invalidate({path}, self._callers_changed())

    def forget_all(self) -> None:
        """Let go of every model and fact derived from them (the summaries, kept by file status, stay)."""
        self._models.clear()
        self._sources.clear()
        self.across_modules.clear()
        self._found.clear()
        self._callers_seen.clear()

    def _callers_changed(self) -> set[str]:
        """The names whose callers, as the analysis was told them, are not the same files now."""
        changed = set()
        for name, seen in self._callers_seen.items():
            now = frozenset(self._callers_of(name))
            if now != seen:
                changed.add(name)
                self._callers_seen[name] = now
        return changed

    def _invalidate(self, changed: set[Path], callers: frozenset[str] | set[str] = frozenset()) -> None:
        """Let go of the models whose analysis read a changed module (directly or through the modules
        it read) or searched for the callers of a name in `callers`, and of the facts derived from
        them; every other model and fact stays, ready for the next question (an editor re-lints
        every open file after a save)."""
        stale = set(changed)
        for held in list(self._models):
            modules, searched, _ = self.dependencies(held)
            if modules & changed or searched & callers:
                stale.add(held)
        for path in stale:
            self._models.pop(path, None)
            self._sources.pop(path, None)
        self.across_modules = {key: fact for key, fact in self.across_modules.items()
                               if key[1] not in stale and not _paths_in(fact) & stale}

    def may_hold_values(self, path: Path) -> bool:
        """Whether a file can hold a Redis value (everything can, when the prefilter did not run; an
        installed library's module, when it can carry one)."""
        path = path.absolute()
        if self.libraries.contains(path):
            return self.libraries.may_carry(path)
        return self.value_holders is None or path in self.value_holders

    def _library_summary(self, path: Path, package: str) -> ModuleSummary | None:
        try:
            return self.summaries.summary(read_source(path), package)
        except OSError:
            return None

    def cached_model(self, path: Path, source: str) -> ModuleModel | None:
        """The model already built from exactly this text (a module imported earlier in the run is
        not parsed a second time when its own turn to be linted comes)."""
        path = path.absolute()
        model = self._models.get(path)
        return model if model is not None and self._sources.get(path) == source else None

    def find(self, dotted: str) -> Path | None:
        if dotted not in self._found:
            self._found[dotted] = self._search(dotted)
        return self._found[dotted]

    def _search(self, dotted: str) -> Path | None:
        relative = Path(*dotted.split("."))
        for root in self._roots:
            for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py"):
                if candidate.is_file():
                    return candidate
        return None

    def lookup(self, qualified: str, *, by: ModuleModel,
               reach: Reach = Reach.ANY) -> tuple[ModuleModel, str] | NotBound | None:
        """`pkg.mod.NAME.attr` -> (model of pkg.mod, "NAME.attr"), for the longest prefix that is a
        project module, else (for a question about a Redis value or class) of an installed library
        (redis_lint.semantics.installed); `by` is the module whose analysis asks.  `reach`: a
        question about a Redis value or class does not enter a module that cannot hold one.
        NOT_BOUND: the module's summary says it never binds NAME (so it is not parsed to find out)."""
        parts = qualified.split(".")
        for find in (self.find, self.libraries.find) if reach is not Reach.ANY else (self.find,):
            for cut in range(len(parts) - 1, 0, -1):
                path = find(".".join(parts[:cut]))
                if path is not None:
                    if reach is not Reach.ANY and not self.may_hold_values(path):
                        return None
                    if not self._may_bind(path, parts[cut], by):
                        return NOT_BOUND
                    model = self.model_for(path, by=by)
                    return (model, ".".join(parts[cut:])) if model is not None else None
        return None

    def summary_lookup(self, qualified: str, *, by: ModuleModel) -> tuple[ModuleSummary, str, str] | None:
        """`pkg.mod.NAME.attr` -> (summary of pkg.mod, its package, "NAME.attr"), for the longest
        prefix that is a project module: `lookup`, without parsing the module."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self.find(".".join(parts[:cut]))
            if path is not None:
                found = self._summary(path, by)
                return (*found, ".".join(parts[cut:])) if found is not None else None
        return None

    def module_lookup(self, qualified: str, *, by: ModuleModel) -> tuple[Path, ModuleSummary, str, str] | None:
        """`summary_lookup`, with the module's path."""
        parts = qualified.split(".")
        for cut in range(len(parts) - 1, 0, -1):
            path = self.find(".".join(parts[:cut]))
            if path is not None:
                found = self._summary(path, by)
                return (path.absolute(), *found, ".".join(parts[cut:])) if found is not None else None
        return None

    def is_parsed(self, path: Path) -> bool:
        """Whether the module's model is at hand (asking it costs nothing more)."""
        return path in self._models

    def _summary(self, path: Path, by: ModuleModel) -> tuple[ModuleSummary, str] | None:
        """A project module's summary and package, read for the analysis of `by`."""
        path = path.absolute()
        if by.path is not None:
            self.read_modules.setdefault(by.path, set()).add(path)
        try:
            status = os.stat(path)
        except OSError:
            return None
        signature = (status.st_mtime_ns, status.st_size)
        known = self._summaries.get(path)
        if known is not None and known[0] == signature:
            return known[1]  # asked thousands of times a run: read once while the file is unchanged
        name, root = module_name(path)
        if not self.libraries.contains(path):
            self.add_root(root)  # as parsing it would
        try:
            text = read_source(path)
        except OSError:
            return None
        package = name if path.name == "__init__.py" else name.rpartition(".")[0]
        found = self.summaries.summary(text, package), package
        self._summaries[path] = (signature, found)
        return found

    def class_summary(self, model: ModuleModel, node: cst.ClassDef, *, by: ModuleModel) -> ClassSummary | None:
        """The summary of a parsed module-level class (None for a nested class, or one its module's
        summary does not describe), whether or not the index still keeps its model."""
        if model.path is None or model.index.enclosing(node, (cst.FunctionDef, cst.ClassDef)) is not None:
            return None
        found = self._summary(model.path, by)
        return found[0].classes.get(node.name.value) if found is not None else None

    def _may_bind(self, path: Path, name: str, by: ModuleModel) -> bool:
        if path.absolute() in self._models or hasattr(builtins, name):
            return True  # parsed already (asking costs nothing), or Python binds it
        found = self._summary(path, by)
        return found is None or found[0].may_bind(name)

    def may_be_expiring_helper(self, name: str, *, by: ModuleModel) -> bool:
        """Whether a function `name` that expires a key it is handed may be defined in the project
        (True when the project was not scanned)."""
        if self.expiring_helpers is None or not self._within_scan():
            return True
        if by.path is not None:
            self.read_helpers.setdefault(by.path, set()).add(name)
        return bool(self.expiring_helpers.defined(name))

    def _within_scan(self) -> bool:
        """Whether every folder modules are found in was read by the prefilter (a file linted from
        outside the project, as an editor started elsewhere may, adds the folder it is in).
        Asked for every call a rule follows: decided again only when the folders change."""
        state = (len(self._roots), self.scanned_roots)
        if self._within is None or self._within[0] != state:
            scanned = [os.path.join(str(folder), "") for folder in self.scanned_roots]
            inside = all(any(os.path.join(str(root), "").startswith(folder) for folder in scanned)
                         for root in self._roots)
            self._within = (state, inside)
        return self._within[1]

    def dependencies(self, path: Path) -> tuple[set[Path], set[str], set[str]]:
        """Every module file the analysis of `path` read, directly or through the modules it read,
        every name whose callers it searched for, and every name whose expiring helpers it looked
        for: what its findings depend on."""
        modules: set[Path] = set()
        callers: set[str] = set()
        helpers: set[str] = set()
        pending = [path.absolute()]
        while pending:
            current = pending.pop()
            if current in modules:
                continue
            modules.add(current)
            callers |= self.read_callers.get(current, set())
            helpers |= self.read_helpers.get(current, set())
            pending.extend(self.read_modules.get(current, ()))
        return modules, callers, helpers

    def files_calling(self, name: str, *, by: ModuleModel) -> list[Path]:
        """Project files whose text calls something named `name` (`name(` or `.name(`): the only
        ones worth parsing when looking for the callers of a function or class."""
        if by.path is not None:
            self.read_callers.setdefault(by.path, set()).add(name)
        found = self._callers_of(name)
        self._callers_seen[name] = frozenset(found)
        return found

    def _callers_of(self, name: str) -> list[Path]:
        if self.scanned_callers is not None and self._within_scan():
            return self.scanned_callers(name)
        if self._calls_by_name is None:
            self._calls_by_name = calls_by_name(_readable(project_files(self._roots, _MAX_FILES) or []))
        return self._calls_by_name.get(name, [])


def _paths_in(fact: object) -> set[Path]:
    """The modules a fact across modules names: a class hierarchy's ancestors (a parsed class's
    model, or a summary's path), a class known from a summary."""
    items = fact if isinstance(fact, list) else [fact]
    paths = set()
    for item in items:
        model = getattr(item, "model", None)
        path = getattr(model, "path", None) if model is not None else getattr(item, "path", None)
        if isinstance(path, Path):
            paths.add(path)
    return paths


_MAX_FILES = 20_000


def _readable(paths: list[Path]) -> Iterator[tuple[Path, bytes]]:
    for path in paths:
        try:
            yield path, read_source(path)
        except OSError:
            continue


def _parse(path: Path) -> tuple[str | None, cst.Module | None]:
    from redis_lint.source.reading import SourceError, decode_source
    from redis_lint.source.syntax import unparsable

    try:
        source = decode_source(read_source(path))
        if unparsable(source) is not None:
            return None, None
        return source, cst.parse_module(source)
    except (OSError, SourceError, cst.ParserSyntaxError, RecursionError):
        return None, None
