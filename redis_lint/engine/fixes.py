"""Applying the rules' fixes as libcst rewrites that keep the rest of the file as it was.

Applying the rules' fixes: libcst replaces the nodes, so everything else in the
file (formatting, comments) stays as it was.  Fixes are applied in passes, as a
fix may let another apply, and nested fixes wait for the next pass.
"""

from __future__ import annotations

import difflib
import io
import tokenize
from dataclasses import dataclass
from pathlib import Path

import libcst as cst

from redis_lint.config import Config
from redis_lint.engine.linter import check_module, project_index, with_deep_stack
from redis_lint.rules.base import Fix
from redis_lint.semantics.project import ProjectIndex
from redis_lint.source.paths import display_path
from redis_lint.source.reading import read_source
from redis_lint.source.syntax import unparsable

_MAX_PASSES = 5


@dataclass
class FixedFile:
    path: Path
    before: str
    after: str
    applied: int
    encoding: str

    def diff(self) -> str:
        name = display_path(self.path)
        return "".join(difflib.unified_diff(self.before.splitlines(keepends=True), self.after.splitlines(keepends=True),
                                            fromfile=f"a/{name}", tofile=f"b/{name}"))

    def write(self) -> None:
        self.path.write_bytes(self.after.encode(self.encoding))


def fix_file(path: Path, config: Config, *, unsafe: bool, project: ProjectIndex | None = None) -> FixedFile | None:
    """The file with its fixes applied, or None when it cannot be read or parsed (check reports why)."""
    try:
        data = read_source(path)
        encoding, _ = tokenize.detect_encoding(io.BytesIO(data).readline)
        source = data.decode(encoding)  # newlines as they are: libcst keeps them
    except (OSError, SyntaxError, UnicodeError, LookupError):
        return None
    if unparsable(source) is not None:
        return None  # too large or nested too deeply: check reports it
    try:
        after, applied = with_deep_stack(fix_source, source, path=path, config=config, unsafe=unsafe, project=project)
    finally:
        if project is not None:
            project.trim()  # between files (redis_lint.semantics.project.ProjectIndex.trim)
    return FixedFile(path, source, after, applied, encoding)


def fix_source(source: str, *, path: Path, config: Config, unsafe: bool,
               project: ProjectIndex | None = None) -> tuple[str, int]:
    applied = 0
    for _ in range(_MAX_PASSES):
        try:
            module = cst.parse_module(source)
            model = (project or project_index(config)).model_for(path, module, source=source, replace=True)
            located = check_module(model, source, path=path, config=config) if model is not None else []
        except (cst.ParserSyntaxError, RecursionError):
            break
        fixes = [v.fix for _, v, _ in located if v.fix is not None and (v.fix.safe or unsafe)]
        chosen = _outermost(module, fixes)
        if not chosen:
            break
        fixed = module.visit(_Replace({id(node): replacement for f in chosen for node, replacement in f.edits()}))
        needed = sorted({name for f in chosen for name in f.imports})
        if needed:
            # here: libcst's codemod machinery (with its matchers) costs half a second to import
            from libcst.codemod import CodemodContext
            from libcst.codemod.visitors import AddImportsVisitor

            context = CodemodContext()
            for name in needed:
                AddImportsVisitor.add_needed_import(context, name)
            fixed = AddImportsVisitor(context).transform_module(fixed)
        source = fixed.code
        applied += len(chosen)
    return source, applied


def _outermost(module: cst.Module, fixes: list[Fix]) -> list[Fix]:
    """One fix per node, none with a node inside another's node (that one waits for the next pass)."""
    owners: dict[int, Fix] = {}
    for f in fixes:  # two fixes of one node: the later rule's, as before fixes had several nodes
        for node, _ in f.edits():
            owners[id(node)] = f
    chosen = [f for f in {id(f): f for f in owners.values()}.values()
              if all(owners[id(node)] is f for node, _ in f.edits())]
    targets = {id(node): f for f in chosen for node, _ in f.edits()}
    inside: set[int] = set()

    class Nesting(cst.CSTVisitor):
        depth = 0

        def on_visit(self, node: cst.CSTNode) -> bool:
            if id(node) in targets:
                if self.depth:
                    inside.add(id(node))
                self.depth += 1
            return True

        def on_leave(self, original_node: cst.CSTNode) -> None:
            if id(original_node) in targets:
                self.depth -= 1

    module.visit(Nesting())
    deferred = {id(targets[key]) for key in inside}
    return [f for f in chosen if id(f) not in deferred]


class _Replace(cst.CSTTransformer):
    def __init__(self, replacements: dict[int, cst.CSTNode]) -> None:
        self.replacements = replacements

    def on_leave(self, original_node: cst.CSTNode, updated_node: cst.CSTNode) -> cst.CSTNode:
        return self.replacements.get(id(original_node), updated_node)  # type: ignore[return-value]
