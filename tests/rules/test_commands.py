"""The RDS302 and RDS304 messages say what the command does to the server, exactly: FLUSHALL
empties every database, not "every key of the database"."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.rules.commands import AdminCommand, FlushCommand
from redis_lint.semantics.command_specs import ADMIN_COMMANDS, FLUSHES
from tests.conftest import lint

FLUSH_INSTEAD = "delete the keys you own by name; give tests their own database or server"
ADMIN_INSTEAD = "configure and operate the server from its deployment, not from application code"


def message_of(call: str) -> str:
    [finding] = [f for f in lint(f"import redis\n\ndef f(r: redis.Redis):\n    r.{call}\n") if f.code in ("RDS302", "RDS304")]
    return finding.message


@pytest.mark.parametrize(("call", "said"), [
    ("flushall()", "flushall() runs FLUSHALL, which empties every database of the server, not only the client's"),
    ("flushdb(asynchronous=True)",
     "flushdb() runs FLUSHDB, which deletes every key of the client's database, not only this code's"),
    ("execute_command('FLUSHALL')",
     "execute_command() runs FLUSHALL, which empties every database of the server, not only the client's"),
    ("eval(\"return redis.call('FLUSHALL')\", 0)",
     "the Lua script passed to eval() calls FLUSHALL, which empties every database of the server, "
     "not only the client's"),
])
def test_flush_messages(call: str, said: str) -> None:
    assert message_of(call) == f"{said}: {FLUSH_INSTEAD}"


@pytest.mark.parametrize(("call", "said"), [
    ("debug_object('k')", "debug_object() runs DEBUG, which can block (DEBUG SLEEP), crash (DEBUG SEGFAULT) "
                          "or reload the whole server"),
    ("config_set('maxmemory', '1gb')", "config_set() runs CONFIG SET, which changes the server's configuration "
                                       "for every client"),
    ("config_rewrite()", "config_rewrite() runs CONFIG REWRITE, which rewrites the server's configuration file"),
    ("config_resetstat()", "config_resetstat() runs CONFIG RESETSTAT, which resets the statistics the server "
                           "reports (INFO) for every client"),
    ("shutdown()", "shutdown() runs SHUTDOWN, which stops the server"),
    ("monitor()", "monitor() runs MONITOR, which streams every client's commands, secrets included, and slows "
                  "the server"),
    ("save()", "save() runs SAVE, which blocks the server, every client, until the whole dataset is written to disk"),
    ("replicaof('primary', 6379)", "replicaof() runs REPLICAOF, which makes the server a replica of another, "
                                   "discarding its own data, or promotes it"),
    ("script_flush()", "script_flush() runs SCRIPT FLUSH, which removes every Lua script cached on the server, "
                       "other applications' included"),
    ("client_kill('10.0.0.1:5000')", "client_kill() runs CLIENT KILL, which disconnects other clients of the server"),
])
def test_admin_messages(call: str, said: str) -> None:
    assert message_of(call) == f"{said}: {ADMIN_INSTEAD}"


def test_every_flush_and_admin_command_has_its_own_sentence() -> None:
    assert set(FlushCommand.whys) == FLUSHES and set(AdminCommand.whys) == ADMIN_COMMANDS


def test_the_runtime_says_the_same(redis_url: str, tmp_path: Path) -> None:
    (tmp_path / "app.py").write_text(f"import redis\nredis.Redis.from_url({redis_url!r}).flushall()\n")
    subprocess.run([sys.executable, "-m", "redis_lint", "run", "-q", "--output", "rt.json", "--", sys.executable,
                    "app.py"], cwd=tmp_path, capture_output=True, text=True, timeout=120)
    [flush] = [f for f in json.loads((tmp_path / "rt.json").read_text()) if f["code"] == "RDS302"]
    assert flush["message"] == (f"FLUSHALL was sent, which empties every database of the server, not only the "
                                f"client's: {FLUSH_INSTEAD}")
