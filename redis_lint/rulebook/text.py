"""How rule messages write a duration, the static rules and the runtime alike."""

from __future__ import annotations


def seconds(value: float) -> str:
    return f"{value:g} s" if value != int(value) else f"{int(value)} s"
