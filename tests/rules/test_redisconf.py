"""RDS801-RDS806 on Redis server configurations: the redis.conf reader against Redis's own
rules, the ACL evaluation and Redis's defaults against a real redis-server, docker-compose
command lines, and the file-level behaviour users rely on (RDS000, noqa, discovery)."""

from __future__ import annotations

import hashlib
import os
import shutil
import socket
import subprocess
import sys
import textwrap
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import replace
from pathlib import Path

import pytest

from redis_lint.config import Config, Policy, load_config
from redis_lint.engine.discovery import discover
from redis_lint.redisconf import lint_server_config
from redis_lint.redisconf.acl import TRACKED, open_commands
from redis_lint.redisconf.compose import parse_compose
from redis_lint.redisconf.server_config import ServerConfigError, memory_bytes
from redis_lint.redisconf.conf_parser import parse_redis_conf, split_args
from tests.conftest import REPO, RedisServer, running_redis_server

SAFE = "bind 127.0.0.1 -::1\nmaxmemory 256mb\nmaxmemory-policy allkeys-lru\n" \
       "user default on nopass ~* &* +@all -keys -flushall -flushdb -config\n"

CLOSED = 'rename-command KEYS ""\nrename-command FLUSHALL ""\nrename-command FLUSHDB ""\nrename-command CONFIG ""\n'


def check(text: str, name: str = "redis.conf", *, cache: bool = False, persistent: bool = False,
          folder: Path) -> list[str]:
    """`path:line code` of a configuration file's findings."""
    path = folder / name
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(textwrap.dedent(text), encoding="utf-8")
    policy = replace(Policy(), cache_instances=(name,) if cache else (), persistent_instances=(name,) if persistent else ())
    return [f"{f.line} {f.code}" for f in lint_server_config(path, name, Config(root=folder, policy=policy))]


# -- reading redis.conf ------------------------------------------------------------


@pytest.mark.parametrize(
    ("line", "words"),
    [
        ("save 3600 1 300 100", ["save", "3600", "1", "300", "100"]),
        ('save ""', ["save", ""]),
        ("requirepass 'it''s'", None),  # a closing quote must be followed by a space
        ("requirepass 'it\\'s'", ["requirepass", "it's"]),
        ('requirepass "a\\tb\\x41\\"c"', ["requirepass", 'a\tbA"c']),
        ('rename-command "KEYS" ""', ["rename-command", "KEYS", ""]),
        ("  bind   127.0.0.1\t-::1  ", ["bind", "127.0.0.1", "-::1"]),
        ('user alice on >p"w', None),  # unbalanced
        ("maxmemory 100mb # not a comment", ["maxmemory", "100mb", "#", "not", "a", "comment"]),
    ],
)
def test_words_are_split_as_redis_splits_them(line: str, words: list[str] | None) -> None:
    if words is None:
        with pytest.raises(ServerConfigError):
            split_args(line)
    else:
        assert split_args(line) == words


def test_directives_keep_their_lines_and_lower_case_names() -> None:
    config = parse_redis_conf("# comment\n\nMaxMemory 1gb\n  bind 127.0.0.1\nsave 900 1\nsave 60 100\n")
    assert [(d.name, d.args, d.line) for d in config.directives] == [
        ("maxmemory", ("1gb",), 3), ("bind", ("127.0.0.1",), 4), ("save", ("900", "1"), 5), ("save", ("60", "100"), 6)]
    assert config.directives[1].column == 3
    assert config.complete


def test_an_include_makes_missing_directives_unknown(tmp_path: Path) -> None:
    assert not parse_redis_conf("include /etc/redis/common.conf\n").complete
    assert check("include /etc/redis/common.conf\nport 6379\n", folder=tmp_path) == []
    # a value written after the last include is settled; one before it may be overridden
    assert check("include /etc/redis/common.conf\nmaxmemory 0\n", folder=tmp_path) == ["2 RDS801"]
    assert check("maxmemory 0\ninclude /etc/redis/common.conf\n", folder=tmp_path) == []


@pytest.mark.parametrize(("text", "size"), [("0", 0), ("100mb", 100 * 1024**2), ("1GB", 1024**3), ("2k", 2000),
                                            ("4096", 4096), ("lots", None), ("", None)])
def test_memory_sizes(text: str, size: int | None) -> None:
    assert memory_bytes(text) == size


# -- the rules -----------------------------------------------------------------------


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        (SAFE, []),
        ("bind 127.0.0.1\nmaxmemory-policy allkeys-lru\n" + CLOSED, ["1 RDS801"]),
        (SAFE.replace("maxmemory 256mb", "maxmemory 0"), ["2 RDS801"]),
        (SAFE.replace("maxmemory-policy allkeys-lru\n", ""), ["1 RDS802"]),
        (SAFE.replace("allkeys-lru", "noeviction"), []),  # not a cache: noeviction may be the point
        (SAFE.replace("bind 127.0.0.1 -::1", "bind 10.0.0.5"), ["1 RDS803", "1 RDS804"]),
        (SAFE.replace("bind 127.0.0.1 -::1\n", ""), ["1 RDS803", "1 RDS804"]),  # no bind: every interface
        (SAFE.replace("bind 127.0.0.1 -::1\n", "port 0\nunixsocket /run/redis.sock\n"), []),  # no TCP at all
        (SAFE.replace("bind 127.0.0.1 -::1", "bind 0.0.0.0\nprotected-mode no"), ["1 RDS804", "2 RDS803"]),
        ("bind 0.0.0.0\nrequirepass s3cret\nmaxmemory 1mb\nmaxmemory-policy allkeys-lru\n" + CLOSED, ["1 RDS804"]),
        (SAFE.replace("bind 127.0.0.1 -::1", "bind 0.0.0.0\ntls-port 6380\nport 0").replace("nopass", ">pw"), []),
        (SAFE.replace("bind 127.0.0.1 -::1", "bind 0.0.0.0\naclfile /etc/redis/users.acl")
         .replace("user default on nopass ~* &* +@all -keys -flushall -flushdb -config\n", ""), ["1 RDS804"]),
        # requirepass does not help when a user line leaves the default user without a password
        (("bind 0.0.0.0\nrequirepass s3cret\nmaxmemory 1mb\nmaxmemory-policy allkeys-lru\ntls-port 6380\n"
          "user default on nopass ~* &* +@all -@dangerous\n"), ["1 RDS803"]),
        (SAFE.replace(" -keys -flushall -flushdb -config", ""), ["4 RDS805"]),
        (SAFE.replace(" -keys -flushall -flushdb -config", " -@dangerous"), []),
        (SAFE.replace(" -keys -flushall -flushdb -config", " -keys -flushall -flushdb"), ["4 RDS805"]),
        (SAFE.replace(" -keys -flushall -flushdb -config", " -keys -flushall -flushdb -config|set"), ["4 RDS805"]),
        (SAFE.replace("user default on nopass ~* &* +@all -keys -flushall -flushdb -config", "user default off"), []),
        (SAFE.replace("user default on nopass ~* &* +@all -keys -flushall -flushdb -config",
                      "user default on nopass ~* +@read (~tmp:* +flushdb)"), ["4 RDS805"]),  # a selector allows it
    ],
)
def test_rules_on_redis_conf(text: str, expected: list[str], tmp_path: Path) -> None:
    assert check(text, folder=tmp_path) == expected


def test_eviction_on_a_cache(tmp_path: Path) -> None:
    assert check(SAFE.replace("allkeys-lru", "noeviction"), cache=True, folder=tmp_path) == ["3 RDS802"]
    assert check(SAFE.replace("maxmemory-policy allkeys-lru\n", ""), cache=True, folder=tmp_path) == ["1 RDS802"]
    assert check(SAFE, cache=True, folder=tmp_path) == []


@pytest.mark.parametrize(
    ("persistence", "expected"),
    [
        ("", []),  # Redis's default snapshot points
        ('save ""\n', ["5 RDS806"]),
        ('save ""\nappendonly no\n', ["5 RDS806"]),
        ('save ""\nappendonly yes\n', []),
        ('save ""\nsave 900 1\n', []),  # the last save line wins
        ('save 900 1\nsave ""\n', ["6 RDS806"]),
        ("appendonly no\n", []),
    ],
)
def test_persistence_on_a_persistent_instance(persistence: str, expected: list[str], tmp_path: Path) -> None:
    assert check(SAFE + persistence, persistent=True, folder=tmp_path) == expected
    assert check(SAFE + persistence, folder=tmp_path) == []  # not marked persistent


# -- docker-compose ------------------------------------------------------------------

COMPOSE_SAFE = ('["redis-server", "--bind", "127.0.0.1", "--maxmemory", "100mb", "--maxmemory-policy", '
                '"allkeys-lru", "--rename-command", "KEYS", "", "--rename-command", "FLUSHALL", "", '
                '"--rename-command", "FLUSHDB", "", "--rename-command", "CONFIG", ""]')


@pytest.mark.parametrize(
    ("service", "expected"),
    [
        (f"image: redis:7\n    command: {COMPOSE_SAFE}", []),
        ("image: redis:7\n    command: redis-server --maxmemory 100mb", ["4 RDS802", "4 RDS803", "4 RDS804",
                                                                        "4 RDS805"]),
        ("image: redis:7\n    command: [\"--maxmemory\", \"1mb\", \"--bind\", \"127.0.0.1\"]", ["4 RDS802", "4 RDS805"]),
        ("image: python:3\n    command: [\"--maxmemory\", \"1mb\"]", []),  # not a redis image: not redis-server
        ("image: redis:7\n    command: sh -c \"redis-server --bind 127.0.0.1 --maxmemory 1mb && echo done\"",
         ["4 RDS802", "4 RDS805"]),
        ("image: redis:7\n    command: /usr/local/bin/redis-server /etc/redis.conf --maxmemory 0", ["4 RDS801"]),
        ("image: redis:7\n    command: redis-server /etc/redis.conf", []),  # the file decides
        ("image: redis:7", []),  # the image's defaults: nothing to read
        ("image: redis:7\n    command: redis-server 'unbalanced", []),
    ],
)
def test_rules_on_compose_commands(service: str, expected: list[str], tmp_path: Path) -> None:
    text = f"services:\n  cache:\n    {service}\n"
    assert check(text, "docker-compose.yml", folder=tmp_path) == expected


def test_compose_list_items_point_at_their_own_lines(tmp_path: Path) -> None:
    text = """
        services:
          cache:
            image: redis:7
            command:
              - redis-server
              - --bind
              - 127.0.0.1
              - --maxmemory
              - "0"
              - --maxmemory-policy
              - noeviction
              - --save
              - --appendonly
              - "no"
    """
    findings = check(text, "docker-compose.yml", cache=True, persistent=True, folder=tmp_path)
    assert findings == ["5 RDS805", "9 RDS801", "11 RDS802", "13 RDS806"]


def test_compose_services_are_matched_by_name(tmp_path: Path) -> None:
    text = "services:\n  cache:\n    command: redis-server --maxmemory-policy noeviction\n" \
           "  queue:\n    command: redis-server --maxmemory-policy noeviction\n"
    path = tmp_path / "docker-compose.yml"
    path.write_text(text)
    config = Config(root=tmp_path, select=("RDS802",),
                    policy=replace(Policy(), cache_instances=("docker-compose*.yml:cach?",)))
    assert [(f.line, f.message.split(":")[0]) for f in lint_server_config(path, "docker-compose.yml", config)] == [
        (3, "service cache")]


def test_compose_files_without_redis_services() -> None:
    assert parse_compose("version: '3'\n") == []
    assert parse_compose("services:\n  web:\n    image: nginx\n") == []
    assert parse_compose("- just\n- a list\n") == []


# -- files ---------------------------------------------------------------------------


def test_unreadable_undecodable_and_unparsable_files_are_rds000(tmp_path: Path) -> None:
    config = Config(root=tmp_path)
    (tmp_path / "bad.redis.conf").write_bytes(b"maxmemory 1mb\nrequirepass \xff\xfe\n")
    (tmp_path / "quotes.redis.conf").write_text('maxmemory 1mb\nrename-command KEYS "\n')
    (tmp_path / "docker-compose.yml").write_text("services:\n  cache: [unclosed\n")
    findings = [str(f) for name in ("bad.redis.conf", "quotes.redis.conf", "docker-compose.yml", "missing.redis.conf")
                for f in lint_server_config(tmp_path / name, name, config)]
    assert findings == [
        "bad.redis.conf:2:1: RDS000 cannot decode as utf-8 (line 2): invalid start byte",
        'quotes.redis.conf:2:1: RDS000 cannot parse: unbalanced quotes in `rename-command KEYS "`',
        "docker-compose.yml:3:1: RDS000 invalid YAML: expected ',' or ']', but got '<stream end>'",
        "missing.redis.conf:1:1: RDS000 cannot read: No such file or directory",
    ]


def test_noqa_skip_file_and_per_file_ignores(tmp_path: Path) -> None:
    conf = "# noqa: RDS801\nbind 0.0.0.0\n# noqa: RDS804\nprotected-mode no\nmaxmemory-policy allkeys-lru\n"
    # line 1 silences RDS801 (reported on line 1) and the next directive's RDS801; the comment on
    # line 3 silences RDS804 on line 4, not line 2
    assert check(conf, folder=tmp_path) == ["1 RDS805", "2 RDS804", "4 RDS803"]
    assert check("# redis-lint: skip-file\nbind 0.0.0.0\n", folder=tmp_path) == []
    compose = "services:\n  cache:\n    command: redis-server --bind 127.0.0.1  # noqa: RDS801, RDS802\n"
    assert check(compose, "docker-compose.yml", folder=tmp_path) == ["3 RDS805"]
    path = tmp_path / "redis.conf"
    path.write_text("bind 0.0.0.0\n")
    config = Config(root=tmp_path, per_file_ignores=(("*.conf", ("RDS80",)),))
    assert lint_server_config(path, "redis.conf", config) == []
    assert lint_server_config(path, "redis.conf", Config(root=tmp_path, select=("RDS1",))) == []


def test_discovery_lists_server_configurations_apart(tmp_path: Path) -> None:
    for name in ("app/main.py", "redis.conf", "deploy/cache.redis.conf", "deploy/other.conf", "docker-compose.yml",
                 "docker-compose.prod.yaml", "compose.yaml", "deploy/extra.conf", "notes.yml", "build/redis.conf"):
        (tmp_path / name).parent.mkdir(parents=True, exist_ok=True)
        (tmp_path / name).write_text("")
    config = Config(root=tmp_path, server_config_files=("deploy/extra.conf",))
    found = discover([tmp_path], config)
    assert [p.relative_to(tmp_path).as_posix() for p in found.files] == ["app/main.py"]
    assert [p.relative_to(tmp_path).as_posix() for p in found.server_configs] == [
        "compose.yaml", "deploy/cache.redis.conf", "deploy/extra.conf", "docker-compose.prod.yaml",
        "docker-compose.yml", "redis.conf"]
    named = discover([tmp_path / "redis.conf", tmp_path / "app" / "main.py"], replace(config, exclude=("app/**",)))
    assert named.server_configs == [tmp_path / "redis.conf"] and named.files == []


def test_the_configuration_options(tmp_path: Path) -> None:
    (tmp_path / "pyproject.toml").write_text(textwrap.dedent("""
        [tool.redis-lint]
        extend-select = ["RDS703"]
        request-path = ["app/views/**"]
        cache-instances = ["deploy/cache.redis.conf", "docker-compose*.yml:cache"]
        persistent-instances = ["docker-compose.yml"]
        server-config-files = ["deploy/*.conf"]
    """))
    config = load_config(start=tmp_path)
    assert config.policy.is_request_path("app/views/profile.py")
    assert config.policy.is_cache_instance("deploy/cache.redis.conf")
    assert config.policy.is_cache_instance("docker-compose.prod.yml", "cache")
    assert not config.policy.is_cache_instance("docker-compose.yml", "queue")
    assert not config.policy.is_cache_instance("docker-compose.yml")
    assert config.policy.is_persistent_instance("docker-compose.yml", "anything")
    assert config.server_config_files == ("deploy/*.conf",)


# -- against a real redis-server -----------------------------------------------------


@contextmanager
def started_with(conf: Path, folder: Path, *extra: str, username: str | None = None,
                 password: str | None = None) -> Iterator[int]:
    """redis-server reading `conf` (then `extra` options, as a command line adds them), on a free
    loopback port; yields the port once it answers."""
    import redis

    binary = shutil.which("redis-server")
    if binary is None:
        if os.environ.get("REDIS_LINT_REQUIRE_SERVER"):
            pytest.fail("redis-server is not installed")
        pytest.skip("redis-server is not installed")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    process = subprocess.Popen([binary, str(conf), "--port", str(port), "--dir", str(folder), *extra],
                               stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    client = redis.Redis(port=port, username=username, password=password, socket_timeout=1)
    try:
        deadline = time.monotonic() + 10
        while True:
            try:
                client.ping()
                break
            except redis.ConnectionError:
                if process.poll() is not None or time.monotonic() > deadline:
                    pytest.fail(f"redis-server did not start with {conf.name}")
                time.sleep(0.05)
        yield port
    finally:
        client.close()
        process.terminate()
        process.wait(timeout=10)


def test_redis_defaults_are_what_the_rules_assume(tmp_path: Path) -> None:
    """A configuration that sets nothing the rules read, run for real: what a missing directive
    means to Redis is what it means to the rules."""
    import redis

    conf = tmp_path / "redis.conf"
    conf.write_text("# nothing but where to listen: loopback, set on the command line\n")
    with started_with(conf, tmp_path, "--bind", "127.0.0.1") as port:
        client = redis.Redis(port=port, decode_responses=True)
        values = client.config_get("*")
        default = client.acl_getuser("default")
        client.close()
    assert values["save"] == "3600 1 300 100 60 10000"  # snapshots without a save directive: no RDS806
    assert values["maxmemory"] == "0" and values["maxmemory-policy"] == "noeviction"  # RDS801, RDS802
    assert values["protected-mode"] == "yes" and values["tls-port"] == "0" and values["appendonly"] == "no"
    assert default["flags"][:2] == ["on", "nopass"] and default["categories"] == ["+@all"]  # RDS803, RDS805
    assert check(conf.read_text(), persistent=True, folder=tmp_path / "lint") == [
        "1 RDS801", "1 RDS802", "1 RDS803", "1 RDS804", "1 RDS805"]  # no bind: every interface ("* -::*")


def test_acl_categories_are_the_servers(tmp_path: Path) -> None:
    import redis

    conf = tmp_path / "redis.conf"
    conf.write_text("bind 127.0.0.1\n")
    with started_with(conf, tmp_path) as port:
        client = redis.Redis(port=port, decode_responses=True)
        members = {category: set(client.acl_cat(category)) for category in client.acl_cat()}
        client.close()
    for names in TRACKED.values():
        for name, categories in names.items():
            assert {c for c, commands in members.items() if name in commands} == set(categories), name


ACL_RULES = [
    "on nopass ~* &* +@all",
    "on nopass ~* &* +@all -keys -flushall -flushdb -config",
    "on nopass ~* &* +@all -@dangerous",
    "on nopass ~* &* +@all -@dangerous +keys",
    "on nopass ~* -@all +@read",
    "on nopass ~* -@all +@write",
    "on nopass ~* -@all +@admin",
    "on nopass ~* +@all -config +config|get",
    "on nopass ~* +@all -@keyspace",
    "on nopass ~* -@all +get (~tmp:* +flushdb)",
    "on nopass ~* allcommands -flushall nocommands +keys",
    "on nopass ~* +@all -config|set -config|rewrite -config|resetstat -config|get",
    "off ~* +@all",
]
_PROBES = {"KEYS": [["KEYS", "*"]], "FLUSHALL": [["FLUSHALL"]], "FLUSHDB": [["FLUSHDB"]],
           "CONFIG": [["CONFIG", "GET", "x"], ["CONFIG", "SET", "x", "y"], ["CONFIG", "REWRITE"],
                      ["CONFIG", "RESETSTAT"]]}


@pytest.fixture(scope="module")
def acl_server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[RedisServer]:
    with running_redis_server(tmp_path_factory.mktemp("acl")) as server:
        yield server


@pytest.mark.parametrize("rules", ACL_RULES)
def test_acl_evaluation_agrees_with_acl_dryrun(acl_server: RedisServer, rules: str) -> None:
    """The same rules given to a real user (reset first, as a `user` line is) and to our reading
    of `user default ...`: the server's ACL DRYRUN says which commands are open."""
    import redis

    client = redis.Redis(port=acl_server.port, decode_responses=True)
    client.execute_command("ACL", "SETUSER", "probe", "reset", *rules.split())
    enabled = "on" in rules.split()
    open_on_server = [command for command, calls in _PROBES.items() if enabled and any(
        client.execute_command("ACL", "DRYRUN", "probe", *call) == "OK" for call in calls)]
    client.execute_command("ACL", "DELUSER", "probe")
    client.close()
    assert open_commands(parse_redis_conf(f"user default {rules}\n")) == open_on_server


def test_every_fixture_configuration_is_one_redis_server_accepts(tmp_path: Path) -> None:
    """The violating configurations are real ones too: redis-server starts with each (on a
    loopback port of ours, whatever they bind)."""
    import redis

    for conf in sorted((REPO / "fixtures").rglob("*.redis.conf")):
        with started_with(conf, tmp_path, "--bind", "127.0.0.1") as port:
            assert redis.Redis(port=port).ping()


@pytest.mark.slow  # a real redis-server
def test_the_reference_apps_redis_conf_runs_the_reference_app(tmp_path: Path) -> None:
    """The compliant configuration is a real one: redis-server starts with it, the default user
    is off, the app user may not run dangerous commands, and the reference app works through it."""
    import redis

    conf = REPO / "fixtures" / "reference_app" / "redis.conf"
    password = "reference-app-password"
    assert hashlib.sha256(password.encode()).hexdigest() in conf.read_text()
    with started_with(conf, tmp_path, username="app", password=password) as port:
        with pytest.raises(redis.AuthenticationError):
            redis.Redis(port=port).ping()
        app = redis.Redis(port=port, username="app", password=password)
        for dangerous in (lambda: app.keys("*"), lambda: app.config_get("maxmemory"), app.flushall):
            with pytest.raises(redis.exceptions.NoPermissionError):
                dangerous()
        url = f"redis://app:{password}@127.0.0.1:{port}/0"
        driven = subprocess.run([sys.executable, str(REPO / "fixtures" / "drivers" / "reference_app.py"),
                                 "--url", url], capture_output=True, text=True, timeout=300)
        assert driven.returncode == 0, driven.stdout[-2000:] + driven.stderr[-2000:]
        assert app.exists("queue:notification:email")  # the queue the driver leaves, persisted by AOF
        app.close()
    assert (tmp_path / "appendonlydir").is_dir()
    config = load_config(start=REPO / "fixtures" / "reference_app")
    assert lint_server_config(conf, "redis.conf", config) == []


def test_a_document_nested_too_deeply_is_rds000(tmp_path: Path) -> None:
    path = tmp_path / "docker-compose.yml"
    path.write_text("services: " + "[" * 100_000 + "]" * 100_000 + "\n")
    assert [f"{f.line} {f.code} {f.message}" for f in lint_server_config(path, "docker-compose.yml",
                                                                          Config(root=tmp_path))] == [
        "1 RDS000 cannot parse: the document is nested too deeply"]
