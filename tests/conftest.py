from __future__ import annotations

import textwrap
from pathlib import Path

import pytest

from redis_lint.config import Config
from redis_lint.engine.linter import lint_source
from redis_lint.findings import Finding

REPO = Path(__file__).resolve().parent.parent


def lint(code: str, path: str = "app/services/example.py", config: Config | None = None) -> list[Finding]:
    """Lint a snippet as if it were the file `path` of a project rooted at /project."""
    config = config or Config(root=Path("/project"))
    return lint_source(textwrap.dedent(code), path=Path("/project") / path, display=path, config=config)


def codes(code: str, path: str = "app/services/example.py", config: Config | None = None) -> list[str]:
    return [f.code for f in lint(code, path, config)]


@pytest.fixture
def repo() -> Path:
    return REPO
