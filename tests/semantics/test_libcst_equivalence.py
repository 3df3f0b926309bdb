"""The scope table, the fast walk and the positions against libcst's own answers.

`redis_lint.semantics.scopes` replaces libcst's ScopeProvider,
`redis_lint.semantics.walk` its visitor traversal and
`redis_lint.semantics.positions` its PositionProvider, for speed: each must
give the same answers on the questions the analysis asks.  Each is compared
with libcst on tricky snippets and on real code (this repository's own
sources and fixtures)."""

from __future__ import annotations

from pathlib import Path

import libcst as cst
import pytest
from libcst.metadata import (
    BuiltinAssignment,
    PositionProvider,
    ClassScope,
    MetadataWrapper,
    QualifiedNameSource,
    ScopeProvider,
)

from redis_lint.semantics.positions import Positions
from redis_lint.semantics.scopes import ScopeKind, ScopeTable
from redis_lint.semantics.walk import FastVisitor

pytestmark = pytest.mark.slow  # every source file of the repository, walked twice

ROOT = Path(__file__).resolve().parent.parent.parent

SNIPPETS = {
    "closures": """
import redis
import redis.asyncio as aredis
from . import keys as k
from ..pkg.mod import thing, other as alias
x = 1
def outer(a, b=x, *args, c: "int" = 2, **kw):
    y = a
    def inner():
        nonlocal y
        y = 3
        return y + x
    return inner
""",
    "classes": """
import redis
class Store:
    redis = redis
    client = redis.Redis()
    def method(self, client=client):
        return redis.Redis, client, self.client
    class Inner:
        value = client
        def f(self):
            return value
""",
    "comprehensions": """
items = [1, 2]
a = [i for i in items if i]
b = {k: v for k, v in items for w in k}
c = (z for z in c)
d = [y for x in items for y in x]
""",
    "globals": """
counter = 0
def bump():
    global counter
    counter = counter + 1
    del counter
def shadow():
    print(len)
    len = 3
    return len
for n in range(3):
    total = n
with open("f") as handle, open("g") as (p, q):
    pass
try:
    pass
except ValueError as error:
    raise error
if (m := 3):
    pass
lam = lambda v, w=counter: v + w
""",
    "positions": """
# a comment
@decorator(
    "spread over lines",
)

# between
@other
class Service:
    \"\"\"Docstring.\"\"\"

    x = 1; y = 2

    @property
    def key(self) -> str:
        return f"cache:user:{self.x}"

    async def run(self, r):
        if self.x:
            async with r.pipeline() as p:
                await p.set(self.key, 1)
        def inner(): return r.get("a")
        return inner


def top(r): r.set("k", 1)
a = 1; r.set("b", 2)
""",
    "reads_before_binding": """
def f():
    value = g()
    value = value + 1
    use(value)
def g():
    pipe = r.pipeline()
    pipe.set("a", 1)
    pipe.execute()
    return pipe
""",
}


def real_sources() -> list[Path]:
    files = sorted((ROOT / "redis_lint").rglob("*.py")) + sorted((ROOT / "fixtures").rglob("*.py"))
    return files[::6]  # a sixth of them keeps this quick; every kind of code is there


def _cases() -> list[tuple[str, str]]:
    cases = list(SNIPPETS.items())
    cases += [(p.relative_to(ROOT).as_posix(), p.read_text(encoding="utf-8")) for p in real_sources()]
    return cases


CASES = _cases()


def _libcst(source: str) -> tuple[cst.Module, dict]:
    module = cst.parse_module(source)
    scopes = MetadataWrapper(module, unsafe_skip_copy=True).resolve(ScopeProvider)
    return module, scopes


def _nodes(assignments) -> set[int]:  # type: ignore[no-untyped-def]
    return {id(a.node) if getattr(a, "node", None) is not None else "builtin" for a in assignments}


@pytest.mark.parametrize("name, source", CASES, ids=[c[0] for c in CASES])
def test_names_resolve_as_libcst_resolves_them(name: str, source: str) -> None:
    module, theirs = _libcst(source)
    ours = ScopeTable(module)
    in_tree = {id(n) for n in _significant(module)}  # not the names libcst parses out of string annotations
    for node, scope in theirs.items():
        if not isinstance(node, cst.Name) or scope is None or id(node) not in in_tree:
            continue
        mine = ours.scope_of.get(node)
        assert mine is not None, f"{name}: no scope for {node.value}"
        assert _nodes(mine[node.value]) == _nodes(scope[node.value]), f"{name}: {node.value}"
        # what an imported name is (libcst's class scopes are looked past the same way)
        theirs_names = {q.name for q in scope.get_qualified_names_for(node.value)
                        if q.source is QualifiedNameSource.IMPORT}
        assert mine.imported_names(node.value) == theirs_names, f"{name}: {node.value}"
        assert (mine.kind is ScopeKind.CLASS) == isinstance(scope, ClassScope)


@pytest.mark.parametrize("name, source", CASES, ids=[c[0] for c in CASES])
def test_assignments_reach_the_reads_libcst_finds(name: str, source: str) -> None:
    module, theirs = _libcst(source)
    ours = ScopeTable(module)
    for scope in {s for s in theirs.values() if s is not None}:
        for assignment in scope.assignments:
            if isinstance(assignment, BuiltinAssignment) or not isinstance(assignment.node, cst.Name):
                continue  # the analysis follows the reads of names bound by assignment
            mine = ours.scope_of[assignment.node]
            [own] = [a for a in mine.assignments.get(assignment.name, []) if a.node is assignment.node] or [
                a for s in _all_scopes(ours) for a in s.assignments.get(assignment.name, [])
                if a.node is assignment.node]
            expected = {id(r.node) for r in assignment.references if isinstance(r.node, cst.Name)}
            assert {id(r.node) for r in own.references} >= expected, f"{name}: {assignment.name}"


def _all_scopes(table: ScopeTable) -> set:  # type: ignore[type-arg]
    return set(table.scope_of.values())


class _Order(cst.CSTVisitor):
    def __init__(self) -> None:
        self.seen: list[tuple[str, int]] = []

    def on_visit(self, node: cst.CSTNode) -> bool:
        self.seen.append(("visit", id(node)))
        return True

    def on_leave(self, original_node: cst.CSTNode) -> None:
        self.seen.append(("leave", id(original_node)))


class _FastOrder(FastVisitor):
    def __init__(self, wanted: set[int]) -> None:
        self.wanted = wanted
        self.seen: list[tuple[str, int]] = []

    def walk(self, node: cst.CSTNode) -> None:
        if id(node) in self.wanted:
            self.seen.append(("visit", id(node)))
        super().walk(node)
        if id(node) in self.wanted:
            self.seen.append(("leave", id(node)))


@pytest.mark.parametrize("name, source", CASES, ids=[c[0] for c in CASES])
def test_the_fast_walk_visits_in_libcsts_order(name: str, source: str) -> None:
    module = cst.parse_module(source)
    theirs = _Order()
    module.visit(theirs)
    fast = _FastOrder({i for _, i in theirs.seen})
    fast.walk(module)
    # whitespace and comments are not walked; every other node is, in the same order
    kept = {i for _, i in fast.seen}
    assert [s for s in theirs.seen if s[1] in kept] == fast.seen
    significant = {id(n) for n in _significant(module)}
    assert significant <= kept


def _significant(module: cst.Module) -> list[cst.CSTNode]:
    found: list[cst.CSTNode] = []

    class Collect(cst.CSTVisitor):
        def on_visit(self, node: cst.CSTNode) -> bool:
            if isinstance(node, (cst.Name, cst.Call, cst.Attribute, cst.BaseStatement, cst.BaseSmallStatement)):
                found.append(node)
            return True

    module.visit(Collect())
    return found


def test_hooks_follow_libcsts_protocol() -> None:
    module = cst.parse_module("for x in items:\n    r.set(x, 1)\nr.get(1)\n")

    class Hooks(FastVisitor):
        def __init__(self) -> None:
            self.log: list[str] = []

        def visit_For_body(self, node: cst.For) -> None:
            self.log.append("body")

        def leave_For_body(self, node: cst.For) -> None:
            self.log.append("/body")

        def visit_Call(self, node: cst.Call) -> bool:
            self.log.append(cst.Module([]).code_for_node(node.func))
            return False  # children skipped: no nested calls

        def leave_Call(self, original_node: cst.Call) -> None:
            self.log.append("/call")

    hooks = Hooks()
    hooks.walk(module)
    assert hooks.log == ["body", "r.set", "/call", "/body", "r.get", "/call"]


@pytest.mark.parametrize("name, source", CASES, ids=[c[0] for c in CASES])
def test_positions_of_single_nodes_are_libcsts(name: str, source: str) -> None:
    module = cst.parse_module(source)
    expected = MetadataWrapper(module, unsafe_skip_copy=True).resolve(PositionProvider)
    parents = ScopeTable(module).parents
    nodes = _significant(module)
    for node in nodes[:: max(1, len(nodes) // 60)]:  # sixty nodes of every file is plenty
        positions = Positions(module, source, parents.get)  # fresh: each node from its own statement
        assert positions[node] == expected[node], f"{name}: {cst.Module([]).code_for_node(node)[:40]!r}"
        assert positions._whole is None  # found without generating the whole module
