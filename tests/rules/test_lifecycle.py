"""RDS402 client-per-call, RDS403 client-never-closed, RDS404 missing-health-check and RDS703
unguarded-call: snippets for the per-file rules, small projects linted as folders for the
project-level ones, and the CLI, which runs those only when it is given folders."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from dataclasses import replace
from pathlib import Path

import pytest

from redis_lint.config import Config, Policy
from redis_lint.engine.run import lint_paths
from tests.conftest import lint

HEAD = "import os\nimport redis\nimport redis.asyncio as aioredis\n\n"


def flagged(code: str, source: str, path: str = "app/services/example.py", config: Config | None = None) -> list[int]:
    return [f.line for f in lint(HEAD + textwrap.dedent(source), path, config) if f.code == code]


# -- RDS402 -------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def f(k):\n    r = redis.Redis()\n    return r.get(k)\n", True),
        ("def f(k):\n    return redis.Redis().get(k)\n", True),
        ("def f(k):\n    with redis.Redis() as r:\n        r.get(k)\n", True),
        ("async def f(k):\n    async with aioredis.Redis() as r:\n        await r.get(k)\n", True),
        ("def f(k):\n    r = redis.Redis()\n    with r.pipeline() as p:\n        p.get(k)\n        p.execute()\n", True),
        ("def f(k):\n    r = redis.Redis()\n    v = r.get(k)\n    r.close()\n    return v\n", True),  # closed, still per call
        ("def f(k):\n    r = redis.Redis()\n    if r is None:\n        return None\n    return r.get(k)\n", True),
        ("def f(urls):\n    for u in urls:\n        c = redis.Redis.from_url(u)\n        c.get('k')\n", True),
        # handed back, kept or handed on: someone else owns it
        ("def f():\n    return redis.Redis()\n", False),
        ("def f():\n    r = redis.Redis()\n    r.ping()\n    return r\n", False),
        ("class S:\n    def __init__(self):\n        self.r = redis.Redis()\n", False),
        ("def f(svc):\n    r = redis.Redis()\n    r.ping()\n    svc(r)\n", False),
        ("def f(svc):\n    return svc(redis.Redis())\n", False),
        ("def f():\n    r = redis.Redis()\n    return r.pipeline()\n", False),
        ("def f():\n    r = redis.Redis()\n    def g():\n        return r.get('k')\n    return g\n", False),
        ("def f():\n    global R\n    R = redis.Redis()\n    R.ping()\n", False),
        ("def f(urls):\n    out = []\n    for u in urls:\n        out.append(redis.Redis.from_url(u))\n    return out\n", False),
        ("def f(urls):\n    return [redis.Redis.from_url(u) for u in urls]\n", False),
        ("def f():\n    gen = (x for x in [])\n    r = redis.Redis()\n", False),  # never used: not followed
        ("def f(k):\n    r = redis.Redis()\n    r = redis.Redis(db=1)\n    return r.get(k)\n", False),  # rebound
        ("r = redis.Redis()\nr.get('k')\n", False),  # module level: built once
    ],
)
def test_client_per_call(source: str, expected: bool) -> None:
    assert bool(flagged("RDS402", source)) is expected


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        # redis-py's way of sharing connections: a client per call on a long-lived pool
        ("class S:\n    def get(self, k):\n        r = redis.Redis(connection_pool=self.pool)\n        return r.get(k)\n",
         False),
        ("POOL = redis.ConnectionPool()\ndef f(k):\n    return redis.Redis(connection_pool=POOL).get(k)\n", False),
        ("async def f(pool, k):\n    async with aioredis.Redis.from_pool(pool) as r:\n        await r.get(k)\n", False),
        # ...but not on a pool of its own
        ("def f(k):\n    return redis.Redis(connection_pool=redis.ConnectionPool()).get(k)\n", True),
        # a Sentinel hands its connections to the clients it makes
        ("def f(hosts):\n    s = redis.sentinel.Sentinel(hosts)\n    return s.master_for('main')\n", False),
        ("def f(hosts):\n    s = redis.sentinel.Sentinel(hosts)\n    s.master_for('main').ping()\n", True),
    ],
)
def test_shared_pools_and_sentinels(source: str, expected: bool) -> None:
    assert bool(flagged("RDS402", source)) is expected


def test_a_pool_handed_to_the_client_is_the_clients_business() -> None:
    source = """
        def f(k):
            pool = redis.ConnectionPool()
            r = redis.Redis(connection_pool=pool)
            return r.get(k)
    """
    assert flagged("RDS402", source) == [8]


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ("def main():\n    r = redis.Redis()\n    r.ping()\n", []),  # start-up code builds the client
        ("def warm(urls):\n    for u in urls:\n        redis.Redis.from_url(u).ping()\n", [7]),  # but not in a loop
        ("@app.route('/x')\ndef view():\n    r = redis.Redis()\n    return r.get('k')\n", [7]),
        ("@router.get('/x')\nasync def view():\n    async with aioredis.Redis() as r:\n        return await r.get('k')\n", [7]),
        ("@celery.task\ndef job():\n    redis.Redis().ping()\n", [7]),
        ("@pytest.fixture\ndef r():\n    c = redis.Redis()\n    c.flushall()\n", []),
    ],
)
def test_client_per_call_in_an_injection_point(source: str, expected: list[int]) -> None:
    assert flagged("RDS402", source, "app.py") == expected


def test_client_per_call_names_the_loop() -> None:
    messages = [f.message for f in lint(HEAD + "def f(urls):\n    for u in urls:\n        redis.from_url(u).ping()\n")
                if f.code == "RDS402"]
    assert messages == [("redis.from_url() builds a new client on every iteration of this loop, each with its own "
                         "connections: build it once before the loop (or inject it) and reuse it")]


# -- RDS703 -------------------------------------------------------------------------

REQUEST = Config(root=Path("/project"), extend_select=("RDS703",),
                 policy=replace(Policy(), request_paths=("app/views/**",)))
GUARD_HEAD = "from redis.exceptions import RedisError, ResponseError\nimport contextlib\n"


def unguarded(body: str, path: str = "app/views/profile.py") -> list[int]:
    source = GUARD_HEAD + "def f(r: redis.Redis, k):\n" + textwrap.indent(textwrap.dedent(body), "    ")
    return flagged("RDS703", source, path, REQUEST)


@pytest.mark.parametrize(
    ("body", "expected"),
    [
        ("return r.get(k)\n", True),
        ("try:\n    return r.get(k)\nexcept RedisError:\n    return None\n", False),
        ("try:\n    return r.get(k)\nexcept redis.ConnectionError:\n    return None\n", False),
        ("try:\n    return r.get(k)\nexcept redis.exceptions.TimeoutError:\n    return None\n", False),
        ("try:\n    return r.get(k)\nexcept (ValueError, redis.RedisError):\n    return None\n", False),
        ("try:\n    return r.get(k)\nexcept Exception:\n    return None\n", False),
        ("try:\n    return r.get(k)\nexcept:\n    return None\n", False),
        ("with contextlib.suppress(RedisError):\n    r.get(k)\n", False),
        ("try:\n    return r.get(k)\nexcept ResponseError:\n    return None\n", True),
        ("try:\n    return r.get(k)\nexcept ConnectionError:\n    return None\n", True),  # the builtin
        ("try:\n    return r.get(k)\nexcept (KeyError, ValueError):\n    return None\n", True),
        ("try:\n    pass\nexcept RedisError:\n    r.get(k)\n", True),  # the handler is not guarded
        ("try:\n    pass\nfinally:\n    r.get(k)\n", True),
        ("try:\n    def g():\n        return r.get(k)\nexcept RedisError:\n    pass\n", True),  # runs later
        ("with r.pipeline() as p:\n    p.get(k)\n    p.execute()\n", True),  # execute() only
        ("p = r.pipeline()\nr.close()\n", False),  # nothing sent
        ("try:\n    return r.get(k)\nexcept errors.Transient:\n    return None\n", False),  # untraceable: may catch
    ],
)
def test_unguarded_call(body: str, expected: bool) -> None:
    assert bool(unguarded(body)) is expected


def test_unguarded_call_flags_execute_not_the_queued_commands() -> None:
    assert unguarded("with r.pipeline() as p:\n    p.get(k)\n    p.execute()\n") == [10]


def test_unguarded_call_follows_module_constants_and_project_tuples(tmp_path: Path) -> None:
    (tmp_path / "app" / "views").mkdir(parents=True)
    (tmp_path / "app" / "__init__.py").write_text("")
    (tmp_path / "app" / "views" / "__init__.py").write_text("")
    (tmp_path / "app" / "errors.py").write_text(
        "from redis.exceptions import RedisError\nTRANSIENT = (RedisError, OSError)\n"
        "class CacheError(Exception):\n    pass\n")
    (tmp_path / "app" / "views" / "profile.py").write_text(textwrap.dedent("""
        import redis
        from app.errors import TRANSIENT, CacheError

        def good(r: redis.Redis):
            try:
                return r.get("cache:user:1:profile")
            except TRANSIENT:
                return None

        def bad(r: redis.Redis):
            try:
                return r.get("cache:user:1:profile")
            except CacheError:
                return None
    """))
    config = replace(REQUEST, root=tmp_path)
    run = lint_paths([tmp_path / "app" / "views" / "profile.py"], config)
    assert [(f.line, f.code) for f in run.findings if f.code == "RDS703"] == [(13, "RDS703")]


def test_unguarded_call_only_on_request_paths_and_only_when_selected() -> None:
    assert unguarded("return r.get(k)\n", "app/workers/job.py") == []
    source = HEAD + "def f(r: redis.Redis):\n    return r.get('cache:user:1:p')\n"
    assert "RDS703" not in [f.code for f in lint(source, "app/views/x.py",
                                                    replace(REQUEST, extend_select=()))]


def test_an_application_wide_error_handler_guards_the_module() -> None:
    source = GUARD_HEAD + textwrap.dedent("""
        from fastapi import FastAPI
        app = FastAPI()

        @app.exception_handler(RedisError)
        async def degraded(request, exc):
            return None

        def f(r: redis.Redis):
            return r.get("cache:user:1:profile")
    """)
    assert flagged("RDS703", source, "app/views/profile.py", REQUEST) == []


# -- RDS403 and RDS404: whole projects ----------------------------------------------


def write(folder: Path, files: dict[str, str]) -> Path:
    """The files, in packages (every folder gets an __init__.py) so that imports resolve."""
    for name, text in files.items():
        path = folder / name
        path.parent.mkdir(parents=True, exist_ok=True)
        path.write_text(textwrap.dedent(text), encoding="utf-8")
        for package in path.relative_to(folder).parents:
            if package != Path(".") and not (folder / package / "__init__.py").exists():
                (folder / package / "__init__.py").write_text("")
    return folder


def project(folder: Path, files: dict[str, str], codes: tuple[str, ...] = ("RDS403", "RDS404")) -> list[str]:
    write(folder, files)
    run = lint_paths([folder], Config(root=folder))
    assert [str(f) for f in run.findings if f.code == "RDS000"] == []  # an internal error would hide findings
    return [f"{f.path.removeprefix(folder.as_posix() + '/')}:{f.line} {f.code}" for f in run.findings
            if f.code in codes]


CLIENT = """
    import os
    import redis

    client = redis.Redis.from_url(os.environ["REDIS_URL"])
"""
HEALTH = """
    import redis

    def healthy(r: redis.Redis) -> bool:
        return bool(r.ping())
"""


def test_a_module_level_client_never_closed(tmp_path: Path) -> None:
    assert project(tmp_path, {"app/redis/client.py": CLIENT, "app/health.py": HEALTH}) == [
        "app/redis/client.py:5 RDS403"]


@pytest.mark.parametrize(
    "closing",
    [
        "atexit.register(client.close)\n",
        "def shutdown():\n    client.close()\n",
        "def shutdown() -> None:\n    with client:\n        pass\n",
        "stack = contextlib.ExitStack()\nstack.enter_context(client)\n",
        "stack = contextlib.ExitStack()\nstack.callback(client.close)\n",
        "def shutdown(c):\n    c.close()\n\natexit.register(shutdown)\n",  # a hook: its closes count
        "@atexit.register\ndef shutdown():\n    state.redis.close()\n",
        "@app.on_event('shutdown')\nasync def shutdown():\n    await state.redis.aclose()\n",
        "@app.teardown_appcontext\ndef shutdown(exc):\n    g.redis.close()\n",
        "@receiver(request_finished)\ndef shutdown(sender, **kwargs):\n    conn.close()\n",
        "app.add_event_handler('shutdown', client.aclose)\n",
        "client.connection_pool.disconnect()\n",
    ],
)
def test_what_closes_a_client(tmp_path: Path, closing: str) -> None:
    main = "import atexit\nimport contextlib\n\nimport redis\n\nfrom app.redis.client import client\n\n" + closing
    assert project(tmp_path, {"app/redis/client.py": CLIENT, "app/health.py": HEALTH, "main.py": main}) == []


def test_untraced_closes_count_only_where_a_client_library_is_imported(tmp_path: Path) -> None:
    """A run skips modules that cannot hold a client (the prefilter): what they close must not
    decide a finding, or it would depend on whether they were skipped."""
    hook = "import atexit\n\n@atexit.register\ndef shutdown():\n    state.redis.close()\n"
    files = {"app/redis/client.py": CLIENT, "app/health.py": HEALTH, "app/hooks.py": hook}
    assert project(tmp_path / "a", files) == ["app/redis/client.py:5 RDS403"]
    traced = "import atexit\nfrom app.redis.client import client\n\natexit.register(client.close)\n"
    assert project(tmp_path / "b", {**files, "app/hooks.py": traced}) == []


def test_closing_another_client_does_not_close_this_one(tmp_path: Path) -> None:
    other = """
        import redis

        def probe():
            with redis.Redis() as r:
                r.ping()
            local = redis.Redis()
            local.close()
    """
    assert project(tmp_path, {"app/redis/client.py": CLIENT, "app/probe.py": other}) == [
        "app/redis/client.py:5 RDS403"]


def test_a_factorys_client_closed_through_a_parameter(tmp_path: Path) -> None:
    files = {
        "app/redis/client.py": """
            import os
            import redis

            def create_client() -> redis.Redis:
                return redis.Redis.from_url(os.environ["REDIS_URL"])

            def close_client(client: redis.Redis) -> None:
                client.close()
        """,
        "app/health.py": HEALTH,
    }
    assert project(tmp_path, files) == []
    files["app/redis/client.py"] = files["app/redis/client.py"].split("def close_client")[0]
    assert project(tmp_path / "unclosed", files) == ["app/redis/client.py:6 RDS403"]


def test_a_pool_disconnected_closes_the_clients_built_on_it(tmp_path: Path) -> None:
    files = {
        "app/redis/client.py": """
            import redis

            pool = redis.ConnectionPool()
            client = redis.Redis(connection_pool=pool)

            def close() -> None:
                pool.disconnect()
        """,
        "app/health.py": HEALTH,
    }
    assert project(tmp_path, files) == []


def test_clients_that_are_not_long_lived(tmp_path: Path) -> None:
    files = {
        "app/services/users.py": """
            import redis

            def make(url: str) -> redis.Redis:
                return redis.Redis.from_url(url)  # not an injection point: RDS401's business
        """,
        "app/redis/client.py": """
            import redis

            with redis.Redis() as r:
                r.ping()
        """,
    }
    assert project(tmp_path, files) == []


def test_health_check_is_reported_once_at_the_first_client(tmp_path: Path) -> None:
    files = {"app/redis/client.py": textwrap.dedent(CLIENT) + "\natexit_close = client.close\n",
             "app/b.py": "import redis\n\nother = redis.Redis()\nother.close()\n"}
    assert project(tmp_path, files, ("RDS404",)) == ["app/b.py:3 RDS404"]


@pytest.mark.parametrize("ping", ["r.ping()", "await r.ping()", "r.execute_command('PING')", "conn.ping()"])
def test_any_ping_is_a_health_check(tmp_path: Path, ping: str) -> None:
    health = f"import redis\n\nasync def healthy(r: redis.Redis, conn):\n    return {ping}\n"
    assert project(tmp_path, {"main.py": CLIENT, "app/health.py": health}, ("RDS404",)) == []


def test_a_ping_on_something_else_in_a_module_without_redis(tmp_path: Path) -> None:
    untyped = "def healthy(conn):\n    return conn.ping()\n"  # a run may skip this module altogether
    assert project(tmp_path / "a", {"main.py": CLIENT, "app/health.py": untyped}, ("RDS404",)) == ["main.py:5 RDS404"]
    imported = "from main import client\n\ndef healthy():\n    return client.ping()\n"  # a client all the same
    assert project(tmp_path / "b", {"main.py": CLIENT, "app/health.py": imported}, ("RDS404",)) == []


def test_a_project_without_clients_needs_no_health_check(tmp_path: Path) -> None:
    assert project(tmp_path, {"app/health.py": HEALTH}) == []


def test_noqa_silences_a_project_finding(tmp_path: Path) -> None:
    source = CLIENT.replace('os.environ["REDIS_URL"])', 'os.environ["REDIS_URL"])  # noqa: RDS403')
    assert project(tmp_path, {"app/redis/client.py": source, "app/health.py": HEALTH}) == []


def redis_lint(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
    return subprocess.run([sys.executable, "-m", "redis_lint", "check", "--no-cache", *args], cwd=cwd,
                          capture_output=True, text=True, timeout=300)


def test_the_cli_runs_project_rules_on_folders_only(tmp_path: Path) -> None:
    write(tmp_path, {"app/redis/client.py": CLIENT})
    folder = redis_lint("app", cwd=tmp_path)
    assert folder.returncode == 1
    assert [line.split(" ", 2)[:2] for line in folder.stdout.splitlines()] == [
        ["app/redis/client.py:5:10:", "RDS403"], ["app/redis/client.py:5:10:", "RDS404"]]
    one_file = redis_lint("app/redis/client.py", cwd=tmp_path)
    assert one_file.returncode == 0, one_file.stdout
