"""Which line of the application issued a command: the first frame outside the libraries.

The libraries: redis-py, valkey, asyncio and redis-lint itself.
"""

from __future__ import annotations

import importlib.util
import os
import types
from dataclasses import dataclass
from pathlib import Path


@dataclass(frozen=True, eq=False)  # one object per call site (Attributor caches them): identity is equality
class Site:
    path: str  # absolute
    line: int
    end_line: int
    column: int  # 1-based; 0 when Python does not say (3.10)
    end_column: int


def _package_dir(name: str) -> str | None:
    """Where a package lives, found without importing it (the hooks may start before redis is imported)."""
    try:
        spec = importlib.util.find_spec(name)
    except (ImportError, ValueError):
        return None
    locations = list(spec.submodule_search_locations or []) if spec is not None else []
    return os.path.abspath(locations[0]) + os.sep if locations else None


class Attributor:
    def __init__(self, extra_internal: tuple[str, ...] = ()) -> None:
        import asyncio
        import contextlib
        import threading

        prefixes = {_package_dir(name) for name in ("redis", "valkey", "redis_lint")}
        prefixes |= {os.path.dirname(os.path.abspath(m.__file__)) + os.sep for m in (asyncio,)}
        files = {os.path.abspath(m.__file__) for m in (contextlib, threading)}
        self._prefixes = tuple(p for p in prefixes | set(extra_internal) if p)
        self._files = files
        self._internal: dict[types.CodeType, bool] = {}
        self._positions: dict[types.CodeType, list] = {}
        self._sites: dict[tuple[types.CodeType, int, int], Site] = {}  # call sites repeat: one Site each

    def is_internal(self, code: types.CodeType) -> bool:
        known = self._internal.get(code)
        if known is None:
            filename = code.co_filename
            known = filename.startswith(self._prefixes) or filename in self._files or filename.startswith("<frozen")
            self._internal[code] = known
        return known

    def site(self, frame: types.FrameType | None) -> Site | None:
        """The first frame at or above `frame` that is the application's, or None."""
        located = self.locate(frame)
        return located[1] if located is not None else None

    def locate(self, frame: types.FrameType | None) -> tuple[types.FrameType, Site, str] | None:
        """The application's frame (one run of one of its functions), the call site in it, and the
        name of the library function the application called there (`get`, `scan_iter`, ...)."""
        entry = ""
        while frame is not None and self.is_internal(frame.f_code):
            entry = frame.f_code.co_name
            frame = frame.f_back
        if frame is None:
            return None
        return frame, self._site_of(frame), entry

    def chain(self, frame: types.FrameType | None) -> tuple[list[str], Site | None]:
        """Names of the internal functions between `frame` and the application's frame, and that frame."""
        names = []
        while frame is not None and self.is_internal(frame.f_code):
            names.append(frame.f_code.co_name)
            frame = frame.f_back
        return names, (self._site_of(frame) if frame is not None else None)

    def _site_of(self, frame: types.FrameType) -> Site:
        """The call's span from the code object's position table (3.11+), else its line."""
        code = frame.f_code
        where = (code, frame.f_lasti, frame.f_lineno)
        site = self._sites.get(where)
        if site is None:
            site = self._sites[where] = self._locate(frame)
        return site

    def _locate(self, frame: types.FrameType) -> Site:
        code = frame.f_code
        if hasattr(code, "co_positions") and frame.f_lasti >= 0:
            positions = self._positions.get(code)
            if positions is None:
                positions = self._positions[code] = list(code.co_positions())
            index = frame.f_lasti // 2
            if index < len(positions) and positions[index][0] is not None:
                start, end, column, end_column = positions[index]
                return Site(code.co_filename, start, end or start, (column or 0) + 1, (end_column or 0) + 1)
        return Site(code.co_filename, frame.f_lineno, frame.f_lineno, 0, 0)


def relative_display(path: str) -> str:
    """A path shown as static findings show it: relative to the working directory when below it."""
    try:
        return Path(path).relative_to(Path.cwd()).as_posix()
    except ValueError:
        return Path(path).as_posix()
