"""The installed third-party libraries a project takes Redis values from, read as source.

A project's code holds clients that its libraries hand out: a task queue's
`Queue.connection`, a cache backend's `get_client()`, a helper's
`get_connection()`.  The analysis reads those libraries' modules the way it
reads the project's (their annotations, their returns: redis_lint.semantics.values),
from the source files in the environment's site-packages, never importing them.
It enters one only for a question about a Redis value (Reach.VALUES, CLASSES),
and only a module that can carry one: it imports a client library, or imports
from a module of its own library that can.  The client libraries themselves are
the command catalogue's, not read; nor is redis-lint.

The environment is the one a user works in: the interpreter running the linter,
the virtual environment `VIRTUAL_ENV` names (an activated one), and a `.venv` or
`venv` folder at a project root.
"""

from __future__ import annotations

import contextlib
import glob
import os
import re
import sysconfig
from collections.abc import Callable, Iterable
from functools import cached_property
from pathlib import Path

from redis_lint.semantics.libraries import CLIENT_LIBRARIES
from redis_lint.summaries.module import ModuleSummary

NOT_READ = frozenset({*CLIENT_LIBRARIES, "redis_lint"})
_CLIENT_IMPORT = re.compile(rb"^[ \t]*(?:from|import)[ \t]+(?:" + b"|".join(n.encode() for n in CLIENT_LIBRARIES)
                            + rb")\b", re.MULTILINE)
_MAX_DEPTH = 8  # imports followed inside a library to learn whether a module can carry a value


def library_roots(project_roots: Iterable[Path]) -> tuple[Path, ...]:
    """The site-packages folders of the interpreter, of `VIRTUAL_ENV`, and of a project's `.venv`."""
    paths = sysconfig.get_paths()
    candidates = [paths.get("purelib", ""), paths.get("platlib", "")]
    environments = [os.environ.get("VIRTUAL_ENV", "")]
    environments += [str(root / name) for root in project_roots for name in (".venv", "venv")]
    for environment in filter(None, environments):
        candidates += sorted(glob.glob(os.path.join(environment, "lib", "python3*", "site-packages")))
        candidates.append(os.path.join(environment, "Lib", "site-packages"))  # Windows
    found: list[Path] = []
    for candidate in candidates:
        if candidate and os.path.isdir(candidate):
            folder = Path(candidate).absolute()
            if folder not in found:
                found.append(folder)
    return tuple(found)


class InstalledLibraries:
    def __init__(self, roots: tuple[Path, ...], summary: Callable[[Path, str], ModuleSummary | None]) -> None:
        """`summary(path, package)`: a library module's summary (kept like the project's)."""
        self.roots = roots
        self._prefixes = tuple(os.path.join(str(r), "") for r in roots)
        self._summary = summary
        self._found: dict[str, Path | None] = {}
        self._carries: dict[Path, bool] = {}
        self._mentions: dict[str, bool] = {}  # top-level library -> whether a file of it imports a client library
        self.read: set[Path] = set()  # the installed modules read to decide what can carry a value

    @cached_property
    def _entries(self) -> tuple[str, ...]:
        """What the environment's folders hold, by name (packages, modules, `*.dist-info`)."""
        entries: list[str] = []
        for root in self.roots:
            with contextlib.suppress(OSError):
                entries.extend(sorted(os.listdir(root)))
        return tuple(entries)

    @cached_property
    def _installed(self) -> frozenset[str]:
        """The top-level names the environment installs (`rq`, `rq.py`'s `rq`)."""
        return frozenset(entry.removesuffix(".py") for entry in self._entries
                         if entry.isidentifier() or entry.endswith(".py"))

    @property
    def fingerprint(self) -> tuple[str, ...]:
        """The environment as it stands: its folders and what they hold (an installed or upgraded
        library changes the `*.dist-info` names), for what was decided from it to be kept by."""
        return (*(str(r) for r in self.roots), *self._entries)

    def contains(self, path: Path) -> bool:
        return str(path).startswith(self._prefixes)

    def find(self, dotted: str) -> Path | None:
        """The source file of an installed module (`rq.queue` -> .../site-packages/rq/queue.py)."""
        top = dotted.split(".", 1)[0]
        if top in NOT_READ or top not in self._installed:
            return None  # the standard library, a project module, a client library: not read
        if dotted not in self._found:
            relative = Path(*dotted.split("."))
            self._found[dotted] = next(
                (candidate for root in self.roots
                 for candidate in (root / relative.with_suffix(".py"), root / relative / "__init__.py")
                 if candidate.is_file()), None)
        return self._found[dotted]

    def module_of(self, dotted: str) -> Path | None:
        """The installed module a dotted name falls in (`rq.queue.Queue` -> rq/queue.py)."""
        parts = dotted.split(".")
        for cut in range(len(parts), 0, -1):
            path = self.find(".".join(parts[:cut]))
            if path is not None:
                return path
        return None

    def may_carry(self, path: Path, depth: int = 0) -> bool:
        """Whether an installed module can hold a Redis value: it imports a client library, or
        imports from a module of its own library that can."""
        known = self._carries.get(path)
        if known is not None:
            return known
        if depth > _MAX_DEPTH:
            return False
        self._carries[path] = False  # an import cycle: what the other modules say decides
        dotted = _dotted(path, self.roots)
        if dotted is None or not self._mentions_a_client_library(dotted.split(".", 1)[0]):
            return False  # most libraries: none of their files names one
        self.read.add(path)
        summary = self._summary(path, _package(path, dotted))
        carries = False
        if summary is not None:
            library = dotted.split(".", 1)[0]
            for source, name, _ in summary.imports:
                top = source.split(".", 1)[0]
                if top in CLIENT_LIBRARIES:
                    carries = True
                elif top == library:
                    imported = self.find(f"{source}.{name}") if name not in (None, "*") else None
                    target = imported or self.module_of(source)
                    carries = target is not None and target != path and self.may_carry(target, depth + 1)
                if carries:
                    break
        self._carries[path] = carries
        return carries

    def _mentions_a_client_library(self, library: str) -> bool:
        """Whether any file of an installed library imports a client library (read from its bytes:
        a cheap bound before any of them is read as code)."""
        known = self._mentions.get(library)
        if known is None:
            files: list[Path] = []
            for root in self.roots:
                if (root / library).is_dir():
                    files = sorted((root / library).rglob("*.py"))
                    break
                if (root / f"{library}.py").is_file():
                    files = [root / f"{library}.py"]
                    break
            known = self._mentions[library] = any(_names_a_client_library(f) for f in files)
        return known


def _names_a_client_library(path: Path) -> bool:
    """Whether a file has an import statement of a client library (a bound on its bytes, as the
    prefilter reads the project's: its summary then says what it imports)."""
    try:
        text = path.read_bytes()
    except OSError:
        return False
    return any(name.encode() in text for name in CLIENT_LIBRARIES) and _CLIENT_IMPORT.search(text) is not None


def _dotted(path: Path, roots: tuple[Path, ...]) -> str | None:
    for root in roots:
        try:
            relative = path.relative_to(root)
        except ValueError:
            continue
        parts = list(relative.with_suffix("").parts)
        if parts[-1] == "__init__":
            parts.pop()
        return ".".join(parts)
    return None


def _package(path: Path, dotted: str | None) -> str:
    if not dotted:
        return ""
    return dotted if path.name == "__init__.py" else dotted.rpartition(".")[0]
