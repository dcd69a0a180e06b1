"""A server that failed to start is remembered for a while, across commands, so listing tools
does not wait for it again; a fixed or restarted server is tried at once.

Real servers: one that never answers the handshake, one that exits at start, and
``mcp-server-time``; each ``McpManager`` below is what one command builds.
"""

from __future__ import annotations

import json
import sys
import time

import pytest
from fireside.assistant.mcp.config import McpConfig, ServerConfig
from fireside.assistant.mcp.failures import FAILURES_NAME, FailureMemory
from fireside.assistant.mcp.manager import McpManager

from tests.mcp.conftest import time_server
from tests.mcp.test_mcp_cli import fireside

pytestmark = pytest.mark.timeout(180)

HANGS = ServerConfig("hangs", command=sys.executable, args=["-c", "import time; time.sleep(600)"])


def counting_server(name: str, starts) -> ServerConfig:
    """A server that writes a line to ``starts`` each time it is started, then exits."""
    code = f"open({str(starts)!r}, 'a').write('started\\n'); raise SystemExit(3)"
    return ServerConfig(name, command=sys.executable, args=["-c", code])


def command(config: McpConfig, memory: FailureMemory) -> McpManager:
    return McpManager(config, startup_timeout_s=10, failures=memory)


def test_a_hung_server_is_waited_for_once_then_remembered(fireside_home):
    config = McpConfig(fireside_home / "config" / "mcp.json")
    config.put(HANGS)
    config.put(time_server())
    memory = FailureMemory(fireside_home / "cache" / FAILURES_NAME)
    first = command(config, memory)
    try:
        statuses = {s.name: s for s in first.statuses(start=True)}
    finally:
        first.close()
    assert statuses["hangs"].state != "running" and statuses["time"].state == "running"
    assert memory.recent(HANGS) is not None
    stored = (fireside_home / "cache" / FAILURES_NAME).read_text()
    assert "sleep" not in stored  # a digest of the configuration, not the configuration

    second = command(config, memory)
    try:
        tools = second.tools()  # the next command: the other server's tools, no waiting
        statuses = {s.name: s for s in second.statuses()}
    finally:
        second.close()
    assert {t.origin for t in tools} == {"mcp:time"}
    assert statuses["hangs"].state == "failed"
    assert "fireside mcp restart hangs" in statuses["hangs"].error


def test_memory_ends_with_time_a_changed_configuration_or_a_success(tmp_path):
    memory = FailureMemory(tmp_path / FAILURES_NAME, hold_s=60)
    memory.remember(HANGS, "no answer")
    assert memory.recent(HANGS)[0] == "no answer"
    changed = ServerConfig(HANGS.name, command=HANGS.command, args=[*HANGS.args, "-v"])
    assert memory.recent(changed) is None
    data = json.loads((tmp_path / FAILURES_NAME).read_text())
    data["hangs"]["at"] = time.time() - 61
    (tmp_path / FAILURES_NAME).write_text(json.dumps(data))
    assert memory.recent(HANGS) is None
    memory.remember(HANGS, "again")
    memory.forget("hangs")
    assert memory.recent(HANGS) is None
    (tmp_path / FAILURES_NAME).write_text("{damaged")
    assert memory.recent(HANGS) is None  # a damaged file only costs the memory


def test_commands_skip_a_failing_server_until_it_is_restarted(fireside_home, tmp_path):
    starts = tmp_path / "starts.txt"
    server = counting_server("flaky", starts)
    added = fireside("mcp", "add", "flaky", "--no-check", "--", server.command, *server.args)
    assert added.returncode == 0, added.stderr
    listed = fireside("mcp", "list")
    assert "flaky  failed" in listed.stdout
    tried = starts.read_text().count("started")
    assert tried >= 1
    again = fireside("mcp", "list")
    assert "fireside mcp restart flaky" in again.stdout
    tools = fireside("tools", "list")
    assert tools.returncode == 0 and "Traceback" not in tools.stderr
    assert starts.read_text().count("started") == tried  # remembered: not started again
    restarted = fireside("mcp", "restart", "flaky")
    assert restarted.returncode == 2 and "flaky did not start" in restarted.stderr
    assert starts.read_text().count("started") > tried
