"""Key expressions resolved to templates, and the key rules on top of them."""

from __future__ import annotations

import textwrap

import libcst as cst
import pytest

from redis_lint.semantics.module_model import ModuleModel
from redis_lint.config import Config
from redis_lint.engine.run import lint_paths
from tests.conftest import codes, lint


def template_of(source: str) -> str | None:
    """The template of the key in the snippet's last `r.get(...)` call."""
    model = ModuleModel(cst.parse_module("import redis\nr = redis.Redis()\n" + textwrap.dedent(source)))
    key = [c for c in model.commands if c.method == "get"][-1].keys[0]
    return key.template.render() if key.template else None


@pytest.mark.parametrize(
    ("source", "expected"),
    [
        ('r.get("cache:user:1")', "cache:user:1"),
        ('r.get(b"cache:user:1")', "cache:user:1"),
        ('r.get("cache:" "user:1")', "cache:user:1"),
        ('r.get(f"cache:user:{uid}:profile")', "cache:user:{uid}:profile"),
        ('r.get(f"cache:user:{user.id}")', "cache:user:{user.id}"),
        ('r.get(f"cache:user:{uid!r}:{n:03d}")', "cache:user:{uid}:{n}"),
        ('r.get(f"cache:{{literal}}:x")', "cache:{literal}:x"),
        ('r.get("cache:user:%s:profile" % uid)', "cache:user:{uid}:profile"),
        ('r.get("cache:%s:%d" % (kind, 7))', "cache:{kind}:7"),
        ('r.get("cache:%(kind)s:x" % {"kind": "user"})', "cache:user:x"),
        ('r.get("cache:user:{}:profile".format(uid))', "cache:user:{uid}:profile"),
        ('r.get("cache:{kind}:{0}".format(uid, kind="user"))', "cache:user:{uid}"),
        ('r.get("cache:user:" + str(uid))', "cache:user:{uid}"),  # a conversion keeps the text
        ('r.get(("cache:user:" + uid).encode())', "cache:user:{uid}"),
        ('from kombu.utils.encoding import ensure_bytes\nr.get(ensure_bytes("cache:user:") + uid)', "cache:user:{uid}"),
        ('r.get("cache:user:" + len(uid))', "cache:user:{len(uid)}"),  # not a conversion
        ('r.get(":".join(["cache", "user", uid]))', "cache:user:{uid}"),
        ('PREFIX = "cache:user"\nr.get(f"{PREFIX}:{uid}")', "cache:user:{uid}"),
        ('PREFIX = "cache:user"\nr.get(PREFIX + ":" + uid)', "cache:user:{uid}"),
        ('def key(uid):\n    return f"cache:user:{uid}:profile"\nr.get(key(42))', "cache:user:42:profile"),
        ('def key(uid):\n    k = f"cache:user:{uid}"\n    return k\nr.get(key(user_id))', "cache:user:{user_id}"),
        (
            'class Cache:\n    PREFIX = "cache:user"\n    def k(self, uid):\n        return f"{self.PREFIX}:{uid}"\n'
            '    def f(self, uid):\n        r.get(self.k(uid))',
            "cache:user:{uid}",
        ),
        ('class C:\n    P = "cache:referral"\nr.get(C.P + ":x:y")', "cache:referral:x:y"),
        ("r.get(key)", None),
        ('r.get(f"{prefix}:user:{uid}")', "{prefix}:user:{uid}"),
        ('k = "cache:a:b"\nk = "cache:c:d"\nr.get(k)', None),  # bound twice: not guessed
        (  # celery: the key function is a converter held in a class attribute; the prefix is
            # converted and may get a configured prefix in front, which does not hide it
            'from kombu.utils.encoding import ensure_bytes\n'
            'class Backend:\n'
            '    key_t = ensure_bytes\n'
            '    prefix = "celery-task-meta-"\n'
            '    def __init__(self, glob):\n'
            '        self.key_t = self.key_t.__func__\n'
            '        if glob:\n'
            '            self.prefix = f"{glob}{self.prefix}"\n'
            '        self.prefix = self.key_t(self.prefix)\n'
            '    def key_for(self, tid, key=""):\n'
            '        key_t = self.key_t\n'
            '        return key_t("").join([self.prefix, key_t(tid), key_t(key)])\n'
            '    def f(self, tid):\n'
            '        r.get(self.key_for(tid, ".j"))',
            "celery-task-meta-{tid}.j",
        ),
        (  # a rebinding that adds literal text changes the key: not guessed
            'class C:\n    prefix = "cache:user"\n    def __init__(self):\n        self.prefix = self.prefix + ":"\n'
            '    def f(self, uid):\n        r.get(f"{self.prefix}{uid}")',
            None,
        ),
        (  # pottery: a base class's property builds the key from the subclass's constant
            'class Primitive:\n'
            '    @property\n'
            '    def _KEY_PREFIX(self): ...\n'
            '    def __init__(self, key):\n'
            '        self.key = key\n'
            '    @property\n'
            '    def key(self):\n'
            '        return self.__key\n'
            '    @key.setter\n'
            '    def key(self, value):\n'
            '        self.__key = f"{self._KEY_PREFIX}:{value}"\n'
            'class Other(Primitive):\n'
            '    _KEY_PREFIX = "cache:other"\n'
            'class Lock(Primitive):\n'
            '    _KEY_PREFIX = "lock:job"\n'
            '    def f(self):\n'
            '        r.get(self.key)',
            "lock:job:{value}",
        ),
        (  # ... and a helper method of the base class likewise
            'class Base:\n    def k(self, uid):\n        return f"{self.PREFIX}:{uid}"\n'
            'class Users(Base):\n    PREFIX = "cache:user"\n    def f(self, uid):\n        r.get(self.k(uid))',
            "cache:user:{uid}",
        ),
    ],
)
def test_templates(source: str, expected: str | None) -> None:
    assert template_of(source) == expected


def key_codes(key_expr: str) -> list[str]:
    return sorted(codes(f"import redis\ndef f(r: redis.Redis, uid, token):\n    r.get({key_expr})\n"))


@pytest.mark.parametrize(
    ("key", "expected"),
    [
        ('"cache:user:1:profile"', []),
        ('f"cache:user:{uid}"', []),
        ('f"session:{token}"', ["RDS201"]),  # a placeholder is one segment
        ('"cache:user"', ["RDS201"]),
        ('"cache"', ["RDS201"]),
        ('"cache::user:1"', ["RDS201"]),
        ('"cache:user:"', ["RDS201"]),
        ('"cache/user/1"', ["RDS201"]),
        ('f"cache.user.{uid}"', ["RDS201"]),
        ('"cache:User:1"', ["RDS202"]),
        ('f"cache:user:{uid}:Profile"', ["RDS202"]),
        ('f"cache:user:{userID}"', []),  # case inside a placeholder is data, not judged
        ('"users:all:list"', ["RDS203"]),
        ('"user:1"', ["RDS201", "RDS203"]),
        ('f"{uid}:user:x"', []),
        ('f"cache{uid}:user:x"', []),  # the namespace is not fully known
        ("token", []),
    ],
)
def test_key_rules(key: str, expected: list[str]) -> None:
    assert key_codes(key) == expected


def test_every_key_argument_is_checked() -> None:
    source = 'import redis\ndef f(r: redis.Redis):\n    r.delete("cache:a:b", "Bad:key:x")\n    r.mget(["x:y:z"])\n'
    assert sorted(codes(source)) == ["RDS202", "RDS203", "RDS203"]


def test_the_keys_a_transaction_watches_are_checked() -> None:
    """`transaction(func, *watches)` sends WATCH with its keys before it runs `func`."""
    source = 'import redis\ndef f(r: redis.Redis, fn):\n    r.transaction(fn, "cache:a:b", "Bad:key:x")\n'
    assert sorted(codes(source)) == ["RDS202", "RDS203"]


def test_the_keys_of_a_script_are_the_first_numkeys_arguments() -> None:
    """`eval(script, 1, key, arg)`: the key is judged, the argument after it is not."""
    source = ('import redis\ndef f(r: redis.Redis, sha):\n    r.evalsha(sha, 1, "Bad:key:x", "Not:a:key")\n'
              '    r.eval("return 1", 2, "cache:a:b", "rate.x", 60)\n    r.eval("return 1", n, "Unknown:count")\n')
    assert sorted(codes(source)) == ["RDS201", "RDS202", "RDS203"]  # Bad:key:x (case, namespace), rate.x


def test_mset_mapping_keys_are_checked() -> None:
    source = 'import redis\ndef f(r: redis.Redis):\n    r.mset({"cache:a:b": 1, "oops": 2})\n'
    assert sorted(codes(source)) == ["RDS101", "RDS201", "RDS203"]


def test_custom_namespaces() -> None:
    from dataclasses import replace

    from redis_lint.config import Config, Policy

    config = Config(policy=replace(Policy(), namespaces=("users",)))
    source = 'import redis\ndef f(r: redis.Redis):\n    r.get("users:all:list")\n    r.get("cache:a:b")\n'
    assert codes(source, config=config) == ["RDS203"]


# -- one finding per key, where the key is built ------------------------------------------------

ONE_KEY_THREE_CALLS = '''\
import redis

r = redis.Redis()


def save(user_id, data):
    r.hset(f"User.{user_id}", mapping=data)


def load(user_id):
    return r.hgetall(f"User.{user_id}")


def drop(uid):
    r.delete(f"User.{uid}")
'''


def key_findings(source: str) -> list[tuple[int, str, list[int]]]:
    """(line, code, lines of the related locations) of the key-naming findings."""
    return [(f.line, f.code, [r.line for r in f.related]) for f in lint(source)
            if f.code in ("RDS201", "RDS202", "RDS203")]


def test_a_key_used_by_several_calls_is_reported_once_per_rule() -> None:
    # hset, hgetall and delete of one key: one finding per rule at the first place that builds it,
    # the other calls as related locations (placeholder names differ: the key does not)
    assert key_findings(ONE_KEY_THREE_CALLS) == [
        (7, "RDS201", [11, 15]), (7, "RDS202", [11, 15]), (7, "RDS203", [11, 15])]
    related = next(f for f in lint(ONE_KEY_THREE_CALLS) if f.code == "RDS201").related
    assert [(r.line, r.column, r.end_column, r.message) for r in related] == [
        (11, 22, 39, "the same key is used here"), (15, 14, 27, "the same key is used here")]


def test_an_attribute_of_an_instance_is_what_its_init_made_of_the_construction_s_arguments() -> None:
    """`lock._name`, bound to `"lock:" + name` in `Lock.__init__`, after `lock = Lock(r, "foobar")`."""
    code = '''\
        import redis
        class Lock:
            def __init__(self, client, name, prefix="lock:"):
                self.client = client
                self._name = prefix + name
        def f(r: redis.Redis, name):
            lock = Lock(r, "foobar")
            r.get(lock._name)
            other = Lock(r, name)
            r.get(other._name)
            again = Lock(r, "x:y:z", prefix="Lock:")
            r.get(again._name)
        '''
    keys = {(f.line, f.code, f.message.split('"')[1]) for f in lint(code) if '"' in f.message}
    assert (8, "RDS201", "lock:foobar") in keys
    assert (10, "RDS201", "lock:{name}") in keys  # the caller's parameter: a placeholder
    assert (12, "RDS202", "Lock:x:y:z") in keys  # a keyword argument over the default
    assert {line for line, _, _ in keys} == {8, 10, 12}


def test_a_key_is_reported_where_a_variable_constant_or_helper_builds_it() -> None:
    local = '''\
        import redis
        r = redis.Redis()
        def f(uid):
            key = f"user:{uid}"
            r.hset(key, "a", 1)
            r.expire(key, 60)
        '''
    assert key_findings(local) == [(4, "RDS201", [5, 6]), (4, "RDS203", [5, 6])]
    constant = '''\
        import redis
        BOARD = "users.leaderboard"
        r = redis.Redis()
        def f(uid):
            r.zincrby(BOARD, 1, uid)
        '''
    assert key_findings(constant) == [(2, "RDS201", [5]), (2, "RDS203", [5])]
    helper = '''\
        import redis
        r = redis.Redis()
        def profile_key(uid):
            return f"cache:User:{uid}"
        def f(uid):
            r.set(profile_key(uid), 1, ex=60)
            return r.get(profile_key(uid))
        '''
    assert key_findings(helper) == [(4, "RDS202", [6, 7])]


def test_different_keys_and_a_helper_of_another_module_stay_apart(tmp_path) -> None:  # type: ignore[no-untyped-def]
    two_keys = '''\
        import redis
        r = redis.Redis()
        r.get("users.one")
        r.get("users.two")
        '''
    assert key_findings(two_keys) == [(3, "RDS201", []), (3, "RDS203", []), (4, "RDS201", []), (4, "RDS203", [])]
    # a key built in another module is reported at this module's first call that uses it: a
    # finding never points into a file other than its own
    (tmp_path / "keys.py").write_text('def board():\n    return "users.board"\n')
    (tmp_path / "app.py").write_text(
        "import redis\nfrom keys import board\nr = redis.Redis()\nr.get(board())\nr.delete(board())\n")
    config = Config(root=tmp_path)
    found = [(f.path, f.line, f.code, [r.line for r in f.related])
             for f in lint_paths([tmp_path / "app.py"], config).findings if f.code != "RDS401"]
    assert found == [(str(tmp_path / "app.py"), 4, "RDS201", [5]), (str(tmp_path / "app.py"), 4, "RDS203", [5])]


def test_noqa_where_the_key_is_built_silences_every_use() -> None:
    source = ONE_KEY_THREE_CALLS.replace('mapping=data)', 'mapping=data)  # noqa: RDS2')
    assert key_findings(source) == []
