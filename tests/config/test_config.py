"""[tool.redis-lint]: discovery, every option, and errors that name the key and the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from redis_lint.config import Config, ConfigError, find_config, load_config
from redis_lint.config.globs import path_matches
from redis_lint.config.loader import parse_duration


def write_pyproject(folder: Path, body: str) -> Path:
    path = folder / "pyproject.toml"
    path.write_text(f"[project]\nname = 'x'\n\n[tool.redis-lint]\n{body}\n", encoding="utf-8")
    return path


def test_defaults_are_the_practices_policy() -> None:
    policy = Config().policy
    assert policy.namespaces == ("cache", "session", "queue", "lock", "rate")
    assert dict(policy.max_ttl) == {"session:auth": 86400, "cache:user": 3600, "cache:referral": 21600, "rate": 60, "lock": 30}
    assert policy.persistent_prefixes == ("queue",)


def test_nearest_pyproject_with_the_table_wins(tmp_path: Path) -> None:
    write_pyproject(tmp_path, 'namespaces = ["outer"]')
    inner = tmp_path / "pkg"
    (inner / "sub").mkdir(parents=True)
    (inner / "pyproject.toml").write_text("[project]\nname = 'no-table'\n")  # skipped: no [tool.redis-lint]
    assert find_config(inner / "sub") == tmp_path / "pyproject.toml"
    config = load_config(start=inner / "sub")
    assert config.policy.namespaces == ("outer",)
    assert config.root == tmp_path


def test_every_option(tmp_path: Path) -> None:
    write_pyproject(tmp_path, """
select = ["RDS1", "RDS2"]
extend-select = ["RDS301"]
ignore = ["RDS202"]
per-file-ignores = { "legacy/**" = ["RDS101"] }
exclude = ["build/**"]
extend-exclude = ["migrations"]
namespaces = ["cache", "jobs"]
max-ttl = { "cache" = "2h", "jobs:email" = 90 }
persistent-prefixes = ["jobs"]
injection-points = ["wiring.py"]
extend-injection-points = ["factories/*.py"]
client-factories = ["django_redis.get_redis_connection"]
""")
    config = load_config(start=tmp_path)
    assert config.enabled_codes("app/x.py") == {"RDS101", "RDS102", "RDS201", "RDS203", "RDS301"}
    assert config.enabled_codes("legacy/old.py") == {"RDS102", "RDS201", "RDS203", "RDS301"}
    assert config.is_excluded("build/x.py") and config.is_excluded("migrations/0001.py")
    assert not config.is_excluded("app/build.py")
    assert config.policy.max_ttl == (("cache", 7200), ("jobs:email", 90))
    assert config.policy.is_injection_point("src/wiring.py")
    assert config.policy.is_injection_point("factories/redis.py")
    assert not config.policy.is_injection_point("main.py")
    assert config.policy.client_factories == ("django_redis.get_redis_connection",)


def test_more_specific_selection_wins() -> None:
    config = Config(select=("RDS",), ignore=("RDS2",), extend_select=("RDS203",))
    enabled = config.enabled_codes("x.py")
    assert "RDS203" in enabled and "RDS201" not in enabled and "RDS101" in enabled


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ('namespacez = ["x"]', "namespacez: unknown option (did you mean 'namespaces'?)"),
        ('select = "RDS101"', "select: expected a list of strings, got str 'RDS101'"),
        ('select = ["RDS999"]', "select: unknown rule code 'RDS999'"),
        ('ignore = ["E501"]', "ignore: unknown rule code 'E501'"),
        ('per-file-ignores = { "x.py" = ["RDS1O1"] }', "per-file-ignores.'x.py': unknown rule code 'RDS1O1'"),
        ('max-ttl = { "cache" = "forever" }', "max-ttl.'cache': expected seconds or a duration"),
        ('max-ttl = { "Cache" = 10 }', "max-ttl.'Cache': not a lowercase key prefix"),
        ('namespaces = ["Cache"]', "namespaces: 'Cache' is not a lowercase key prefix"),
        ("namespaces = [", "invalid TOML"),
        ('client-factories = ["get_redis"]', "client-factories: 'get_redis' is not a dotted name"),
        ('request-path = "app/views/**"', "request-path: expected a list of strings, got str"),
        ('extend-select = ["RDS703"]', "request-path: RDS703 is selected but no request-path is set"),
        ('select = ["RDS703"]', "request-path: RDS703 is selected but no request-path is set"),
        ('cache-instances = ["docker-compose.yml:"]', "cache-instances: 'docker-compose.yml:' is not a file glob"),
        ('persistent-instances = [":queue"]', "persistent-instances: ':queue' is not a file glob"),
        ('persistent-instances = ["a.yml:b:c"]', "persistent-instances: 'a.yml:b:c' is not a file glob"),
        ('server-config-files = "deploy/*.conf"', "server-config-files: expected a list of strings"),
        ('extend-max-ttl = { "cache:feed" = "soon" }', "extend-max-ttl.'cache:feed': expected seconds or a duration"),
        ('extend-namespaces = ["Jobs"]', "extend-namespaces: 'Jobs' is not a lowercase key prefix"),
        ('extend-namespace = ["jobs"]', "extend-namespace: unknown option (did you mean 'extend-namespaces'?)"),
    ],
)
def test_errors_name_the_key_and_the_file(tmp_path: Path, body: str, message: str) -> None:
    path = write_pyproject(tmp_path, body)
    with pytest.raises(ConfigError) as error:
        load_config(start=tmp_path)
    assert message in str(error.value)
    assert str(path) in str(error.value)


def test_explicit_config_file_may_be_a_bare_table(tmp_path: Path) -> None:
    path = tmp_path / "redis-lint.toml"
    path.write_text('namespaces = ["app"]\n')
    assert load_config(path).policy.namespaces == ("app",)


@pytest.mark.parametrize(
    ("value", "seconds"),
    [(30, 30), ("30s", 30), ("5m", 300), ("6h", 21600), ("1d", 86400), ("1.5h", 5400), ("90", 90),
     (0, None), (-5, None), ("soon", None), (True, None)],
)
def test_durations(value: object, seconds: int | None) -> None:
    assert parse_duration(value) == seconds


@pytest.mark.parametrize(
    ("path", "pattern", "matches"),
    [
        ("app/redis/client.py", "redis/client.py", True),
        ("redis/client.py", "redis/client.py", True),
        ("app/redis/client.py", "*/redis/client.py", True),
        ("app/myredis/client.py", "redis/client.py", False),
        ("tests/unit/test_x.py", "tests/**", True),
        ("pkg/tests/test_x.py", "tests/**", True),
        ("app/tests.py", "tests/**", False),
        ("app/test_cache.py", "test_*.py", True),
        ("app/main.py", "/main.py", False),
        ("main.py", "/main.py", True),
        ("build/lib/x.py", "build", True),
        ("src/a/b/c.py", "src/**/c.py", True),
        ("src/c.py", "src/**/c.py", True),
        ("src/a/c.py", "src/*.py", False),
    ],
)
def test_globs(path: str, pattern: str, matches: bool) -> None:
    assert path_matches(path, pattern) is matches


def test_the_documented_configuration_loads(tmp_path: Path) -> None:
    """The table rules/README.md shows, every option in it, is a configuration redis-lint accepts."""
    from tests.conftest import REPO

    readme = (REPO / "rules" / "README.md").read_text(encoding="utf-8")
    table = readme.split("## Configuration", 1)[1].split("```toml\n", 1)[1].split("```", 1)[0]
    (tmp_path / "pyproject.toml").write_text(table, encoding="utf-8")
    config = load_config(start=tmp_path)
    assert "RDS703" in config.enabled_codes("app/views/x.py")
    assert config.policy.is_request_path("app/api/users.py")
    assert config.policy.is_cache_instance("docker-compose.yml", "cache")
    assert config.policy.is_persistent_instance("deploy/queue.redis.conf")
    assert config.server_config_files == ("deploy/redis/*.conf",)


def test_extend_options_add_to_the_defaults(tmp_path: Path) -> None:
    write_pyproject(tmp_path, """
extend-namespaces = ["jobs", "cache"]
extend-max-ttl = { "cache:feed" = "10m", "lock" = "1m" }
extend-persistent-prefixes = ["jobs:archive"]
extend-injection-points = ["wiring.py"]
""")
    policy = load_config(start=tmp_path).policy
    assert policy.namespaces == ("cache", "session", "queue", "lock", "rate", "jobs")
    assert dict(policy.max_ttl) == {"session:auth": 86400, "cache:user": 3600, "cache:referral": 21600, "rate": 60,
                                    "lock": 60, "cache:feed": 600}
    assert policy.persistent_prefixes == ("queue", "jobs:archive")
    assert policy.is_injection_point("app/wiring.py") and policy.is_injection_point("main.py")


def test_extend_options_add_to_the_replaced_value(tmp_path: Path) -> None:
    write_pyproject(tmp_path, 'namespaces = ["app"]\nextend-namespaces = ["jobs"]\n'
                              'max-ttl = { "app" = 60 }\nextend-max-ttl = { "jobs" = "1h" }\n')
    policy = load_config(start=tmp_path).policy
    assert policy.namespaces == ("app", "jobs")
    assert policy.max_ttl == (("app", 60), ("jobs", 3600))


@pytest.mark.parametrize("module", ["app/extensions.py", "app/deps.py", "api/dependencies.py"])
def test_flask_and_fastapi_homes_of_a_client_are_injection_points(module: str) -> None:
    from tests.conftest import codes

    assert Config().policy.is_injection_point(module)
    assert "RDS401" not in codes("import redis\n\nclient = redis.Redis()\n", path=module)
    assert "RDS401" in codes("import redis\n\nclient = redis.Redis()\n", path="app/services.py")


@pytest.mark.parametrize(
    ("text", "position", "problem"),
    [
        ("[tool.redis-lint]\nnamespaces = [\"a\"\nselect = 1\n", "3:1", "Unclosed array"),
        ("[project]\nname = = 'x'\n[tool.redis-lint]\n", "2:8", "Invalid value"),
        ("[tool.redis-lint]\nnamespaces = [", "2:15", "Invalid value"),  # tomllib: "at end of document"
    ],
)
def test_a_toml_syntax_error_names_the_file_and_the_line(tmp_path: Path, text: str, position: str,
                                                         problem: str) -> None:
    path = tmp_path / "pyproject.toml"
    path.write_text(text)
    with pytest.raises(ConfigError) as error:
        load_config(start=tmp_path)
    assert str(error.value) == f"{path}:{position}: invalid TOML: {problem}"


def test_a_redis_lint_toml_takes_precedence_over_pyproject_in_its_folder(tmp_path: Path) -> None:
    write_pyproject(tmp_path, 'namespaces = ["outer"]')
    (tmp_path / "redis-lint.toml").write_text('namespaces = ["dedicated"]\n')
    assert find_config(tmp_path) == tmp_path / "redis-lint.toml"
    assert load_config(start=tmp_path).policy.namespaces == ("dedicated",)
