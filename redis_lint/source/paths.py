"""The path a report shows for a file."""

from __future__ import annotations

from pathlib import Path


def display_path(path: Path) -> str:
    """The path as the user gave it, without "./", or relative to the working directory when below it."""
    if path.is_absolute():
        try:
            return path.relative_to(Path.cwd()).as_posix()
        except ValueError:
            return path.as_posix()
    return path.as_posix()
