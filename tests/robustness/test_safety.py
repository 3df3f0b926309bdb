"""Safety: the analysed code is never imported or executed, the configuration is data only, and
no report echoes a secret the analysis found (RDS701 names the argument, never the value)."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.cli import FORMAT_NAMES

TIMEOUT = 180


def run(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    result = subprocess.run([sys.executable, *args], cwd=cwd, capture_output=True, text=True, timeout=TIMEOUT)
    assert "Traceback" not in result.stderr, result.stderr
    return result


def redis_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return run("-m", "redis_lint", "check", "--no-cache", *args, cwd=cwd)


# -- analysed code is never run --------------------------------------------------

def _trap(touched: Path, name: str) -> str:
    """A line that, if executed, leaves a file named `name` in `touched`."""
    return f"open({str(touched / name)!r}, 'w').close()\n"


@pytest.fixture
def trapped(tmp_path: Path) -> tuple[Path, Path]:
    """A project whose every module leaves a mark when imported or run, with Redis findings."""
    project, touched = tmp_path / "project", tmp_path / "touched"
    touched.mkdir()
    (project / "app").mkdir(parents=True)
    (project / "pyproject.toml").write_text('[tool.redis-lint]\nclient-factories = ["app.boom.make_client"]\n')
    (project / "app" / "__init__.py").write_text(_trap(touched, "package_imported"))
    (project / "app" / "boom.py").write_text(
        "import redis\n"
        + _trap(touched, "module_imported")
        + "def make_client():\n    " + _trap(touched, "factory_called")
        + "    return redis.Redis()\n"
        "class Meta(type):\n    def __new__(mcs, *args):\n        " + _trap(touched, "metaclass_run")
        + "        return super().__new__(mcs, *args)\n"
        "class Service(metaclass=Meta):\n    def __init__(self, r: redis.Redis):\n        " + _trap(touched, "init_run")
        + "        r.flushall()\n"
        "if __name__ == '__main__':\n    " + _trap(touched, "main_run")
    )
    (project / "app" / "user.py").write_text(
        "from app.boom import make_client\n" + _trap(touched, "importer_imported")
        + "client = make_client()\nclient.keys('*')\n"
    )
    (project / "setup.py").write_text(_trap(touched, "setup_run"))
    (project / "conftest.py").write_text(_trap(touched, "conftest_imported"))
    return project, touched


@pytest.mark.parametrize("args", [["-j", "1"], ["-j", "2"], ["--diff", "--unsafe-fixes"]], ids=["j1", "j2", "diff"])
def test_the_cli_never_runs_the_code(trapped: tuple[Path, Path], args: list[str]) -> None:
    project, touched = trapped
    result = redis_lint(*args, ".", cwd=project)
    if "--diff" not in args:
        assert "app/boom.py:" in result.stdout and "app/user.py:" in result.stdout  # it was analysed
        assert result.returncode == 1
    assert sorted(p.name for p in touched.iterdir()) == []


def test_flake8_never_runs_the_code(trapped: tuple[Path, Path]) -> None:
    project, touched = trapped
    result = run("-m", "flake8", "--select", "RDS", ".", cwd=project)
    assert "RDS302" in result.stdout and result.returncode == 1
    assert sorted(p.name for p in touched.iterdir()) == []


# -- configuration is data -------------------------------------------------------

CODE_LIKE = "__import__('os').system('touch {touched}/config_evaluated')"
SHELL_LIKE = "$(touch {touched}/shell_run)`touch {touched}/backticks_run`"


@pytest.mark.parametrize(("settings", "exit_code"), [
    ('select = ["{code}"]', 2),
    ('max-ttl = "{code}"', 2),
    ('namespaces = ["{code}"]', 2),
    ('client-factories = ["{code}"]', 2),
    # accepted: names and globs that are only ever matched, never imported, run or expanded by a shell
    (('client-factories = ["os.system", "subprocess.run"]\nrequest-path = ["os.system"]\nselect = ["RDS"]\n'
      'exclude = ["{shell}", "{code}"]\nper-file-ignores = {{ "{shell}" = ["RDS3"] }}\n'
      'injection-points = ["../../**/*.py", "{shell}"]\nserver-config-files = ["{shell}", "/etc/*"]'), 1),
], ids=["select", "max-ttl", "namespaces", "client-factories", "accepted"])
def test_configuration_is_never_evaluated(tmp_path: Path, settings: str, exit_code: int) -> None:
    touched = tmp_path / "touched"
    touched.mkdir()
    (tmp_path / "app.py").write_text("import redis\ndef f(r: redis.Redis):\n    r.flushall()\n")
    code, shell = CODE_LIKE.format(touched=touched), SHELL_LIKE.format(touched=touched)
    values = settings.format(code=code.replace('"', '\\"'), shell=shell)
    (tmp_path / "pyproject.toml").write_text(f"[tool.redis-lint]\n{values}\n")
    result = redis_lint(".", cwd=tmp_path)
    assert result.returncode == exit_code, result.stderr
    if exit_code == 2:
        [line] = result.stderr.splitlines()
        assert line.startswith("redis-lint: error: ")
    else:
        assert "app.py:3:5: RDS302" in result.stdout
    assert sorted(p.name for p in touched.iterdir()) == []


# -- secrets -----------------------------------------------------------------------

CANARY = "c4n4ry"
SECRETS = f'''import redis

a = redis.Redis(host="db.example.com", password="{CANARY}-password", ssl=True)
b = redis.Redis.from_url("rediss://admin:{CANARY}-in-url@cache.example.com:6380/0")
c = redis.Redis(username="{CANARY}-user", password=(
    "{CANARY}-split-"
    "{CANARY}-over-lines"
), ssl=True)
d = redis.Redis(password="{CANARY}-at-the-end")  # {CANARY} in a comment is not a secret the analysis found
'''


@pytest.fixture
def secrets(tmp_path: Path) -> Path:
    (tmp_path / "settings.py").write_text(SECRETS.replace(f"# {CANARY} in a comment", "# a comment"))
    return tmp_path


@pytest.mark.parametrize("output_format", FORMAT_NAMES)
def test_reports_never_echo_a_secret(secrets: Path, output_format: str) -> None:
    result = redis_lint("--format", output_format, "settings.py", cwd=secrets)
    assert result.returncode == 1
    assert "RDS701" in result.stdout
    assert CANARY not in result.stdout + result.stderr


def test_rds701_names_the_argument(secrets: Path) -> None:
    result = redis_lint("--format", "json", "--select", "RDS701", "settings.py", cwd=secrets)
    found = [(f["line"], f["message"].split(" ", 1)[0]) for f in json.loads(result.stdout)]
    assert found == [(3, "password="), (4, "the"), (5, "username="), (6, "password="), (9, "password=")]


def test_the_full_format_masks_the_secret_in_every_line_it_shows(secrets: Path) -> None:
    """Masked whatever finding shows the line (RDS702 on the line of a password, here), the caret
    still under the span."""
    (secrets / "settings.py").write_text('import redis\nr = redis.Redis(host="db.example.com", password="hunter2")\n')
    result = redis_lint("--format", "full", "settings.py", cwd=secrets)
    assert [code for code in ("RDS701", "RDS702") if code in result.stdout] == ["RDS701", "RDS702"]
    shown = [line for line in result.stdout.splitlines() if line.startswith("2 | ")]
    assert shown == ['2 | r = redis.Redis(host="db.example.com", password=*********)'] * 2
    column = len('r = redis.Redis(host="db.example.com", password=')
    assert "  | " + " " * column + "^" * 9 + "\n" in result.stdout
    assert "hunter2" not in result.stdout


def test_flake8_never_echoes_a_secret(secrets: Path) -> None:
    result = run("-m", "flake8", "--select", "RDS", "settings.py", cwd=secrets)
    assert "RDS701" in result.stdout
    assert CANARY not in result.stdout + result.stderr
