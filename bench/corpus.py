"""The corpora the benchmarks and the accuracy evaluation run on, fetched from the package
registry at pinned versions (nothing third-party is committed): the Redis-heavy packages
labelled in realworld/labels/, and Django's sdist as a large project that barely uses Redis."""

from __future__ import annotations

import subprocess
import sys
import zipfile
from dataclasses import dataclass
from pathlib import Path

try:
    import tomllib
except ModuleNotFoundError:  # Python 3.10
    import tomli as tomllib

HERE = Path(__file__).resolve().parent
DJANGO = ("django", "5.2.8")


@dataclass
class Package:
    name: str
    version: str
    files: list[str]
    sites: list[dict]

    @classmethod
    def load(cls, path: Path) -> Package:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(data["package"], data["version"], data["files"], data.get("site", []))


def label_files() -> list[Path]:
    return sorted((HERE / "realworld" / "labels").glob("*.toml"))


def redis_heavy(cache: Path) -> list[Path]:
    """The unpacked Redis-heavy packages, one folder each."""
    return [fetch(Package.load(p), cache) for p in label_files()]


def django(cache: Path) -> Path:
    return fetch(Package(*DJANGO, files=[], sites=[]), cache, sdist=True)


def fetch(package: Package, cache: Path, *, sdist: bool = False) -> Path:
    """The unpacked wheel (or, with `sdist`, source distribution) of the pinned version."""
    target = cache / f"{package.name}-{package.version}"
    if target.is_dir():
        return target
    download = cache / "downloads"
    download.mkdir(parents=True, exist_ok=True)
    subprocess.run([sys.executable, "-m", "pip", "download", "--quiet", "--no-deps", "--dest", str(download),
                    *(["--no-binary", ":all:"] if sdist else ["--only-binary", ":all:"]),
                    f"{package.name}=={package.version}"], check=True)
    normal = package.name.replace("-", "_").replace(".", "_").lower()
    [archive] = [p for p in download.iterdir()
                 if p.name.lower().replace("-", "_").replace(".", "_").startswith(f"{normal}_{package.version}".replace(".", "_"))]
    if archive.suffix == ".whl":
        zipfile.ZipFile(archive).extractall(target)
    else:
        import tarfile

        with tarfile.open(archive) as tar:
            tar.extractall(target, filter="data")
        [inner] = list(target.iterdir())
        inner.rename(target.with_name(target.name + ".tmp"))
        target.rmdir()
        target.with_name(target.name + ".tmp").rename(target)
    return target


