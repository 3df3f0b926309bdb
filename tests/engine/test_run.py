"""Runs over many files: the prefilter, the cache and worker processes change how fast a run is,
never what it reports."""

from __future__ import annotations

import json
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from redis_lint.config import Config, load_config
from redis_lint.engine.cache import Cache
from redis_lint.engine.prefilter import Prefilter
from redis_lint.engine.run import lint_paths
from tests.conftest import REPO

FIXTURES = REPO / "fixtures"


def write(root: Path, files: dict[str, str]) -> Path:
    for name, text in files.items():
        path = root / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text)
    return root


PROJECT = {
    # the rules of the older families only, so that new rules do not change these counts
    "pyproject.toml": "[tool.redis-lint]\nselect = ['RDS1', 'RDS2', 'RDS3', 'RDS401']\n",
    "app/__init__.py": "",
    "app/clients.py": "import redis\n\ndef get_client():\n    return redis.Redis()\n",
    "app/keys.py": "PROFILE = 'cache:user:{}:profile'\n",
    "app/uses_factory.py": ("from app.clients import get_client\nfrom app.keys import PROFILE\n\n"
                            "def save(user_id, data):\n    get_client().set(PROFILE.format(user_id), data)\n"),
    "app/store.py": ("class Store:\n    def __init__(self, client):\n        self.client = client\n\n"
                     "    def save(self, key, value):\n        self.client.set(key, value)\n"),
    "app/wiring.py": "import redis\nfrom app.store import Store\n\nstore = Store(redis.Redis())\n",
    "app/unrelated.py": "def keys(d):\n    return d.keys()\n",
    "app/broken_unrelated.py": "def f(:\n",
}


# -- prefilter ----------------------------------------------------------------

def test_prefilter_keeps_what_can_hold_a_client_and_drops_the_rest(tmp_path: Path) -> None:
    root = write(tmp_path, PROJECT)
    scan = Prefilter([root])
    kept = sorted(p.relative_to(root).as_posix() for p in scan.relevant)
    # a client library, a module importing one that does, a class a client is injected into
    assert kept == ["app/clients.py", "app/store.py", "app/uses_factory.py", "app/wiring.py"]


def test_prefilter_reads_every_import_form(tmp_path: Path) -> None:
    root = write(tmp_path, {
        "pkg/__init__.py": "",
        "pkg/a.py": "import os, redis.asyncio as aioredis\nx = y = aioredis.Redis()\n",
        "pkg/b.py": "from . import a\nthing = a.x\n",
        "pkg/c.py": "from .a import (\n    x,\n    y,\n)\n",
        "pkg/d.py": "x = 1; import valkey\n",
        "pkg/e.py": "import os, \\\n    redis\n",
        "pkg/sub/__init__.py": "",
        "pkg/sub/f.py": "from ..b import thing\n",
        "pkg/g.py": "text = 'redis is mentioned here, not imported'\n",
    })
    kept = sorted(p.relative_to(root).as_posix() for p in Prefilter([root]).relevant)
    assert kept == ["pkg/a.py", "pkg/b.py", "pkg/c.py", "pkg/d.py", "pkg/e.py", "pkg/sub/f.py"]


def test_a_class_is_analysed_only_where_a_holder_may_hand_it_a_value(tmp_path: Path) -> None:
    """A call hands a class of another module a Redis value only through its arguments: constants,
    other imports and builtins hand none; a local, a parameter or an attribute may."""
    store = "class {name}:\n    def __init__(self, client):\n        self.client = client\n"
    root = write(tmp_path, {
        "app/__init__.py": "",
        **{f"app/{name.lower()}.py": store.format(name=name) for name in
           ("Settings", "Audit", "ByConstant", "ByLocal", "ByParameter", "ByAttribute", "Shadowed", "Unread")},
        "app/wiring.py": (
            "import json\nimport redis\nfrom app.settings import Settings\nfrom app.audit import Audit\n"
            "from app.byconstant import ByConstant\nfrom app.bylocal import ByLocal\n"
            "from app.byparameter import ByParameter\nfrom app.byattribute import ByAttribute\n"
            "from app.shadowed import Shadowed\n\n"
            "LIMIT = TIMEOUT = 5\nclient = redis.Redis()\n"
            "settings = Settings(LIMIT, json.dumps({'a': len('x')}), name='cache')\n"  # nothing that can carry one
            "Audit()\n"  # no argument at all
            "by_constant = ByConstant(client)\n"  # the module's own client
            "def build(conn):\n    local = conn\n    TIMEOUT = conn\n"
            "    return ByLocal(local), ByParameter(conn), Shadowed(TIMEOUT)\n"
            "class Service:\n    def wire(self):\n        return ByAttribute(self.client)\n"
        ),
        "app/unread.py": store.format(name="Unread"),
        "app/broken.py": "import redis\nfrom app.unread import Unread\nUnread(1)\ndef f(:\n",
    })
    kept = sorted(p.relative_to(root).as_posix() for p in Prefilter([root]).relevant)
    assert kept == ["app/broken.py", "app/byattribute.py", "app/byconstant.py", "app/bylocal.py",
                    "app/byparameter.py", "app/shadowed.py", "app/unread.py", "app/wiring.py"]


def test_configured_client_factories_make_their_importers_relevant(tmp_path: Path) -> None:
    root = write(tmp_path, {"app.py": "from django_cache import get_connection\n"})
    assert not Prefilter([root]).relevant
    assert Prefilter([root], client_factories=("django_cache.get_connection",)).relevant == {root / "app.py"}


@pytest.mark.parametrize("folder", ["violating_service", "reference_app"])
def test_prefilter_changes_no_finding_on_the_fixtures(folder: str) -> None:
    config = load_config(start=REPO)
    paths = [FIXTURES / folder]
    assert lint_paths(paths, config).findings == lint_paths(paths, config, prefilter=False).findings


def test_prefilter_changes_no_finding_on_a_project(tmp_path: Path) -> None:
    root = write(tmp_path, {k: v for k, v in PROJECT.items() if "broken" not in k})
    config = load_config(start=root)
    filtered = lint_paths([root], config)
    assert {Path(f.path).name for f in filtered.findings} == {"clients.py", "uses_factory.py", "store.py", "wiring.py"}
    assert filtered.findings == lint_paths([root], config, prefilter=False).findings
    assert filtered.analysed == 4


# -- worker processes ---------------------------------------------------------

def redis_lint(*args: str, cwd: Path, env: dict[str, str] | None = None) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "redis_lint", *args], cwd=cwd, capture_output=True, text=True,
                          env={**os.environ, **(env or {})}, timeout=600)


@pytest.mark.slow  # worker processes
def test_jobs_give_byte_identical_output() -> None:
    outputs = {jobs: redis_lint("check", "--no-cache", "-j", str(jobs), "--format", "json", "fixtures", cwd=REPO)
               for jobs in (1, 2, 3)}
    assert len({o.stdout for o in outputs.values()}) == 1
    assert len(json.loads(outputs[1].stdout)) >= 43
    assert {o.returncode for o in outputs.values()} == {1}


# -- cache --------------------------------------------------------------------

def test_a_warm_run_reports_the_same_without_parsing_or_importing_libcst(tmp_path: Path) -> None:
    root = write(tmp_path, {k: v for k, v in PROJECT.items() if "broken" not in k})
    cold = redis_lint("check", ".", cwd=root)
    assert (root / ".redis_lint_cache" / "CACHEDIR.TAG").is_file()
    probe = ("import sys, runpy\nsys.argv = ['redis-lint', 'check', '.']\n"
             "try:\n    runpy.run_module('redis_lint', run_name='__main__')\n"
             "except SystemExit:\n    pass\nprint('libcst' in sys.modules, file=sys.stderr)\n")
    warm = subprocess.run([sys.executable, "-c", probe], cwd=root, capture_output=True, text=True, timeout=120)
    assert warm.stdout == cold.stdout and cold.stdout.count("\n") == 4
    assert warm.stderr.strip().endswith("False")


def test_editing_a_module_a_file_depends_on_invalidates_its_entry(tmp_path: Path) -> None:
    root = write(tmp_path, {k: v for k, v in PROJECT.items() if "broken" not in k})
    config, cache = load_config(start=root), tmp_path / "cache"
    before = lint_paths([root], config, cache_folder=cache)
    assert any("cache:user:{}:profile" in f.message or "RDS101" == f.code for f in before.findings
               if f.path.endswith("uses_factory.py"))
    assert lint_paths([root], config, cache_folder=cache).analysed == 0
    (root / "app" / "keys.py").write_text("PROFILE = 'Cache:user:{}:profile'\n")  # upper case: RDS202
    after = lint_paths([root], config, cache_folder=cache)
    assert after.analysed == 1  # only the file that read keys.py (keys.py itself is not Redis code)
    assert [f.code for f in after.findings if f.path.endswith("uses_factory.py")] == \
        [f.code for f in lint_paths([root], config).findings if f.path.endswith("uses_factory.py")]
    assert "RDS202" in {f.code for f in after.findings}


def test_a_new_caller_invalidates_the_entries_that_searched_for_callers(tmp_path: Path) -> None:
    root = write(tmp_path, {k: v for k, v in PROJECT.items() if "broken" not in k})
    config, cache = load_config(start=root), tmp_path / "cache"
    assert any(f.path.endswith("store.py") for f in lint_paths([root], config, cache_folder=cache).findings)
    # a second instantiation with something that is not a client: the parameter is no longer known
    write(root, {"app/other.py": "import redis\nfrom app.store import Store\n\nlocal = Store({})\n"})
    after = lint_paths([root], config, cache_folder=cache)
    assert after.findings == lint_paths([root], config).findings
    assert not any(f.path.endswith("store.py") for f in after.findings)


def test_broken_entries_are_misses_and_old_ones_are_pruned(tmp_path: Path) -> None:
    root = write(tmp_path, {k: v for k, v in PROJECT.items() if "broken" not in k})
    config, folder = load_config(start=root), tmp_path / "cache"
    expected = lint_paths([root], config, cache_folder=folder).findings
    entries = sorted(folder.glob("v*/*/*.json"))
    assert entries
    entries[0].write_text("{ half an entr")
    assert lint_paths([root], config, cache_folder=folder).findings == expected
    old = time.time() - 60 * 24 * 3600
    for entry in folder.glob("v*/*/*.json"):
        os.utime(entry, (old, old))
    (folder / "v0.0.0-other").mkdir()
    Cache(folder, salt="").prune(now=time.time() + 2 * 24 * 3600)
    assert not list(folder.glob("v*/*/*.json")) and not (folder / "v0.0.0-other").exists()


def test_runs_racing_on_one_cache_agree(tmp_path: Path) -> None:
    root = write(tmp_path, {k: v for k, v in PROJECT.items() if "broken" not in k})
    racers = [subprocess.Popen([sys.executable, "-m", "redis_lint", "check", "-j", "1", "."], cwd=root,
                               stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True) for _ in range(4)]
    outputs = [racer.communicate(timeout=300)[0] for racer in racers]
    assert len(set(outputs)) == 1 and outputs[0].count("\n") == 4
    assert not list((root / ".redis_lint_cache").glob("**/.tmp-*"))
    assert redis_lint("check", ".", cwd=root).stdout == outputs[0]


def test_no_cache_writes_nothing(tmp_path: Path) -> None:
    root = write(tmp_path, {"a.py": "import redis\nredis.Redis().flushall()\n"})
    assert redis_lint("check", "--no-cache", ".", cwd=root).returncode == 1
    assert not (root / ".redis_lint_cache").exists()


# -- on the benchmark corpus: published Redis-heavy packages ---------------------

@pytest.fixture(scope="session")
def corpus(tmp_path_factory: pytest.TempPathFactory) -> list[Path]:
    """The Redis-heavy packages of bench/corpus.py, downloaded from the package registry (kept in
    $REDIS_LINT_CORPUS_CACHE when set).  Without the registry the tests skip, except in CI."""
    from bench.corpus import redis_heavy

    folder = Path(os.environ.get("REDIS_LINT_CORPUS_CACHE") or tmp_path_factory.mktemp("corpus"))
    try:
        return redis_heavy(folder.absolute())
    except subprocess.CalledProcessError as error:
        if os.environ.get("REDIS_LINT_REQUIRE_SERVER"):
            raise
        pytest.skip(f"cannot download the corpus: {error}")


@pytest.mark.slow  # the published corpus
def test_prefilter_changes_no_finding_on_the_corpus(corpus: list[Path]) -> None:
    # celery (161 files, 3 of them Redis code) is left out to keep CI short: analysing all of it
    # without the prefilter takes a minute; bench/speed.py --verify checks it too.
    for root in [r for r in corpus if not r.name.startswith("celery-")]:
        config = Config(root=root)
        filtered = lint_paths([root], config, jobs=2)
        assert filtered.findings == lint_paths([root], config, jobs=2, prefilter=False).findings, root.name
        assert filtered.analysed < filtered.files or filtered.files <= 2, root.name


@pytest.mark.slow  # the published corpus
def test_jobs_give_byte_identical_output_on_the_corpus(corpus: list[Path]) -> None:
    folder = corpus[0].parent
    names = [root.name for root in corpus if not root.name.startswith(("celery-", "redis-om-"))]  # CI time
    outputs = [redis_lint("check", "--no-cache", "-j", str(jobs), "--format", "json", *names, cwd=folder).stdout
               for jobs in (1, 2)]
    assert outputs[0] == outputs[1]
    assert len(json.loads(outputs[0])) > 150


@pytest.mark.slow  # the published corpus
def test_the_accuracy_evaluation_runs_on_the_corpus(corpus: list[Path]) -> None:
    """bench/realworld/evaluate.py reads the analysis' own structures (models, positions): it must
    keep working, and its figures on two packages stay what the labels say."""
    from bench.corpus import Package, label_files
    from bench.realworld.evaluate import Score, evaluate

    packages = {f"{p.name}-{p.version}": p for p in map(Package.load, label_files())}
    score = Score()
    for root in corpus:
        if root.name.startswith(("python-redis-lock-", "rq-scheduler-")):  # small, with keys to resolve
            evaluate(packages[root.name], root, score)
    assert not score.errors and not score.false  # no error, no false positive
    assert sum(score.true.values()) > 30 and score.resolvable > 20 and score.resolved == score.resolvable


CORPUS_FINDINGS = Path(__file__).with_name("corpus_findings.json")


@pytest.mark.slow  # the published corpus
def test_findings_on_the_corpus_are_the_recorded_ones(corpus: list[Path]) -> None:
    """Every finding on the 14 Redis-heavy packages, message included, as recorded: a change to the
    analysis that moves one shows here, and is recorded on purpose (REDIS_LINT_RECORD=1) when it
    is a fix.  The core was rebuilt for speed under this test."""
    found = {}
    for root in corpus:
        run = lint_paths([root], Config(root=root), jobs=2)
        found[root.name] = [f"{Path(f.path).relative_to(root.parent).as_posix()}:{f.line}:{f.column}: {f.code} "
                            f"{f.message}" for f in run.findings]
    if os.environ.get("REDIS_LINT_RECORD"):
        CORPUS_FINDINGS.write_text(json.dumps(found, indent=1, sort_keys=True) + "\n")
    recorded = json.loads(CORPUS_FINDINGS.read_text())
    for name in sorted(found):
        assert found[name] == recorded.get(name), f"{name}: findings differ from tests/engine/corpus_findings.json"
    assert sum(map(len, found.values())) > 250


def test_cache_entries_of_the_wrong_shape_are_misses(tmp_path: Path) -> None:
    """Whatever is in the cache folder, a run reports what a run without it does: an entry changed
    by anything but redis-lint (here: parts of the wrong shape, a list for a mapping, a number for
    a list, or a mapping for a list, which would read as no findings) is read as a miss."""
    import json

    root = write(tmp_path / "project", {k: v for k, v in PROJECT.items() if "broken" not in k})
    config, cache = load_config(start=root), tmp_path / "cache"
    cold = lint_paths([root], config, cache_folder=cache)
    assert lint_paths([root], config, cache_folder=cache).analysed == 0
    entries = [p for p in cache.rglob("*.json")]
    assert len(entries) > 5
    for shape in (lambda value: [] if isinstance(value, dict) else 7, lambda value: {} if isinstance(value, list) else value):
        for path in entries:
            check, _, payload = path.read_bytes().partition(b"\n")
            entry = json.loads(payload)
            if isinstance(entry, dict):  # the digest line kept: what follows it changed
                path.write_bytes(check + b"\n" + json.dumps({key: shape(value) for key, value in entry.items()}).encode())
        again = lint_paths([root], config, cache_folder=cache)
        assert again.findings == cold.findings
        assert lint_paths([root], config, cache_folder=cache).analysed == 0  # written anew
