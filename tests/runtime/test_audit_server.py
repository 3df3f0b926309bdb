"""`redis-lint audit URL`: what a real server, started with a known configuration, says about
itself: memory limit and policy, hit ratio, evicted and expired keys, AUTH, TLS, and RDS801-RDS806
on CONFIG GET, with refusals (managed services, ACL users) as notes."""

from __future__ import annotations

import json
import subprocess
import sys
import time
from pathlib import Path

import pytest
import redis

from redis_lint.runtime.audit_server import anonymous_url, format_server_text, server_report
from tests.conftest import running_redis_server

pytestmark = pytest.mark.slow  # a real redis-server

# start_redis_server binds 127.0.0.1 and turns persistence off; these add the rest
LIMITED = ("--maxmemory", "10mb", "--maxmemory-policy", "allkeys-lru")


def codes(report_problems: list[tuple[str, str]]) -> list[str]:
    return sorted(code for code, _ in report_problems)


def test_a_server_with_a_known_configuration(tmp_path: Path) -> None:
    with running_redis_server(tmp_path, *LIMITED, password="s3cret") as server:
        client = redis.Redis(port=server.port, password="s3cret")
        client.set("cache:user:1:profile", "x", ex=60)
        client.set("cache:user:2:profile", "x", px=1)
        time.sleep(0.05)
        client.get("cache:user:1:profile")  # a hit
        client.get("cache:user:2:profile")  # a miss, and the key expires as it is read
        client.get("cache:user:3:profile")  # a miss
        client.close()
        report = server_report(server.url)
    assert report.server == f"redis://127.0.0.1:{server.port}/0"
    assert report.version is not None and report.maxmemory == 10 * 1024 * 1024
    assert report.maxmemory_policy == "allkeys-lru"
    assert (report.keyspace_hits, report.keyspace_misses, report.expired_keys) == (1, 2, 1)
    assert report.hit_ratio == 1 / 3 and report.evicted_keys == 0
    assert report.auth_required is True and report.tls is False and report.tls_port == 0
    # loopback only, with a password: what is left is the open dangerous commands
    assert codes(report.problems) == ["RDS805"]
    assert report.notes == []
    text = format_server_text(report)
    assert "maxmemory           10.0 MiB" in text and "keyspace hit ratio  33.3% (1 hit, 2 misses)" in text
    assert "AUTH required       yes" in text and "s3cret" not in text + json.dumps(report.as_dict())


@pytest.mark.parametrize(
    ("url", "anonymous"),
    [("redis://:pw@127.0.0.1:6379/0", "redis://127.0.0.1:6379/0"),
     ("rediss://app:pw@[::1]:6380/1?ssl_cert_reqs=none", "rediss://[::1]:6380/1?ssl_cert_reqs=none"),
     ("redis://127.0.0.1/0?username=app&password=pw&socket_timeout=1", "redis://127.0.0.1/0?socket_timeout=1"),
     ("unix:///run/redis.sock?db=2&password=pw", "unix:///run/redis.sock?db=2")],
)
def test_the_auth_probe_leaves_every_credential_out(url: str, anonymous: str) -> None:
    assert anonymous_url(url) == anonymous


def test_an_open_server_and_roles(tmp_path: Path) -> None:
    with running_redis_server(tmp_path, "--maxmemory-policy", "noeviction") as server:
        report = server_report(server.url, cache=True, persistent=True)
    assert report.auth_required is False and report.maxmemory == 0
    assert codes(report.problems) == ["RDS801", "RDS802", "RDS805", "RDS806"]  # conftest's --save "", no AOF
    assert "AUTH required       no: anyone who reaches the port is logged in" in format_server_text(report)


def test_a_user_that_may_not_read_the_configuration(tmp_path: Path) -> None:
    users = ("--user", *"default on nopass ~* &* +@all -keys -flushall -flushdb -config".split())
    with running_redis_server(tmp_path, "--maxmemory-policy", "noeviction", *users) as server:
        report = server_report(server.url, cache=True)
    assert report.notes == [
        "CONFIG GET refused (this user has no permissions to run the 'config|get' command)",
        "RDS801-RDS806 judge what INFO says: maxmemory and maxmemory-policy",
    ]
    assert codes(report.problems) == ["RDS801", "RDS802"]


def test_the_default_users_acl_as_an_administrator_sees_it(tmp_path: Path) -> None:
    extra = (*LIMITED, "--user", *"default on nopass ~* &* +@all -keys -flushall -flushdb".split(),
             "--user", *"admin on >adminpw ~* &* +@all".split())
    with running_redis_server(tmp_path, *extra) as server:
        url = f"redis://admin:adminpw@127.0.0.1:{server.port}/0"
        report = server_report(url)
    assert report.auth_required is False  # the default user is still on without a password
    assert [(code, message.split(" is open")[0]) for code, message in report.problems] == [("RDS805", "CONFIG")]


def test_renamed_commands_and_a_refused_config(tmp_path: Path) -> None:
    """A managed service's shape: CONFIG is gone; INFO still tells the memory settings."""
    renamed = ("--rename-command", "CONFIG", "", "--rename-command", "KEYS", "")
    with running_redis_server(tmp_path, "--maxmemory-policy", "noeviction", *renamed) as server:
        report = server_report(server.url, cache=True)
    assert report.notes[0].startswith("CONFIG GET refused (unknown command 'CONFIG'")
    assert "RDS801-RDS806 judge what INFO says: maxmemory and maxmemory-policy" in report.notes
    assert report.maxmemory == 0 and report.maxmemory_policy == "noeviction"
    assert codes(report.problems) == ["RDS801", "RDS802"]  # maxmemory 0 and noeviction, from INFO


def test_the_audit_command_reports_the_server_first(tmp_path: Path) -> None:
    with running_redis_server(tmp_path, *LIMITED, password="s3cret") as server:
        redis.Redis(port=server.port, password="s3cret").set("cache:user:1:profile", "x", ex=60)
        text = subprocess.run([sys.executable, "-m", "redis_lint", "audit", server.url, "--pause", "0"],
                              cwd=tmp_path, capture_output=True, text=True, timeout=300)
        data = subprocess.run([sys.executable, "-m", "redis_lint", "audit", server.url, "--pause", "0",
                               "--format", "json", "--role", "cache"], cwd=tmp_path, capture_output=True,
                              text=True, timeout=300)
    assert text.returncode == 1, text.stderr  # RDS805: the commands are open
    assert text.stdout.startswith(f"Server redis://127.0.0.1:{server.port}/0 (Redis ")
    assert "Server settings:\n  RDS805 " in text.stdout and "Scanned 1 keys" in text.stdout
    report = json.loads(data.stdout)
    assert report["server_settings"]["maxmemory_policy"] == "allkeys-lru"
    assert report["server_settings"]["auth_required"] is True
    assert report["templates"][0]["template"] == "cache:user:{n}:profile"
    assert "s3cret" not in text.stdout + text.stderr + data.stdout + data.stderr
