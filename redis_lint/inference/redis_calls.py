"""Which modules that can hold a Redis value hold a Redis call, from their flows.

A module that imports a client library, or a name that can carry a Redis value
(redis_lint.inference.carriers), may still never call Redis: a test module that
keeps `redis` for an isinstance check, a module that catches its exceptions, a
view that hands a client's class to a registry.  A Redis command is a call, so a
module holds one only where a value its imports bring can reach a call's callee
or receiver (redis_lint.summaries.flows, which reads more flow than Python has).
Only such modules are given the analysis; the others cannot report anything.
"""

from __future__ import annotations

from collections.abc import Callable, Collection

from redis_lint.rulemeta import CLOSES, PINGS
from redis_lint.summaries.flows import ValueFlows


def holds_redis_call(flows: ValueFlows, carried: Collection[str]) -> bool:
    """Whether a value the module's imports bring can reach a call (or the module cannot be read,
    star-imports a carrier, or names our codes in a `# noqa`, which RDS900 reports if it silences
    nothing)."""
    if not flows.readable or "*" in carried or flows.names_our_codes:
        return True
    return flows.reaches_calls(carried)


def counted_whatever_the_receiver(flows: ValueFlows, *, imports_library: bool,
                                  closes_elsewhere: Callable[[str], bool] = lambda name: True) -> frozenset[str]:
    """What the module holds that the analysis counts whatever the receiver, in a module that
    imports a client library: `x.ping()` (PINGS: a health check) and a close in a shutdown hook
    (CLOSES: of a client), since the analysis cannot always type an injected client.  Only the
    project-level rules count them (redis_lint.rules.lifecycle), and only to stay silent: a module
    that holds nothing else is analysed only when a rule they silence would report."""
    if not imports_library:
        return frozenset()
    closes = flows.closes_in_hooks or any(closes_elsewhere(name) for name in sorted(flows.registered_imports))
    return frozenset(kind for kind, held in ((PINGS, flows.pings), (CLOSES, closes)) if held)
