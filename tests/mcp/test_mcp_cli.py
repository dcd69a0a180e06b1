"""``fireside mcp ...`` and ``fireside tools run`` with MCP servers: real processes."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[2]
TIME = [sys.executable, "-m", "mcp_server_time", "--local-timezone", "UTC"]


def fireside(*args: str, timeout: int = 120) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=os.environ.copy(),
        cwd=REPO,
        stdin=subprocess.DEVNULL,
    )


def no_traceback(proc):
    assert "Traceback" not in proc.stderr and "Traceback" not in proc.stdout


def test_add_list_tools_run_remove(fireside_home):
    added = fireside("mcp", "add", "time", "--env", "TZ=UTC", "--", *TIME)
    assert added.returncode == 0, added.stderr
    assert "added MCP server time (stdio:" in added.stdout
    assert "time: running, 2 tools" in added.stdout
    saved = json.loads((fireside_home / "config" / "mcp.json").read_text())
    assert saved["mcpServers"]["time"]["args"][-2:] == ["--local-timezone", "UTC"]
    assert saved["mcpServers"]["time"]["env"] == {"TZ": "UTC"}

    listed = json.loads(fireside("mcp", "list", "--json").stdout)
    (server,) = listed["servers"]
    assert (server["name"], server["state"], server["tool_count"]) == ("time", "running", 2)
    assert server["error"] is None

    tools = fireside("mcp", "tools", "time")
    assert "get_current_time [mcp:time]: Get current time in a specific timezone" in tools.stdout

    everything = json.loads(fireside("tools", "list", "--json").stdout)
    origins = {t["name"]: t["origin"] for t in everything["tools"]}
    assert origins["get_current_time"] == "mcp:time"
    assert origins["calculator"] == "plugin:calculator"

    asked = fireside("tools", "run", "get_current_time", '{"timezone": "Asia/Tokyo"}')
    assert asked.returncode == 1
    assert "needs your approval: run it again with --yes" in asked.stderr
    no_traceback(asked)
    ran = fireside("tools", "run", "get_current_time", '{"timezone": "Asia/Tokyo"}', "--yes")
    assert ran.returncode == 0, ran.stderr
    assert json.loads(ran.stdout)["timezone"] == "Asia/Tokyo"
    failed = fireside("tools", "run", "get_current_time", '{"timezone": "Mars/Base"}', "--yes")
    assert failed.returncode == 2 and "Invalid timezone" in failed.stderr
    no_traceback(failed)

    assert fireside("mcp", "disable", "time").returncode == 0
    listed = json.loads(fireside("mcp", "list", "--json").stdout)
    assert listed["servers"][0]["state"] == "disabled"
    assert fireside("mcp", "remove", "time").returncode == 0
    assert json.loads(fireside("mcp", "list", "--json").stdout)["servers"] == []


def test_a_broken_server_is_one_line_in_list_and_the_rest_goes_on(fireside_home):
    assert fireside("mcp", "add", "time", "--no-check", "--", *TIME).returncode == 0
    bad = fireside("mcp", "add", "broken", "--", "/nonexistent/server", "--stdio")
    assert bad.returncode == 0
    assert "fireside: warning: broken did not start: command not found" in bad.stderr
    listed = fireside("mcp", "list")
    assert listed.returncode == 0, listed.stderr
    assert "time  running  stdio" in listed.stdout
    assert "broken  failed  stdio  /nonexistent/server --stdio" in listed.stdout
    assert "  error: command not found: /nonexistent/server" in listed.stdout
    no_traceback(listed)


def test_import_claude_desktop_and_vs_code_files(fireside_home, tmp_path, everything_bin):
    claude = tmp_path / "claude_desktop_config.json"
    claude.write_text(
        json.dumps(
            {
                "globalShortcut": "",
                "mcpServers": {
                    "time": {"command": TIME[0], "args": TIME[1:]},
                    "everything": {"command": str(everything_bin), "args": ["stdio"]},
                    "remote": {"type": "http", "url": "http://127.0.0.1:9/mcp",
                               "headers": {"X-Key": "k"}},
                },
            }
        )
    )  # fmt: skip
    proc = fireside("mcp", "import", str(claude))
    assert proc.returncode == 0, proc.stderr
    assert "imported 3 MCP servers: time, everything, remote" in proc.stdout
    again = fireside("mcp", "import", str(claude))
    assert "already configured, left as they are: time, everything, remote" in again.stderr
    vscode = tmp_path / "mcp.json"
    vscode.write_text(json.dumps({"servers": {"t2": {"type": "stdio", "command": "uvx"}}}))
    assert "imported 1 MCP server: t2" in fireside("mcp", "import", str(vscode)).stdout
    names = [
        s["name"]
        for s in json.loads(fireside("mcp", "list", "--json", "--no-start").stdout)["servers"]
    ]
    assert names == ["time", "everything", "remote", "t2"]


@pytest.mark.parametrize(
    "content, message",
    [
        ("{not json", "not valid JSON"),
        ('{"other": 1}', 'no "mcpServers" object'),
        ('{"mcpServers": {"x": {"args": []}}}', 'server \'x\' needs a "command" or a "url"'),
        ('{"mcpServers": {"x": {"type": "sse", "url": "http://h/sse"}}}', "old SSE transport"),
    ],
)
def test_bad_import_files_are_one_line_errors(fireside_home, tmp_path, content, message):
    path = tmp_path / "config.json"
    path.write_text(content)
    proc = fireside("mcp", "import", str(path))
    assert proc.returncode == 2
    lines = proc.stderr.strip().splitlines()
    assert len(lines) == 1 and lines[0].startswith("fireside: error: ") and message in lines[0]


def test_a_damaged_mcp_json_is_reported_and_chat_tools_still_work(fireside_home):
    config = fireside_home / "config"
    config.mkdir(parents=True)
    (config / "mcp.json").write_text("{broken")
    listed = fireside("mcp", "list")
    assert listed.returncode == 2 and "mcp.json: not valid JSON" in listed.stderr
    no_traceback(listed)
    calc = fireside("tools", "run", "calculator", '{"expression": "2+2"}')
    assert (calc.returncode, calc.stdout) == (0, "4\n")


def test_usage_errors(fireside_home):
    both = fireside("mcp", "add", "x", "--url", "http://h/mcp", "--", "cmd")
    assert both.returncode == 2 and "either a command after --" in both.stderr
    bad_name = fireside("mcp", "add", "no spaces please", "--", "cmd")
    assert bad_name.returncode == 2 and "server name" in bad_name.stderr
    missing = fireside("mcp", "remove", "nothing")
    assert missing.returncode == 2 and "no MCP server named 'nothing'" in missing.stderr
    dup = fireside("mcp", "add", "a", "--no-check", "--", "cmd")
    assert dup.returncode == 0
    again = fireside("mcp", "add", "a", "--no-check", "--", "cmd")
    assert again.returncode == 2 and "already exists" in again.stderr
