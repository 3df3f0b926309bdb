"""The Redis servers of a docker-compose file: services whose `command:` runs `redis-server`.

The file is read with PyYAML's composer, which keeps every node's line and
builds no Python objects (custom tags such as `!reset` are harmless).  A
`command:` is a list of words or a string that Compose splits like a shell; a
`sh -c "..."` wrapper is looked into.  A service of a redis or valkey image
whose command starts with `--` runs `redis-server` too (the image's entrypoint
adds it).  A service without a command runs the image's defaults, which we
cannot see: it is not checked.
"""

from __future__ import annotations

import shlex
from pathlib import PurePosixPath

import yaml  # type: ignore[import-untyped]

from redis_lint.redisconf.server_config import ServerConfig, ServerConfigError
from redis_lint.redisconf.conf_parser import SERVER_PROGRAMS, Position, parse_command_line

_SHELLS = ("sh", "bash", "ash", "dash", "zsh")
_SHELL_OPERATORS = frozenset({"&&", "||", ";", "|", "&"})
_SERVER_IMAGES = ("redis", "valkey", "redis-stack-server")


def parse_compose(text: str) -> list[ServerConfig]:
    try:
        root = yaml.compose(text, Loader=yaml.SafeLoader)
    except yaml.MarkedYAMLError as error:
        mark = error.problem_mark or error.context_mark
        raise ServerConfigError(f"invalid YAML: {error.problem or error.context}",
                                mark.line + 1 if mark is not None else 1) from None
    except yaml.YAMLError as error:
        raise ServerConfigError(f"invalid YAML: {error}") from None
    services = _get(root, "services")
    if not isinstance(services, yaml.MappingNode):
        return []
    servers = []
    for key, service in services.value:
        if isinstance(key, yaml.ScalarNode) and isinstance(service, yaml.MappingNode):
            server = _server(key.value, service)
            if server is not None:
                servers.append(server)
    return servers


def _server(name: str, service: yaml.MappingNode) -> ServerConfig | None:
    item = _item(service, "command")
    if item is None:
        return None  # no command: the image's defaults, which we cannot see
    key, command = item
    if isinstance(command, yaml.SequenceNode):
        items = [item for item in command.value if isinstance(item, yaml.ScalarNode)]
        words, positions = [item.value for item in items], [_position(item) for item in items]
    elif isinstance(command, yaml.ScalarNode):
        try:
            words = shlex.split(command.value)
        except ValueError:
            return None  # Compose refuses it too; not ours to report
        positions = [_position(command)] * len(words)
    else:
        return None
    found = _server_arguments(words, _image(service))
    if found is None:
        return None
    start, arguments = found
    server = parse_command_line(arguments, positions[start:start + len(arguments)] if start >= 0
                                else [_position(command)] * len(arguments))
    # a missing directive is reported on the `command:` line
    line, column, end = _position(key)
    server.line, server.column = line, column
    server.end_column = command.end_mark.column + 1 if command.end_mark.line + 1 == line else end
    server.service = name
    return server


def _server_arguments(words: list[str], image: str) -> tuple[int, list[str]] | None:
    """(index of the first argument in `words`, or -1 inside `sh -c`, the words after
    `redis-server`), or None when the command runs something else."""
    offset = 0
    if len(words) >= 3 and PurePosixPath(words[0]).name in _SHELLS and words[1] == "-c":
        try:
            words, offset = shlex.split(words[2]), -1
        except ValueError:
            return None
    for index, word in enumerate(words):
        if PurePosixPath(word).name in SERVER_PROGRAMS:
            rest = words[index + 1:]
            end = next((i for i, w in enumerate(rest) if w in _SHELL_OPERATORS), len(rest))
            return (index + 1 if offset == 0 else -1), rest[:end]
    if words and words[0].startswith("--") and image in _SERVER_IMAGES:
        return (0 if offset == 0 else -1), words
    return None


def _image(service: yaml.MappingNode) -> str:
    """`redis:7-alpine`, `docker.io/library/redis@sha256:...` -> "redis"."""
    node = _get(service, "image")
    if not isinstance(node, yaml.ScalarNode):
        return ""
    return node.value.split("@", 1)[0].rsplit("/", 1)[-1].split(":", 1)[0]


def _position(node: yaml.Node) -> Position:
    column = node.start_mark.column + 1
    end = node.end_mark.column + 1 if node.end_mark.line == node.start_mark.line else column
    return node.start_mark.line + 1, column, end


def _item(mapping: yaml.Node | None, key: str) -> tuple[yaml.Node, yaml.Node] | None:
    if not isinstance(mapping, yaml.MappingNode):
        return None
    return next(((k, v) for k, v in mapping.value if isinstance(k, yaml.ScalarNode) and k.value == key), None)


def _get(mapping: yaml.Node | None, key: str) -> yaml.Node | None:
    item = _item(mapping, key)
    return item[1] if item is not None else None
