"""`redis-lint check --fix / --unsafe-fixes / --diff`: libcst replacements that keep
everything else in the file as it was."""

from __future__ import annotations

from pathlib import Path

import pytest
from click.testing import CliRunner

from redis_lint.cli import cli

BEFORE = '''import redis


def work(r: redis.Redis, token: str) -> None:
    # take the broadcast lock
    r.set("lock:broadcast:1", token, nx=True)  # keep this comment
    with r.lock("lock:broadcast:2"):
        pass
    r.set("cache:user:1:p", "v", ex=60)
    r.set(
        "cache:user:1:p",
        "w",
    )
    r.get("Cache:User:1:p")
    r.get("Cache:User:2:p")  # noqa: RDS202


def connect() -> redis.Redis:
    return redis.Redis.from_url("redis://cache.internal:6379/0")
'''

AFTER = '''import redis


def work(r: redis.Redis, token: str) -> None:
    # take the broadcast lock
    r.set("lock:broadcast:1", token, nx=True, px=30000)  # keep this comment
    with r.lock("lock:broadcast:2", timeout=30):
        pass
    r.set("cache:user:1:p", "v", ex=60)
    r.set(
        "cache:user:1:p",
        "w",
        keepttl=True,
    )
    r.get("cache:user:1:p")
    r.get("Cache:User:2:p")  # noqa: RDS202


def connect() -> redis.Redis:
    return redis.Redis.from_url("rediss://cache.internal:6379/0")
'''


@pytest.fixture
def service(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "app" / "redis" / "client.py"  # an injection point: only the fixable rules speak
    path.parent.mkdir(parents=True)
    path.write_text(BEFORE)
    return path


def check(*args: str):  # type: ignore[no-untyped-def]
    # the project-level rules (no close, no health check in this one-file project) have no fixes
    return CliRunner().invoke(cli, ["check", "--ignore", "RDS403,RDS404", *args], catch_exceptions=False)


def test_fixes_that_change_behaviour_need_unsafe_fixes(service: Path) -> None:
    result = check("--fix")
    assert service.read_text() == BEFORE
    assert "Fixed 0 findings." in result.stderr
    assert "6 fixable with --fix --unsafe-fixes" in result.stderr
    assert result.exit_code == 1


def test_unsafe_fixes_rewrite_only_what_they_fix(service: Path) -> None:
    result = check("--fix", "--unsafe-fixes")
    assert service.read_text() == AFTER
    assert "Fixed 5 findings." in result.stderr
    assert result.exit_code == 0, result.stdout  # nothing left
    again = check("--fix", "--unsafe-fixes")
    assert service.read_text() == AFTER and "Fixed 0 findings." in again.stderr  # idempotent


def test_diff_shows_and_writes_nothing(service: Path) -> None:
    result = check("--diff", "--unsafe-fixes", "-q")
    assert service.read_text() == BEFORE
    assert result.exit_code == 1
    assert result.stdout.startswith("--- a/app/redis/client.py\n+++ b/app/redis/client.py\n")
    assert '-    return redis.Redis.from_url("redis://cache.internal:6379/0")' in result.stdout
    assert '+    return redis.Redis.from_url("rediss://cache.internal:6379/0")' in result.stdout


def test_json_says_which_findings_have_a_fix(service: Path) -> None:
    import json

    findings = json.loads(check("--format", "json").stdout)
    fixes = {(f["line"], f["code"]): f["fix"] for f in findings}
    assert fixes[(7, "RDS501")] == {"description": "pass timeout=30", "applicability": "unsafe"}
    assert fixes[(14, "RDS202")] == {"description": 'rename the key to "cache:user:1:p"', "applicability": "unsafe"}


@pytest.mark.parametrize(("encoding", "newline", "bom"), [("utf-8", "\r\n", False), ("latin-1", "\n", False),
                                                         ("utf-8", "\n", True)])
def test_encoding_newlines_and_bom_are_kept(service: Path, encoding: str, newline: str, bom: bool) -> None:
    text = BEFORE.replace("# take the broadcast lock", "# take the broadcast lock (caf\xe9)")
    if encoding == "latin-1":
        text = "# -*- coding: latin-1 -*-\n" + text
    data = text.replace("\n", newline).encode(encoding)
    service.write_bytes((b"\xef\xbb\xbf" if bom else b"") + data)
    check("--fix", "--unsafe-fixes")
    written = service.read_bytes()
    assert written.startswith(b"\xef\xbb\xbf") is bom
    decoded = written.decode("utf-8-sig" if bom else encoding)
    assert "caf\xe9" in decoded and "px=30000" in decoded
    assert decoded.count("\r\n") == (decoded.count("\n") if newline == "\r\n" else 0)


# -- every fix, one at a time: the properties a fix must have ----------------------------------

HEAD = "import redis\n\nOWNER = 'me'\n\n\ndef f(r: redis.Redis, token: str) -> None:\n    keep = 1\n"
TAIL = "    keep = 2\n"
ONE_FIX = {
    "RDS101 ex=": ("RDS101", '    r.set("cache:user:1:p", "v")\n'),
    "RDS101 keepttl": ("RDS101", '    r.set("cache:user:1:p", "v", ex=5)\n    r.set("cache:user:1:p", "w")\n'),
    "RDS202": ("RDS202", '    r.get("Cache:user:1:p")\n'),
    "RDS501 set nx": ("RDS501", '    r.set("lock:broadcast:1", token, nx=True)\n'),
    "RDS501 setnx": ("RDS501", '    r.setnx("lock:broadcast:1", token)\n'),
    "RDS501 lock": ("RDS501", '    r.lock("lock:broadcast:1").acquire()\n'),
    "RDS503": ("RDS503", '    r.set("lock:broadcast:1", OWNER, nx=True, px=30000)\n'),
    "RDS702": ("RDS702", '    redis.from_url("redis://cache.internal:6379/0")\n'),
}


@pytest.mark.parametrize(("code", "line"), ONE_FIX.values(), ids=ONE_FIX.keys())
def test_each_fix_parses_resolves_its_finding_is_idempotent_and_touches_nothing_else(code: str, line: str) -> None:
    import difflib

    import libcst

    from redis_lint.config import Config
    from redis_lint.engine.fixes import fix_source
    from tests.conftest import lint

    path = Path("/project/app/redis/client.py")
    config = Config(root=Path("/project"))
    before = HEAD + line + TAIL
    assert code in {f.code for f in lint(before, "app/redis/client.py")}
    after, applied = fix_source(before, path=path, config=config, unsafe=True)
    assert applied >= 1
    libcst.parse_module(after)  # it parses
    assert code not in {f.code for f in lint(after, "app/redis/client.py")}
    assert fix_source(after, path=path, config=config, unsafe=True) == (after, 0)  # a second --fix changes nothing
    assert fix_source(before, path=path, config=config, unsafe=False) == (before, 0)  # all unsafe
    changes = difflib.SequenceMatcher(None, before.splitlines(), after.splitlines()).get_opcodes()
    touched = [(tag, before.splitlines()[i1:i2]) for tag, i1, i2, _, _ in changes if tag != "equal"]
    fixed_lines = set(line.splitlines())
    for tag, old in touched:  # only the fixed statement changed (and an import may have been added)
        assert tag in ("replace", "insert") and set(old) <= fixed_lines, (tag, old)


def test_renaming_a_key_renames_it_at_every_call_that_writes_it(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    # one RDS202 finding for the key used by three calls; its fix must rename all three literals
    # at once (in more places than fix passes, too), or the calls would part ways
    monkeypatch.chdir(tmp_path)
    path = tmp_path / "app" / "redis" / "client.py"
    path.parent.mkdir(parents=True)
    calls = "".join(f'    r.hget("cache:user:1:Settings", "f{n}")\n' for n in range(7))
    path.write_text("import redis\n\n\ndef work(r: redis.Redis) -> None:\n" + calls)
    result = check("--fix", "--unsafe-fixes", "--select", "RDS202")
    assert "Fixed 1 finding." in result.stderr
    assert path.read_text() == "import redis\n\n\ndef work(r: redis.Redis) -> None:\n" + calls.replace("Settings", "settings")
    # a key written once as a literal and once as a sum of literals is not renamed: a fix that
    # renamed one of them would part the calls
    path.write_text('import redis\n\n\ndef work(r: redis.Redis) -> None:\n'
                    '    r.get("cache:user:1:Settings")\n    r.get("cache:user:1:" + "Settings")\n')
    result = check("--fix", "--unsafe-fixes", "--select", "RDS202")
    assert "Fixed 0 findings." in result.stderr and "Found 1 finding" in result.stderr
