"""Output formats for `redis-lint check --format`, one function per format.

Each takes the sorted findings and returns the text to print.
"""

from __future__ import annotations

import hashlib
import json
import os
from collections import Counter
from collections.abc import Callable, Iterable
from pathlib import Path

from redis_lint import __version__
from redis_lint.catalogue import BY_CODE, RULES
from redis_lint.findings import Finding
from redis_lint.pages import read_page


def text(findings: list[Finding], *, color: bool = False) -> str:
    lines = []
    for f in findings:
        code = f"\x1b[1;31m{f.code}\x1b[0m" if color else f.code
        where = f"\x1b[1m{f.path}\x1b[0m:{f.line}:{f.column}:" if color else f"{f.path}:{f.line}:{f.column}:"
        lines.append(f"{where} {code} {f.explained}")
    return _joined(lines)


def full(findings: list[Finding], *, color: bool = False) -> str:
    """Each finding with the source line and a caret under the span, and the fix if any."""
    blocks = []
    sources = _Sources(findings)
    for f in findings:
        line = sources.line(f.path, f.line)
        block = [text([f], color=color).rstrip("\n")]
        if line is not None:
            width = (f.end_column - f.column) if f.end_line == f.line else max(1, len(line) - f.column + 1)
            gutter = " " * len(str(f.line))
            block += [f"{gutter} |", f"{f.line} | {line}", f"{gutter} | {' ' * (f.column - 1)}{'^' * max(1, width)}"]
        if f.fix:
            block.append(f"  = fix ({'safe' if f.fix_safe else 'unsafe'}): {f.fix}")
        blocks.append("\n".join(block))
    return "\n\n".join(blocks) + ("\n" if blocks else "")


def as_json(findings: list[Finding]) -> str:
    return json.dumps([f.as_dict() for f in findings], indent=2) + "\n"


def json_lines(findings: list[Finding]) -> str:
    return _joined(json.dumps(f.as_dict()) for f in findings)


def github(findings: list[Finding]) -> str:
    """GitHub Actions workflow commands: an annotation per finding."""
    return _joined(
        f"::error file={_property(f.path)},line={f.line},col={f.column},endLine={f.end_line},"
        f"endColumn={f.end_column},title={f.code}::{_data(f.explained)}"
        for f in findings
    )


def gitlab(findings: list[Finding]) -> str:
    """GitLab Code Quality report; fingerprints survive unrelated edits that move lines."""
    seen: Counter[str] = Counter()
    issues = []
    sources = _Sources(findings)
    for f in findings:
        source = (sources.line(f.path, f.line) or "").strip()
        basis = f"{f.path}\0{f.code}\0{f.message}\0{source}"
        seen[basis] += 1
        fingerprint = hashlib.sha256(f"{basis}\0{seen[basis]}".encode()).hexdigest()
        issues.append({
            "description": f"{f.code} {f.explained}",
            "check_name": f.code,
            "fingerprint": fingerprint,
            "severity": "major",
            "location": {"path": f.path, "lines": {"begin": f.line, "end": f.end_line}},
        })
    return json.dumps(issues, indent=2) + "\n"


def sarif(findings: list[Finding]) -> str:
    """SARIF 2.1.0, with every rule's metadata from the catalogue and its page."""
    index = {rule.code: i for i, rule in enumerate(RULES)}
    rules = [_sarif_rule(rule.code) for rule in RULES]
    results = []
    for f in findings:
        result: dict[str, object] = {
            "ruleId": f.code,
            "ruleIndex": index[f.code],
            "level": "error",
            "message": {"text": f.explained},
            "locations": [{"physicalLocation": _sarif_place(f.path, f.line, f.column, f.end_line, f.end_column)}],
        }
        if f.evidence:
            result["properties"] = {"evidence": f.evidence}
        if f.related:
            result["relatedLocations"] = [{
                "id": number,
                "physicalLocation": _sarif_place(f.path, r.line, r.column, r.end_line, r.end_column),
                "message": {"text": r.message},
            } for number, r in enumerate(f.related, start=1)]
        results.append(result)
    log = {
        "$schema": "https://json.schemastore.org/sarif-2.1.0.json",
        "version": "2.1.0",
        "runs": [{
            "tool": {"driver": {"name": "redis-lint", "version": __version__, "semanticVersion": __version__,
                                "rules": rules}},
            "originalUriBaseIds": {"%SRCROOT%": {"uri": Path.cwd().as_uri() + "/"}},
            "results": results,
        }],
    }
    return json.dumps(log, indent=2) + "\n"


def _sarif_place(path: str, line: int, column: int, end_line: int, end_column: int) -> dict[str, object]:
    return {"artifactLocation": {"uri": Path(path).as_posix(), "uriBaseId": "%SRCROOT%"},
            "region": {"startLine": line, "startColumn": column, "endLine": end_line,
                       "endColumn": max(end_column, column)}}


def statistics(findings: list[Finding]) -> str:
    counts = Counter(f.code for f in findings)
    return _joined(f"{count:6}  {code}  {BY_CODE[code].name}" for code, count in
                   sorted(counts.items(), key=lambda item: (-item[1], item[0])))


FORMATS: dict[str, Callable[..., str]] = {
    "text": text, "full": full, "json": as_json, "json-lines": json_lines, "sarif": sarif, "github": github,
    "gitlab": gitlab,
}
COLORED = ("text", "full")


def use_color(stream_is_tty: bool) -> bool:
    return stream_is_tty and "NO_COLOR" not in os.environ


def _sarif_rule(code: str) -> dict[str, object]:
    info = BY_CODE[code]
    page = read_page(code) or ""
    flags = _section(page, "What it flags") or info.summary
    return {
        "id": code,
        "name": info.name,
        "shortDescription": {"text": info.summary},
        "fullDescription": {"text": flags},
        "help": {"text": page or info.summary, "markdown": page or info.summary},
        "defaultConfiguration": {"level": "error", "enabled": info.default},
    }


def _section(page: str, title: str) -> str | None:
    marker = f"\n## {title}\n"
    if marker not in page:
        return None
    return page.split(marker, 1)[1].split("\n## ", 1)[0].strip()


class _Sources:
    """The linted files' lines, read once per report, with the secrets the findings point at
    masked (a password in a line shown under any finding)."""

    def __init__(self, findings: Iterable[Finding] = ()) -> None:
        self._lines: dict[str, list[str]] = {}
        self._secrets: dict[tuple[str, int], list[tuple[int, int | None]]] = {}  # (path, line) -> spans
        for f in findings:
            if BY_CODE[f.code].secret:  # a rule whose span is a secret (a password): never shown
                for number in range(f.line, f.end_line + 1):
                    span = (f.column - 1 if number == f.line else 0, f.end_column - 1 if number == f.end_line else None)
                    self._secrets.setdefault((f.path, number), []).append(span)

    def line(self, path: str, number: int) -> str | None:
        if path not in self._lines:
            try:
                from redis_lint.source.reading import decode_source, read_source

                # lines end at \n alone, as Python's: str.splitlines() also splits at \f, \x1c, \u2028...
                self._lines[path] = decode_source(read_source(Path(path))).split("\n")
            except Exception:  # a vanished, special or undecodable file: show no source line
                self._lines[path] = []
        lines = self._lines[path]
        if not 0 < number <= len(lines):
            return None
        line = lines[number - 1]
        for start, end in self._secrets.get((path, number), ()):
            end = len(line) if end is None else end
            line = line[:start] + "*" * max(0, end - start) + line[end:]
        return line


def _data(message: str) -> str:
    return message.replace("%", "%25").replace("\r", "%0D").replace("\n", "%0A")


def _property(value: str) -> str:
    return _data(value).replace(":", "%3A").replace(",", "%2C")


def _joined(lines: Iterable[str]) -> str:
    text = "\n".join(lines)
    return text + "\n" if text else ""
