"""A file to check, with what is known of it, carried from discovery to the report."""

from __future__ import annotations

from dataclasses import dataclass, replace
from pathlib import Path


@dataclass(frozen=True)
class SourceFile:
    """Made by discovery (or by an adapter handed one file) and passed along as it is, so that no
    later step works out again where the file stands in the project."""

    path: Path
    display: str  # how a report names it (redis_lint.source.paths.display_path, or the host's name)
    relative: str  # to the project root, with "/": what the configuration's globs match
    module: str = ""  # its dotted module name as Python finds it ("" when not known)
    digest: str = ""  # of the bytes checked; "" until they are read

    def read(self, digest: str) -> SourceFile:
        """The same file, once its bytes (of that digest) are read."""
        return replace(self, digest=digest)
