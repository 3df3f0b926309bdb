"""Write the skeleton of a new rule: its rulebook entry, its check, and its page.

    python scripts/new_rule.py RDS603 pipeline-too-long pipelines

Then fill both in, add its tests, and run `python -m redis_lint.docs` (CONTRIBUTING.md,
"Adding a rule")."""

from __future__ import annotations

import argparse
import re
import sys
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
SECTIONS = ("What it flags", "Why is this bad?", "Example", "Use instead", "Configuration", "Fix")

ENTRY = '''

class {cls}(RuleMeta):
    code = "{code}"
    name = "{name}"
    summary = "TODO: one sentence, what it flags."
'''
ENTRY_HEADER = '''"""{code}: TODO, what these rules are, and the words of their messages."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta
'''
CHECK = '''

class {cls}(book.{cls}, Rule):
    def check(self, context: RuleContext) -> Iterator[Violation]:
        yield from ()  # TODO: read context.model, yield a Violation whose message says what to do instead
'''
CHECK_HEADER = '''"""{code}: TODO, how these rules check the code."""

from __future__ import annotations

from collections.abc import Iterator

from redis_lint.rulebook import {family} as book
from redis_lint.rules.base import Rule, RuleContext, Violation
'''


def page(code: str, name: str) -> str:
    body = {"Example": "```python\nimport redis\n\n# TODO: code the rule flags\n```",
            "Use instead": "```python\nimport redis\n\n# TODO: the same, done right\n```",
            "Configuration": "None.", "Fix": "None."}
    sections = "".join(f"\n## {title}\n\n{body.get(title, 'TODO')}\n" for title in SECTIONS)
    return f"# {code} {name}\n\nTODO: one line.\n\nPolicy: [TODO](policy.md#TODO).\n{sections}"


def main(argv: list[str] | None = None, repo: Path = REPO) -> int:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("code", help="RDS and three digits")
    parser.add_argument("name", help="kebab-case")
    parser.add_argument("family", help="the module under redis_lint/rulebook/ and redis_lint/rules/ (created if new)")
    options = parser.parse_args(argv)
    if not re.fullmatch(r"RDS\d{3}", options.code) or not re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", options.name):
        parser.error("the code is RDS and three digits, the name kebab-case")
    page_path = repo / "rules" / f"{options.code}.md"
    entries = repo / "redis_lint" / "rulebook" / f"{options.family}.py"
    checks = repo / "redis_lint" / "rules" / f"{options.family}.py"
    if page_path.exists() or any(f'code = "{options.code}"' in path.read_text(encoding="utf-8")
                                 for path in entries.parent.glob("*.py")):
        parser.error(f"{options.code} exists already")
    cls = "".join(part.capitalize() for part in options.name.split("-"))
    for module, header, stub in ((entries, ENTRY_HEADER, ENTRY), (checks, CHECK_HEADER, CHECK)):
        text = module.read_text(encoding="utf-8") if module.exists() else header.format(
            code=options.code, family=options.family)
        module.parent.mkdir(parents=True, exist_ok=True)
        module.write_text(text + stub.format(cls=cls, code=options.code, name=options.name), encoding="utf-8")
    page_path.write_text(page(options.code, options.name), encoding="utf-8")
    print(f"wrote {cls} in {entries.relative_to(repo)} and {checks.relative_to(repo)}, and "
          f"{page_path.relative_to(repo)}: fill in the TODOs, add tests, then run `python -m redis_lint.docs`")
    return 0


if __name__ == "__main__":
    sys.exit(main())
