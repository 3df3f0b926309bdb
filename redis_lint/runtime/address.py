"""The server a command is pointed at: `host:port`, or a redis://, rediss:// or unix:// URL.

Checked here, before redis-py sees it, so that a typo is one clear sentence instead of
redis-py's ValueError about URL schemes (or, worse, a silently ignored part: redis-py reads
`redis://host/abc` as database 0 and `unix://run/redis.sock` as the socket /redis.sock).
"""

from __future__ import annotations

import re
from urllib.parse import parse_qsl, urlsplit

FORMS = "host:port, redis://[[user]:password@]host[:port][/db], rediss://... (TLS) or unix:///path/to/redis.sock[?db=N]"
SCHEMES = ("redis", "rediss", "unix")
_CREDENTIALS = re.compile(r"//[^/@]*@")
_HOST_PORT = re.compile(r"^(?P<host>\[[0-9A-Fa-f:.]+\]|[^\s:/@\[\]]+):(?P<port>[^:]*)$")


class AddressError(ValueError):
    """Not a server address; the message says why and what is accepted."""


def server_url(text: str) -> str:
    """The redis-py URL for `text`; AddressError when it is none of the accepted forms."""
    text = text.strip()
    if "://" in text:
        return _checked_url(text)
    match = _HOST_PORT.match(text)
    if match is None:
        hint = f": give {text}:6379 for the default port" if re.fullmatch(r"[\w.-]+", text) else ""
        raise AddressError(f"{text!r} is not a server address{hint}; accepted: {FORMS}")
    _port(match["port"], text)
    return f"redis://{match['host']}:{match['port']}"


def shown(url: str) -> str:
    """`url` with its credentials masked (user:password@, and the query that may hold ?password=):
    an error message never shows a password."""
    return _CREDENTIALS.sub("//***@", url.split("?", 1)[0], count=1) + ("?..." if "?" in url else "")


def _checked_url(url: str) -> str:
    scheme = url.split("://", 1)[0].lower()
    if scheme not in SCHEMES:
        raise AddressError(f"{shown(url)!r}: {scheme!r} is not a Redis URL scheme; accepted: {FORMS}")
    parts = urlsplit(url)
    if scheme == "unix":
        if parts.hostname or not parts.path.startswith("/"):
            raise AddressError(f"{shown(url)!r}: a unix:// URL names an absolute socket path, "
                               "as in unix:///run/redis.sock")
    else:
        try:
            port = parts.port
        except ValueError:
            port = None
            _port(url.rsplit(":", 1)[-1].split("/", 1)[0], url)  # says what is wrong with it
        if port == 0:
            _port("0", url)
        database = parts.path.strip("/")
        if database and not database.isdigit():
            raise AddressError(f"{shown(url)!r}: the database after the host is a number, "
                               "as in redis://localhost:6379/0")
    database = dict(parse_qsl(parts.query)).get("db")
    if database is not None and not database.isdigit():
        raise AddressError(f"{shown(url)!r}: db= is a number, as in ?db=0")
    return url


def _port(port: str, where: str) -> int:
    if not port.isdigit() or not 0 < int(port) < 65536:
        raise AddressError(f"{shown(where)!r}: the port is a number from 1 to 65535, not {port!r}")
    return int(port)
