"""RDS701 hardcoded-credentials and RDS702 plaintext-remote: what they are."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta


class HardcodedCredentials(RuleMeta):
    code = "RDS701"
    name = "hardcoded-credentials"
    summary = "A password, username or credential-bearing URL written in the code."
    secret = True


class PlaintextRemote(RuleMeta):
    code = "RDS702"
    name = "plaintext-remote"
    summary = "A non-loopback host reached without TLS (`redis://`, or `host=` without `ssl=True`)."
    fixable = "unsafe"
