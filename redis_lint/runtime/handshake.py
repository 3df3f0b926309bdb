"""redis-lint's own connections send no CLIENT SETINFO when they connect.

redis-lint's own connections (the audit's, the end-of-run TTL check's) send no CLIENT SETINFO
when they connect: they are not the application, and the audit sends nothing it does not need.

redis-py 8 says so with `driver_info=None` and deprecates the `lib_name`/`lib_version` pair it
replaced; redis-py 5 to 7 and valkey take only the pair.
"""

from __future__ import annotations

import inspect
from collections.abc import Callable, Collection
from typing import Any

_OLD_ARGUMENTS = ("lib_name", "lib_version")


def no_client_setinfo(parameters: Collection[str]) -> dict[str, None]:
    """The keyword arguments that turn CLIENT SETINFO off, for a constructor taking `parameters`."""
    if "driver_info" in parameters:
        return {"driver_info": None}
    return {name: None for name in _OLD_ARGUMENTS if name in parameters}


def parameters_of(constructor: Callable[..., Any]) -> set[str]:
    """The parameter names of `constructor` (through redis-py's argument-deprecating wrappers)."""
    return set(inspect.signature(constructor).parameters)


def without_client_info(settings: dict[str, Any]) -> dict[str, Any]:
    """Connection settings less whatever names the client to the server."""
    return {k: v for k, v in settings.items() if k not in (*_OLD_ARGUMENTS, "driver_info")}
