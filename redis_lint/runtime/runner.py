"""`redis-lint run -- COMMAND`: run a program instrumented, then merge what each process found.

Every Python process the program starts is instrumented.
"""

from __future__ import annotations

import json
import os
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from redis_lint.runtime.attribution import relative_display
from redis_lint.runtime.observed import RuntimeFinding, merge
from redis_lint.runtime.process import CONFIG, RUNTIME_DIR

BOOTSTRAP = Path(__file__).parent / "bootstrap"


@dataclass
class RunResult:
    returncode: int
    findings: list[RuntimeFinding]


def run_instrumented(command: list[str], config_file: Path | None = None) -> RunResult:
    with tempfile.TemporaryDirectory(prefix="redis-lint-run-") as folder:
        env = dict(os.environ)
        env[RUNTIME_DIR] = folder
        env["PYTHONPATH"] = os.pathsep.join(p for p in (str(BOOTSTRAP), env.get("PYTHONPATH", "")) if p)
        if config_file is not None:
            env[CONFIG] = str(config_file.absolute())
        returncode = subprocess.call(command, env=env)
        return RunResult(returncode, read_findings(Path(folder)))


def read_findings(folder: Path) -> list[RuntimeFinding]:
    found = []
    for file in sorted(folder.glob("*.json")):
        for item in json.loads(file.read_text(encoding="utf-8")):
            finding = RuntimeFinding.from_dict(item)
            finding.path = relative_display(finding.path)
            found.append(finding)
    return merge(found)


def load_runtime_file(path: Path) -> list[RuntimeFinding]:
    """Findings written by `redis-lint run --output FILE`."""
    data = json.loads(path.read_text(encoding="utf-8"))
    if not isinstance(data, list):
        raise ValueError("expected a JSON list of findings")
    return [RuntimeFinding.from_dict(item) for item in data]
