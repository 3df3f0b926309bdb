"""Key templates such as `cache:user:{uid}:profile`: literal parts and placeholders.

What a key expression resolves to (redis_lint.semantics.key_resolver), and what the runtime
reads keys sent to a server as (redis_lint.runtime.keyspace); plain data, without libcst.
"""

from __future__ import annotations

from dataclasses import dataclass


@dataclass(frozen=True)
class Placeholder:
    name: str


Part = str | Placeholder


@dataclass(frozen=True)
class KeyTemplate:
    parts: tuple[Part, ...]

    @staticmethod
    def of(*parts: Part) -> KeyTemplate:
        merged: list[Part] = []
        for part in parts:
            if part == "":
                continue
            if isinstance(part, str) and merged and isinstance(merged[-1], str):
                merged[-1] += part
            else:
                merged.append(part)
        return KeyTemplate(tuple(merged))

    def __add__(self, other: KeyTemplate) -> KeyTemplate:
        return KeyTemplate.of(*self.parts, *other.parts)

    def render(self) -> str:
        return "".join(p if isinstance(p, str) else "{" + p.name + "}" for p in self.parts)

    @property
    def literal(self) -> str | None:
        """The whole key when it has no placeholder."""
        if not self.parts:
            return ""
        if len(self.parts) == 1 and isinstance(self.parts[0], str):
            return self.parts[0]
        return None

    @property
    def has_literal(self) -> bool:
        return any(isinstance(p, str) for p in self.parts)

    def segments(self) -> list[tuple[Part, ...]]:
        """The key split at the colons of its literal parts."""
        segments: list[list[Part]] = [[]]
        for part in self.parts:
            if isinstance(part, Placeholder):
                segments[-1].append(part)
                continue
            pieces = part.split(":")
            for i, piece in enumerate(pieces):
                if i:
                    segments.append([])
                if piece:
                    segments[-1].append(piece)
        return [tuple(s) for s in segments]

    @property
    def checkable(self) -> bool:
        """Starts with literal text: the namespace is known, so the key's shape can be judged."""
        return bool(self.parts) and isinstance(self.parts[0], str)

    def literal_prefix_segments(self) -> list[str]:
        """The leading segments that are entirely literal (`cache:user:{id}` -> ["cache", "user"])."""
        result = []
        for segment in self.segments():
            if len(segment) == 1 and isinstance(segment[0], str):
                result.append(segment[0])
            else:
                break
        return result
