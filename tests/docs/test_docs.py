"""What the README and the contributor's page promise about themselves: the quick start comes
first, the set-up is two commands and the test one is the one CI runs, the policy ships in the
repository and every rule page links to it, and the fast test subset is the one registered."""

from __future__ import annotations

import re
import sys

from redis_lint.catalogue import ALL_CODES
from tests.conftest import REPO

if sys.version_info >= (3, 11):
    import tomllib
else:
    import tomli as tomllib

README = (REPO / "README.md").read_text(encoding="utf-8")
CONTRIBUTING = (REPO / "CONTRIBUTING.md").read_text(encoding="utf-8")
POLICY = (REPO / "rules" / "policy.md").read_text(encoding="utf-8")


def section(text: str, title: str) -> str:
    found = re.search(rf"^## {re.escape(title)}\n(.*?)(?=^## |\Z)", text, re.S | re.M)
    assert found, f"no '## {title}' section"
    return found[1]


def test_the_quick_start_is_the_first_thing_after_the_title() -> None:
    lines = README.split("\n")
    assert lines[0] == "# redis-lint" and lines[1] == ""
    steps = lines[2:7]
    assert [line[:3] for line in steps] == ["1. ", "2. ", "3. ", "4. ", "5. "] and lines[7] == ""
    for step, words in zip(steps, (("Install", "pip install ."), ("Lint", "redis-lint check"),
                                   ("output", "path:line:col: CODE message"), ("rule", "rules/policy.md"),
                                   ("Configure", "[tool.redis-lint]"))):
        assert all(word in step for word in words), step


def test_two_set_up_commands_and_the_test_one_is_what_ci_runs() -> None:
    commands = re.findall(r"```sh\n(.*?)\n```", section(README, "Set up"), re.S)
    assert len(commands) == 2
    install, tests = commands
    assert install.startswith("python3 -m venv .venv && .venv/bin/pip install . && .venv/bin/redis-lint check ")
    ci = (REPO / ".ci" / "run").read_text().strip().split("\n")[-1]
    assert tests == ci
    assert tests in CONTRIBUTING


def test_the_policy_ships_and_every_rule_page_links_to_it() -> None:
    assert "redis-practices.md" not in README + CONTRIBUTING + (REPO / "rules" / "README.md").read_text()
    assert "](rules/policy.md)" in README and "](policy.md)" in (REPO / "rules" / "README.md").read_text()
    anchors = {re.sub(r"[^a-z0-9 -]", "", title.lower()).replace(" ", "-")
               for title in re.findall(r"^## (.+)$", POLICY, re.M)}
    for code in ALL_CODES:
        page = (REPO / "rules" / f"{code}.md").read_text(encoding="utf-8")
        links = re.findall(r"\]\(policy\.md(?:#([a-z0-9-]+))?\)", page)
        assert links, f"{code}.md does not link to policy.md"
        assert all(anchor in anchors for anchor in links if anchor), (code, links)
        if code not in ("RDS000", "RDS900"):  # about the linting itself, not the policy
            assert f"]({code}.md)" in POLICY, f"policy.md does not name {code}"


def test_accuracy_and_speed_live_next_to_their_scripts() -> None:
    assert "](bench/README.md)" in section(README, "Speed")
    assert "](bench/realworld/README.md)" in section(README, "Accuracy on real code")
    assert len(section(README, "Speed").strip().split("\n\n")) == 1  # one line (a paragraph), not the tables
    assert "| RDS101 |" in (REPO / "bench" / "realworld" / "README.md").read_text()
    assert "### What stands in the way" in (REPO / "bench" / "README.md").read_text()
    assert "## How it works" in CONTRIBUTING and "## How it works" not in README


def test_the_fast_subset_is_a_registered_marker() -> None:
    options = tomllib.loads((REPO / "pyproject.toml").read_text())["tool"]["pytest"]["ini_options"]
    assert any(marker.startswith("slow:") for marker in options["markers"])
    assert "--strict-markers" in options["addopts"]
    assert '-m "not slow"' in CONTRIBUTING and '-m "not slow"' in section(README, "Set up")


def test_the_how_it_works_table_names_every_folder_and_module_of_the_package() -> None:
    """Each package of redis_lint has its row, and each of its modules is named in it; each
    top-level module is named in the table."""
    table = [line for line in section(CONTRIBUTING, "How it works").split("\n") if line.startswith("| `")]
    rows = {line.split("|")[1].strip(): line for line in table}
    package = REPO / "redis_lint"
    for folder in sorted(p for p in package.iterdir() if (p / "__init__.py").exists()):
        row = rows.get(f"`redis_lint/{folder.name}/`")
        assert row, f"no row for redis_lint/{folder.name}/"
        for module in sorted(folder.glob("*.py")):
            if module.name != "__init__.py":
                assert f"`{module.name}`" in row, f"redis_lint/{folder.name}/{module.name} is not named"
    named = " ".join(cell for cell in rows)
    for module in sorted(package.glob("*.py")):
        if module.name != "__init__.py":
            assert re.search(rf"[`/]{re.escape(module.name)}`", named), f"redis_lint/{module.name} has no row"


def test_every_module_says_in_its_first_line_what_it_is_for() -> None:
    import ast

    for path in sorted((REPO / "redis_lint").rglob("*.py")):
        docstring = ast.get_docstring(ast.parse(path.read_text(encoding="utf-8")), clean=False)
        assert docstring, f"{path.relative_to(REPO)} has no docstring"
        first, *rest = docstring.split("\n")
        assert first.endswith("."), f"{path.relative_to(REPO)}: the first line is not a sentence"
        assert not rest or not rest[0].strip(), f"{path.relative_to(REPO)}: the first line goes on"
