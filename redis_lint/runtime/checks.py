"""The rules, applied to one command as it is sent.

Everything a rule decides is the static rule's own function (naming checks,
command families, TTL limits, messages); this module only reads the facts
out of raw arguments: the command, its keys, its expiry, a Lua script.
"""

from __future__ import annotations

import asyncio
import dis
import hashlib
import threading
import time
import types
import weakref
from dataclasses import dataclass
from pathlib import Path

from redis_lint.config import Config
from redis_lint.rulebook.clients import ClientOutsideInjectionPoint, outside_message
from redis_lint.rulebook.commands import family_rule
from redis_lint.rulebook.keys import key_messages
from redis_lint.rulebook.locks import LOCK_NAMESPACE, LockWithoutExpiry, set_nx_message
from redis_lint.rulebook.pipelines import (BLOCKING_METHODS, SPLIT_BY_CLUSTER_CLIENTS, CommandInLoop, CrossSlot,
                                          cross_slot_message, key_slot, loop_message)
from redis_lint.rulebook.ttl import TtlOverPolicy, over_policy_message, policy_cap
from redis_lint.runtime.attribution import Site
from redis_lint.runtime.keyspace import templatize
from redis_lint.runtime.recorder import Recorder
from redis_lint.semantics.command_specs import COMMANDS, TtlUnit
from redis_lint.semantics.key_templates import KeyTemplate
from redis_lint.semantics.lua import lua_commands
from redis_lint.semantics.wire import (ABSOLUTE_MS, EXPIRE_COMMANDS, MEMBER_EXPIRY_COMMANDS, MEMBER_EXPIRY_OPTIONS, WIRE,
                                       command_name, expiries, text)

_BLOCKING = frozenset(method.upper() for method in BLOCKING_METHODS)
_SCRIPT_COMMANDS = {"EVAL": 1, "EVAL_RO": 1, "SCRIPT LOAD": -1}
_SHA_COMMANDS = {"EVALSHA", "EVALSHA_RO"}
_SPLIT_BY_CLUSTER_CLIENTS = frozenset(COMMANDS[method].command for method in SPLIT_BY_CLUSTER_CLIENTS)


_MAX_VERDICTS = 10_000  # templates remembered; a keyspace with more is judged afresh each time


@dataclass(frozen=True)
class _KeyVerdict:
    template: str  # rendered: also the redacted example key
    naming: tuple[tuple[str, str], ...]  # (code, message) of the naming rules it breaks
    limit: tuple[str, int] | None  # the policy's maximum TTL for its prefix
    persistent: bool


class CommandChecker:
    def __init__(self, config: Config, recorder: Recorder) -> None:
        self.config = config
        self.policy = config.policy
        self.recorder = recorder
        self.scripts: dict[str, str] = {}  # sha1 -> Lua source, from Script objects
        # sha1 -> where the application registered the script (`register_script(...)`): a Lua
        # finding belongs where the source is, as the static one, not where the script runs
        self.script_sites: dict[str, Site] = {}
        self._verdicts: dict[KeyTemplate, _KeyVerdict] = {}
        # per thread or asyncio task, per call site: the frame (one run of its function) that last
        # sent from it. Threads and tasks interleave their commands at the same line, each in its own
        # run; a task's frames go with the task, and all are let go when the session stops.
        self._last_frames: weakref.WeakKeyDictionary[object, dict[Site, object]] = weakref.WeakKeyDictionary()
        self._frames_lock = threading.Lock()

    def command(self, args: tuple, site: Site, server_id: int, frame: object = None, entry: str = "",
                cluster: bool = False) -> None:
        """Judge one command sent from `site`; `frame` and `entry` (the application's running
        function and the library function it called) let RDS601 tell a loop from a second call."""
        name = command_name(args)
        if frame is not None:
            self.round_trip(name, site, frame, entry)
        rule = family_rule(name)
        if rule is not None:
            self.recorder.add(site, rule.code, rule.message(f"{name} was sent", name))
        script = self._script(name, args)
        if script:
            registered = self._registered_at(name, args, script)
            for called in lua_commands(script):
                rule = family_rule(called)
                if rule is not None:
                    said = (f"a Lua script registered here calls {called} when it runs" if registered
                            else f"a Lua script sent with {name} calls {called}")
                    self.recorder.add(registered or site, rule.code, rule.message(said, called))
        given = expiries(name, args)
        if name == "SETNX" or name == "SET" and any(a == "NX" or a == b"NX" for a in args[3:]):
            self._lock(name, args, site, given)
        wire = WIRE.get(name)
        if wire is None:
            return
        keys = wire.keys(args)
        on_cluster = self.config.policy.cluster
        if len(keys) > 1 and (on_cluster or on_cluster is None and cluster) and name not in _SPLIT_BY_CLUSTER_CLIENTS:
            self._cross_slot(name, keys, site)  # sent to a cluster, or to one server of a project moving to one
        verdicts = {}  # each key judged once per command
        for key in keys:
            verdict = verdicts[key] = self._verdict(templatize(text(key)))
            for code, message in verdict.naming:
                self.recorder.add(site, code, message, verdict.template)
        self._expiry(name, args, site, server_id, wire.created_keys(args), verdicts, given)

    def _cross_slot(self, what: str, keys: list, site: Site) -> None:
        """RDS603 when a command or transaction sends keys of several slots: on a cluster client, or on
        one server of a project on Redis Cluster (`cluster = true`), found before the move."""
        encoded = [key if isinstance(key, bytes) else text(key).encode("utf-8", "surrogatepass") for key in keys]
        if len({key_slot(key) for key in encoded}) > 1:
            self.recorder.add(site, CrossSlot.code, cross_slot_message(what, [templatize(text(k)) for k in keys]))

    def transaction(self, queued: list[tuple[tuple, Site]], cluster: bool = False) -> None:
        """The commands a MULTI/EXEC pipeline ran (on a cluster client: `cluster`): their keys go to
        one node on Redis Cluster."""
        on_cluster = self.config.policy.cluster
        if not (on_cluster or on_cluster is None and cluster):
            return
        keys = [key for args, _ in queued if (wire := WIRE.get(command_name(args))) is not None
                for key in wire.keys(args)]
        if len(keys) > 1 and queued:
            self._cross_slot("this transaction", keys, queued[0][1])

    def _verdict(self, template: KeyTemplate) -> _KeyVerdict:
        """What the policy says about a key template; computed once per template, as templates repeat."""
        verdict = self._verdicts.get(template)
        if verdict is None:
            segments = template.literal_prefix_segments() if template.checkable else []
            verdict = _KeyVerdict(
                template.render(),
                tuple(key_messages(template, self.policy)) if template.checkable else (),
                self.policy.max_ttl_for(segments) if segments else None,
                self.policy.is_persistent(segments),
            )
            if len(self._verdicts) < _MAX_VERDICTS:
                self._verdicts[template] = verdict
        return verdict

    def _judged(self, key: object, verdicts: dict[object, _KeyVerdict]) -> _KeyVerdict:
        verdict = verdicts.get(key)
        return verdict if verdict is not None else self._verdict(templatize(text(key)))

    def _expiry(self, name: str, args: tuple, site: Site, server_id: int, created: list,
                verdicts: dict[object, _KeyVerdict], given: list) -> None:
        if given and len(args) > 1:
            verdict = self._judged(args[1], verdicts)
            limit = verdict.limit
            for unit, value in given:
                absolute_ms = unit is TtlUnit.ABSOLUTE and (name in ABSOLUTE_MS or _has_word(args, "PXAT"))
                ttl = _seconds(unit, value, absolute_ms=absolute_ms)
                if limit is not None and ttl is not None and ttl > limit[1]:
                    message = over_policy_message(ttl, f'"{verdict.template}"', limit)
                    self.recorder.add(site, TtlOverPolicy.code, message, verdict.template)
        if len(args) > 1 and (name in MEMBER_EXPIRY_COMMANDS or given and name in MEMBER_EXPIRY_OPTIONS):
            key = args[1]
            self.recorder.members_expire(server_id, key if isinstance(key, bytes) else text(key).encode())
        if given or name in EXPIRE_COMMANDS or name in MEMBER_EXPIRY_COMMANDS:
            return
        for key in created:
            verdict = self._judged(key, verdicts)
            if verdict.persistent:
                continue
            raw = key if isinstance(key, bytes) else text(key).encode()
            self.recorder.unexpired_write(site, name, server_id, raw, verdict.template, policy_cap(verdict.limit))

    def _lock(self, name: str, args: tuple, site: Site, given: list) -> None:
        """RDS501: SET key token NX without an expiry (what lock() without timeout sends too), SETNX on a lock key."""
        if len(args) < 2:
            return
        verdict = self._verdict(templatize(text(args[1])))
        if (not any(unit is not TtlUnit.KEEP for unit, _ in given) if name == "SET"
                else verdict.template.split(":", 1)[0] == LOCK_NAMESPACE):
            self.recorder.add(site, LockWithoutExpiry.code, set_nx_message(f'"{verdict.template}"'), verdict.template)

    def round_trip(self, name: str, site: Site, frame: object, entry: str) -> None:
        """RDS601: the same call site sending command after command within one run of its function.

        Only a command the application asked for by name counts (`get()` sending GET): the EVALSHA
        retry of a Script is one call of the application.  (The SCANs of one `scan_iter()`, sent as
        its caller walks it, come with the call's own site and no frame: redis_lint.runtime.hooks.)"""
        spec = COMMANDS.get(entry)
        if name in _BLOCKING or not (entry == "execute_command" or spec is not None and spec.command == name):
            return
        if not _inside_a_loop(frame):
            return  # it cannot send twice in one run: its frame, and the locals it holds, are not kept
        last_frames = self._last_frames_of_this_task_or_thread()
        if last_frames.get(site) is frame:
            self.recorder.add(site, CommandInLoop.code, loop_message(name))
        else:
            last_frames[site] = frame

    def _last_frames_of_this_task_or_thread(self) -> dict[Site, object]:
        """The last frames of the running asyncio task, or else of the running thread."""
        loop = asyncio._get_running_loop()  # None outside a loop, where current_task() would raise
        running = (asyncio.current_task(loop) if loop is not None else None) or threading.current_thread()
        frames = self._last_frames.get(running)
        if frames is None:
            with self._frames_lock:
                frames = self._last_frames.setdefault(running, {})
        return frames

    def forget_frames(self) -> None:
        with self._frames_lock:
            self._last_frames.clear()

    def construction(self, constructor: str, kind: str, site: Site) -> None:
        if not self.policy.is_injection_point(self.config.relative(Path(site.path))):
            self.recorder.add(site, ClientOutsideInjectionPoint.code, outside_message(constructor, kind))

    def _registered_at(self, name: str, args: tuple, script: str) -> Site | None:
        """Where the application registered a script that EVALSHA runs (or that redis-py loads
        with SCRIPT LOAD when the server has not seen it yet)."""
        if not self.script_sites:
            return None
        if name in _SHA_COMMANDS:
            return self.script_sites.get(text(args[1]).lower())
        if name == "SCRIPT LOAD":
            return self.script_sites.get(hashlib.sha1(script.encode("utf-8", "replace")).hexdigest())
        return None

    def _script(self, name: str, args: tuple) -> str | None:
        if name in _SCRIPT_COMMANDS and len(args) > 1:
            return text(args[_SCRIPT_COMMANDS[name]])
        if name in _SHA_COMMANDS and len(args) > 1:
            return self.scripts.get(text(args[1]).lower())
        return None


def _has_word(args: tuple, word: str) -> bool:
    return any(isinstance(a, (str, bytes)) and text(a).upper() == word for a in args[2:])


def _seconds(unit: TtlUnit, value: float | None, *, absolute_ms: bool) -> float | None:
    if value is None or unit is TtlUnit.KEEP:
        return None
    if unit is TtlUnit.SECONDS:
        return value
    if unit is TtlUnit.MILLISECONDS:
        return value / 1000
    return (value / 1000 if absolute_ms else value) - time.time()  # an absolute time: what remains of it


# code object -> the (first, last) byte offsets of each loop of its bytecode
_LOOPS: dict[types.CodeType, tuple[tuple[int, int], ...]] = {}


def _inside_a_loop(frame: object) -> bool:
    """Whether the instruction a frame is at lies inside a loop of its function: the range from
    a backward jump's target to the jump.  A call site outside every loop runs once per run of
    its function, so no frame need be kept for it (a kept frame keeps its locals alive: an
    object the application dropped, and a thread that waits for it to go, would live on)."""
    code = getattr(frame, "f_code", None)
    offset = getattr(frame, "f_lasti", -1)
    if not isinstance(code, types.CodeType):
        return True  # not a frame we can read: keep it, as before
    loops = _LOOPS.get(code)
    if loops is None:
        loops = _LOOPS[code] = tuple(
            (instruction.argval, instruction.offset) for instruction in dis.get_instructions(code)
            if instruction.opcode in _JUMPS and isinstance(instruction.argval, int)
            and instruction.argval <= instruction.offset)
    return any(first <= offset <= last for first, last in loops)


_JUMPS = frozenset(dis.hasjrel) | frozenset(dis.hasjabs)

