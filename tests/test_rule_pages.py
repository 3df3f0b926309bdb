"""Every rule has a page in rules/, and the page's examples do what it says:
the Example is flagged with the page's code, the Use-instead block is clean."""

from __future__ import annotations

import re
from pathlib import Path

import pytest

from redis_lint.catalogue import ALL_CODES, BY_CODE
from redis_lint.config import Config
from redis_lint.pages import read_page
from tests.conftest import REPO, lint

_SECTION_BLOCK = r"^## {title}\s*$.*?^```python\n(?P<code>.*?)^```"
_FILE_HINT = re.compile(r"^# file: (?P<path>\S+)")


def example(page: str, title: str) -> tuple[str, str]:
    """(code, path) of the first python block under a heading; `# file:` on line 1 sets the path."""
    match = re.search(_SECTION_BLOCK.format(title=re.escape(title)), page, re.S | re.M)
    assert match, f"no ```python block under '## {title}'"
    code = match["code"]
    hint = _FILE_HINT.match(code)
    return code, hint["path"] if hint else "app/services/example.py"


@pytest.mark.parametrize("code", ALL_CODES)
def test_page_exists_with_title_and_sections(code: str) -> None:
    page = (REPO / "rules" / f"{code}.md").read_text(encoding="utf-8")
    assert page.startswith(f"# {code} {BY_CODE[code].name}\n")
    for heading in ("What it flags", "Why is this bad?", "Example", "Use instead", "Configuration", "Fix"):
        assert f"\n## {heading}\n" in page, heading


def config_for(code: str) -> Config:
    """Default settings, with the page's rule switched on when it is opt-in."""
    return Config(root=Path("/project"), extend_select=() if BY_CODE[code].default else (code,))


@pytest.mark.parametrize("code", ALL_CODES)
def test_bad_example_is_flagged(code: str) -> None:
    source, path = example((REPO / "rules" / f"{code}.md").read_text(encoding="utf-8"), "Example")
    assert code in {f.code for f in lint(source, path, config_for(code))}


@pytest.mark.parametrize("code", ALL_CODES)
def test_good_example_is_clean(code: str) -> None:
    source, path = example((REPO / "rules" / f"{code}.md").read_text(encoding="utf-8"), "Use instead")
    assert [str(f) for f in lint(source, path, config_for(code))] == []


def test_index_lists_every_rule() -> None:
    index = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    for code in ALL_CODES:
        assert f"[{code}]({code}.md)" in index


def test_explain_reads_the_same_pages() -> None:
    assert read_page("RDS101") == (REPO / "rules" / "RDS101.md").read_text(encoding="utf-8")
