"""The MCP client against real servers started over stdio and HTTP on 127.0.0.1."""

from __future__ import annotations

import json
import logging
import os
import signal
import threading
import time

import pytest
from fireside.assistant.mcp.config import ServerConfig
from fireside.plugins.tools import run_tool

from tests.mcp.conftest import everything_server, garbage_server, time_server
from tests.mcp.http_server import HttpMcpServer

pytestmark = pytest.mark.timeout(180)


def by_name(tools):
    return {t.name: t for t in tools}


def test_time_server_lists_and_calls_tools(manager):
    m = manager(time_server())
    (status,) = m.statuses(start=True)
    assert (status.state, status.error, status.server_name) == ("running", None, "mcp-time")
    tools = by_name(m.tools())
    assert set(tools) == {"get_current_time", "convert_time"}
    tool = tools["get_current_time"]
    assert tool.origin == "mcp:time" and tool.needs_approval
    assert tool.parameters["required"] == ["timezone"]
    outcome = run_tool(tool, {"timezone": "Asia/Tokyo"})
    assert not outcome.is_error, outcome.output
    data = json.loads(outcome.output)
    assert data["timezone"] == "Asia/Tokyo" and data["datetime"].endswith("+09:00")
    # A tool error from the server is an error outcome with the server's words.
    bad = run_tool(tool, {"timezone": "Nowhere/Atlantis"})
    assert bad.is_error and "Invalid timezone" in bad.output
    # Arguments are checked against the server's schema before anything is sent.
    missing = run_tool(tool, {})
    assert missing.is_error and "missing required argument 'timezone'" in missing.output


def test_everything_server_calls_content_kinds_and_timeout(manager, everything_bin):
    m = manager(everything_server(everything_bin, timeout_s=1.5))
    tools = by_name(m.tools())
    assert {"echo", "get-sum", "trigger-long-running-operation"} <= set(tools)
    assert run_tool(tools["echo"], {"message": "hi"}).output == "Echo: hi"
    assert "3" in run_tool(tools["get-sum"], {"a": 1, "b": 2}).output
    image = run_tool(tools["get-tiny-image"], {}).output
    assert "[image (image/png) not shown]" in image
    # A call that runs past the server's timeout fails in time, and the server goes on.
    start = time.monotonic()
    slow = run_tool(tools["trigger-long-running-operation"], {"duration": 10, "steps": 5})
    assert slow.is_error and "timed out after 1.5 s" in slow.output
    assert time.monotonic() - start < 6
    assert run_tool(tools["echo"], {"message": "still here"}).output == "Echo: still here"
    # An unknown tool name is the server's error, as one line.
    with pytest.raises(Exception, match="no-such-tool not found"):
        m.call("everything", "no-such-tool", {})


def test_a_server_killed_mid_call_is_reported_and_restarted(manager, everything_bin, tmp_path):
    pidfile = tmp_path / "pid"
    wrapper = ServerConfig(
        "everything",
        command="sh",
        args=["-c", f'echo $$ > "{pidfile}"; exec "{everything_bin}" stdio'],
    )
    m = manager(wrapper)
    tools = by_name(m.tools())
    first_pid = int(pidfile.read_text())
    box = {}
    worker = threading.Thread(
        target=lambda: box.update(
            out=run_tool(tools["trigger-long-running-operation"], {"duration": 20, "steps": 4})
        )
    )
    worker.start()
    time.sleep(1.5)
    os.kill(first_pid, signal.SIGKILL)
    worker.join(20)
    outcome = box["out"]
    assert outcome.is_error and "stopped during the call" in outcome.output
    # Restarted after the first backoff step (1 s): a new process answers.
    deadline = time.monotonic() + 20
    while time.monotonic() < deadline:
        status = m.status("everything")
        if status.state == "running" and int(pidfile.read_text()) != first_pid:
            break
        time.sleep(0.2)
    assert status.state == "running" and status.restarts >= 1
    assert run_tool(tools["echo"], {"message": "back"}).output == "Echo: back"


def test_garbage_and_missing_servers_are_reported_and_the_rest_goes_on(manager):
    m = manager(
        garbage_server(),
        ServerConfig("missing", command="/nonexistent/mcp-server"),
        time_server(),
        startup_timeout_s=10,
    )
    statuses = {s.name: s for s in m.statuses(start=True)}
    assert statuses["time"].state == "running"
    garbage = statuses["garbage"]
    assert garbage.state == "failed"
    assert "no answer to the MCP handshake within 10 s" in garbage.error
    assert "not MCP JSON-RPC" in garbage.error and "hello, I am not JSON-RPC" in garbage.error
    assert statuses["missing"].state == "failed"
    assert statuses["missing"].error == "command not found: /nonexistent/mcp-server"
    assert {t.origin for t in m.tools()} == {"mcp:time"}
    with pytest.raises(Exception, match="MCP server 'missing' is not running: command not found"):
        m.call("missing", "anything", {}, timeout_s=2)


def test_a_server_that_exits_at_start_says_why(manager):
    dies = ServerConfig(
        "dies",
        command="python3",
        args=[
            "-c",
            "import sys; print('API key missing: set NOTES_KEY', file=sys.stderr); sys.exit(3)",
        ],
    )
    (status,) = manager(dies, startup_timeout_s=5).statuses(start=True)
    assert status.state == "failed"
    assert "API key missing: set NOTES_KEY" in status.error


def test_server_stderr_goes_to_the_log(manager, everything_bin, caplog):
    caplog.set_level(logging.INFO, logger="fireside.assistant.mcp")
    m = manager(everything_server(everything_bin))
    m.tools()
    deadline = time.monotonic() + 5
    while time.monotonic() < deadline and "[everything stderr]" not in caplog.text:
        time.sleep(0.05)
    assert "[everything stderr] Starting default (STDIO) server" in caplog.text


def test_environment_from_the_config_reaches_the_server(manager, everything_bin):
    m = manager(everything_server(everything_bin, env={"FIRESIDE_TEST_TOKEN": "s3cret"}))
    env = run_tool(by_name(m.tools())["get-env"], {})
    assert not env.is_error and "s3cret" in env.output


def test_streamable_http_server_with_headers_and_truncated_results(manager):
    server = HttpMcpServer().start()
    try:
        m = manager(
            ServerConfig("notes", url=server.url, headers={"Authorization": "Bearer t0ken"})
        )
        (status,) = m.statuses(start=True)
        assert (status.state, status.transport, status.server_name) == ("running", "http", "notes")
        tools = by_name(m.tools())
        assert set(tools) == {"word_count", "long_report"}
        assert run_tool(tools["word_count"], {"text": "one two three"}).output == "3 words"
        assert any(h.get("authorization") == "Bearer t0ken" for h in server.headers)
        long = run_tool(tools["long_report"], {"lines": 2000}).output
        assert long.startswith("line 0: all systems nominal")
        assert long.endswith("characters]") and "[output truncated: showing 3900 of" in long
        assert len(long) < 4100
    finally:
        server.stop()


def test_unreachable_http_server_is_one_line(manager):
    m = manager(ServerConfig("gone", url="http://127.0.0.1:9/mcp"), startup_timeout_s=5)
    (status,) = m.statuses(start=True)
    assert status.state == "failed" and "\n" not in status.error
    assert "connect" in status.error.lower()


def test_servers_start_lazily_and_stop_on_close(manager, tmp_path, everything_bin):
    pidfile = tmp_path / "pid"
    m = manager(
        ServerConfig(
            "lazy",
            command="sh",
            args=["-c", f'echo $$ > "{pidfile}"; exec "{everything_bin}" stdio'],
        )
    )
    (status,) = m.statuses()
    assert status.state == "stopped" and not pidfile.exists()
    m.tools()
    pid = int(pidfile.read_text())
    os.kill(pid, 0)  # running
    m.close()
    with pytest.raises(ProcessLookupError):
        for _ in range(50):
            os.kill(pid, 0)
            time.sleep(0.1)


def test_disabled_servers_do_not_start(manager):
    m = manager(time_server(enabled=False))
    (status,) = m.statuses(start=True)
    assert status.state == "disabled" and m.tools() == []
    with pytest.raises(Exception, match="disabled"):
        m.call("time", "get_current_time", {"timezone": "UTC"})
