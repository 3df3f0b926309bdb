"""The type a function's docstring gives a parameter, in the three styles Python code uses.

- Sphinx: `:type conn: redis.Redis`, or `:param redis.Redis conn: ...`;
- numpy: `conn : redis.Redis` in a `Parameters` section (`, optional` after it);
- Google: `conn (redis.Redis): ...` under `Args:`, `Arguments:` or `Parameters:`.

The type comes back as written, as code to read (`redis.Redis`, `Optional[redis.Redis]`), with
Sphinx roles and backticks taken off (`:class:`redis.Redis``) and `X or Y` read as `X | Y` (`X or None` as `X`).
Both the flows (redis_lint.summaries.flows, with `ast`) and the analysis
(redis_lint.semantics.values, with libcst) read a docstring through this one function.
"""

from __future__ import annotations

import re

_ROLE = re.compile(r":[a-z]+:`~?([^`]+)`")  # :class:`redis.Redis` -> redis.Redis
_GOOGLE_SECTIONS = ("args:", "arguments:", "parameters:", "params:")


def documented_type(docstring: str | None, param: str) -> str | None:
    """The type a docstring gives `param`, as code, or None."""
    if not docstring or param not in docstring:
        return None
    lines = docstring.expandtabs().splitlines()
    found = _sphinx(lines, param) or _numpy(lines, param) or _google(lines, param)
    return _cleaned(found) if found else None


def _sphinx(lines: list[str], param: str) -> str | None:
    for line in lines:
        text = line.strip()
        if text.startswith(f":type {param}:"):
            return text[len(f":type {param}:"):]
        if text.startswith(":param ") and ":" in text[7:]:
            words = text[7:].split(":", 1)[0].split()
            if len(words) >= 2 and words[-1] == param:
                return " ".join(words[:-1])
    return None


def _numpy(lines: list[str], param: str) -> str | None:
    for line in lines:
        name, colon, kind = line.strip().partition(" : ")
        if colon and name == param and kind:
            return kind
    return None


def _google(lines: list[str], param: str) -> str | None:
    in_section = False
    for line in lines:
        text = line.strip()
        if text.lower() in _GOOGLE_SECTIONS:
            in_section = True
            continue
        if in_section and text.endswith(":") and " " not in text:
            in_section = False  # the next section (`Returns:`)
        if in_section and text.startswith(f"{param} (") and "):" in text:
            return text[len(param) + 2:text.index("):")]
    return None


def _cleaned(kind: str) -> str | None:
    kind = _ROLE.sub(r"\1", kind).replace("`", "").strip()
    kind = kind.removesuffix(", optional").strip()
    options = [option.strip() for option in re.split(r"\s+or\s+", kind)]
    options = [option for option in options if option not in ("None", "")]
    return " | ".join(options) or None  # `Redis or StrictRedis`: either
