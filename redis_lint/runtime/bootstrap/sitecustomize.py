"""Started by `redis-lint run`: instrument this process, then run the environment's own sitecustomize.

Started by `redis-lint run`: instrument this Python process, then hand over
to whatever sitecustomize module the environment had before ours.
"""

import importlib.util
import os
import sys

if os.environ.get("REDIS_LINT_RUNTIME_DIR"):
    try:
        from redis_lint.runtime.process import start_from_environment

        start_from_environment()
    except Exception as error:  # never stop the program being watched
        print(f"redis-lint runtime: not active in this process ({type(error).__name__}: {error})", file=sys.stderr)


def _chain() -> None:
    here = os.path.dirname(os.path.abspath(__file__))
    for entry in sys.path:
        if os.path.abspath(entry or ".") == here:
            continue
        candidate = os.path.join(entry or ".", "sitecustomize.py")
        if os.path.isfile(candidate):
            spec = importlib.util.spec_from_file_location("_redis_lint_next_sitecustomize", candidate)
            if spec is not None and spec.loader is not None:
                spec.loader.exec_module(importlib.util.module_from_spec(spec))
            return


_chain()
