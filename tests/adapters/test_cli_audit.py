"""`redis-lint audit` and `compare` as a user types them: server addresses in every accepted form
(against a real redis-server), a clear sentence for the others, help on every option, and the
configuration they read named in their output."""

from __future__ import annotations

import json
import tempfile
from collections.abc import Iterator
from pathlib import Path

import click
import pytest
import redis
from click.testing import CliRunner, Result

from redis_lint.cli import cli
from tests.conftest import RedisServer, running_redis_server

ACCEPTED = "accepted: host:port, redis://[[user]:password@]host[:port][/db], rediss://... (TLS) or unix:///"


def invoke(*args: str) -> Result:
    return CliRunner().invoke(cli, list(args), catch_exceptions=False)


@pytest.fixture
def keyspace(redis_url: str, tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> str:
    """One key without TTL on the shared server; the current folder has no configuration."""
    with redis.Redis.from_url(redis_url) as client:
        client.set("cache:user:1:profile", "v")
    monkeypatch.chdir(tmp_path)
    return redis_url


@pytest.fixture(scope="module")
def socket_server() -> Iterator[tuple[RedisServer, Path]]:
    """A redis-server also listening on a unix socket (in a short folder: socket paths are short)."""
    with tempfile.TemporaryDirectory(prefix="rl-") as folder:
        socket = Path(folder) / "redis.sock"
        with running_redis_server(Path(folder), "--unixsocket", str(socket)) as server:
            yield server, socket


@pytest.mark.parametrize("form", ["localhost:{port}", "127.0.0.1:{port}", "redis://localhost:{port}",
                                  "redis://127.0.0.1:{port}/0"])
def test_audit_reaches_the_server_in_each_tcp_form(keyspace: str, redis_server: RedisServer, form: str) -> None:
    result = invoke("audit", form.format(port=redis_server.port), "--pause", "0")
    assert result.exit_code == 1, result.output  # the key has no TTL
    assert "Scanned 1 keys" in result.stdout
    assert "cache:user:{n}:profile: RDS101 1 of 1 keys have no TTL" in result.stdout


def test_audit_reaches_the_server_on_a_unix_socket(socket_server: tuple[RedisServer, Path], tmp_path: Path,
                                                   monkeypatch: pytest.MonkeyPatch) -> None:
    server, socket = socket_server
    with redis.Redis(port=server.port) as client:
        client.set("cache:user:1:profile", "v", ex=60)
    monkeypatch.chdir(tmp_path)
    result = invoke("audit", f"unix://{socket}?db=0", "--pause", "0", "--format", "json")
    report = json.loads(result.stdout)
    assert report["server"] == f"unix://{socket}"
    assert [(t["template"], t["keys"], t["without_ttl"]) for t in report["templates"]] == [
        ("cache:user:{n}:profile", 1, 0)]


@pytest.mark.parametrize(("given", "said"), [
    ("http://localhost:6379", "'http://localhost:6379': 'http' is not a Redis URL scheme; " + ACCEPTED),
    ("localhost", "'localhost' is not a server address: give localhost:6379 for the default port; " + ACCEPTED),
    ("localhost:http", "'localhost:http': the port is a number from 1 to 65535, not 'http'"),
    ("localhost:70000", "'localhost:70000': the port is a number from 1 to 65535, not '70000'"),
    ("redis://localhost:6379/zero", "'redis://localhost:6379/zero': the database after the host is a number, "
                                    "as in redis://localhost:6379/0"),
    ("unix://run/redis.sock", "'unix://run/redis.sock': a unix:// URL names an absolute socket path, "
                              "as in unix:///run/redis.sock"),
    ("redis://admin:hunter2@cache:port/0", "'redis://***@cache:port/0': the port is a number from 1 to 65535"),
])
def test_audit_explains_what_is_not_a_server_address(given: str, said: str) -> None:
    result = invoke("audit", given)
    assert result.exit_code == 2
    assert f"Error: Invalid value for 'SERVER': {said}" in result.stderr
    assert "Traceback" not in result.output and "ValueError" not in result.output and "hunter2" not in result.output


def test_audit_of_tls_against_a_plain_server_is_one_line(redis_server: RedisServer) -> None:
    result = invoke("audit", f"rediss://:hunter2@127.0.0.1:{redis_server.port}/0")
    assert result.exit_code == 2
    assert result.stderr.startswith(f"redis-lint: error: cannot audit rediss://127.0.0.1:{redis_server.port}/0: ")
    assert len(result.stderr.splitlines()) == 1 and "hunter2" not in result.stderr


def test_audit_names_the_configuration_it_reads(keyspace: str, tmp_path: Path) -> None:
    result = invoke("audit", keyspace, "--pause", "0")
    assert f"configuration: none found from {tmp_path}; the built-in policy applies\nScanned 1 keys" in result.stdout

    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\npersistent-prefixes = ['cache']\n")
    result = invoke("audit", keyspace, "--pause", "0")
    assert f"configuration: {tmp_path / 'pyproject.toml'}\nScanned 1 keys" in result.stdout
    assert "RDS101" not in result.stdout  # the configuration was applied, not only named

    (tmp_path / "policy.toml").write_text("namespaces = ['cache']\n")
    result = invoke("audit", keyspace, "--pause", "0", "--config", "policy.toml", "--format", "json")
    assert json.loads(result.stdout)["configuration"] == "policy.toml"


def test_compare_names_the_configuration_it_reads(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.chdir(tmp_path)
    (tmp_path / "pyproject.toml").write_text("[tool.redis-lint]\n")
    (tmp_path / "rt.json").write_text("[]")
    result = invoke("compare", ".", "--runtime", "rt.json")
    assert result.stdout.startswith(f"configuration: {tmp_path / 'pyproject.toml'}\nstatic findings:  0\n")
    result = invoke("compare", ".", "--runtime", "rt.json", "--format", "json")
    assert json.loads(result.stdout)["configuration"] == str(tmp_path / "pyproject.toml")


def _commands(group: click.Group) -> Iterator[tuple[str, click.Command]]:
    for name, command in group.commands.items():
        yield name, command
        if isinstance(command, click.Group):
            yield from ((f"{name} {sub}", c) for sub, c in _commands(command))


def test_every_option_of_every_command_has_help() -> None:
    missing = [f"{name} {option.opts[0]}" for name, command in _commands(cli) for option in command.params
               if isinstance(option, click.Option) and not option.help]
    assert missing == []
