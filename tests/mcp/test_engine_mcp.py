"""MCP tools in a chat turn: offered beside plugin tools, approved like them, stored alike."""

from __future__ import annotations

import json

import pytest
from fireside.assistant.events import ToolCall, ToolResult, TurnDone
from fireside.assistant.turn_request import ToolPolicy

from tests.desktop.fakes import scripted_app
from tests.mcp.conftest import time_server
from tests.scripted_backend import ScriptedBackend
from tests.turns import send

CALL = '{"tool": "get_current_time", "arguments": {"timezone": "Asia/Tokyo"}}'


@pytest.fixture
def app(fireside_home):
    a = scripted_app()
    a.mcp.config.save([time_server()])
    yield a
    a.close()


def scripted(app, *replies: str) -> ScriptedBackend:
    queue = list(replies)
    backend = ScriptedBackend(reply_for=lambda messages: queue.pop(0) if queue else "Done.")
    app.models.get = lambda *args, **kwargs: backend
    return backend


def turn(app, approve, text="What time is it in Tokyo?"):
    tools = ToolPolicy(approve=approve, offer=True)
    events = list(send(app.engine, text, tools=tools))
    done = events[-1]
    assert isinstance(done, TurnDone), events
    return events, app.history.get_message(done.message_id)


def test_the_model_calls_an_mcp_tool_after_the_user_approves(app):
    backend = scripted(app, CALL, "It is morning in Tokyo.")
    asked = []
    events, stored = turn(
        app, lambda tool, args: asked.append((tool.name, tool.source, args)) or True
    )
    assert asked == [("get_current_time", "mcp:time", {"timezone": "Asia/Tokyo"})]
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert not result.is_error and json.loads(result.output)["timezone"] == "Asia/Tokyo"
    assert stored.tool_calls[0]["name"] == "get_current_time"
    assert stored.content == "It is morning in Tokyo."
    system = backend.calls[0][0]["content"]
    assert "- get_current_time: Get current time in a specific timezone" in system
    assert "- calculator:" in system  # plugin tools beside MCP tools


def test_a_refusal_is_an_error_result_and_nothing_runs(app):
    scripted(app, CALL, "I could not check.")
    events, stored = turn(app, lambda tool, args: False)
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert result.is_error and result.output == "the user declined to run get_current_time"


def test_always_allowed_mcp_tools_run_without_asking(app):
    app.settings_store.set("chat.always_allowed_tools", ["get_current_time"])
    scripted(app, CALL, "Morning.")
    events, _ = turn(app, lambda tool, args: pytest.fail("must not ask"))
    (call,) = [e for e in events if isinstance(e, ToolCall)]
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert call.name == "get_current_time" and not result.is_error


def test_mcp_servers_do_not_start_for_a_turn_without_tools(app):
    scripted(app, "Hello!")
    listed: list = []
    tools_of = app.mcp.tools
    app.mcp.tools = lambda: listed.append(1) or tools_of()
    tools = ToolPolicy(offer=None)  # the small scripted model: no tools offered
    list(send(app.engine, "Hello", tools=tools))
    assert listed == []  # the MCP tools were never listed
    assert app.mcp.statuses()[0].state == "stopped"
