"""Every rule's code, name and one-line summary: the single list the CLI, the
configuration checker, the output formats and the docs all read."""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class RuleInfo:
    code: str
    name: str
    summary: str
    default: bool = True  # on unless the user selects it explicitly
    fix: str = ""  # "unsafe": `check --fix --unsafe-fixes` rewrites some findings; "safe": --fix alone


RULES: tuple[RuleInfo, ...] = (
    RuleInfo("RDS000", "parse-error", "A file that cannot be read, decoded or parsed."),
    RuleInfo("RDS101", "missing-ttl", "A key-creating write with no expiry in the call or later in the same function.",
             fix="unsafe"),
    RuleInfo("RDS102", "ttl-over-policy", "A constant expiry longer than the policy maximum for the key's prefix."),
    RuleInfo("RDS201", "key-shape", "A key that is not namespace:context:entity[:attribute]."),
    RuleInfo("RDS202", "key-case", "Upper-case letters in the literal parts of a key.", fix="unsafe"),
    RuleInfo("RDS203", "key-namespace", "A key whose first segment is not one of the policy's namespaces."),
    RuleInfo("RDS301", "keys-command", "KEYS, which blocks the server while it walks the whole keyspace."),
    RuleInfo("RDS302", "flush-command", "FLUSHDB, which empties the client's database, or FLUSHALL, every database of the server."),
    RuleInfo("RDS303", "scan-command", "SCAN and its family, which walk the keyspace or a whole collection."),
    RuleInfo("RDS304", "admin-command", "Server administration (CONFIG SET, SHUTDOWN, DEBUG, ...) from application code."),
    RuleInfo("RDS401", "client-outside-injection-point", "A client or pool constructed outside a dependency-injection point."),
    RuleInfo("RDS402", "client-per-call", "A client or pool built in a loop, or built, used and dropped in one function."),
    RuleInfo("RDS403", "client-never-closed", "A long-lived client that nothing in the project closes (project-level)."),
    RuleInfo("RDS404", "missing-health-check", "The project creates clients but never calls ping() (project-level)."),
    RuleInfo("RDS501", "lock-without-expiry", "A lock taken with no expiry: SET NX without PX/EX, setnx(), lock() without timeout.",
             fix="unsafe"),
    RuleInfo("RDS502", "lock-unsafe-release", "A lock released with a plain delete, without checking who holds it."),
    RuleInfo("RDS503", "lock-constant-token", "A lock taken with a constant token instead of a unique random one.",
             fix="unsafe"),
    RuleInfo("RDS601", "command-in-loop", "A client command issued once per loop iteration: use a pipeline."),
    RuleInfo("RDS602", "pipeline-not-executed", "A pipeline that queues commands and is never executed."),
    RuleInfo("RDS701", "hardcoded-credentials", "A password or credential-bearing URL written in the code."),
    RuleInfo("RDS702", "plaintext-remote", "A non-loopback host reached without TLS.", fix="unsafe"),
    RuleInfo("RDS703", "unguarded-call", "A command in a request-path module outside a try that handles Redis errors (opt-in).",
             default=False),
    RuleInfo("RDS801", "server-no-maxmemory", "A Redis server configuration without maxmemory."),
    RuleInfo("RDS802", "server-eviction-policy", "No maxmemory-policy, or noeviction on a cache instance."),
    RuleInfo("RDS803", "server-no-auth", "A server bound beyond loopback without authentication."),
    RuleInfo("RDS804", "server-no-tls", "A server bound beyond loopback without TLS."),
    RuleInfo("RDS805", "server-dangerous-commands", "KEYS, FLUSHALL, FLUSHDB or CONFIG open to the default user."),
    RuleInfo("RDS806", "server-no-persistence", "Neither RDB snapshots nor AOF on an instance that must persist."),
    RuleInfo("RDS900", "unused-noqa", "A `# noqa: RDSnnn` that silences nothing (opt-in).", default=False),
)

BY_CODE: dict[str, RuleInfo] = {rule.code: rule for rule in RULES}
BY_NAME: dict[str, RuleInfo] = {rule.name: rule for rule in RULES}
ALL_CODES: tuple[str, ...] = tuple(BY_CODE)


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
