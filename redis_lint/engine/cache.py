"""Results kept between runs, so that an unchanged tree is checked without parsing anything.

An entry holds one file's result (findings, facts, noqa lines) under a key made
of the file's path and bytes, the configuration and the tool version.  Because
the analysis of a file reads other modules of the project (a key prefix
imported from `keys.py`, a client built by a factory elsewhere), the entry also
records what it read: the digest of every module file, the set of project
files (a module that appears or disappears changes how imports resolve), and
the files calling each name whose callers the analysis searched, and the files
defining a helper that expires its argument, for each name it looked for.  The entry is
used only when all of them still hold.

Entries are files under the cache folder, written to a temporary name and
renamed into place, so that two runs racing on one tree never read half an
entry, nor does a run that follows one stopped midway (a stopped run removes
its temporary file; one killed outright leaves it to be pruned); a run that
finds an entry it cannot read treats it as missing.  Each entry starts with the digest of what
follows it: an entry changed by anything but redis-lint (a disk, an editor, a script) is missing
too, whatever it has become.  Entries not used for `_MAX_AGE` are pruned, at most once a day.
"""

from __future__ import annotations

import contextlib
import json
import os
import time
from collections.abc import Callable, Iterable
from dataclasses import astuple
from functools import lru_cache
from pathlib import Path

from redis_lint import __version__
from redis_lint.findings import Finding, LocatedFact, Related
from redis_lint.source.digests import digest

DEFAULT_FOLDER = ".redis_lint_cache"
_MAX_AGE = 14 * 24 * 3600  # seconds an unused entry is kept
_PRUNE_EVERY = 24 * 3600




class Cache:
    def __init__(self, folder: Path, salt: str) -> None:
        """`salt`: what every entry depends on (the configuration, the project's file list)."""
        self.folder = folder
        self._entries = folder / f"v{__version__}"
        self._entries_folder = os.fspath(self._entries)
        self._salt = f"{salt}|{_tool_fingerprint()}".encode()

    def key(self, path: Path, data_digest: str) -> str:
        """The key of a file's result: its place and the digest of its bytes (redis_lint.source.file.SourceFile)."""
        return digest(self._salt, os.fsencode(path.absolute()), data_digest.encode())

    def content_key(self, *parts: bytes) -> str:
        """A key for what depends on content alone, wherever the file is (a module's summary)."""
        return digest(self._salt, *parts)

    def get(self, key: str) -> dict | None:
        entry_path = self._entry_file(key)  # a string: a warm run reads an entry per file
        try:
            with open(entry_path, "rb") as file:
                check, _, payload = file.read().partition(b"\n")
            if check.decode("ascii") != digest(payload):
                return None  # changed since it was written
            entry = json.loads(payload)
            os.utime(entry_path)  # used: not pruned
        except (OSError, ValueError):
            return None
        return entry if isinstance(entry, dict) else None

    def put(self, key: str, entry: dict) -> None:
        import tempfile  # only a run that writes an entry pays for it

        target = self._entry_path(key)
        temporary: str | None = None
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
            self._mark_folder()
            handle, temporary = tempfile.mkstemp(dir=target.parent, prefix=".tmp-", suffix=".json")
            payload = json.dumps(entry, separators=(",", ":")).encode()
            with os.fdopen(handle, "wb") as file:
                file.write(digest(payload).encode() + b"\n" + payload)
            os.replace(temporary, target)
            temporary = None
        except OSError:
            pass  # a cache that cannot be written only costs speed
        finally:
            if temporary is not None:  # the write failed, or the run was stopped halfway (Ctrl-C)
                with contextlib.suppress(OSError):
                    os.unlink(temporary)

    def prune(self, now: float | None = None) -> None:
        """Drop entries unused for a while and folders of other versions, at most once a day."""
        now = time.time() if now is None else now
        stamp = self.folder / ".pruned"
        try:
            if now - stamp.stat().st_mtime < _PRUNE_EVERY:
                return
        except OSError:
            pass
        try:
            for version in self.folder.iterdir():
                if version.is_dir() and version != self._entries:
                    _remove_tree(version)
            for entry in self._entries.glob("*/*.json"):
                if now - entry.stat().st_mtime > _MAX_AGE:
                    entry.unlink(missing_ok=True)
            stamp.touch()
        except OSError:
            pass

    def _entry_path(self, key: str) -> Path:
        return Path(self._entry_file(key))

    def _entry_file(self, key: str) -> str:
        return os.path.join(self._entries_folder, key[:2], f"{key}.json")

    def _mark_folder(self) -> None:
        """Tell backup tools and git that the folder is a cache, as ruff and pytest do."""
        tag = self.folder / "CACHEDIR.TAG"
        if not tag.exists():  # the tag last: a run stopped in between writes both again
            (self.folder / ".gitignore").write_text("*\n")
            tag.write_text("Signature: 8a477f597d28d172789f06886806bc55\n# redis-lint's cache\n")


@lru_cache(maxsize=1)
def _tool_fingerprint() -> str:
    """redis-lint's own code: a changed rule (a development checkout, same version) is a new key."""
    package = os.path.dirname(os.path.dirname(os.path.realpath(__file__)))
    stats = []
    for directory, _, names in os.walk(package):
        for name in names:
            if name.endswith(".py"):
                path = os.path.join(directory, name)
                status = os.stat(path)
                stats.append((os.path.relpath(path, package), status.st_size, status.st_mtime_ns))
    return digest(repr(sorted(stats)).encode())


def _remove_tree(folder: Path) -> None:
    for directory, dirnames, filenames in os.walk(folder, topdown=False):
        for name in filenames:
            os.unlink(os.path.join(directory, name))
        for name in dirnames:
            os.rmdir(os.path.join(directory, name))
    os.rmdir(folder)


# -- entries ------------------------------------------------------------------


def to_entry(findings: list[Finding], facts: list[LocatedFact], noqa: dict[int, frozenset[str]],
             modules: dict[str, str], callers: dict[str, list[str]], helpers: dict[str, list[str]]) -> dict:
    return {
        "findings": [[getattr(f, name) if name != "related" else [list(astuple(r)) for r in f.related]
                      for name in Finding.__dataclass_fields__] for f in findings],
        "facts": [[getattr(f, name) for name in LocatedFact.__dataclass_fields__] for f in facts],
        "noqa": {str(line): sorted(codes) for line, codes in noqa.items()},
        "modules": modules,  # module file -> digest of its bytes ("" when it could not be read)
        "callers": callers,  # name -> the files calling it
        "helpers": helpers,  # name -> the files defining a helper by that name that expires its argument
    }


def from_entry(entry: dict) -> tuple[list[Finding], list[LocatedFact], dict[int, frozenset[str]]]:
    return ([Finding(*values[:-1], related=tuple(Related(*r) for r in values[-1])) for values in entry["findings"]],
            [LocatedFact(*values) for values in entry["facts"]],
            {int(line): frozenset(codes) for line, codes in entry["noqa"].items()})


def still_valid(entry: dict, file_digest: Callable[[str], str], files_calling: Callable[[str], Iterable[Path]],
                helpers_named: Callable[[str], Iterable[Path]]) -> bool:
    """Whether what the entry's analysis read is unchanged."""
    try:
        return (all(file_digest(path) == recorded for path, recorded in entry["modules"].items())
                and all(sorted(p.as_posix() for p in files_calling(name)) == paths
                        for name, paths in entry["callers"].items())
                and all(sorted(p.as_posix() for p in helpers_named(name)) == paths
                        for name, paths in entry["helpers"].items()))
    except (KeyError, AttributeError, TypeError):
        return False
