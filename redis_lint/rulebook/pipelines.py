"""RDS601 command-in-loop and RDS602 pipeline-not-executed: what they are, and the words of their messages."""

from __future__ import annotations

from redis_lint.rulemeta import RuleMeta

BLOCKING_METHODS = frozenset({"blpop", "brpop", "brpoplpush", "blmove", "bzpopmin", "bzpopmax", "bzmpop", "blmpop",
                       "xread", "xreadgroup", "wait", "pubsub", "get_message", "listen"})


class CommandInLoop(RuleMeta):
    code = "RDS601"
    name = "command-in-loop"
    summary = ("A client command issued once per loop iteration instead of on a pipeline (blocking consumer reads "
               "excepted).")


class PipelineNotExecuted(RuleMeta):
    code = "RDS602"
    name = "pipeline-not-executed"
    summary = "A pipeline that queues commands and is never executed."


def loop_message(what: str) -> str:
    """Shared with the runtime, which sees one call site send command after command."""
    return (f"{what} in a loop costs one round trip per iteration: queue the commands on a pipeline and "
            "execute it once (or use a multi-key command)")
