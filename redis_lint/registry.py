"""Every registered rule class: what the catalogue and the rule tables are generated from.

The one list `python -m redis_lint.docs` reads.  Importing it imports every rule, and so libcst: a
run reads the generated catalogue instead (redis_lint.catalogue), and never this.
"""

from __future__ import annotations

from redis_lint.rulemeta import ParseError, RuleInfo, RuleMeta, UnusedNoqa
from redis_lint.rules import ALL_RULES, PROJECT_RULES
from redis_lint.redisconf.server_rules import SERVER_RULES

# The engine reports these two itself; every other rule is registered where its kind is run.
ENGINE_RULES: tuple[type[RuleMeta], ...] = (ParseError, UnusedNoqa)


def registered() -> tuple[type[RuleMeta], ...]:
    """Every rule the engine, the project pass and the server configuration pass run, by code."""
    found = [*ENGINE_RULES, *(type(rule) for rule in (*ALL_RULES, *PROJECT_RULES, *SERVER_RULES))]
    return tuple(sorted(found, key=lambda rule: rule.code))


def catalogue(rules: tuple[type[RuleMeta], ...] | None = None) -> tuple[RuleInfo, ...]:
    """What the generated catalogue must hold for `rules` (default: the registered ones)."""
    return tuple(RuleInfo.of(rule) for rule in (registered() if rules is None else rules))
