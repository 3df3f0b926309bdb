"""Line and column of the nodes a module reports, without generating the whole module.

libcst computes positions by generating the code of the entire module, which
costs about as much as parsing it: in an editor, re-linting a 1,200-line file
spent a third of its time there for a handful of findings.  A node's position
only depends on the statement it is in and the line that statement starts on,
and the standard library's `ast` knows that line.  So the position of a node
comes from generating the code of its innermost enclosing statement in a
class or function body (down from the module, through `class` and `def`
bodies), started on the line `ast` gives.  Each statement is checked against
`ast` after it is generated; should they ever disagree, the whole module is
generated instead, as libcst does.
"""

from __future__ import annotations

import ast
from collections.abc import Callable
from types import SimpleNamespace

import libcst as cst
from libcst.metadata import CodeRange, MetadataWrapper, PositionProvider
from libcst.metadata.position_provider import PositionProvidingCodegenState
from redis_lint.source.syntax import parse_quietly

Parent = Callable[[cst.CSTNode], "cst.CSTNode | None"]


class Positions:
    """`positions[node]`: the node's CodeRange, as libcst's PositionProvider gives it."""

    def __init__(self, module: cst.Module, source: str | None, parent: Parent) -> None:
        self._module = module
        self._source = source
        self._parent = parent
        self._computed: dict[cst.CSTNode, CodeRange] = {}
        self._tree: ast.Module | None = None
        self._whole: dict[cst.CSTNode, CodeRange] | None = None

    def adopt(self, tree: ast.Module) -> None:
        """Python's tree of the module's text, parsed already (by redis_lint.source.syntax.checked)."""
        if self._tree is None:
            self._tree = tree

    def release(self) -> None:
        """Let go of Python's tree once the module's findings are placed: a kept model needs no more
        (it is parsed again should another finding be placed)."""
        self._tree = None

    def __getitem__(self, node: cst.CSTNode) -> CodeRange:
        found = self._computed.get(node)
        if found is None and self._whole is None and self._source is not None:
            self._generate_statement_of(node)
            found = self._computed.get(node)
        if found is None:
            return self._whole_module()[node]
        return found

    def _whole_module(self) -> dict[cst.CSTNode, CodeRange]:
        if self._whole is None:
            provider = PositionProvider()
            try:
                provider._gen_impl(self._module)  # the provider's own pass, without a metadata wrapper's walk
                self._whole = provider._computed  # type: ignore[assignment]
            except AttributeError:  # libcst's internals moved: the public way
                wrapper = MetadataWrapper(self._module, unsafe_skip_copy=True)  # keyed by the reported nodes
                self._whole = dict(wrapper.resolve(PositionProvider))
        return self._whole

    def _generate_statement_of(self, node: cst.CSTNode) -> None:
        located = self._innermost_statement(node)
        if located is None:
            return
        statement, counterpart, indents = located
        recorder = SimpleNamespace(_computed={})
        state = PositionProvidingCodegenState(default_indent=self._module.default_indent,
                                              default_newline=self._module.default_newline,
                                              provider=recorder)  # type: ignore[arg-type]
        state.line = _first_line(statement, counterpart)
        state.indent_tokens = list(indents)
        try:
            statement._codegen(state)
        except AttributeError:  # libcst's code generation changed: the whole module, the public way
            self._source = None
            return
        generated = recorder._computed.get(statement)
        if generated is not None and generated.start.line == counterpart.lineno:  # agrees with `ast`
            self._computed.update(recorder._computed)

    def _innermost_statement(self, node: cst.CSTNode) -> tuple[cst.BaseStatement, ast.stmt, list[str]] | None:
        """The innermost statement of a module, class or function body holding `node`, its `ast`
        counterpart, and the indentation it is at."""
        chain = [node]
        while (parent := self._parent(chain[-1])) is not None:
            chain.append(parent)
        chain.reverse()  # module first
        if chain[0] is not self._module or len(chain) < 2:
            return None
        if self._tree is None:
            try:
                self._tree = parse_quietly(self._source or "")
            except (SyntaxError, ValueError, RecursionError, MemoryError):
                self._source = None
                return None
        cst_body: tuple[cst.BaseStatement, ...] = self._module.body
        ast_body: list[ast.stmt] = self._tree.body
        indents: list[str] = []
        depth = 1
        while True:
            statement = chain[depth]
            if not isinstance(statement, cst.BaseStatement):
                return None
            counterpart = _counterpart(cst_body, ast_body, statement)
            if counterpart is None:
                return None
            block = statement.body if type(statement) in _BLOCKS else None
            inner = chain[depth + 2] if depth + 2 < len(chain) else None
            if (isinstance(block, cst.IndentedBlock) and chain[depth + 1:depth + 2] == [block]
                    and isinstance(inner, cst.BaseStatement) and isinstance(counterpart, _BLOCKS[type(statement)])):
                indents.append(self._module.default_indent if block.indent is None else block.indent)
                cst_body, ast_body = block.body, counterpart.body
                depth += 2
                continue
            return statement, counterpart, indents


# The statements whose first block is entered (a node in a loop is generated with the statement it is
# in, not the whole loop), with their `ast` counterparts, whose `body` is that block.  An `if`'s
# `else`, a `try`'s handlers are not entered: their statement is generated whole.
_BLOCKS: dict[type[cst.BaseCompoundStatement], tuple[type[ast.stmt], ...]] = {
    cst.FunctionDef: (ast.FunctionDef, ast.AsyncFunctionDef),
    cst.ClassDef: (ast.ClassDef,),
    cst.For: (ast.For, ast.AsyncFor),
    cst.While: (ast.While,),
    cst.With: (ast.With, ast.AsyncWith),
    cst.If: (ast.If,),
    cst.Try: (ast.Try,),
}


def _counterpart(cst_body: tuple[cst.BaseStatement, ...], ast_body: list[ast.stmt],
                 statement: cst.BaseStatement) -> ast.stmt | None:
    """The `ast` statement where a libcst statement starts: a line of `a; b` is several."""
    index = 0
    for other in cst_body:
        if other is statement:
            return ast_body[index] if index < len(ast_body) else None
        index += len(other.body) if isinstance(other, cst.SimpleStatementLine) else 1
    return None


def _first_line(statement: cst.BaseStatement, counterpart: ast.stmt) -> int:
    """The line a statement's code starts on: its first token's line (a decorator's, above a `def`
    or `class`), less the blank and comment lines it owns above that."""
    decorators = getattr(statement, "decorators", ())
    decorated = getattr(counterpart, "decorator_list", None)
    if decorators and decorated:
        return decorated[0].lineno - len(statement.leading_lines) - len(decorators[0].leading_lines)
    return counterpart.lineno - len(statement.leading_lines)
