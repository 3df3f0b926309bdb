"""The rule pages (rules/RDSnnn.md), read from the installed package or the source tree.

The rule pages (rules/RDSnnn.md): shipped inside the package as redis_lint/rule_pages,
read from the source tree's rules/ folder in a development checkout.
"""

from __future__ import annotations

from pathlib import Path

_PACKAGED = Path(__file__).parent / "rule_pages"
_SOURCE_TREE = Path(__file__).parent.parent / "rules"


def page_path(code: str) -> Path | None:
    for folder in (_PACKAGED, _SOURCE_TREE):
        candidate = folder / f"{code}.md"
        if candidate.is_file():
            return candidate
    return None


def read_page(code: str) -> str | None:
    path = page_path(code)
    return path.read_text(encoding="utf-8") if path is not None else None
