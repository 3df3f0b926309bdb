"""`redis-lint server`: the language server (LSP over stdio), a thin adapter over the engine.

Served with pygls, on the same engine as the CLI and the flake8 plugin.  Diagnostics on open,
change and save; code actions to add `# noqa: CODE` and to apply the fixes; configuration found
from each file's folder.
"""

from __future__ import annotations

from pathlib import Path

from lsprotocol import types
from pygls.lsp.server import LanguageServer
from pygls.uris import to_fs_path

from redis_lint import __version__
from redis_lint.config import Config, ConfigError
from redis_lint.engine.session import EDITOR, check_text, config_for, files_changed, project_for
from redis_lint.findings import Finding
from redis_lint.pages import page_path

server = LanguageServer("redis-lint", __version__)


def _findings(uri: str) -> list[Finding]:
    document = server.workspace.get_text_document(uri)
    path = Path(document.path)
    # the buffer, not the file on disk, is linted: the index takes it in place of what it read before
    return check_text(path, document.source, display=str(path), host=EDITOR)


def _range(line: int, column: int, end_line: int, end_column: int) -> types.Range:
    return types.Range(start=types.Position(line=line - 1, character=column - 1),
                       end=types.Position(line=end_line - 1, character=end_column - 1))


def _diagnostic(finding: Finding, uri: str) -> types.Diagnostic:
    page = page_path(finding.code)
    return types.Diagnostic(
        range=_range(finding.line, finding.column, finding.end_line, finding.end_column),
        message=finding.explained,
        severity=types.DiagnosticSeverity.Warning,
        code=finding.code,
        code_description=types.CodeDescription(href=page.as_uri()) if page is not None else None,
        source="redis-lint",
        related_information=[types.DiagnosticRelatedInformation(
            location=types.Location(uri=uri, range=_range(r.line, r.column, r.end_line, r.end_column)),
            message=r.message) for r in finding.related] + ([types.DiagnosticRelatedInformation(
                # why the receiver is a client, where the finding is: editors list it under the message
                location=types.Location(uri=uri, range=_range(finding.line, finding.column, finding.end_line,
                                                              finding.end_column)),
                message=f"why a client: {finding.evidence}")] if finding.evidence else []) or None,
        data={"fix": finding.fix},
    )


def _publish(uri: str) -> None:
    document = server.workspace.get_text_document(uri)
    diagnostics = [_diagnostic(f, uri) for f in _findings(uri)]
    server.text_document_publish_diagnostics(
        types.PublishDiagnosticsParams(uri=uri, diagnostics=diagnostics, version=document.version))


@server.feature(types.TEXT_DOCUMENT_DID_OPEN)
def did_open(params: types.DidOpenTextDocumentParams) -> None:
    _publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_CHANGE)
def did_change(params: types.DidChangeTextDocumentParams) -> None:
    _publish(params.text_document.uri)


@server.feature(types.TEXT_DOCUMENT_DID_SAVE)
def did_save(params: types.DidSaveTextDocumentParams) -> None:
    _changed_on_disk([params.text_document.uri])


@server.feature(types.WORKSPACE_DID_CHANGE_WATCHED_FILES)
def did_change_watched_files(params: types.DidChangeWatchedFilesParams) -> None:
    """Files created, changed or deleted outside the editor (a `git checkout`), for clients that watch."""
    _changed_on_disk([change.uri for change in params.changes if change.uri.endswith(".py")])


def _changed_on_disk(uris: list[str]) -> None:
    """A saved file may be what another open file imports (its client, its key helpers): the
    project's index reads the saved files again, and every open file is linted again."""
    by_config: dict[Config, list[Path]] = {}
    for uri in uris:
        fs_path = to_fs_path(uri)
        if fs_path is None:
            continue
        path = Path(fs_path)
        config = config_for(path.parent)
        if not isinstance(config, ConfigError):
            by_config.setdefault(config, []).append(path)
    for config, paths in by_config.items():
        files_changed(config, paths)
    for uri in list(server.workspace.text_documents):
        _publish(uri)


@server.feature(types.TEXT_DOCUMENT_DID_CLOSE)
def did_close(params: types.DidCloseTextDocumentParams) -> None:
    server.text_document_publish_diagnostics(types.PublishDiagnosticsParams(uri=params.text_document.uri, diagnostics=[]))


@server.feature(types.TEXT_DOCUMENT_CODE_ACTION,
                types.CodeActionOptions(code_action_kinds=[types.CodeActionKind.QuickFix]))
def code_actions(params: types.CodeActionParams) -> list[types.CodeAction]:
    uri = params.text_document.uri
    document = server.workspace.get_text_document(uri)
    lines = document.lines
    actions = []
    ours = [d for d in params.context.diagnostics if d.source == "redis-lint" and d.code]
    for diagnostic in ours:
        line = diagnostic.range.start.line
        text = lines[line].rstrip("\r\n") if line < len(lines) else ""
        end = types.Position(line=line, character=len(text))
        actions.append(types.CodeAction(
            title=f"Silence {diagnostic.code} on this line (# noqa)",
            kind=types.CodeActionKind.QuickFix,
            diagnostics=[diagnostic],
            edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(
                range=types.Range(start=end, end=end), new_text=f"  # noqa: {diagnostic.code}")]}),
        ))
    if any(isinstance(d.data, dict) and d.data.get("fix") for d in ours):
        path = Path(document.path)
        config = config_for(path.parent)
        if not isinstance(config, ConfigError):
            from redis_lint.engine.fixes import fix_source  # on the first code action, not at start

            fixed, applied = fix_source(document.source, path=path, config=config, unsafe=True,
                                        project=project_for(config))
            if applied:
                whole = types.Range(start=types.Position(line=0, character=0),
                                    end=types.Position(line=len(lines), character=0))
                actions.append(types.CodeAction(
                    title=f"Apply redis-lint's fixes ({applied}; they change behaviour: review them)",
                    kind=types.CodeActionKind.QuickFix,
                    edit=types.WorkspaceEdit(changes={uri: [types.TextEdit(range=whole, new_text=fixed)]}),
                ))
    return actions


def serve() -> None:
    server.start_io()
