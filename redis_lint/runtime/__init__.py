"""The runtime reference implementation: the same rules, on live traffic.

    from redis_lint.runtime import instrument

    with instrument() as session:
        run_the_application()
    for finding in session.findings:
        print(finding)

`instrument()` hooks redis-py (and valkey) in this process; the application
needs no change and sees exactly the replies and errors it would see
without it.  Leaving the block (or `uninstrument()`) removes the hooks and
decides RDS101 by asking the server which written keys still have no TTL.
"""

from __future__ import annotations

from pathlib import Path

from redis_lint.config import Config, load_config
from redis_lint.runtime.checks import CommandChecker
from redis_lint.runtime.observed import RuntimeFinding
from redis_lint.runtime.hooks import Hooks
from redis_lint.runtime.recorder import Recorder

__all__ = ["RuntimeFinding", "RuntimeSession", "instrument", "uninstrument"]

_active: RuntimeSession | None = None


class RuntimeSession:
    def __init__(self, config: Config) -> None:
        self.recorder = Recorder()
        self.checker = CommandChecker(config, self.recorder)
        self._hooks = Hooks(self.checker)
        self.findings: list[RuntimeFinding] = []
        self.running = False

    def start(self) -> RuntimeSession:
        self._hooks.install()
        self.running = True
        return self

    def stop(self, check_ttls: bool = True) -> list[RuntimeFinding]:
        """Remove the hooks and return the findings (RDS101 decided now, against the servers)."""
        global _active
        if self.running:
            self._hooks.uninstall()
            self.running = False
            self.checker.forget_frames()
            self.findings = self.recorder.findings(check_ttls=check_ttls)
        if _active is self:
            _active = None
        return self.findings

    def __enter__(self) -> RuntimeSession:
        return self

    def __exit__(self, *exc_info: object) -> None:
        self.stop()


def instrument(config: Config | None = None) -> RuntimeSession:
    """Start watching redis-py and valkey in this process (idempotent)."""
    global _active
    if _active is None:
        _active = RuntimeSession(config or load_config(start=Path.cwd())).start()
    return _active


def uninstrument() -> list[RuntimeFinding]:
    """Stop watching; the findings of the session that ends."""
    return _active.stop() if _active is not None else []
