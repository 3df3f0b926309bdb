"""The instrumentation under load: 16 threads and 1,000 asyncio tasks issuing 100,000 commands
at once lose no finding and count none twice; and what it keeps does not grow with the number
of commands (findings are aggregated per call site, never stored per command)."""

from __future__ import annotations

import asyncio
import gc
import sys
import threading
import weakref
from collections import Counter
from pathlib import Path

import pytest

import redis
import redis.asyncio

from redis_lint.config import Config
from redis_lint.runtime import RuntimeFinding, instrument
from redis_lint.runtime.recorder import KEYS_KEPT_PER_SITE
from tests.conftest import marked_lines

pytestmark = pytest.mark.slow  # a real redis-server under load

CONFIG = Config()  # tests/ is an injection point: the clients built here are no finding
HERE = Path(__file__).name
MARKERS = marked_lines(__file__)

THREADS, THREAD_ROUNDS, THREAD_PIPELINE = 16, 25, 120
TASKS, TASK_ROUNDS, TASK_PIPELINE = 1000, 2, 20
DIRECT = 3  # round trips per round, from one line: RDS601 from the second on
TEAMS = 100  # keys the tasks leave without TTL


def commands_per_round(pipeline: int) -> int:
    return DIRECT + pipeline + 2


def served_by_a_thread(client: redis.Redis, worker: int) -> None:
    for i in range(THREAD_ROUNDS):
        for j in range(DIRECT):
            client.get(f"User:{worker}:{i}:{j}")  # at: thread direct
        with client.pipeline(transaction=False) as pipe:
            for j in range(THREAD_PIPELINE):
                pipe.set(f"cache:user:{worker}:{j}", i, ex=60)
            pipe.get(f"User:{worker}:{i}")  # at: thread queued name
            pipe.set(f"cache:user:{worker}:visits", i)  # at: thread queued without ttl
            pipe.execute()


async def served_by_a_task(client: redis.asyncio.Redis, task: int) -> None:
    for i in range(TASK_ROUNDS):
        for j in range(DIRECT):
            await client.get(f"User:{task}:{i}:{j}")  # at: task direct
        async with client.pipeline(transaction=False) as pipe:
            for j in range(TASK_PIPELINE):
                pipe.set(f"cache:session:{task}:{j}", i, ex=60)
            pipe.get(f"User:{task}:{i}")  # at: task queued name
            pipe.set(f"cache:team:{task % TEAMS}:hits", i)  # at: task queued without ttl
            await pipe.execute()


async def tasks(url: str) -> None:
    # generous timeouts: on a loaded CI machine a connect can take seconds, and is not what is tested
    pool = redis.asyncio.BlockingConnectionPool.from_url(url, max_connections=32, timeout=None,
                                                         socket_connect_timeout=60, socket_timeout=120)
    client = redis.asyncio.Redis(connection_pool=pool)
    await asyncio.gather(*(served_by_a_task(client, n) for n in range(TASKS)))
    await client.aclose()
    await pool.aclose()


def found(findings: list[RuntimeFinding]) -> Counter[tuple[str, str]]:
    by_line = {line: marker for marker, line in MARKERS.items()}
    counts: Counter[tuple[str, str]] = Counter()
    for f in findings:
        if f.path.endswith(HERE):
            counts[by_line.get(f.line, str(f.line)), f.code] += f.count
    return counts


def test_threads_and_tasks_lose_and_duplicate_nothing(redis_url: str) -> None:
    assert THREADS * THREAD_ROUNDS * commands_per_round(THREAD_PIPELINE) == 50_000
    assert TASKS * TASK_ROUNDS * commands_per_round(TASK_PIPELINE) == 50_000
    with instrument(CONFIG) as session:
        client = redis.Redis.from_url(redis_url, socket_connect_timeout=60, socket_timeout=120)
        threads = [threading.Thread(target=served_by_a_thread, args=(client, n)) for n in range(THREADS)]
        for thread in threads:
            thread.start()
        asyncio.run(tasks(redis_url))  # at the same time, in the main thread
        for thread in threads:
            thread.join()
        client.close()
    findings = [f for f in session.findings if f.path.endswith(HERE)]
    assert len({f.identity for f in findings}) == len(findings)  # one finding per site and code
    thread_direct, task_direct = THREADS * THREAD_ROUNDS * DIRECT, TASKS * TASK_ROUNDS * DIRECT
    assert found(findings) == {
        ("thread direct", "RDS202"): thread_direct, ("thread direct", "RDS203"): thread_direct,
        # each thread's one run of its function: every round trip after its first
        ("thread direct", "RDS601"): thread_direct - THREADS,
        ("thread queued name", "RDS202"): THREADS * THREAD_ROUNDS,
        ("thread queued name", "RDS203"): THREADS * THREAD_ROUNDS,
        ("thread queued without ttl", "RDS101"): THREADS,  # keys without TTL at the end, each once
        ("task direct", "RDS202"): task_direct, ("task direct", "RDS203"): task_direct,
        ("task direct", "RDS601"): task_direct - TASKS,  # interleaved with 999 other tasks at the same line
        ("task queued name", "RDS202"): TASKS * TASK_ROUNDS,
        ("task queued name", "RDS203"): TASKS * TASK_ROUNDS,
        ("task queued without ttl", "RDS101"): TEAMS,
    }


# -- memory --------------------------------------------------------------------------------

UNIT = 500  # commands in one unit of work


def unit_of_work(client: redis.Redis, url: str, loop: asyncio.AbstractEventLoop,
                 async_client: redis.asyncio.Redis, unit: int) -> None:
    """UNIT commands, all with fresh keys: a client built for one command (a new pool each time),
    a loop of round trips, an asyncio task, and a pipeline that leaves keys without TTL."""
    with redis.Redis.from_url(url) as fresh:
        fresh.set("cache:user:0:seen", unit)  # at: memory fresh client
    for i in range(5):
        client.get(f"User:{unit}:{i}")  # at: memory loop

    async def task() -> None:
        for i in range(4):
            await async_client.get(f"User:{unit}:{i}:async")  # at: memory task

    loop.run_until_complete(task())
    with client.pipeline(transaction=False) as pipe:
        for i in range(UNIT - 10):
            pipe.set(f"cache:user:{unit}:{i}", i)  # at: memory pipeline
        pipe.execute()


def allocated_blocks() -> int:
    """Live objects and buffers of the whole process, counted by its allocator: exact, and free,
    where tracemalloc would triple the time redis-py takes for its own allocations."""
    gc.collect()
    return sys.getallocatedblocks()


def test_memory_does_not_grow_with_the_number_of_commands(redis_url: str) -> None:
    loop = asyncio.new_event_loop()
    with instrument(CONFIG) as session:
        client = redis.Redis.from_url(redis_url)
        async_client = redis.asyncio.Redis.from_url(redis_url)
        for unit in range(10_000 // UNIT):
            unit_of_work(client, redis_url, loop, async_client, unit)
        after_10k = allocated_blocks()
        for unit in range(10_000 // UNIT, 100_000 // UNIT):
            unit_of_work(client, redis_url, loop, async_client, unit)
        after_100k = allocated_blocks()
        client.close()
        loop.run_until_complete(async_client.aclose())
    loop.close()
    # 90,000 more commands, 180 more clients and tasks, 88,200 more keys: nothing kept for any of them
    # (one object per command would be 90,000 blocks)
    assert after_100k - after_10k < 1000, (after_10k, after_100k)
    units = 100_000 // UNIT
    assert found(session.findings) == {
        ("memory loop", "RDS202"): 5 * units, ("memory loop", "RDS203"): 5 * units,
        ("memory loop", "RDS601"): 4 * units,
        ("memory task", "RDS202"): 4 * units, ("memory task", "RDS203"): 4 * units,
        ("memory task", "RDS601"): 3 * units,
        ("memory pipeline", "RDS101"): KEYS_KEPT_PER_SITE,  # the keys kept as evidence are capped
        # a client per call talks to the same server each time: the one key it left counts once
        ("memory fresh client", "RDS101"): 1,
    }


def test_a_client_the_application_dropped_is_not_kept_alive(redis_url: str) -> None:
    with instrument(CONFIG):
        client = redis.Redis.from_url(redis_url)
        client.set("cache:user:1:profile", "v", ex=60)
        dropped = weakref.ref(client.connection_pool)
        client.close()
        del client
        gc.collect()
        assert dropped() is None
