"""Where a project's modules live: module names from folders, and the project's Python files.

Kept free of libcst: the prefilter and the cache use it before anything is parsed.  The
functions on strings (`module_of`, `project_file_names`) are what a run over thousands of files
uses: a `pathlib.Path` per file costs more than reading the file."""

from __future__ import annotations

import os
import re
from collections import defaultdict
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path
from typing import TypeVar

# Folders that never hold the project's own code.
EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".venv", "venv", ".tox", ".nox", ".eggs",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".redis_lint_cache", "node_modules",
    "site-packages", "__pypackages__", "build", "dist",
})
PYTHON_SUFFIXES = (".py", ".pyi")


def module_name(path: Path) -> tuple[str, Path]:
    """(dotted module name, import root) of a Python file: `root/pkg/sub/mod.py` -> ("pkg.sub.mod", root).
    A module's package is the chain of folders holding `__init__.py`, as Python finds it."""
    name, root = module_of(str(path.absolute()))
    return name, Path(root)


def module_of(path: str) -> tuple[str, str]:
    """`module_name` of an absolute path, on strings."""
    folder, file = os.path.split(path)
    package, root = _package_of(folder)
    if file == "__init__.py":
        return package, root
    module = file.rsplit(".", 1)[0]
    return (f"{package}.{module}" if package else module), root


@lru_cache(maxsize=4096)
def _package_of(folder: str) -> tuple[str, str]:
    """(dotted package name, import root) of the modules in a folder ("" when it is no package)."""
    parent, name = os.path.split(folder)
    if parent == folder or not os.path.isfile(os.path.join(folder, "__init__.py")):
        return "", folder
    package, root = _package_of(parent)
    return (f"{package}.{name}" if package else name), root


def is_skipped_dir(directory: str, name: str) -> bool:
    """A folder below a project root that holds no project code: VCS, caches, builds, virtualenvs."""
    return (name in EXCLUDED_DIRS or name.startswith(".") or name.endswith(".egg-info")
            or os.path.exists(os.path.join(directory, name, "pyvenv.cfg")))


def project_files(roots: list[Path], limit: int) -> list[Path] | None:
    """Every Python file below the roots (sorted), or None when there are more than `limit`."""
    names = project_file_names([str(r) for r in roots], limit)
    return None if names is None else [Path(n) for n in names]


def project_file_names(roots: list[str], limit: int) -> list[str] | None:
    """`project_files` on strings, in the order of `sorted(project_files(...))` (pathlib's, by parts)."""
    files: set[str] = set()
    pending = list(roots)
    while pending:  # os.walk without following symlinked folders, on os.scandir's entries
        directory = pending.pop()
        try:
            with os.scandir(directory) as entries:
                for entry in entries:
                    if _is_dir(entry):
                        if not entry.is_symlink() and not is_skipped_dir(directory, entry.name):
                            pending.append(entry.path)
                    elif entry.name.endswith(PYTHON_SUFFIXES):
                        files.add(entry.path)
        except OSError:
            continue  # as os.walk: a folder that cannot be listed is left out
        if len(files) > limit:
            return None
    return sorted(files, key=path_order)


def path_order(path: str) -> list[str]:
    """The sort key that orders paths as pathlib does (by parts: "a/b" before "a-c")."""
    return path.split(os.sep)


def _is_dir(entry: os.DirEntry[str]) -> bool:
    try:
        return entry.is_dir()
    except OSError:
        return False


# A byte-level prefilter, never the analysis: the files it picks are parsed with libcst.
# A called name is a run of [A-Za-z0-9_] without its leading digits, before `\s*(`.  It is found
# from the `(`, in reversed text: a pattern that starts with a literal lets the regex engine jump
# from one `(` to the next instead of trying a match at every letter (about ten times faster).
_CALLED_REVERSED = re.compile(rb"\(\s*(\w*[A-Za-z_])")  # the name reversed, its leading digits left out

FileKey = TypeVar("FileKey")  # a Path, or a path as a string


def calls_by_name(texts: Iterable[tuple[FileKey, bytes]]) -> dict[str, list[FileKey]]:
    """For each name called in the files (`name(` or `.name(`), the files that call it, in order.
    One definition for the analysis (which parses only those callers) and the cache (which checks
    that they are unchanged): both must see the same files."""
    return index_calls((path, called_names(text)) for path, text in texts)


def called_names(text: bytes) -> frozenset[str]:
    """The names a file's bytes call (`name(` or `.name(`)."""
    return frozenset(called[::-1].decode("ascii") for called in set(_CALLED_REVERSED.findall(text[::-1])))


def index_calls(files: Iterable[tuple[FileKey, frozenset[str]]]) -> dict[str, list[FileKey]]:
    """For each name, the files that call it, in order, from the names each file calls."""
    index: defaultdict[str, list[FileKey]] = defaultdict(list)
    for path, names in files:
        for name in names:
            index[name].append(path)
    return dict(index)
