"""The language server, driven over stdio by a real LSP client (pytest-lsp)."""

from __future__ import annotations

import asyncio
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
    from tests.rules.test_keys import ONE_KEY_THREE_CALLS

    uri = await opened(client, "keys.py", ONE_KEY_THREE_CALLS)
    [shape] = [d for d in client.diagnostics[uri] if d.code == "RDS201"]
    assert shape.range.start.line == 6
    assert [(r.location.uri, r.location.range.start.line, r.message) for r in shape.related_information or []] == [
        (uri, 10, "the same key is used here"), (uri, 14, "the same key is used here")]


@pytest.mark.asyncio
async def test_a_saved_module_changes_what_the_files_importing_it_are_told(client: LanguageClient) -> None:
    """The index keeps what it read of the project; a save is read again, and the open files that
    import the saved module are linted again (here: the helper they call starts giving the key a TTL)."""
    root = client.root  # type: ignore[attr-defined]
    (root / "pyproject.toml").write_text("[tool.redis-lint]\n")  # the project: what the index reads
    plain = "import redis\n\n\ndef touch(client: redis.Redis, key: str) -> None:\n    client.get(key)\n"
    (root / "helpers.py").write_text(plain)
    views = ("import redis\n\nfrom helpers import touch\n\nclient = redis.Redis()\n\n\n"
             "def save(name: str) -> None:\n    client.set(f'cache:user:{name}', 1)\n"
             "    touch(client, f'cache:user:{name}')\n")
    uri = await opened(client, "views.py", views)
    assert "RDS101" in {d.code for d in client.diagnostics[uri]}

    helpers = await opened(client, "helpers.py", plain)
    expiring = plain.replace("client.get(key)", "client.expire(key, 60)")
    (root / "helpers.py").write_text(expiring)
    client.text_document_did_change(types.DidChangeTextDocumentParams(
        text_document=types.VersionedTextDocumentIdentifier(uri=helpers, version=2),
        content_changes=[types.TextDocumentContentChangeWholeDocument(text=expiring)]))
    client.text_document_did_save(types.DidSaveTextDocumentParams(
        text_document=types.TextDocumentIdentifier(uri=helpers)))
    for _ in range(4):  # the change's diagnostics, then the save's: helpers.py and views.py
        await asyncio.wait_for(client.wait_for_notification(types.TEXT_DOCUMENT_PUBLISH_DIAGNOSTICS), 60)
        if "RDS101" not in {d.code for d in client.diagnostics[uri]}:
            break
    assert "RDS101" not in {d.code for d in client.diagnostics[uri]}
