"""Every rule's metadata, looked up by code or name, for the CLI, configuration, formats and runtime.

Code, name, summary, default and fix.  The rule classes say it
(redis_lint.rulemeta); the list itself is generated from them, see redis_lint.docs.
"""

from __future__ import annotations

from redis_lint.catalogue_generated import RULES
from redis_lint.rulemeta import RuleInfo

BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, RuleInfo] = {rule.name: rule for rule in RULES}
ALL_CODES: tuple[str, ...] = tuple(BY_CODE)

__all__ = ["ALL_CODES", "BY_CODE", "BY_NAME", "RULES", "RuleInfo", "find_rule"]


def find_rule(given: str) -> RuleInfo | str:
    """The rule named by its code (any case) or its name; else a sentence saying so, with the
    rules whose names come near (a code has no near misses worth naming: every RDSnnn is near)."""
    import difflib

    text = given.strip()
    name = text.lower().replace("_", "-")
    rule = BY_CODE.get(text.upper()) or BY_NAME.get(name)
    if rule is not None:
        return rule
    near = [n for n in BY_NAME if name and name in n.split("-")] or difflib.get_close_matches(name, BY_NAME, n=3)
    if text.upper().startswith("RDS"):
        return f"unknown rule code {given!r}; `redis-lint rules` lists every rule"
    if not near:
        return f"unknown rule {given!r}; `redis-lint rules` lists every rule"
    guesses = " or ".join(f"{n} ({BY_NAME[n].code})" for n in near)
    return f"unknown rule {given!r}: did you mean {guesses}? `redis-lint rules` lists every rule"
