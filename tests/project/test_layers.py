"""The import contracts of pyproject.toml (`lint-imports`, run by .ci/run): they hold, and each
fails on the import it forbids, so that none of them passes for want of looking."""

from __future__ import annotations

import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from tests.conftest import REPO

LINT_IMPORTS = Path(sys.executable).with_name("lint-imports")


def lint_imports(root: Path, *contracts: str) -> subprocess.CompletedProcess[str]:
    """`lint-imports` on the package below `root` (a copy comes first on the path), for the contracts
    of these ids (all when none is given)."""
    env = {**os.environ, "PYTHONPATH": str(root)}
    chosen = [word for contract in contracts for word in ("--contract", contract)]
    return subprocess.run([str(LINT_IMPORTS), "--no-cache", *chosen], cwd=root, env=env, capture_output=True,
                          text=True, timeout=120)


def test_the_contracts_hold() -> None:
    result = lint_imports(REPO)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "0 broken" in result.stdout


@pytest.mark.parametrize(("module", "line", "contract"), [
    ("semantics/project.py", "from redis_lint.engine import run", "layers"),
    ("source/noqa.py", "from redis_lint import findings", "layers"),
    ("flake8_plugin.py", "from redis_lint import lsp", "layers"),  # the adapters are independent
    ("runtime/hooks.py", "from redis_lint.engine import cache", "runtime-engine"),
    ("runtime/hooks.py", "from redis_lint.rules import base", "runtime-libcst"),  # a route not listed
    ("source/paths.py", "import libcst", "foundations-libcst"),
])
def test_a_forbidden_import_breaks_its_contract(tmp_path: Path, module: str, line: str, contract: str) -> None:
    copy(tmp_path)
    target = tmp_path / "redis_lint" / module
    target.write_text(target.read_text() + f"\n{line}  # a violation\n")
    assert lint_imports(tmp_path, contract).returncode == 1
    target.write_text(target.read_text().replace(f"\n{line}  # a violation\n", ""))
    assert lint_imports(tmp_path, contract).returncode == 0  # the import alone broke it


def test_a_module_without_a_layer_breaks_the_layers(tmp_path: Path) -> None:
    copy(tmp_path)
    (tmp_path / "redis_lint" / "helpers.py").write_text('"""A new module, in no layer yet."""\n')
    assert lint_imports(tmp_path, "layers").returncode == 1


def copy(folder: Path) -> None:
    shutil.copytree(REPO / "redis_lint", folder / "redis_lint", ignore=shutil.ignore_patterns("__pycache__"))
    shutil.copy(REPO / "pyproject.toml", folder)
