"""Tools typed in the chat box: parsed into calls, run directly, handed to the model."""

from __future__ import annotations

import pytest
from fireside.assistant.events import ToolCall, ToolResult
from fireside.assistant.slash_commands import (
    SlashCommand,
    SlashCommandError,
    parse_slash_command,
    run_slash_command,
)
from fireside.plugins.builtin.calculator import calculator
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool


def echo(text: str) -> str:
    """Echo text."""
    return text


def pair(a: int, b: int) -> int:
    """Add two numbers."""
    return a + b


@pytest.fixture
def registry():
    return ToolRegistry(
        [Tool.from_function(calculator), Tool.from_function(echo), Tool.from_function(pair)]
    )


@pytest.mark.parametrize(
    "text, tool, arguments",
    [
        ("/calc 12*(3+4)", "calculator", {"expression": "12*(3+4)"}),
        ("  /calc   2 + 2  ", "calculator", {"expression": "2 + 2"}),
        ("/weather Oslo", "weather", {"place": "Oslo"}),
        ("/weather New York City", "weather", {"place": "New York City"}),
        ('/tool calculator {"expression": "1+1"}', "calculator", {"expression": "1+1"}),
        ("/tool echo", "echo", {}),
    ],
)
def test_parse(text, tool, arguments):
    command = parse_slash_command(text)
    assert (command.tool, command.arguments) == (tool, arguments)


@pytest.mark.parametrize(
    "text", ["hello", "/usr/bin is a folder", "/unknown thing", "a /calc 1", ""]
)
def test_not_a_command(text):
    assert parse_slash_command(text) is None


@pytest.mark.parametrize(
    "text, message",
    [
        ("/calc", "usage: /calc"),
        ("/tool", "usage: /tool"),
        ("/tool calculator {oops", "invalid JSON"),
        ("/tool calculator [1]", "must be a JSON object"),
    ],
)
def test_malformed_commands_say_how_to_fix_them(text, message):
    with pytest.raises(SlashCommandError, match=message):
        parse_slash_command(text)


def test_any_registered_tool_can_be_called_by_name(registry):
    assert parse_slash_command("/echo hi there", registry).arguments == {"text": "hi there"}
    assert parse_slash_command('/pair {"a": 1, "b": 2}', registry).arguments == {"a": 1, "b": 2}
    with pytest.raises(SlashCommandError, match="several arguments"):
        parse_slash_command("/pair 1 2", registry)


def test_running_gives_the_model_a_context_line(registry):
    result = run_slash_command(parse_slash_command("/calc 12*(3+4)"), registry)
    assert result.context == "Result of calculator(12*(3+4)): 84"
    assert not result.outcome.is_error
    call, res = result.events()
    assert isinstance(call, ToolCall) and isinstance(res, ToolResult)
    assert call.call_id == res.call_id and res.output == "84"


def test_errors_are_context_too(registry):
    result = run_slash_command(parse_slash_command("/calc 1/0"), registry)
    assert result.outcome.is_error
    assert result.context == "Error from calculator(1/0): division by zero"
    unknown = run_slash_command(
        SlashCommand("weather", {"place": "Oslo"}, "/weather Oslo"), registry
    )
    assert unknown.outcome.is_error and "unknown tool 'weather'" in unknown.context
    multi = run_slash_command(parse_slash_command('/pair {"a": 1, "b": 2}', registry), registry)
    assert multi.context == 'Result of pair({"a": 1, "b": 2}): 3'


def test_tool_arguments_may_start_on_the_next_line():
    command = parse_slash_command('/tool calculator\n{"expression": "3*3"}')
    assert (command.tool, command.arguments) == ("calculator", {"expression": "3*3"})
