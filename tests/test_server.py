"""The language server, driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import sys

import pytest
import pytest_lsp
from lsprotocol import types
from pytest_lsp import ClientServerConfig, LanguageClient, client_capabilities

pytestmark = pytest.mark.slow  # the language server in a subprocess

BAD = "import redis\n\n\ndef purge(r: redis.Redis) -> None:\n    r.flushall()\n"


@pytest_lsp.fixture(config=ClientServerConfig(server_command=[sys.executable, "-m", "redis_lint", "server"]))
async def client(lsp_client: LanguageClient, tmp_path_factory: pytest.TempPathFactory):  # type: ignore[no-untyped-def]
    root = tmp_path_factory.mktemp("workspace")
    await lsp_client.initialize_session(types.InitializeParams(
        capabilities=client_capabilities("visual-studio-code"), root_uri=root.as_uri()))
    lsp_client.root = root  # type: ignore[attr-defined]
    yield
    await lsp_client.shutdown_session()


async def opened(client: LanguageClient, name: str, text: str) -> str:
    path = client.root / name  # type: ignore[attr-defined]
    path.write_text(text)
    uri = path.as_uri()
    client.text_document_did_open(types.DidOpenTextDocumentParams(
        text_document=types.TextDocumentItem(uri=uri, language_id="python", version=1, text=text)))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    return uri


@pytest.mark.asyncio
async def test_diagnostics_follow_the_buffer_and_code_actions_apply(client: LanguageClient) -> None:
    uri = await opened(client, "svc.py", BAD)
    [flush] = client.diagnostics[uri]
    assert (flush.code, flush.source, flush.range.start.line, flush.range.start.character) == ("RDS302", "redis-lint", 4, 4)
    assert flush.code_description is not None and flush.code_description.href.endswith("RDS302.md")

    changed = BAD + "    r.keys('*')\n"
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=uri, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=changed)]))
    await client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS)
    assert sorted(d.code for d in client.diagnostics[uri]) == ["RDS301", "RDS302"]

    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=flush.range,
        context=types.CodeActionContext(diagnostics=[flush])))
    [noqa] = [a for a in actions if isinstance(a, types.CodeAction) and "noqa" in a.title]
    [edit] = noqa.edit.changes[uri]
    assert edit.new_text == "  # noqa: RDS302" and edit.range.start.line == 4


@pytest.mark.asyncio
async def test_fixes_are_offered_as_a_code_action(client: LanguageClient) -> None:
    text = "import redis\n\n\ndef take(r: redis.Redis) -> None:\n    r.lock('lock:jobs:1').acquire()\n"
    uri = await opened(client, "locks.py", text)
    [diagnostic] = client.diagnostics[uri]
    actions = await client.text_document_code_action_async(types.CodeActionParams(
        text_document=types.TextDocumentIdentifier(uri=uri), range=diagnostic.range,
        context=types.CodeActionContext(diagnostics=[diagnostic])))
    [fix] = [a for a in actions if isinstance(a, types.CodeAction) and "fixes" in a.title]
    [edit] = fix.edit.changes[uri]
    assert "r.lock('lock:jobs:1', timeout=30).acquire()" in edit.new_text


@pytest.mark.asyncio
async def test_a_syntax_error_is_a_diagnostic_not_a_crash(client: LanguageClient) -> None:
    uri = await opened(client, "broken.py", "def f(:\n")
    [diagnostic] = client.diagnostics[uri]
    assert diagnostic.code == "RDS000" and diagnostic.range.start.line == 0


@pytest.mark.asyncio
async def test_a_key_finding_names_the_other_calls_as_related_information(client: LanguageClient) -> None:
    from tests.test_keys import ONE_KEY_THREE_CALLS

    uri = await opened(client, "keys.py", ONE_KEY_THREE_CALLS)
    [shape] = [d for d in client.diagnostics[uri] if d.code == "RDS201"]
    assert shape.range.start.line == 6
    assert [(r.location.uri, r.location.range.start.line, r.message) for r in shape.related_information or []] == [
        (uri, 10, "the same key is used here"), (uri, 14, "the same key is used here")]
