"""``mcp.json`` written by several processes at once: every server kept, other keys kept."""

from __future__ import annotations

import json
import os
import subprocess
import sys

import pytest
from fireside.assistant.mcp.config import McpConfig, McpConfigError, ServerConfig

from tests.cli.test_settings_cli import command


def test_put_keeps_other_programs_keys_and_what_another_writer_added(fireside_home):
    path = fireside_home / "config" / "mcp.json"
    path.parent.mkdir(parents=True)
    path.write_text(json.dumps({"globalShortcut": "Ctrl+Space", "mcpServers": {}}))
    window, cli = McpConfig(path), McpConfig(path)  # two writers on one file
    window.put(ServerConfig("a", command="server-a"))
    cli.put(ServerConfig("b", url="http://127.0.0.1:9/mcp"))
    window.set_enabled("a", False)
    data = json.loads(path.read_text())
    assert data["globalShortcut"] == "Ctrl+Space"
    assert data["mcpServers"] == {
        "a": {"command": "server-a", "args": [], "disabled": True},
        "b": {"url": "http://127.0.0.1:9/mcp"},
    }
    cli.remove("a")
    assert [s.name for s in window.load()] == ["b"]
    assert path.stat().st_mode & 0o777 == 0o600  # it may hold keys in env or headers


def test_a_damaged_file_is_reported_and_left_as_it_is(fireside_home):
    path = fireside_home / "config" / "mcp.json"
    path.parent.mkdir(parents=True)
    path.write_text('{"mcpServers": {"a": ')
    with pytest.raises(McpConfigError, match="not valid JSON"):
        McpConfig(path).put(ServerConfig("b", command="server-b"))
    assert path.read_text() == '{"mcpServers": {"a": '
    with pytest.raises(TypeError, match="not a ServerConfig"):
        McpConfig(path).put(False)  # what the Add button once passed


@pytest.mark.slow
def test_many_processes_adding_servers_at_once_keep_them_all(fireside_home):
    names = [f"srv{i}" for i in range(10)]
    procs = [
        subprocess.Popen(
            [*command(), "mcp", "add", name, "--no-check", "--", sys.executable, "-V"],
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            env=os.environ.copy(),
        )
        for name in names
    ]
    for proc in procs:
        _out, err = proc.communicate(timeout=180)
        assert proc.returncode == 0, err
    saved = json.loads((fireside_home / "config" / "mcp.json").read_text())
    assert sorted(saved["mcpServers"]) == names
