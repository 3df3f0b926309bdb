"""Where a project's modules live: module names from folders, and the project's Python files.

Kept free of libcst: the prefilter and the cache use it before anything is parsed."""

from __future__ import annotations

import os
import re
from collections.abc import Iterable
from functools import lru_cache
from pathlib import Path

# Folders that never hold the project's own code.
EXCLUDED_DIRS = frozenset({
    ".git", ".hg", ".svn", ".bzr", "__pycache__", ".venv", "venv", ".tox", ".nox", ".eggs",
    ".mypy_cache", ".pytest_cache", ".ruff_cache", ".redis_lint_cache", "node_modules",
    "site-packages", "__pypackages__", "build", "dist",
})


def module_name(path: Path) -> tuple[str, Path]:
    """(dotted module name, import root) of a Python file: `root/pkg/sub/mod.py` -> ("pkg.sub.mod", root).
    A module's package is the chain of folders holding `__init__.py`, as Python finds it."""
    path = path.absolute()
    parts = [] if path.name == "__init__.py" else [path.name.rsplit(".", 1)[0]]
    folder = path.parent
    while _is_package(folder) and folder.parent != folder:
        parts.insert(0, folder.name)
        folder = folder.parent
    return ".".join(parts), folder


@lru_cache(maxsize=4096)
def _is_package(folder: Path) -> bool:
    return (folder / "__init__.py").is_file()


def is_skipped_dir(directory: str, name: str) -> bool:
    """A folder below a project root that holds no project code: VCS, caches, builds, virtualenvs."""
    return (name in EXCLUDED_DIRS or name.startswith(".") or name.endswith(".egg-info")
            or os.path.exists(os.path.join(directory, name, "pyvenv.cfg")))


def project_files(roots: list[Path], limit: int) -> list[Path] | None:
    """Every Python file below the roots (sorted), or None when there are more than `limit`."""
    files: set[Path] = set()
    for root in roots:
        for directory, dirnames, filenames in os.walk(root):
            dirnames[:] = [d for d in dirnames if not is_skipped_dir(directory, d)]
            files.update(Path(directory, f) for f in filenames if f.endswith((".py", ".pyi")))
            if len(files) > limit:
                return None
    return sorted(files)


# A byte-level prefilter, never the analysis: the files it picks are parsed with libcst.
_CALLED = re.compile(rb"([A-Za-z_][A-Za-z0-9_]*)\s*\(")


def calls_by_name(texts: Iterable[tuple[Path, bytes]]) -> dict[str, list[Path]]:
    """For each name called in the files (`name(` or `.name(`), the files that call it, in order.
    One definition for the analysis (which parses only those callers) and the cache (which checks
    that they are unchanged): both must see the same files."""
    index: dict[str, list[Path]] = {}
    for path, text in texts:
        for called in set(_CALLED.findall(text)):
            index.setdefault(called.decode("ascii", "replace"), []).append(path)
    return index
