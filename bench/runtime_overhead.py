"""How much the runtime instrumentation costs an application.

    python bench/runtime_overhead.py [--url redis://127.0.0.1:PORT/0] [--rounds 5]

Without --url it starts its own redis-server on a free loopback port.  It times
10,000 single round trips (SET with EX, then GET, alternating) and 10,000
commands sent through pipelines of 100, with a plain client and with the
instrumentation active, in alternating rounds, and prints the median wall
times and their ratio.  The goal is at most 1.3x for single round trips.
"""

from __future__ import annotations

import argparse
import os
import shutil
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from contextlib import contextmanager
from pathlib import Path
from typing import Iterator

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import redis  # noqa: E402

from redis_lint.runtime import instrument  # noqa: E402

COMMANDS = 10_000
PIPELINE_SIZE = 100


def round_trips(client: redis.Redis) -> None:
    for i in range(COMMANDS // 2):
        client.set(f"cache:user:{i}:profile", "v", ex=60)
        client.get(f"cache:user:{i}:profile")


def pipelined(client: redis.Redis) -> None:
    for batch in range(COMMANDS // PIPELINE_SIZE):
        with client.pipeline(transaction=False) as pipe:
            for i in range(PIPELINE_SIZE):
                pipe.set(f"cache:user:{batch}:{i}", "v", ex=60)
            pipe.execute()


def timed(work: Callable[[redis.Redis], None], url: str, watched: bool) -> float:
    if watched:
        with instrument():
            client = redis.Redis.from_url(url)
            start = time.perf_counter()
            work(client)
            elapsed = time.perf_counter() - start
    else:
        client = redis.Redis.from_url(url)
        start = time.perf_counter()
        work(client)
        elapsed = time.perf_counter() - start
    client.close()
    return elapsed


@contextmanager
def local_server() -> Iterator[str]:
    binary = shutil.which("redis-server")
    if binary is None:
        sys.exit("redis-server is not installed; pass --url")
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        port = probe.getsockname()[1]
    with tempfile.TemporaryDirectory() as folder:
        command = [binary, "--port", str(port), "--bind", "127.0.0.1", "--save", "", "--appendonly", "no",
                   "--dir", folder]
        process = subprocess.Popen(command, stdout=subprocess.DEVNULL)
        _pin(process.pid, _SERVER_CORE)
        url = f"redis://127.0.0.1:{port}/0"
        client = redis.Redis.from_url(url)
        for _ in range(200):
            try:
                client.ping()
                break
            except redis.ConnectionError:
                time.sleep(0.05)
        try:
            yield url
        finally:
            process.terminate()
            process.wait()


# With two cores or more, the server and this client each get one, so that the client's
# extra work does not also slow the server down (it would on a shared core).
_CPUS = sorted(os.sched_getaffinity(0)) if hasattr(os, "sched_getaffinity") else []
_CLIENT_CORE, _SERVER_CORE = (_CPUS[0], _CPUS[1]) if len(_CPUS) >= 2 else (None, None)


def _pin(pid: int, core: int | None) -> None:
    if core is not None:
        os.sched_setaffinity(pid, {core})


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url")
    parser.add_argument("--rounds", type=int, default=5)
    options = parser.parse_args()
    with (local_server() if options.url is None else _given(options.url)) as url:
        _pin(0, _CLIENT_CORE)
        pinned = f", client on core {_CLIENT_CORE}, server on core {_SERVER_CORE}" if _CLIENT_CORE is not None else ""
        print(f"{COMMANDS} commands per run, median of {options.rounds} alternating rounds, server {url}{pinned}")
        for name, work in (("single round trips", round_trips), (f"pipelines of {PIPELINE_SIZE}", pipelined)):
            plain, watched = [], []
            timed(work, url, False)  # warm up connections and caches
            for _ in range(options.rounds):
                plain.append(timed(work, url, False))
                watched.append(timed(work, url, True))
            p, w = statistics.median(plain), statistics.median(watched)
            print(f"{name:<22} plain {p:7.3f} s   instrumented {w:7.3f} s   ratio {w / p:5.2f}x")


@contextmanager
def _given(url: str) -> Iterator[str]:
    yield url


if __name__ == "__main__":
    main()
