"""bench/speed.py's own parts: the generated application and the language-server client work.
Their figures are never asserted here."""

from __future__ import annotations

import ast
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from bench.corpus import SYNTHETIC_APP, synthetic_app
from bench.speed import ROWS, first_diagnostics
from redis_lint.engine.prefilter import Prefilter
from tests.conftest import REPO

pytestmark = pytest.mark.slow  # the corpus and the language server


def test_the_generated_application_is_the_case_of_a_re_exported_client(tmp_path: Path) -> None:
    root = synthetic_app(tmp_path)
    assert root == tmp_path / SYNTHETIC_APP and synthetic_app(tmp_path) == root  # generated once
    files = sorted(root.rglob("*.py"))
    assert 4_200 <= len(files) <= 4_400
    texts = {f.relative_to(root).as_posix(): f.read_text() for f in files}
    for name, text in texts.items():
        ast.parse(text, name)
    assert sorted(n for n, t in texts.items() if "import redis" in t) == [
        "shop/core/cache.py", "shop/jobs/queue.py", "shop/throttling/limiter.py"]
    assert "from shop.core.cache import cache" in texts["shop/core/__init__.py"]
    assert sum("from shop.core import" in t for t in texts.values()) > 700  # every model; half the files reach it
    assert Prefilter([root]).relevant >= {root / "shop/core/cache.py", root / "shop/jobs/queue.py"}


def test_the_language_server_client_gets_the_first_diagnostics(tmp_path: Path) -> None:
    workspace = tmp_path / "violating_service"
    shutil.copytree(REPO / "fixtures" / "violating_service", workspace)
    seconds, diagnostics = first_diagnostics(Path(sys.executable), workspace, workspace / "auth" / "service.py")
    assert seconds > 0 and diagnostics > 0


def test_rows_have_names_for_only() -> None:
    assert len({row.key for row in ROWS}) == len(ROWS) == 15
    result = subprocess.run([sys.executable, str(REPO / "bench" / "speed.py"), "--only", "nothing"],
                            capture_output=True, text=True, timeout=60)
    assert result.returncode == 2 and "unknown rows: nothing" in result.stderr
