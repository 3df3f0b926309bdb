"""Every rule has a page in rules/, and the page's examples do what it says:
the Example is flagged with the page's code, the Use-instead blocks are clean.

Examples run under the configuration the page's Configuration section shows (its
first ```toml block), as a project would write it in pyproject.toml.  Python
blocks are linted one by one, except for the project-level rules (RDS403,
RDS404), whose blocks are the files of one project linted as a folder.  ```conf
blocks are redis.conf files and ```yaml blocks docker-compose files.  A first
line `# file: path` names the file a block is.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, replace
from pathlib import Path

import pytest

from redis_lint.catalogue import ALL_CODES, BY_CODE
from redis_lint.config import Config, load_config
from redis_lint.engine.linter import lint_source
from redis_lint.engine.run import lint_paths
from redis_lint.findings import Finding
from redis_lint.pages import read_page
from redis_lint.rules import PROJECT_RULES
from redis_lint.redisconf import lint_server_config
from tests.conftest import REPO

_SECTION = r"^## {title}\s*$(?P<body>.*?)(?=^## |\Z)"
_BLOCK = re.compile(r"^```(?P<language>python|conf|yaml|toml)\n(?P<code>.*?)^```", re.S | re.M)
_FILE_HINT = re.compile(r"^# file: (?P<path>\S+)")
_DEFAULT_PATHS = {"python": "app/services/example.py", "conf": "redis.conf", "yaml": "docker-compose.yml"}
_PROJECT_CODES = {rule.code for rule in PROJECT_RULES}


@dataclass(frozen=True)
class Block:
    language: str
    code: str
    path: str


def page(code: str) -> str:
    return (REPO / "rules" / f"{code}.md").read_text(encoding="utf-8")


def blocks(text: str, title: str, languages: tuple[str, ...] = ("python", "conf", "yaml")) -> list[Block]:
    """The code blocks under a heading, up to the next one."""
    section = re.search(_SECTION.format(title=re.escape(title)), text, re.S | re.M)
    assert section, f"no '## {title}' section"
    found = []
    for match in _BLOCK.finditer(section["body"]):
        if match["language"] in languages:
            hint = _FILE_HINT.match(match["code"])
            path = hint["path"] if hint else _DEFAULT_PATHS.get(match["language"], "")
            found.append(Block(match["language"], match["code"], path))
    return found


def config_for(code: str, folder: Path) -> Config:
    """The page's configuration (default settings without one), rooted at `folder`, with the
    page's rule switched on when it is opt-in."""
    shown = blocks(page(code), "Configuration", ("toml",))
    if shown:
        pyproject = folder / "pyproject.toml"
        pyproject.write_text(shown[0].code, encoding="utf-8")
        config = load_config(pyproject)
    else:
        config = Config(root=folder)
    if not BY_CODE[code].default and code not in config.extend_select:
        config = replace(config, extend_select=(*config.extend_select, code))
    return config


def findings(code: str, title: str, folder: Path) -> list[Finding]:
    config = config_for(code, folder)
    examples = blocks(page(code), title)
    assert examples, f"no example under '## {title}'"
    result: list[Finding] = []
    python = [b for b in examples if b.language == "python"]
    if code in _PROJECT_CODES:
        assert len({b.path for b in python}) == len(python), "each block of a project needs its own # file:"
        for block in python:
            (folder / block.path).parent.mkdir(parents=True, exist_ok=True)
            (folder / block.path).write_text(block.code, encoding="utf-8")
        result += lint_paths([folder], config, prefilter=False).findings
    else:
        result += [f for b in python
                   for f in lint_source(b.code, path=folder / b.path, display=b.path, config=config)]
    for block in examples:
        if block.language in ("conf", "yaml"):
            (folder / block.path).parent.mkdir(parents=True, exist_ok=True)
            (folder / block.path).write_text(block.code, encoding="utf-8")
            result += lint_server_config(folder / block.path, block.path, config)
    return result


@pytest.mark.parametrize("code", ALL_CODES)
def test_page_exists_with_title_and_sections(code: str) -> None:
    text = page(code)
    assert text.startswith(f"# {code} {BY_CODE[code].name}\n")
    for heading in ("What it flags", "Why is this bad?", "Example", "Use instead", "Configuration", "Fix"):
        assert f"\n## {heading}\n" in text, heading


@pytest.mark.parametrize("code", ALL_CODES)
def test_bad_example_is_flagged(code: str, tmp_path: Path) -> None:
    assert code in {f.code for f in findings(code, "Example", tmp_path)}


@pytest.mark.parametrize("code", ALL_CODES)
def test_good_example_is_clean(code: str, tmp_path: Path) -> None:
    assert [str(f) for f in findings(code, "Use instead", tmp_path)] == []


def test_index_lists_every_rule() -> None:
    index = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    for code in ALL_CODES:
        assert f"[{code}]({code}.md)" in index


def test_explain_reads_the_same_pages() -> None:
    assert read_page("RDS101") == (REPO / "rules" / "RDS101.md").read_text(encoding="utf-8")


def test_project_level_pages_say_they_need_the_whole_project() -> None:
    for code in _PROJECT_CODES:
        assert "whole project" in page(code)
