"""One source of truth per rule: the metadata on the rule classes, the registry that runs them,
the pages in rules/, the generated catalogue and tables all name the same rules, and a rule
added in one place (its class) reaches all of them through `python -m redis_lint.docs`."""

from __future__ import annotations

import re
import runpy
import shutil
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import pytest
from click.testing import CliRunner

from redis_lint import catalogue, cli, docs, registry
from redis_lint.config import Config
from redis_lint.rulemeta import RuleMeta
from redis_lint.rules import ProjectRule, Rule, RuleContext, Violation
from redis_lint.redisconf.server_rules import ServerRule
from tests.conftest import REPO
from tests.docs.test_rule_pages import findings

REGISTERED = registry.registered()
CODES = [rule.code for rule in REGISTERED]


def test_the_generated_catalogue_and_tables_are_fresh() -> None:
    stale = [str(path) for path in docs.stale(registry.catalogue())]
    assert not stale, f"{', '.join(stale)}: stale, run `{docs.COMMAND}`"


def test_the_check_command_says_what_is_stale(tmp_path: Path) -> None:
    _copy_generated(tmp_path)
    readme = tmp_path / "README.md"
    readme.write_text(readme.read_text().replace("| missing-ttl |", "| missing-tll |"))
    check = [sys.executable, "-c", "import sys; from pathlib import Path; from redis_lint.docs import main; "
             "sys.exit(main(['--check'], Path(sys.argv[1])))", str(tmp_path)]
    result = subprocess.run(check, capture_output=True, text=True, timeout=120)
    assert result.returncode == 1 and result.stderr == f"README.md is stale: run `{docs.COMMAND}`\n"
    assert subprocess.run([sys.executable, "-m", "redis_lint.docs", "--check"], cwd=REPO).returncode == 0


def test_the_catalogue_holds_exactly_the_registered_rules() -> None:
    listed = {rule.code for rule in catalogue.RULES}
    assert not listed - set(CODES), f"catalogue entries with no registered rule: {sorted(listed - set(CODES))}"
    assert not set(CODES) - listed, f"registered rules missing from the catalogue: {sorted(set(CODES) - listed)}"
    assert catalogue.RULES == registry.catalogue()


def test_every_rule_class_of_the_package_is_registered() -> None:
    """A rule class that is never registered never runs: every class that declares a code (a
    rulebook entry, a server configuration rule) is registered, itself or as the check built on it."""
    defined = {rule for rule in _subclasses(RuleMeta) if rule.__module__.startswith("redis_lint.")
               and "code" in vars(rule)}
    unregistered = {rule for rule in defined if not any(issubclass(registered, rule) for registered in REGISTERED)}
    assert unregistered == set(), "defined but not registered"


def test_codes_and_names_are_unique_and_well_formed() -> None:
    assert len(set(CODES)) == len(CODES) and len({rule.name for rule in REGISTERED}) == len(REGISTERED)
    for rule in REGISTERED:
        assert re.fullmatch(r"RDS\d{3}", rule.code), rule
        assert re.fullmatch(r"[a-z]+(-[a-z0-9]+)*", rule.name), rule
        assert rule.summary[0].isupper() or rule.summary[0] == "`", rule
        assert rule.summary.endswith(".") and "\n" not in rule.summary, rule
        assert rule.fixable in ("", "safe", "unsafe"), rule


def test_every_registered_rule_has_a_page_and_every_page_a_rule() -> None:
    pages = {path.stem for path in (REPO / "rules").glob("RDS*.md")}
    assert set(CODES) - pages == set(), "registered rules with no page in rules/"
    assert pages - set(CODES) == set(), "pages in rules/ of rules that are not registered"
    for rule in REGISTERED:
        assert (REPO / rule.page()).read_text(encoding="utf-8").startswith(f"# {rule.code} {rule.name}\n")


def test_what_runs_by_default_is_every_rule_not_marked_opt_in(tmp_path: Path) -> None:
    """A registered rule the configuration does not know never runs, opt-in or not."""
    config = Config(root=tmp_path)
    assert config.enabled_codes("app.py") == {rule.code for rule in REGISTERED if rule.default}
    opt_in = [rule.code for rule in REGISTERED if not rule.default]
    assert Config(root=tmp_path, extend_select=tuple(opt_in)).enabled_codes("app.py") == set(CODES)


_CHECKS = {Rule: "check", ProjectRule: "check_project", ServerRule: "check"}


@pytest.mark.parametrize("rule", [r for r in REGISTERED if issubclass(r, tuple(_CHECKS))], ids=lambda r: r.code)
def test_the_rule_class_itself_flags_its_page_example(rule: type[RuleMeta], tmp_path: Path,
                                                      monkeypatch: pytest.MonkeyPatch) -> None:
    """Not only the page's code in the findings: this class's own check yields on the Example."""
    method = next(name for kind, name in _CHECKS.items() if issubclass(rule, kind))
    original = getattr(rule, method)
    yielded = []

    def spy(self: object, *args: object) -> Iterator[object]:
        for item in original(self, *args):
            yielded.append(item)
            yield item

    monkeypatch.setattr(rule, method, spy)
    findings(rule.code, "Example", tmp_path)
    assert yielded, f"{rule.__name__}.{method} yields nothing on the Example of {rule.page()}"


class Throwaway(Rule):
    """A rule that exists only in this test: declared once, found everywhere."""

    code = "RDS999"
    name = "throwaway-rule"
    summary = "A rule no one wrote a line for besides its class."
    default = False
    fixable = "unsafe"

    def check(self, context: RuleContext) -> Iterator[Violation]:
        yield from ()


def test_a_new_rule_class_reaches_the_catalogue_the_tables_and_the_rules_command(
        tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    _copy_generated(tmp_path)
    monkeypatch.setattr(registry, "registered", lambda: (*REGISTERED, Throwaway))
    assert docs.main([], tmp_path) == 0 and docs.main(["--check"], tmp_path) == 0
    rules = runpy.run_path(str(tmp_path / docs.CATALOGUE))["RULES"]
    assert rules[-1] == catalogue.RuleInfo("RDS999", "throwaway-rule", Throwaway.summary, False, "unsafe")
    row = f"| throwaway-rule | {Throwaway.summary} | unsafe | opt-in: `extend-select = [\"RDS999\"]` |"
    assert f"| [RDS999](rules/RDS999.md) {row}" in (tmp_path / "README.md").read_text()
    assert f"| [RDS999](RDS999.md) {row}" in (tmp_path / "rules" / "README.md").read_text()
    monkeypatch.setattr(cli, "RULES", rules)
    listed = CliRunner().invoke(cli.cli, ["rules"]).stdout.splitlines()
    assert listed[-1].split()[:4] == ["RDS999", "throwaway-rule", "unsafe", "opt-in"]
    assert listed[-1].endswith(Throwaway.summary)


def _copy_generated(folder: Path) -> None:
    """The files `python -m redis_lint.docs` rewrites, copied under `folder` as a repository's."""
    for path in docs.generated(catalogue.RULES):
        (folder / path).parent.mkdir(parents=True, exist_ok=True)
        shutil.copy(REPO / path, folder / path)


def _subclasses(cls: type) -> set[type]:
    found = set(cls.__subclasses__())
    return found.union(*(_subclasses(sub) for sub in found))


def test_the_skeleton_script_writes_a_class_and_a_page_that_fit(tmp_path: Path,
                                                                monkeypatch: pytest.MonkeyPatch) -> None:
    import importlib.util
    import sys

    import redis_lint.rulebook

    for folder in ("rules", "rulebook"):
        (tmp_path / "redis_lint" / folder).mkdir(parents=True)
        shutil.copy(REPO / "redis_lint" / folder / "pipelines.py", tmp_path / "redis_lint" / folder)
    (tmp_path / "rules").mkdir()
    new_rule = runpy.run_path(str(REPO / "scripts" / "new_rule.py"))["main"]
    assert new_rule(["RDS699", "pipeline-too-long", "pipelines"], tmp_path) == 0
    with pytest.raises(SystemExit):  # a code that exists already
        new_rule(["RDS699", "other-name", "fresh"], tmp_path)
    assert new_rule(["RDS698", "fresh-rule", "fresh"], tmp_path) == 0  # a new family: new modules

    def load(folder: str, family: str) -> dict[str, object]:
        """A written module, importing the written rulebook entries in place of the package's."""
        path = tmp_path / "redis_lint" / folder / f"{family}.py"
        spec = importlib.util.spec_from_file_location(f"redis_lint.{folder}.{family}", path)
        assert spec is not None and spec.loader is not None
        module = importlib.util.module_from_spec(spec)
        monkeypatch.setitem(sys.modules, spec.name, module)
        if folder == "rulebook":  # `from redis_lint.rulebook import pipelines` reads the package's attribute
            monkeypatch.setattr(redis_lint.rulebook, family, module, raising=False)
        spec.loader.exec_module(module)
        return vars(module)

    for family in ("pipelines", "fresh"):
        load("rulebook", family)
    assert load("rules", "fresh")["FreshRule"].code == "RDS698"  # type: ignore[attr-defined]
    rule = load("rules", "pipelines")["PipelineTooLong"]
    assert isinstance(rule, type) and issubclass(rule, Rule)
    assert (rule.code, rule.name) == ("RDS699", "pipeline-too-long")  # type: ignore[attr-defined]
    assert list(rule().check(None)) == []  # type: ignore[arg-type]
    text = (tmp_path / "rules" / "RDS699.md").read_text()
    assert text.startswith("# RDS699 pipeline-too-long\n") and "](policy.md" in text
    for heading in ("What it flags", "Why is this bad?", "Example", "Use instead", "Configuration", "Fix"):
        assert f"\n## {heading}\n" in text, heading
