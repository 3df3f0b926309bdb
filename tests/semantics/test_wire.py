"""The expiry a command gives on the wire, as the runtime reads it (redis_lint.semantics.wire)."""

from __future__ import annotations

import pytest

from redis_lint.semantics.command_specs import TtlUnit
from redis_lint.semantics.wire import MEMBER_EXPIRY_COMMANDS, WIRE, expiries

S, MS, ABS = TtlUnit.SECONDS, TtlUnit.MILLISECONDS, TtlUnit.ABSOLUTE


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (("HEXPIRE", "k", 60, "FIELDS", 1, "f"), [(S, 60.0)]),
        (("HPEXPIRE", "k", 60000, "NX", "FIELDS", 1, "f"), [(MS, 60000.0)]),
        (("HEXPIREAT", "k", 1700000000, "FIELDS", 1, "f"), [(ABS, 1700000000.0)]),
        (("SPEXPIREAT", "k", 1700000000000, "MEMBERS", 1, "m"), [(ABS, 1700000000000.0)]),
        (("HSETEX", "k", "FNX", "EX", 60, "FIELDS", 1, "f", "v"), [(S, 60.0)]),
        (("HSETEX", "k", "KEEPTTL", "FIELDS", 1, "f", "v"), [(TtlUnit.KEEP, None)]),
        (("HSETEX", "k", "FIELDS", 1, "f", "v"), []),
        (("HGETEX", "k", "PX", 500, "FIELDS", 1, "f"), [(MS, 500.0)]),
        (("SADDEX", "k", "EX", 5, "m"), [(S, 5.0)]),
        (("HSET", "k", "EX", "60"), []),  # a field named EX is not an option of HSET
    ],
)
def test_expiries_on_the_wire(args: tuple, expected: list) -> None:
    assert expiries(args[0], args) == expected


def test_member_expiry_commands() -> None:
    assert {"HEXPIRE", "HPEXPIRE", "HEXPIREAT", "HPEXPIREAT", "SEXPIRE"} <= MEMBER_EXPIRY_COMMANDS


def test_the_keys_of_a_script_on_the_wire_are_counted_by_numkeys() -> None:
    assert WIRE["EVALSHA"].keys(("EVALSHA", "f00", 2, "cache:a:b", "cache:c:d", "arg")) == ["cache:a:b", "cache:c:d"]
    assert WIRE["EVAL"].keys(("EVAL", "return 1", "1", b"cache:a:b", 60)) == [b"cache:a:b"]
    assert WIRE["EVAL"].keys(("EVAL", "return 1", 0, "arg")) == []
