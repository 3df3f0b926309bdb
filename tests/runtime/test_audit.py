"""`redis-lint audit` is read-only and gentle, as the server itself tells: against 200,000 keys,
INFO commandstats shows that the audit ran no command that changes anything, one TYPE and one
PTTL per key and SCANs of the COUNT asked for; MONITOR's timestamps show the pause between
batches."""

from __future__ import annotations

import json
import math
import socket
import subprocess
import sys
import threading
from collections.abc import Iterator
from contextlib import contextmanager

import pytest
import redis

from tests.conftest import REPO, RedisServer, running_redis_server

pytestmark = pytest.mark.slow  # a real redis-server

KEYS, WITH_TTL, MISNAMED = 200_000, 5_000, 10_000
# Commands that change nothing although the server does not flag them read-only: the connection's
# handshake, the server report's look at the settings (INFO, CONFIG GET, the default user's ACL)
# and the look at a cluster's nodes.
LOOKING_ONLY = frozenset({"hello", "auth", "select", "ping", "client|setinfo",
                          "info", "config|get", "acl|getuser", "command|info", "cluster|shards", "cluster|nodes"})


@pytest.fixture(scope="module")
def populated(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis_server(tmp_path_factory.mktemp("audit"), "--enable-debug-command", "local") as server:
        with redis.Redis(port=server.port) as client:
            client.execute_command("DEBUG", "POPULATE", KEYS - MISNAMED, "cache:user")  # cache:user:0, ...
            client.execute_command("DEBUG", "POPULATE", MISNAMED, "Session.Token")
            with client.pipeline(transaction=False) as pipe:
                for n in range(WITH_TTL):
                    pipe.expire(f"cache:user:{n}", 600)
                pipe.execute()
            assert client.dbsize() == KEYS
        yield server


def audit(server: RedisServer, *options: str) -> dict:  # type: ignore[type-arg]
    result = subprocess.run([sys.executable, "-m", "redis_lint", "audit", server.url, "--format", "json", *options],
                            cwd=REPO, capture_output=True, text=True, timeout=300)
    assert result.returncode == 1, result.stderr  # the keyspace above has problems
    return json.loads(result.stdout)  # type: ignore[no-any-return]


def calls_per_command(client: redis.Redis) -> dict[str, int]:
    """INFO commandstats: how often the server ran each command since CONFIG RESETSTAT."""
    stats = client.info("commandstats")
    return {name.removeprefix("cmdstat_"): entry["calls"] for name, entry in stats.items()}


def changes_something(client: redis.Redis, command: str) -> bool:
    """What the server says about the command: a write, or anything neither a read nor looking."""
    [info] = client.execute_command("COMMAND", "INFO", command).values()
    flags, categories = set(info["flags"]), set(info["acl_categories"])
    if "write" in flags or "@write" in categories:
        return True
    return "@read" not in categories and command not in LOOKING_ONLY


def test_audit_of_200000_keys_only_reads_and_honours_count(populated: RedisServer) -> None:
    count = 1000
    with redis.Redis(port=populated.port, decode_responses=True) as client:
        client.config_resetstat()
        report = audit(populated, "--count", str(count), "--pause", "0")
        calls = calls_per_command(client)
        assert calls.pop("config|resetstat") == 1  # the test's own
        assert [command for command in calls if changes_something(client, command)] == []
        assert calls["type"] == calls["pttl"] == KEYS  # one of each per key, nothing more per key
        assert "memory|usage" not in calls  # not asked for
        # SCAN gathers at least COUNT keys per call until the end: KEYS / COUNT calls, give or take one
        assert KEYS / (1.1 * count) <= calls["scan"] <= math.ceil(KEYS / count) + 1, calls["scan"]
    assert (report["scanned"], report["complete"]) == (KEYS, True)
    templates = {t["template"]: t for t in report["templates"]}
    assert (templates["cache:user:{n}"]["keys"], templates["cache:user:{n}"]["without_ttl"]) == (
        KEYS - MISNAMED, KEYS - MISNAMED - WITH_TTL)
    assert templates["Session.Token:{n}"]["keys"] == MISNAMED
    assert {p[:6] for p in templates["Session.Token:{n}"]["problems"]} >= {"RDS101", "RDS201", "RDS202"}


@contextmanager
def monitored(port: int) -> Iterator[list[tuple[float, str, str]]]:
    """Every command the server runs in the block, as MONITOR shows it: (server time, client
    address, command name), filled in when the block ends."""
    marker = b"end-of-monitoring"
    connection = socket.create_connection(("127.0.0.1", port))
    connection.sendall(b"MONITOR\r\n")
    stream = connection.makefile("rb")
    assert stream.readline() == b"+OK\r\n"
    lines: list[bytes] = []

    def read() -> None:  # as it comes, so that the server never holds the stream for us
        for line in iter(stream.readline, b""):
            if marker in line:
                return
            lines.append(line)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    seen: list[tuple[float, str, str]] = []
    try:
        yield seen
    finally:
        with redis.Redis(port=port) as client:
            client.echo(marker)
        reader.join(timeout=60)
        connection.shutdown(socket.SHUT_RDWR)  # ends a read still waiting, should the marker never come
        connection.close()
    for line in lines:  # +1700000000.123456 [0 127.0.0.1:50000] "SCAN" "0" "COUNT" "100"
        stamp, rest = line.decode("utf-8", "replace").lstrip("+").split(" ", 1)
        address, arguments = rest.split("] ", 1)
        seen.append((float(stamp), address.split()[-1], arguments.split('"', 2)[1].upper()))


def pauses_before_scans(commands: list[tuple[float, str, str]]) -> list[float]:
    """For each SCAN after the first: how long the auditor's connection had been silent."""
    auditor = next(address for _, address, command in commands if command == "SCAN")
    own = [(stamp, command) for stamp, address, command in commands if address == auditor]
    first = next(i for i, (_, command) in enumerate(own) if command == "SCAN")
    return [stamp - own[i - 1][0] for i, (stamp, command) in enumerate(own) if command == "SCAN" and i > first]


def test_audit_pauses_between_batches(populated: RedisServer) -> None:
    pause = 0.02
    with monitored(populated.port) as unpaced:
        audit(populated, "--count", "100", "--max-keys", "3000", "--pause", "0")
    with monitored(populated.port) as paced:
        audit(populated, "--count", "100", "--max-keys", "5000", "--pause", str(pause))
    silences = pauses_before_scans(paced)
    assert len(silences) >= 5000 / 110 - 1
    # the server's clock: never less than the pause between the end of one batch and the next SCAN
    assert min(silences) >= pause - 0.001, sorted(silences)[:5]
    # ...which an audit without --pause fails: the measure catches a pause not taken
    assert min(pauses_before_scans(unpaced)) < pause
