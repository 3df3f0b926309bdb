"""Hooks into redis-py and valkey: every command sent, every client built.

Each hook is a thin wrapper installed on the library's class: it hands what
it sees to the checker (inside a guard, so a failure of ours never reaches
the application) and then calls the original with the same arguments,
returning its result untouched (for asyncio clients that is the coroutine
itself, so the caller's await runs the original code).

Pipelines are observed when they execute: commands queued with
`pipeline_execute_command` wait, with their call sites, until `execute()`
sends them; `reset()` without `execute()` drops them, as Redis never saw them.
"""

from __future__ import annotations

import contextvars
import functools
import importlib
import inspect
import sys
import threading
import weakref
from collections.abc import Callable
from dataclasses import dataclass
from typing import Any

from redis_lint.runtime.attribution import Attributor, Site
from redis_lint.runtime.checks import CommandChecker
from redis_lint.runtime.ttl_connection import Server

# Internal frames allowed between a constructor and the application's line:
# `Redis.from_url(...)` is the application building a client, `Sentinel.master_for(...)` is not.
_BUILDERS = frozenset({"from_url", "from_pool", "__init__"})


@dataclass(frozen=True)
class _Target:
    module: str
    classes: tuple[str, ...]  # the first that exists is patched
    kind: str  # "command", "pipeline", "client", "pool", "sentinel", "script", "lock"


# redis-py's iterators over SCAN and its kin (redis_lint.runtime.hooks.Hooks._iterator_hook)
_ITERATORS = ("scan_iter", "hscan_iter", "sscan_iter", "zscan_iter")


def _targets(library: str) -> list[_Target]:
    client = ("Redis",) if library == "redis" else ("Valkey",)
    cluster = ("RedisCluster",) if library == "redis" else ("ValkeyCluster",)
    targets = []
    for prefix in (library, f"{library}.asyncio"):
        targets += [
            _Target(f"{prefix}.client", client, "command"),
            _Target(f"{prefix}.client", ("Pipeline",), "pipeline"),
            _Target(f"{prefix}.client", client, "client"),
            _Target(f"{prefix}.cluster", cluster, "client"),
            _Target(f"{prefix}.cluster", cluster, "cluster command"),  # cross-slot ones included
            _Target(f"{prefix}.cluster", ("ClusterPipeline",), "cluster pipeline"),
            _Target(f"{prefix}.connection", ("ConnectionPool",), "pool"),
            _Target(f"{prefix}.sentinel", ("Sentinel",), "sentinel"),
            _Target(f"{prefix}.lock", ("Lock",), "lock"),
        ]
    targets += [
        _Target(f"{library}.commands.core", ("Script",), "script"),
        _Target(f"{library}.commands.core", ("AsyncScript",), "script"),
    ]
    return targets


class Hooks:
    def __init__(self, checker: CommandChecker) -> None:
        self.checker = checker
        self.recorder = checker.recorder
        self.attributor = Attributor()
        self._installed: list[tuple[type, str, Any]] = []
        self._pending: weakref.WeakKeyDictionary[Any, list[tuple[tuple, Site]]] = weakref.WeakKeyDictionary()
        self._server_ids: weakref.WeakKeyDictionary[Any, int] = weakref.WeakKeyDictionary()
        self._local = threading.local()
        self._lock = threading.Lock()
        self._lock_sites: weakref.WeakKeyDictionary[Any, Site] = weakref.WeakKeyDictionary()
        # While a Lock acquires, its commands belong to the line that created the lock
        # (`r.lock(name, timeout=...)`), where the static rules see its settings.
        self._site_override: contextvars.ContextVar[Site | None] = contextvars.ContextVar("site", default=None)
        self._pipeline_sending: contextvars.ContextVar[bool] = contextvars.ContextVar("sending", default=False)

    # -- installing ----------------------------------------------------------

    def install(self) -> None:
        for library in ("redis", "valkey"):
            try:
                importlib.import_module(library)
            except ImportError:
                continue
            for target in _targets(library):
                cls = _find_class(target)
                if cls is not None:
                    self._install(cls, target.kind, library)

    def uninstall(self) -> None:
        for owner, name, original in reversed(self._installed):
            setattr(owner, name, original)
        self._installed.clear()

    def _patch(self, owner: type, name: str, make: Callable[[Any], Any]) -> None:
        original = owner.__dict__.get(name)
        if original is None:
            return
        function = original.__func__ if isinstance(original, classmethod) else original
        wrapper = functools.wraps(function)(make(function))
        wrapper.__redis_lint_original__ = function  # type: ignore[attr-defined]
        setattr(owner, name, classmethod(wrapper) if isinstance(original, classmethod) else wrapper)
        self._installed.append((owner, name, original))

    def _install(self, cls: type, kind: str, library: str) -> None:
        if kind in ("command", "cluster command"):
            self._patch(cls, "execute_command", self._command_hook if kind == "command" else self._cluster_command_hook)
            for name in _ITERATORS:  # defined by a commands mixin the client classes share
                owner = next((k for k in cls.__mro__ if name in k.__dict__), None)
                if owner is not None and not hasattr(owner.__dict__[name], "__redis_lint_original__"):
                    self._patch(owner, name, self._iterator_hook)
        elif kind == "pipeline":
            self._patch(cls, "pipeline_execute_command", self._queue_hook)
            self._patch(cls, "immediate_execute_command", self._command_hook)
            self._patch(cls, "execute", self._execute_hook)
            self._patch(cls, "reset", self._reset_hook)
        elif kind == "cluster pipeline":  # its commands queue through execute_command, WATCH included
            self._patch(cls, "execute_command", self._queue_hook)
            self._patch(cls, "execute", self._cluster_execute_hook)
            self._patch(cls, "reset", self._reset_hook)
        elif kind == "script":
            self._patch(cls, "__init__", self._script_hook)
        elif kind == "lock":
            self._patch(cls, "__init__", self._lock_init_hook)
            self._patch(cls, "do_acquire", self._lock_acquire_hook)
        else:
            name = _public_name(cls, library)
            self._patch(cls, "__init__", lambda original: self._construction_hook(original, name, kind))
            # from_url builds a pool, then the client: one construction, named as the application wrote it
            self._patch(cls, "from_url", lambda original: self._construction_hook(original, f"{name}.from_url", kind))

    # -- wrappers ------------------------------------------------------------

    def _command_hook(self, original: Any) -> Any:
        def execute_command(client: Any, *args: Any, **options: Any) -> Any:
            try:  # the guard, inlined: this runs for every command
                self._observe(client, args, sys._getframe(1))
            except Exception as error:
                self._failed(error)
            return original(client, *args, **options)

        return execute_command

    def _cluster_command_hook(self, original: Any) -> Any:
        """A cluster client's commands, except those its own pipelines send while they execute
        (retries, commands fanned out to several nodes): the pipeline reported them when it ran."""
        def execute_command(client: Any, *args: Any, **options: Any) -> Any:
            if not self._pipeline_sending.get():
                self._guard(self._observe, client, args, sys._getframe(1))
            return original(client, *args, **options)

        return execute_command

    def _queue_hook(self, original: Any) -> Any:
        def pipeline_execute_command(pipe: Any, *args: Any, **options: Any) -> Any:
            self._guard(self._queue, pipe, args, sys._getframe(1))
            return original(pipe, *args, **options)

        return pipeline_execute_command

    def _execute_hook(self, original: Any) -> Any:
        def execute(pipe: Any, *args: Any, **kwargs: Any) -> Any:
            self._guard(self._flush, pipe)
            return original(pipe, *args, **kwargs)

        return execute

    def _cluster_execute_hook(self, original: Any) -> Any:
        return self._with_variable(original, self._pipeline_sending, lambda pipe: True,
                                   before=lambda pipe: self._guard(self._flush, pipe))

    def _reset_hook(self, original: Any) -> Any:
        def reset(pipe: Any, *args: Any, **kwargs: Any) -> Any:
            self._guard(self._pending.pop, pipe, None)
            return original(pipe, *args, **kwargs)

        return reset

    def _script_hook(self, original: Any) -> Any:
        def __init__(script: Any, *args: Any, **kwargs: Any) -> None:
            original(script, *args, **kwargs)
            self._guard(self._remember_script, script, sys._getframe(1))

        return __init__

    def _lock_init_hook(self, original: Any) -> Any:
        def __init__(lock: Any, *args: Any, **kwargs: Any) -> None:
            self._guard(self._remember_lock, lock, sys._getframe(1))
            original(lock, *args, **kwargs)

        return __init__

    def _iterator_hook(self, original: Any) -> Any:
        """`scan_iter()` and its kin send their commands as the caller walks them, from wherever
        that is: those commands belong to the line that called the iterator, as the static
        rules see it (`keys = r.hscan_iter(k)`, then `(x for x in keys)` on the next line)."""
        if inspect.isasyncgenfunction(original):
            def scan_async(client: Any, *args: Any, **kwargs: Any) -> Any:
                return self._walked_async(original(client, *args, **kwargs), self._guard(self._site, sys._getframe(1)))

            return scan_async

        def scan(client: Any, *args: Any, **kwargs: Any) -> Any:
            return self._walked(original(client, *args, **kwargs), self._guard(self._site, sys._getframe(1)))

        return scan

    def _walked(self, inner: Any, site: Site | None) -> Any:
        try:
            while True:
                token = self._site_override.set(site)
                try:
                    item = next(inner)
                except StopIteration:
                    return
                finally:
                    self._site_override.reset(token)
                yield item
        finally:
            inner.close()  # the caller stopped walking: so does the library's iterator

    async def _walked_async(self, inner: Any, site: Site | None) -> Any:
        try:
            while True:
                token = self._site_override.set(site)
                try:
                    item = await inner.__anext__()
                except StopAsyncIteration:
                    return
                finally:
                    self._site_override.reset(token)
                yield item
        finally:
            await inner.aclose()

    def _lock_acquire_hook(self, original: Any) -> Any:
        return self._with_variable(original, self._site_override, self._lock_sites.get)

    @staticmethod
    def _with_variable(original: Any, variable: contextvars.ContextVar[Any], value_of: Callable[[Any], Any],
                       before: Callable[[Any], None] | None = None) -> Any:
        """`original` (sync or a coroutine function) run with `variable` set to `value_of(its
        object)` until it returns, after `before(its object)`."""
        if inspect.iscoroutinefunction(original):
            async def run_async(obj: Any, *args: Any, **kwargs: Any) -> Any:
                if before is not None:
                    before(obj)
                token = variable.set(value_of(obj))
                try:
                    return await original(obj, *args, **kwargs)
                finally:
                    variable.reset(token)

            return run_async

        def run(obj: Any, *args: Any, **kwargs: Any) -> Any:
            if before is not None:
                before(obj)
            token = variable.set(value_of(obj))
            try:
                return original(obj, *args, **kwargs)
            finally:
                variable.reset(token)

        return run

    def _construction_hook(self, original: Any, constructor: str, kind: str) -> Any:
        """For __init__ and the from_url classmethod: whatever they build inside is part of this construction."""

        def construct(instance_or_class: Any, *args: Any, **kwargs: Any) -> Any:
            depth = getattr(self._local, "constructing", 0)
            if depth == 0:  # a pool built by a client's constructor is part of that client
                self._guard(self._construction, constructor, kind, sys._getframe(1))
            self._local.constructing = depth + 1
            try:
                return original(instance_or_class, *args, **kwargs)
            finally:
                self._local.constructing = depth

        return construct

    # -- observations ----------------------------------------------------------

    def _guard(self, function: Callable[..., Any], *args: Any) -> Any:
        try:
            return function(*args)
        except Exception as error:  # never raise into the application
            self._failed(error)
            return None

    def _failed(self, error: Exception) -> None:
        self.recorder.warn_once(f"internal error ({type(error).__name__}: {error}); the application is unaffected")

    def _site(self, frame: Any) -> Site | None:
        return self._site_override.get() or self.attributor.site(frame)

    def _observe(self, client: Any, args: tuple, frame: Any) -> None:
        override = self._site_override.get()
        located = None if override is not None else self.attributor.locate(frame)
        site = override or (located[1] if located is not None else None)
        if site is None:
            return
        frame, entry = (located[0], located[2]) if located is not None else (None, "")
        kind = type(client).__name__
        if "Pipeline" in kind:
            frame = None  # commands of a pipeline in WATCH mode are not the application's loop
        self.checker.command(args, site, self._server_id(client), frame, entry, cluster="Cluster" in kind)

    def _queue(self, pipe: Any, args: tuple, frame: Any) -> None:
        site = self._site(frame)
        if site is not None:
            with self._lock:
                self._pending.setdefault(pipe, []).append((args, site))

    def _flush(self, pipe: Any) -> None:
        with self._lock:
            queued = self._pending.pop(pipe, [])
        server = self._server_id(pipe)
        cluster = "Cluster" in type(pipe).__name__
        for args, site in queued:
            self.checker.command(args, site, server, cluster=cluster)
        if _is_transaction(pipe):  # MULTI/EXEC: every key it queued goes to one node
            self.checker.transaction(queued, cluster=cluster)

    def _construction(self, constructor: str, kind: str, frame: Any) -> None:
        chain, site = self.attributor.chain(frame)
        if site is not None and all(name in _BUILDERS for name in chain):
            self.checker.construction(constructor, kind, site)

    def _remember_lock(self, lock: Any, frame: Any) -> None:
        site = self.attributor.site(frame)
        if site is not None:
            self._lock_sites[lock] = site

    def _remember_script(self, script: Any, frame: Any) -> None:
        source = script.script
        sha = str(script.sha).lower()
        self.checker.scripts[sha] = source.decode("utf-8", "replace") if isinstance(source, bytes) else str(source)
        site = self.attributor.site(frame)
        if site is not None:
            self.checker.script_sites.setdefault(sha, site)

    def _server_id(self, client: Any) -> int:
        pool = getattr(client, "connection_pool", None)
        if pool is None:  # a cluster client (or its pipeline): its nodes manager knows the cluster
            pool = getattr(client, "nodes_manager", None) or getattr(getattr(client, "_client", None), "nodes_manager",
                                                                      None)  # valkey's asyncio pipeline
            if pool is None:
                return -1
        try:
            known = self._server_ids.get(pool)  # the common case: a pool seen before
        except TypeError:  # no weak reference to it (asyncio's NodesManager has __slots__)
            known = None
        if known is None:
            server = Server.of_pool(pool) if hasattr(client, "connection_pool") else Server.of_cluster(pool)
            known = self.recorder.server_id(server)
            try:
                self._server_ids[pool] = known
            except TypeError:
                pass
        return known


def _is_transaction(pipe: Any) -> bool:
    """Whether a pipeline runs as MULTI/EXEC: redis-py's and valkey's pipelines say so in
    `transaction`, an asyncio cluster pipeline in `_transaction`, a sync one by its strategy."""
    for name in ("transaction", "_transaction"):
        flag = getattr(pipe, name, None)
        if isinstance(flag, bool):
            return flag
    return "Transaction" in type(getattr(pipe, "_execution_strategy", None)).__name__


def _find_class(target: _Target) -> type | None:
    try:
        module = importlib.import_module(target.module)
    except ImportError:
        return None
    for name in target.classes:
        cls = getattr(module, name, None)
        if isinstance(cls, type):
            return cls
    return None


def _public_name(cls: type, library: str) -> str:
    """`redis.client.Redis` -> "redis.Redis", as users import it."""
    for module_name in (library, f"{library}.asyncio", cls.__module__):
        module = sys.modules.get(module_name)
        if module is not None and getattr(module, cls.__name__, None) is cls:
            return f"{module_name}.{cls.__name__}"
    return f"{cls.__module__}.{cls.__name__}"
