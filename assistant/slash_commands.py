"""Tools the user calls by hand in the chat box: ``/calc 12*(3+4)``, ``/weather Oslo``,
``/tool NAME {"arg": ...}``.

The engine runs the tool directly (the user typed it, so that is the approval) and gives the
model the result as context, e.g. ``Result of calculator(12*(3+4)): 84``, so a small model
can phrase an answer around a number it could never compute. Any tool can also be called as
``/NAME text`` (the text fills its one required parameter) or ``/NAME {json}``.
"""

from __future__ import annotations

import json
import re
import uuid
from dataclasses import dataclass, field

from fireside.assistant.events import ToolCall, ToolResult
from fireside.plugins.registry import ToolRegistry, UnknownToolError
from fireside.plugins.tools import Tool, ToolOutcome, run_tool

from fireside.errors import ToolError

# Short names for built-in tools: command -> (tool name, the parameter the text fills)
ALIASES: dict[str, tuple[str, str]] = {
    "calc": ("calculator", "expression"),
    "calculator": ("calculator", "expression"),
    "weather": ("weather", "place"),
}
_COMMAND = re.compile(r"^/([A-Za-z_][A-Za-z0-9_-]*)(?:\s+(.*))?$", re.S)


class SlashCommandError(ToolError, ValueError):
    """A slash command that cannot be run as typed; the message says how to fix it."""


@dataclass
class SlashCommand:
    tool: str
    arguments: dict
    text: str  # what the user typed


@dataclass
class SlashResult:
    command: SlashCommand
    outcome: ToolOutcome
    context: str  # the line to give the model
    call_id: str = field(default_factory=lambda: f"call_{uuid.uuid4().hex[:12]}")

    def events(self) -> list[ToolCall | ToolResult]:
        """The same events a model-proposed call produces, for the UI and history."""
        o = self.outcome
        return [
            ToolCall(self.call_id, self.command.tool, dict(self.command.arguments), "user"),
            ToolResult(self.call_id, self.command.tool, o.output, o.is_error, o.duration_s),
        ]


def _json_object(text: str, where: str) -> dict:
    try:
        value = json.loads(text)
    except ValueError as exc:
        raise SlashCommandError(f"{where}: invalid JSON arguments ({exc.msg})") from None
    if not isinstance(value, dict):
        raise SlashCommandError(f'{where}: arguments must be a JSON object like {{"x": 1}}')
    return value


def _text_parameter(tool: Tool) -> str:
    required = tool.parameters.get("required", [])
    names = required or list(tool.parameters.get("properties", {}))
    if len(names) != 1:
        raise SlashCommandError(
            f'/{tool.name} takes several arguments; write /{tool.name} {{"name": value, ...}}'
        )
    return names[0]


def parse_slash_command(text: str, registry: ToolRegistry | None = None) -> SlashCommand | None:
    """The tool call a chat message asks for, or None when it is not a tool command.

    ``/calc``, ``/weather`` and ``/tool`` are always commands; ``/NAME`` is one when
    ``registry`` has a tool ``NAME``. Other text (including ``/usr/bin`` paths) is None.
    Raises ``SlashCommandError`` for a command that is recognised but malformed.
    """
    match = _COMMAND.match(text.strip())
    if not match:
        return None
    word, rest = match.group(1), (match.group(2) or "").strip()
    if word == "tool":
        name, _, raw = re.sub(r"\s", " ", rest, count=1).partition(" ")
        if not name:
            raise SlashCommandError('usage: /tool NAME {"argument": value}')
        args = _json_object(raw.strip(), f"/tool {name}") if raw.strip() else {}
        return SlashCommand(name, args, text)
    if word in ALIASES:
        tool_name, param = ALIASES[word]
        if not rest:
            raise SlashCommandError(f"usage: /{word} {param.upper()}")
        return SlashCommand(tool_name, {param: rest}, text)
    if registry is not None and word in registry:
        tool = registry.get(word)
        if rest.startswith("{"):
            return SlashCommand(word, _json_object(rest, f"/{word}"), text)
        return SlashCommand(word, {_text_parameter(tool): rest} if rest else {}, text)
    return None


def describe_call(name: str, arguments: dict) -> str:
    """``calculator(12*(3+4))`` for one argument, ``tool({"a": 1, "b": 2})`` otherwise."""
    if len(arguments) == 1:
        (value,) = arguments.values()
        return f"{name}({value})"
    return f"{name}({json.dumps(arguments, ensure_ascii=False)})"


def run_slash_command(command: SlashCommand, registry: ToolRegistry) -> SlashResult:
    """Run the command's tool (no approval prompt: the user asked for it by typing it)."""
    try:
        outcome = run_tool(registry.get(command.tool), command.arguments)
    except UnknownToolError as exc:
        outcome = ToolOutcome(str(exc), True, 0.0)
    call = describe_call(command.tool, command.arguments)
    label = "Error from" if outcome.is_error else "Result of"
    return SlashResult(command, outcome, f"{label} {call}: {outcome.output}")
