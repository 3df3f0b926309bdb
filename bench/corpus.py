"""The corpora the benchmarks and the accuracy evaluation run on, fetched at pinned versions.

The corpora the benchmarks and the accuracy evaluation run on, fetched from the package
registry at pinned versions (nothing third-party is committed): the Redis-heavy packages
labelled in realworld/labels/, and Django's sdist as a large project that barely uses Redis.
"""

from __future__ import annotations

import re
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
    sdist: bool = False  # published without a wheel: the source distribution is unpacked

    @classmethod
    def load(cls, path: Path) -> Package:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
        return cls(data["package"], data["version"], data["files"], data.get("site", []), data.get("sdist", False))


LABELS = HERE / "realworld" / "labels"  # the corpus the analysis was built and measured on
UNSEEN_LABELS = HERE / "realworld" / "unseen"  # packages labelled for issue 15, never used to build it
FRESH_LABELS = HERE / "realworld" / "fresh"  # labelled after issue 15's inference was built, looked at once


def label_files(folder: Path = LABELS) -> list[Path]:
    return sorted(folder.glob("*.toml"))


def redis_heavy(cache: Path) -> list[Path]:
    """The unpacked Redis-heavy packages, one folder each."""
    return [fetch(Package.load(p), cache) for p in label_files()]


def django(cache: Path) -> Path:
    return fetch(Package(*DJANGO, files=[], sites=[]), cache, sdist=True)


def fetch(package: Package, cache: Path, *, sdist: bool = False) -> Path:
    """The unpacked wheel (or, with `sdist`, source distribution) of the pinned version."""
    sdist = sdist or package.sdist
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




# -- generated corpora ----------------------------------------------------------

_IMPORTS_CLIENT = re.compile(rb"^[ \t]*(?:import|from)[ \t]+(?:redis|valkey)\b", re.MULTILINE)


def redis_sample(packages: list[Path], count: int = 233) -> list[Path]:
    """`count` Python files of the Redis-heavy packages, the way a commit touching Redis code
    would hand them to flake8: every file that imports redis or valkey, then the packages' other
    files, one package after the other in turn (each package's files in path order) until there
    are `count`.  Paths relative to the packages' common folder."""
    base = packages[0].parent
    chosen: list[Path] = []
    others: list[list[Path]] = []
    for package in sorted(packages):
        files = sorted(package.rglob("*.py"))
        chosen.extend(f.relative_to(base) for f in files if _IMPORTS_CLIENT.search(f.read_bytes()))
        others.append([f.relative_to(base) for f in files if not _IMPORTS_CLIENT.search(f.read_bytes())])
    turn = 0
    while len(chosen) < count and any(others):
        if others[turn % len(others)]:
            chosen.append(others[turn % len(others)].pop(0))
        turn += 1
    return sorted(chosen[:count])


SYNTHETIC_APP = "synthetic-app-v1"  # a new name when the generator changes: the tree is regenerated
_APPS = ("accounts", "addresses", "analytics", "audit", "billing", "bookings", "campaigns", "carts", "catalog",
         "checkout", "comments", "compliance", "contracts", "coupons", "customers", "dashboards", "deliveries",
         "devices", "discounts", "documents", "emails", "events", "exports", "feedback", "files", "forecasts",
         "fulfilment", "gifts", "imports", "inventory", "invoices", "ledger", "loyalty", "marketing", "media",
         "messages", "notifications", "orders", "partners", "payments", "payouts", "pricing", "profiles",
         "promotions", "purchasing", "refunds", "reports", "returns", "reviews", "search", "shipping",
         "subscriptions", "suppliers")
_ENTITIES = ("item", "entry", "record", "batch", "line", "rule", "plan", "slot", "note", "draft", "period",
             "quota", "tier")
_REDIS_MODULES = ("shop/core/cache.py", "shop/jobs/queue.py", "shop/throttling/limiter.py")


def synthetic_app(cache: Path) -> Path:
    """A generated application of about 4,300 modules in which 3 files import redis, one of them
    re-exported by `shop.core`, which every model imports: the layout of the real project whose
    run kept 2,222 files for analysis.  Deterministic (no randomness), written once per version."""
    target = cache / SYNTHETIC_APP
    if target.is_dir():
        return target
    partial = cache / f"{SYNTHETIC_APP}.tmp"
    if partial.exists():
        import shutil

        shutil.rmtree(partial)
    for relative, text in _synthetic_files():
        path = partial / relative
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(text, encoding="utf-8")
    partial.rename(target)
    return target


def _synthetic_files() -> list[tuple[str, str]]:
    files = [("shop/__init__.py", '"""The shop: one package per business domain, and shared building blocks."""\n'),
             *_core_files()]
    for number, app in enumerate(_APPS):
        files.extend(_app_files(number, app))
    return files


def _core_files() -> list[tuple[str, str]]:
    return [
        ("shop/core/__init__.py",
         '"""Shared building blocks: settings, the cache, text helpers (imported by most of the code)."""\n\n'
         "from shop.core import settings\nfrom shop.core.cache import cache, cached\n"
         "from shop.core.text import slugify, truncate\n\n"
         '__all__ = ["cache", "cached", "settings", "slugify", "truncate"]\n'),
        ("shop/core/settings.py",
         'REDIS_URL = "redis://localhost:6379/0"\nRECENT_DAYS = 30\nPAGE_SIZE = 50\nCACHE_TTL = 300\n'
         'CURRENCY = "EUR"\nDEBUG = False\n'),
        ("shop/core/cache.py",
         '"""The application\'s cache: one client for the process, built from the settings."""\n\n'
         "import functools\nimport json\n\nimport redis\n\nfrom shop.core import settings\n\n"
         "cache = redis.Redis.from_url(settings.REDIS_URL)\n\n\n"
         "def cached(namespace: str, ttl: int = settings.CACHE_TTL):\n"
         '    """Keep a function\'s JSON result under cache:<namespace>:<arguments> for `ttl` seconds."""\n\n'
         "    def decorate(function):\n"
         "        @functools.wraps(function)\n"
         "        def wrapper(*args):\n"
         "            key = f\"cache:{namespace}:{':'.join(map(str, args))}\"\n"
         "            hit = cache.get(key)\n"
         "            if hit is not None:\n"
         "                return json.loads(hit)\n"
         "            value = function(*args)\n"
         "            cache.set(key, json.dumps(value), ex=ttl)\n"
         "            return value\n\n"
         "        return wrapper\n\n"
         "    return decorate\n"),
        ("shop/core/text.py",
         "import re\nimport unicodedata\n\n\ndef slugify(text: str) -> str:\n"
         '    text = unicodedata.normalize("NFKD", text).encode("ascii", "ignore").decode()\n'
         '    return re.sub(r"[^a-z0-9]+", "-", text.lower()).strip("-")\n\n\n'
         "def truncate(text: str, length: int = 80) -> str:\n"
         '    return text if len(text) <= length else text[: length - 1] + "…"\n'),
        ("shop/jobs/__init__.py", ""),
        ("shop/jobs/queue.py",
         '"""A small job queue on a Redis list."""\n\nimport json\n\nimport redis\n\n'
         "from shop.core import settings\n\n\nclass JobQueue:\n"
         "    def __init__(self, client: redis.Redis, name: str) -> None:\n"
         "        self.client = client\n"
         '        self.key = f"queue:jobs:{name}"\n\n'
         "    def push(self, kind: str, payload: dict) -> None:\n"
         '        self.client.lpush(self.key, json.dumps({"kind": kind, "payload": payload}))\n\n'
         "    def pop(self, timeout: int = 5) -> dict | None:\n"
         "        item = self.client.brpop([self.key], timeout=timeout)\n"
         "        return None if item is None else json.loads(item[1])\n\n\n"
         'jobs = JobQueue(redis.Redis.from_url(settings.REDIS_URL), "default")\n'),
        ("shop/throttling/__init__.py", ""),
        ("shop/throttling/limiter.py",
         '"""Fixed-window rate limits per client."""\n\nimport redis\n\n\n'
         "def allow(client: redis.Redis, who: str, limit: int, window: int = 60) -> bool:\n"
         '    key = f"rate:clients:{who}"\n'
         "    with client.pipeline() as pipe:\n"
         "        pipe.incr(key)\n"
         "        pipe.expire(key, window)\n"
         "        count, _ = pipe.execute()\n"
         "    return count <= limit\n"),
    ]


def _app_files(number: int, app: str) -> list[tuple[str, str]]:
    """One domain: models (import shop.core), services and views (import the models), admin and urls;
    forms, serializers, tests and helpers that import none of those."""
    other = _APPS[(number + 1) % len(_APPS)]
    files = [(f"shop/{app}/__init__.py", f'"""The {app} domain."""\n'),
             (f"shop/{app}/constants.py", _constants(app)),
             (f"shop/{app}/validators.py", _validators(app)),
             (f"shop/{app}/utils.py", _utils(app)),
             (f"shop/{app}/apps.py", f'NAME = "shop.{app}"\nLABEL = "{app}"\nVERBOSE_NAME = "{app.title()}"\n')]
    for package in ("models", "services", "views", "forms", "serializers"):
        entities = _ENTITIES[:8] if package in ("forms", "serializers") else _ENTITIES
        files.append((f"shop/{app}/{package}/__init__.py", f"from shop.{app}.{package} import {', '.join(entities)}\n"))
    files.append((f"shop/{app}/tests/__init__.py", ""))
    for index, entity in enumerate(_ENTITIES):
        files.append((f"shop/{app}/models/{entity}.py", _model(app, entity, other, index)))
        files.append((f"shop/{app}/services/{entity}.py", _service(app, entity, index)))
        files.append((f"shop/{app}/views/{entity}.py", _view(app, entity)))
        files.append((f"shop/{app}/tests/test_{entity}.py", _test(app, entity)))
        if index < 8:
            files.append((f"shop/{app}/forms/{entity}.py", _form(app, entity)))
            files.append((f"shop/{app}/serializers/{entity}.py", _serializer(app, entity)))
    files.append((f"shop/{app}/admin.py", _admin(app)))
    files.append((f"shop/{app}/urls.py", _urls(app)))
    return files


def _class(entity: str) -> str:
    return entity.title().replace("_", "")


def _constants(app: str) -> str:
    return (f'"""Constants of the {app} domain."""\n\nMAX_ITEMS = 500\nDEFAULT_PAGE = 1\n'
            f'STATUSES = ("draft", "active", "archived")\nPREFIX = "{app[:3].upper()}"\n')


def _validators(app: str) -> str:
    return (f'"""Input checks of the {app} domain."""\n\nfrom shop.{app}.constants import MAX_ITEMS, STATUSES\n\n\n'
            "class ValidationError(ValueError):\n    pass\n\n\n"
            "def check_status(status: str) -> str:\n    if status not in STATUSES:\n"
            '        raise ValidationError(f"unknown status {status!r}")\n    return status\n\n\n'
            "def check_quantity(quantity: int) -> int:\n    if not 0 < quantity <= MAX_ITEMS:\n"
            '        raise ValidationError(f"quantity out of range: {quantity}")\n    return quantity\n\n\n'
            "def check_name(name: str) -> str:\n    name = name.strip()\n    if not name:\n"
            '        raise ValidationError("a name is required")\n    return name\n')


def _utils(app: str) -> str:
    return (f'"""Helpers of the {app} domain."""\n\nfrom datetime import date, timedelta\n\n'
            f"from shop.{app}.constants import PREFIX\n\n\n"
            "def reference(number: int) -> str:\n    return f\"{PREFIX}-{number:08d}\"\n\n\n"
            "def week_of(day: date) -> tuple[date, date]:\n    start = day - timedelta(days=day.weekday())\n"
            "    return start, start + timedelta(days=6)\n\n\n"
            "def chunks(items: list, size: int) -> list[list]:\n"
            "    return [items[i : i + size] for i in range(0, len(items), size)]\n")


def _model(app: str, entity: str, other: str, index: int) -> str:
    name = _class(entity)
    related = _ENTITIES[(index + 1) % len(_ENTITIES)]
    return (f'"""The {entity} of the {app} domain."""\n\nfrom __future__ import annotations\n\n'
            "from dataclasses import dataclass, field\nfrom datetime import datetime\nfrom decimal import Decimal\n\n"
            f"from shop.core import settings, slugify\nfrom shop.{app}.validators import check_name, check_status\n\n\n"
            f"@dataclass\nclass {name}:\n    id: int\n    name: str\n    status: str = \"draft\"\n"
            "    price: Decimal = Decimal(\"0\")\n    created: datetime = field(default_factory=datetime.utcnow)\n"
            f"    {related}_ids: list[int] = field(default_factory=list)\n"
            f"    {other}_id: int | None = None\n\n"
            "    def __post_init__(self) -> None:\n        self.name = check_name(self.name)\n"
            "        self.status = check_status(self.status)\n\n"
            "    @property\n    def slug(self) -> str:\n        return slugify(f\"{self.name}-{self.id}\")\n\n"
            "    def is_recent(self, now: datetime) -> bool:\n"
            "        return (now - self.created).days < settings.RECENT_DAYS\n\n"
            f"    def archived(self) -> {name}:\n"
            f"        return {name}(self.id, self.name, \"archived\", self.price, self.created, "
            f"list(self.{related}_ids), self.{other}_id)\n\n"
            "    def to_dict(self) -> dict:\n"
            "        return {\"id\": self.id, \"name\": self.name, \"status\": self.status, "
            "\"price\": str(self.price), \"currency\": settings.CURRENCY}\n\n\n"
            f"def total_price(items: list[{name}]) -> Decimal:\n"
            "    return sum((item.price for item in items), Decimal(\"0\"))\n\n\n"
            f"def by_status(items: list[{name}]) -> dict[str, list[{name}]]:\n"
            f"    groups: dict[str, list[{name}]] = {{}}\n"
            "    for item in items:\n        groups.setdefault(item.status, []).append(item)\n    return groups\n")


def _service(app: str, entity: str, index: int) -> str:
    name = _class(entity)
    uses_cache = index == 0  # one service a domain reads through the cache
    lines = [f'"""Use cases of the {entity} of the {app} domain."""\n\nfrom __future__ import annotations\n\n'
             "from decimal import Decimal\n\n"
             + ("from shop.core import cached\n" if uses_cache else "")
             + f"from shop.{app}.models.{entity} import {name}, by_status, total_price\n"
             f"from shop.{app}.utils import chunks, reference\n\n\n"
             f"class {name}Repository:\n    def __init__(self) -> None:\n        self._rows: dict[int, {name}] = {{}}\n\n"
             f"    def add(self, row: {name}) -> None:\n        self._rows[row.id] = row\n\n"
             f"    def get(self, row_id: int) -> {name} | None:\n        return self._rows.get(row_id)\n\n"
             f"    def all(self) -> list[{name}]:\n        return sorted(self._rows.values(), key=lambda r: r.id)\n\n\n"
             f"class {name}Service:\n    def __init__(self, repository: {name}Repository) -> None:\n"
             "        self.repository = repository\n\n"
             f"    def create(self, row_id: int, name: str, price: Decimal) -> {name}:\n"
             f"        row = {name}(row_id, name, price=price)\n        self.repository.add(row)\n        return row\n\n"
             "    def archive(self, row_id: int) -> bool:\n        row = self.repository.get(row_id)\n"
             "        if row is None:\n            return False\n"
             "        self.repository.add(row.archived())\n        return True\n\n"
             "    def summary(self) -> dict:\n        rows = self.repository.all()\n"
             "        groups = by_status(rows)\n"
             "        return {status: str(total_price(items)) for status, items in groups.items()}\n\n"
             "    def pages(self, size: int = 50) -> list[list[str]]:\n"
             "        return [[reference(r.id) for r in page] for page in chunks(self.repository.all(), size)]\n"]
    if uses_cache:
        lines.append(f"\n\n@cached(\"{app}:{entity}:summary\")\ndef cached_summary(owner: int) -> dict:\n"
                     f"    return {name}Service({name}Repository()).summary()\n")
    return "".join(lines)


def _view(app: str, entity: str) -> str:
    name = _class(entity)
    return (f'"""HTTP handlers of the {entity} of the {app} domain: dicts in, (status, dict) out."""\n\n'
            "from decimal import Decimal, InvalidOperation\n\n"
            f"from shop.{app}.services.{entity} import {name}Repository, {name}Service\n"
            f"from shop.{app}.validators import ValidationError\n\n"
            f"service = {name}Service({name}Repository())\n\n\n"
            "def create(request: dict) -> tuple[int, dict]:\n    try:\n"
            "        row = service.create(int(request[\"id\"]), request[\"name\"], Decimal(request.get(\"price\", \"0\")))\n"
            "    except (KeyError, ValueError, InvalidOperation, ValidationError) as error:\n"
            "        return 400, {\"error\": str(error)}\n    return 201, row.to_dict()\n\n\n"
            "def archive(request: dict) -> tuple[int, dict]:\n"
            "    if not service.archive(int(request[\"id\"])):\n        return 404, {\"error\": \"not found\"}\n"
            "    return 200, {\"archived\": request[\"id\"]}\n\n\n"
            "def summary(request: dict) -> tuple[int, dict]:\n    return 200, service.summary()\n")


def _form(app: str, entity: str) -> str:
    return (f'"""The form of the {entity} of the {app} domain."""\n\n'
            f"from shop.{app}.validators import ValidationError, check_name, check_quantity, check_status\n\n\n"
            f"class {_class(entity)}Form:\n    fields = (\"name\", \"status\", \"quantity\")\n\n"
            "    def __init__(self, data: dict) -> None:\n        self.data = data\n        self.errors: dict[str, str] = {}\n\n"
            "    def is_valid(self) -> bool:\n"
            "        for field, check in ((\"name\", check_name), (\"status\", check_status)):\n"
            "            try:\n                check(self.data.get(field, \"\"))\n"
            "            except ValidationError as error:\n                self.errors[field] = str(error)\n"
            "        try:\n            check_quantity(int(self.data.get(\"quantity\", 0)))\n"
            "        except (ValueError, ValidationError) as error:\n            self.errors[\"quantity\"] = str(error)\n"
            "        return not self.errors\n")


def _serializer(app: str, entity: str) -> str:
    return (f'"""Wire format of the {entity} of the {app} domain."""\n\nimport json\nfrom decimal import Decimal\n\n'
            f"from shop.{app}.utils import reference\n\n\n"
            "def dumps(row: dict) -> str:\n    return json.dumps({**row, \"reference\": reference(row[\"id\"])}, "
            "default=str, sort_keys=True)\n\n\n"
            "def loads(text: str) -> dict:\n    row = json.loads(text)\n"
            "    row[\"price\"] = Decimal(row.get(\"price\", \"0\"))\n    return row\n")


def _test(app: str, subject: str) -> str:
    return (f'"""Tests of the {subject} of the {app} domain."""\n\nimport unittest\nfrom datetime import date\n\n'
            f"from shop.{app}.utils import chunks, reference, week_of\n"
            f"from shop.{app}.validators import ValidationError, check_quantity\n\n\n"
            f"class {_class(subject)}Tests(unittest.TestCase):\n"
            "    def test_reference(self) -> None:\n        self.assertTrue(reference(7).endswith(\"00000007\"))\n\n"
            "    def test_chunks(self) -> None:\n        self.assertEqual(chunks([1, 2, 3], 2), [[1, 2], [3]])\n\n"
            "    def test_week(self) -> None:\n        start, end = week_of(date(2024, 5, 15))\n"
            "        self.assertEqual((start.day, end.day), (13, 19))\n\n"
            "    def test_quantity(self) -> None:\n        with self.assertRaises(ValidationError):\n"
            "            check_quantity(0)\n")


def _admin(app: str) -> str:
    names = ", ".join(_class(e) for e in _ENTITIES[:4])
    modules = "\n".join(f"from shop.{app}.models.{e} import {_class(e)}" for e in _ENTITIES[:4])
    return (f'"""The admin of the {app} domain."""\n\n{modules}\n\nREGISTERED = ({names},)\n\n\n'
            "def columns(model: type) -> list[str]:\n    return [f for f in model.__dataclass_fields__ if not f.endswith(\"_ids\")]\n")


def _urls(app: str) -> str:
    imports = "\n".join(f"from shop.{app}.views import {e} as {e}_views" for e in _ENTITIES)
    routes = "".join(f"    (\"{app}/{e}/create\", {e}_views.create),\n    (\"{app}/{e}/summary\", {e}_views.summary),\n"
                     for e in _ENTITIES)
    return f'"""Routes of the {app} domain."""\n\n{imports}\n\nROUTES = [\n{routes}]\n'
