"""`redis-lint run`, `compare` and `audit`, invoked as users invoke them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest
import redis

from redis_lint.runtime.audit import READ_ONLY_COMMANDS, ReadOnlyConnection, WriteRefused, redact_url

pytestmark = pytest.mark.slow  # a real redis-server and subprocesses


def redis_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "redis_lint", *args], cwd=cwd, capture_output=True, text=True,
                          timeout=300)


PARENT = """\
import subprocess, sys
import redis
r = redis.Redis.from_url(sys.argv[1])
r.set("cache:user:1:profile", "v")
subprocess.run([sys.executable, "child.py", sys.argv[1]], check=True)
sys.exit(int(sys.argv[2]) if len(sys.argv) > 2 else 0)
"""
CHILD = """\
import sys
import redis
redis.Redis.from_url(sys.argv[1]).keys("*")
"""


@pytest.fixture
def program(tmp_path: Path) -> Path:
    (tmp_path / "parent.py").write_text(PARENT)
    (tmp_path / "child.py").write_text(CHILD)
    return tmp_path


def test_run_watches_the_program_and_its_python_subprocesses(program: Path, redis_url: str) -> None:
    result = redis_lint("run", "--output", "rt.json", "--", sys.executable, "parent.py", redis_url, cwd=program)
    assert result.returncode == 1, result.stderr
    findings = json.loads((program / "rt.json").read_text())
    assert sorted((f["path"], f["line"], f["code"]) for f in findings) == [
        ("child.py", 3, "RDS301"), ("child.py", 3, "RDS401"),
        ("parent.py", 3, "RDS401"), ("parent.py", 4, "RDS101"),
    ]
    assert set(findings[0]) >= {"path", "line", "column", "end_line", "end_column", "code", "name", "message",
                                "count", "example_key"}
    assert "parent.py:4:1: RDS101" in result.stdout


def test_run_passes_on_the_programs_failure(program: Path, redis_url: str) -> None:
    result = redis_lint("run", "-q", "--", sys.executable, "parent.py", redis_url, "3", cwd=program)
    assert result.returncode == 3
    assert "the command exited with 3" in result.stderr


def test_compare_runs_the_command_and_matches_by_line(program: Path, redis_url: str) -> None:
    result = redis_lint("compare", ".", "--", sys.executable, "parent.py", redis_url, cwd=program)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "runtime only:   0" in result.stdout
    assert "static recall on runtime findings: 100.0%" in result.stdout


def test_compare_reports_what_static_analysis_missed(tmp_path: Path, redis_url: str) -> None:
    # the key comes from the environment: static analysis cannot see it, the runtime can
    (tmp_path / "names.py").write_text("import os\nKEY = os.environ.get('APP_KEY', 'Users.All')\n")
    (tmp_path / "service.py").write_text(
        "import sys\nimport redis\nfrom names import KEY\n"
        "def read(r: redis.Redis):\n    return r.get(KEY)\n"
        "read(redis.Redis.from_url(sys.argv[1]))\n")
    result = redis_lint("compare", ".", "--format", "json", "--", sys.executable, "service.py", redis_url, cwd=tmp_path)
    assert result.returncode == 1
    report = json.loads(result.stdout)
    assert sorted((f["line"], f["code"]) for f in report["runtime_only"]) == [(5, "RDS201"), (5, "RDS202"), (5, "RDS203")]
    assert report["counts"]["matched"] == 1  # the RDS401 on line 6


def test_compare_needs_a_runtime_source(tmp_path: Path) -> None:
    result = redis_lint("compare", ".", cwd=tmp_path)
    assert result.returncode == 2
    assert "give either --runtime FILE or -- COMMAND" in result.stderr


def test_compare_rejects_a_broken_runtime_file(tmp_path: Path) -> None:
    (tmp_path / "rt.json").write_text('{"not": "a list"}')
    result = redis_lint("compare", ".", "--runtime", "rt.json", cwd=tmp_path)
    assert result.returncode == 2 and "not a runtime findings file" in result.stderr


# -- audit -----------------------------------------------------------------------

@pytest.fixture
def populated(redis_url: str) -> str:
    client = redis.Redis.from_url(redis_url)
    for i in range(30):
        client.set(f"cache:user:{i}:profile", "v")  # no TTL
        client.set(f"cache:referral:{i:08x}{i:08x}", "v", ex=60)
    for i in range(5):
        client.set(f"session:auth:token:{i}", "v", ex=7 * 86400)  # over policy
        client.rpush(f"queue:notification:{i}", "job")  # persistent: fine
        client.sadd(f"Users.Online{i}", "x")  # misnamed, no TTL
    client.close()
    return redis_url


def test_audit_lists_templates_without_ttl_and_misnamed(populated: str, tmp_path: Path) -> None:
    result = redis_lint("audit", populated, "--pause", "0", "--count", "7", cwd=tmp_path)
    assert result.returncode == 1
    text = result.stdout
    assert "Scanned 75 keys" in text
    assert "cache:user:{n}:profile: RDS101 30 of 30 keys have no TTL (policy max for cache:user is 3600 s)" in text
    assert "session:auth:token:{n}: RDS102 5 of 5 keys have a TTL over the policy maximum of 86400 s" in text
    assert "RDS201" in text and "RDS202" in text and "RDS203" in text
    assert "queue:notification:{n}:" not in text.split("Problems:")[1]


def test_audit_json_and_bounds(populated: str, tmp_path: Path) -> None:
    result = redis_lint("audit", populated, "--format", "json", "--pause", "0", "--count", "10", "--max-keys", "20",
                        "--memory-samples", "2", cwd=tmp_path)
    report = json.loads(result.stdout)
    assert report["scanned"] == 20 and report["complete"] is False
    assert sum(t["keys"] for t in report["templates"]) == 20
    assert all(t["memory_estimate_bytes"] for t in report["templates"])


def commandstats(url: str) -> dict[str, int]:
    client = redis.Redis.from_url(url)
    stats = {name: value["calls"] for name, value in client.info("commandstats").items()}
    client.close()
    return stats


def test_audit_issues_no_write_command(populated: str, tmp_path: Path) -> None:
    before_keys = sorted(redis.Redis.from_url(populated).keys("*"))
    before = commandstats(populated)
    result = redis_lint("audit", populated, "--pause", "0", "--memory-samples", "1", cwd=tmp_path)
    assert result.returncode == 1
    after = commandstats(populated)
    issued = {name.removeprefix("cmdstat_") for name in after if after[name] != before.get(name)}
    issued -= {"keys", "hello"}  # this test's own calls, and every connection's handshake
    # the keyspace walk, and what the server says about itself (audit_server.py)
    assert issued == {"scan", "type", "pttl", "memory|usage", "info", "config|get", "acl|getuser", "command|info",
                      "ping"}, issued
    assert sorted(redis.Redis.from_url(populated).keys("*")) == before_keys


def test_the_read_only_connection_refuses_writes(redis_url: str) -> None:
    connection = ReadOnlyConnection(redis_url)
    for command in ("SET", "DEL", "FLUSHALL", "EXPIRE", "CONFIG SET"):
        assert command not in READ_ONLY_COMMANDS
        with pytest.raises(WriteRefused):
            connection.call(command, "k", "v")
        with pytest.raises(WriteRefused):
            connection.batch([("TYPE", "k"), (command, "k")])
    connection.close()


def test_audit_of_an_unreachable_server_is_one_line(tmp_path: Path) -> None:
    result = redis_lint("audit", "redis://user:hunter2@127.0.0.1:1/0", cwd=tmp_path)
    assert result.returncode == 2
    assert result.stderr.startswith("redis-lint: error: cannot audit redis://127.0.0.1:1/0: ConnectionError")
    assert "hunter2" not in result.stderr


@pytest.mark.parametrize(
    ("url", "shown"),
    [("redis://:pw@host:6380/2", "redis://host:6380/2"), ("rediss://u:p@[::1]:6379", "rediss://[::1]:6379"),
     ("redis://localhost", "redis://localhost"), ("unix://u:p@/run/r.sock?db=1&password=p", "unix:///run/r.sock")],
)
def test_urls_are_shown_without_credentials(url: str, shown: str) -> None:
    assert redact_url(url) == shown


def test_audit_shows_progress_on_a_terminal(populated: str, tmp_path: Path) -> None:
    import os
    import pty
    import threading

    leader, follower = pty.openpty()
    chunks: list[bytes] = []

    def read() -> None:  # while the audit runs: a terminal's buffer is small, and a full one blocks the writer
        while True:
            try:
                chunk = os.read(leader, 4096)
            except OSError:  # EIO: every writer has closed the terminal
                return
            if not chunk:
                return
            chunks.append(chunk)

    reader = threading.Thread(target=read, daemon=True)
    reader.start()
    result = subprocess.run([sys.executable, "-m", "redis_lint", "audit", populated, "--pause", "0", "--count", "10"],
                            cwd=tmp_path, stdout=subprocess.PIPE, stderr=follower, text=True, timeout=300)
    os.close(follower)
    reader.join(timeout=10)
    os.close(leader)
    shown = b"".join(chunks)
    assert b"\rscanned " in shown and b"scanned 75 keys" in shown
    assert "scanned" not in result.stdout  # progress never mixes with the report


def test_compare_sets_apart_what_was_seen_outside_the_paths_compared(tmp_path: Path, redis_url: str) -> None:
    """A command a library's own code sends (here a helper outside the paths compared, as a test
    framework calls a bound method it was handed) is no static miss of the paths compared."""
    (tmp_path / "app").mkdir()
    (tmp_path / "lib").mkdir()
    (tmp_path / "lib" / "framework.py").write_text("def finalize(callback):\n    callback()\n")
    (tmp_path / "app" / "main.py").write_text(
        "import sys\nimport redis\nsys.path.insert(0, 'lib')\nfrom framework import finalize\n"
        "client = redis.Redis.from_url(sys.argv[1])\nfinalize(client.flushdb)\n")
    result = redis_lint("compare", "app", "--format", "json", "--", sys.executable, "app/main.py", redis_url, cwd=tmp_path)
    report = json.loads(result.stdout)
    assert [(Path(f["path"]).name, f["code"]) for f in report["outside"]] == [("framework.py", "RDS302")]
    assert report["runtime_only"] == [] and result.returncode == 0, result.stdout + result.stderr


CLUSTER_PROGRAM = """\
import sys
from redis.cluster import RedisCluster
from redis.exceptions import RedisClusterException, ResponseError


def cache_pair(cluster: RedisCluster, user_id: int) -> None:
    try:
        cluster.mget(f"cache:user:{user_id}:profile", f"cache:user:{user_id}:settings")
    except (RedisClusterException, ResponseError):
        pass
    cluster.mget(f"cache:user:{{{user_id}}}:profile", f"cache:user:{{{user_id}}}:settings")


cache_pair(RedisCluster(host="127.0.0.1", port=int(sys.argv[1])), 42)
"""


def test_compare_matches_the_cross_slot_findings_of_a_program_on_a_cluster(tmp_path: Path, redis_cluster) -> None:  # type: ignore[no-untyped-def]
    (tmp_path / "service.py").write_text(CLUSTER_PROGRAM)
    result = redis_lint("compare", ".", "--format", "json", "--", sys.executable, "service.py",
                        str(redis_cluster[0].port), cwd=tmp_path)
    report = json.loads(result.stdout)
    matched = [(pair["static"]["line"], pair["static"]["code"]) for pair in report["matched"]]
    assert (8, "RDS603") in matched, result.stdout + result.stderr
    assert not [f for f in report["runtime_only"] + report["static_only"] if f["code"] == "RDS603"]
