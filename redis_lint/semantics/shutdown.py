"""The words of closing and of shutdown hooks, for what closes a client.

Shared by the analysis (redis_lint.semantics.lifetimes, on libcst) and the flows a run reads
before parsing anything (redis_lint.summaries.flows, on `ast`, which must keep every module
where a close may count).
"""

CLOSERS = frozenset({"close", "aclose"})
DISCONNECT = "disconnect"
# Calls that close what they are handed: `contextlib.closing(client)`, `stack.enter_context(client)`.
CLOSING_HELPERS = frozenset({"closing", "aclosing", "enter_context", "enter_async_context"})
# Functions that register a shutdown hook, by their qualified names.
REGISTRATIONS = frozenset({"atexit.register", "weakref.finalize", "signal.signal"})
# Methods that register a hook, or decorate one (Flask's teardown).
HOOK_DECORATORS = frozenset({"teardown_appcontext", "teardown_request", "teardown_app_request", "teardown_websocket"})
# Methods that run when their object is done with.
HOOK_METHODS = frozenset({"__exit__", "__aexit__", "__del__", "close", "aclose", "shutdown", "stop", "dispose"})
# Words in the name of what a hook is appended or connected to (`app.on_cleanup`, `worker_shutdown`).
SHUTDOWN_WORDS = ("shutdown", "finish", "stop", "exit", "close", "cleanup", "teardown")
# Keyword arguments that hand a framework its shutdown code (`Starlette(lifespan=...)`).
HOOK_KEYWORDS = frozenset({"lifespan", "on_shutdown", "on_cleanup"})
# Decorators (called) that register what they decorate for an event: `@app.on_event("shutdown")`,
# `@receiver(request_finished)`.
EVENT_DECORATORS = frozenset({"on_event", "receiver"})


def names_shutdown(name: str) -> bool:
    """Whether a name says shutdown (`on_cleanup`, `worker_shutdown`), whatever its case."""
    lowered = name.lower()
    return any(word in lowered for word in SHUTDOWN_WORDS)
