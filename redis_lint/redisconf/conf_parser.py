"""redis.conf and `redis-server` command lines, read the way Redis reads them.

A configuration line is trimmed, skipped when empty or a `#` comment, and split
into words by Redis's own rules (sdssplitargs: "double quotes" with C escapes,
'single quotes' with only \\' escaped); the first word, lower-cased, names the
directive.  A `#` inside a line is not a comment.  `include` is recorded, not
followed: the file it names is usually a path inside the server's container.

On a command line, `redis-server [config-file] --name value... --name value...`
sets the same directives, after the file's.
"""

from __future__ import annotations

import re

from redis_lint.redisconf.server_config import Directive, ServerConfig, ServerConfigError

_ESCAPES = {"n": "\n", "r": "\r", "t": "\t", "b": "\b", "a": "\a"}
_HEX = re.compile(r"[0-9a-fA-F]{2}")
SERVER_PROGRAMS = ("redis-server", "valkey-server")
Position = tuple[int, int, int]  # line, column, end column (1-based)


def split_args(line: str) -> list[str]:
    """sdssplitargs: the words of one configuration line; ServerConfigError for unbalanced quotes."""
    words: list[str] = []
    i, n = 0, len(line)
    while True:
        while i < n and line[i].isspace():
            i += 1
        if i >= n:
            return words
        word: list[str] = []
        quote = ""
        while True:
            c = line[i] if i < n else ""
            if not quote:
                if not c or c.isspace():
                    break
                if c in "\"'":
                    quote = c
                else:
                    word.append(c)
            elif not c:
                raise ServerConfigError("unbalanced quotes")
            elif c == quote:
                if i + 1 < n and not line[i + 1].isspace():
                    raise ServerConfigError("a closing quote must be followed by a space")
                i += 1
                break
            elif c == "\\" and quote == '"' and line[i + 1:i + 2] == "x" and _HEX.fullmatch(line[i + 2:i + 4]):
                word.append(chr(int(line[i + 2:i + 4], 16)))
                i += 3
            elif c == "\\" and i + 1 < n and (quote == '"' or line[i + 1] == "'"):
                i += 1  # in single quotes only \' is an escape
                word.append(_ESCAPES.get(line[i], line[i]) if quote == '"' else line[i])
            else:
                word.append(c)
            i += 1
        words.append("".join(word))


def parse_redis_conf(text: str) -> ServerConfig:
    config = ServerConfig()
    for number, raw in enumerate(text.splitlines(), start=1):
        line = raw.strip()
        if not line or line.startswith("#"):
            continue
        try:
            words = split_args(line)
        except ServerConfigError as error:
            raise ServerConfigError(f"{error} in `{_excerpt(line)}`", number) from None
        if words:
            column = len(raw) - len(raw.lstrip()) + 1
            config.directives.append(Directive(words[0].lower(), tuple(words[1:]), number, column,
                                               column + len(line)))
    config.complete = config.last("include") is None
    return config


def parse_command_line(words: list[str], positions: list[Position]) -> ServerConfig:
    """`redis-server [file] --port 6380 --save "" ...` (the words after the program name), with
    where each word is: its own item of a list, or the whole command when it is a string."""
    config = ServerConfig()
    if positions:
        config.line, config.column, config.end_column = positions[0]
    start = 0
    if words and not words[0].startswith("--"):
        config.complete = False  # a config file (or `-` for stdin): its directives are not ours to see
        start = 1
    current: list[str] = []
    where = (config.line, config.column, config.end_column)
    for word, position in zip(words[start:], positions[start:]):
        if word.startswith("--") and len(word) > 2:
            _flush(config, current, where)
            current, where = [word[2:].lower()], position
        elif current:
            current.append(word)
    _flush(config, current, where)
    return config


def _flush(config: ServerConfig, words: list[str], where: Position) -> None:
    if not words:
        return
    args = tuple(words[1:])
    if words[0] == "save" and not args:
        args = ("",)  # `--save` followed by another option or nothing: snapshots off, as in Redis
    config.directives.append(Directive(words[0], args, *where))


def _excerpt(line: str) -> str:
    return line if len(line) <= 60 else line[:57] + "..."
