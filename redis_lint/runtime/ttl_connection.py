"""How to reach the server a client talks to, for the end-of-run TTL check.

The check uses its own synchronous connection with the client's connection
settings (host, port, db, credentials, TLS), so the application's
connections and state are never touched.  Credentials stay in memory: a
Server prints as host:port/db.

The check ends the run, so it must end: a server that does not answer within
CHECK_TIMEOUT (dead, paused, swamped) is reported and not asked again, even
when the application's own client would wait forever or retry.
"""

from __future__ import annotations

import inspect
from typing import Any

from redis_lint.runtime.handshake import no_client_setinfo, without_client_info

CHECK_TIMEOUT = 2.0  # seconds: at most this long to connect, and for each reply

# Connection settings that are the application's live objects, not settings: a maintenance
# handler holds the application's pool (keeping it alive would keep every client it ever dropped),
# a connect hook runs the application's code, and the check brings its own retry policy.
_APPLICATION_STATE = frozenset({"maint_notifications_pool_handler", "oss_cluster_maint_notifications_handler",
                                "redis_connect_func", "retry"})

# Settings an asyncio connection may carry that a synchronous one does not take.
_CLASS_BY_TRANSPORT = {"ssl": "SSLConnection", "unix": "UnixDomainSocketConnection", "tcp": "Connection"}


class Server:
    def __init__(self, library: str, transport: str, settings: dict[str, Any]) -> None:
        self.library = library  # "redis" or "valkey"
        self.transport = transport
        self._settings = settings

    @classmethod
    def of_pool(cls, pool: Any) -> Server:
        connection_class = getattr(pool, "connection_class", None)
        name = getattr(connection_class, "__name__", "Connection")
        transport = "ssl" if "SSL" in name else "unix" if "Unix" in name else "tcp"
        library = type(pool).__module__.split(".", 1)[0]
        settings = getattr(pool, "connection_kwargs", {})
        return cls(library, transport, {k: v for k, v in settings.items() if k not in _APPLICATION_STATE})

    @classmethod
    def of_cluster(cls, nodes_manager: Any) -> Server:
        """A cluster client's server: the cluster, reached through the first node it started from."""
        library = type(nodes_manager).__module__.split(".", 1)[0]
        settings = {k: v for k, v in getattr(nodes_manager, "connection_kwargs", {}).items()
                    if k not in _APPLICATION_STATE}
        node = next(iter(getattr(nodes_manager, "startup_nodes", {}).values()), None)
        if node is not None:
            settings.update(host=node.host, port=node.port)
        return cls(library, "cluster", settings)

    def identity(self) -> tuple[str, str, str]:
        s = self._settings
        return (self.transport, f"{s.get('host') or s.get('path')}:{s.get('port', '')}", str(s.get("db", 0)))

    @property
    def key(self) -> tuple[str, ...]:
        """What tells two servers apart for the check: where, which database, as which user."""
        return (self.library, *self.identity(), str(self._settings.get("username")))

    def __str__(self) -> str:
        transport, address, db = self.identity()
        return f"{address}/{db}"

    def pttls(self, keys: list[bytes], batch: int = 500) -> dict[bytes, int]:
        """PTTL of each key (-1: no TTL, -2: no such key), asked on a connection of our own."""
        import importlib

        library = importlib.import_module(self.library)
        if self.transport == "cluster":
            # the cluster client takes its nodes' settings and routes each PTTL to the node holding the key
            accepted = set(inspect.signature(library.Redis.__init__).parameters)
            # an asyncio cluster's settings name its asyncio connection class: ours is synchronous
            settings = {k: v for k, v in without_client_info(self._settings).items() if k != "connection_class"}
            if "SSL" in getattr(self._settings.get("connection_class"), "__name__", ""):
                settings["ssl"] = True  # what `ssl=True` became in the cluster's settings
        else:
            connection_class = getattr(library, _CLASS_BY_TRANSPORT[self.transport])
            accepted = set(inspect.signature(connection_class.__init__).parameters)
            for base in connection_class.__mro__[1:]:
                if "__init__" in vars(base):
                    accepted |= set(inspect.signature(base.__init__).parameters)
            settings = {k: v for k, v in without_client_info(self._settings).items() if k in accepted}
        settings.update(no_client_setinfo(accepted))  # the check's connection is ours, not the application's
        for name in ("socket_timeout", "socket_connect_timeout"):
            if name in accepted:
                settings[name] = min(settings.get(name) or CHECK_TIMEOUT, CHECK_TIMEOUT)
        retry = importlib.import_module(f"{self.library}.retry")
        backoff = importlib.import_module(f"{self.library}.backoff")
        settings["retry"] = retry.Retry(backoff.NoBackoff(), 0)
        pool = None
        if self.transport == "cluster":
            client = library.RedisCluster(**settings)
        else:
            pool = library.ConnectionPool(connection_class=connection_class, **settings)
            client = library.Redis(connection_pool=pool)
        try:
            result: dict[bytes, int] = {}
            for start in range(0, len(keys), batch):
                chunk = keys[start : start + batch]
                pipe = client.pipeline(transaction=False)
                for key in chunk:
                    pipe.pttl(key)
                result.update(zip(chunk, pipe.execute()))
            return result
        finally:
            client.close()
            if pool is not None:
                pool.disconnect()
