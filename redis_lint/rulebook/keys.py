"""RDS201-RDS203, key naming: what they are, and the words of their messages."""

from __future__ import annotations

import re
from collections.abc import Iterator

from redis_lint.config import Policy
from redis_lint.rulemeta import RuleMeta
from redis_lint.semantics.key_templates import KeyTemplate

_FOREIGN_SEPARATORS = (".", "/")
_FOREIGN_SEPARATOR_RE = re.compile("[./]")


class KeyShape(RuleMeta):
    code = "RDS201"
    name = "key-shape"
    summary = "A key that is not `namespace:context:entity[:attribute]`."


class KeyCase(RuleMeta):
    code = "RDS202"
    name = "key-case"
    summary = "Upper-case letters in the literal parts of a key."
    fixable = "unsafe"


class KeyNamespace(RuleMeta):
    code = "RDS203"
    name = "key-namespace"
    summary = "A key whose first segment is not one of the policy's namespaces."


NAMING_CODES = (KeyShape.code, KeyCase.code, KeyNamespace.code)  # the rules judging a key's name


def shape_problem(template: KeyTemplate) -> str | None:
    """Why a key breaks namespace:context:entity[:attribute], if it does (a placeholder is one segment)."""
    literal_text = "".join(p for p in template.parts if isinstance(p, str))
    for separator in _FOREIGN_SEPARATORS:
        if separator in literal_text:
            return f"separates segments with '{separator}': use ':'"
    segments = template.segments()
    if any(not segment for segment in segments):
        return "has an empty segment ('::' or a leading/trailing ':')"
    if len(segments) < 3:
        return f"has {len(segments)} segment{'s' if len(segments) > 1 else ''}: use at least three"
    return None


def shape_message(template: KeyTemplate) -> str | None:
    problem = shape_problem(template)
    return f'key "{template.render()}" {problem} (namespace:context:entity[:attribute])' if problem else None


def case_message(template: KeyTemplate) -> str | None:
    if not any(isinstance(p, str) and p != p.lower() for p in template.parts):
        return None
    lowered = KeyTemplate(tuple(p.lower() if isinstance(p, str) else p for p in template.parts))
    return f'key "{template.render()}" has upper-case letters: use "{lowered.render()}"'


def namespace_message(template: KeyTemplate, namespaces: tuple[str, ...]) -> str | None:
    first = template.segments()[0]
    head = first[0] if first and isinstance(first[0], str) else None
    # judged on the word before any separator, case-insensitively: "cache.user.1" and
    # "Cache:..." have a known namespace, and RDS201/RDS202 report their real problem
    if head is None or (len(first) > 1 and not _FOREIGN_SEPARATOR_RE.search(head)):
        return None  # "user{x}:..." - the namespace is not known
    namespace = _FOREIGN_SEPARATOR_RE.split(head, maxsplit=1)[0].lower()
    if namespace in namespaces:
        return None
    return f'key "{template.render()}" is outside the policy namespaces: start it with one of {", ".join(namespaces)}'


def named_key(message: str) -> str | None:
    """The key a naming message is about, as rendered (`key "cache:User:{uid}" mixes cases...` ->
    "cache:User:{uid}"): the messages above all start so."""
    if not message.startswith('key "'):
        return None
    end = message.find('" ', 5)
    return message[5:end] if end > 5 else None


def key_messages(template: KeyTemplate, policy: Policy) -> Iterator[tuple[str, str]]:
    """(code, message) for every naming rule a checkable key breaks; shared with the runtime."""
    for rule, message in ((KeyShape, shape_message(template)), (KeyCase, case_message(template)),
                          (KeyNamespace, namespace_message(template, policy.namespaces))):
        if message is not None:
            yield rule.code, message
