"""How tools are described to a model, and how its tool calls are read back.

Models trained for tool use expect their own call syntax; the chat template shows which:

* ``hermes`` (Qwen 2.5/3, Hermes): ``<tool_call>{"name": ..., "arguments": {...}}</tool_call>``
* ``llama3`` (Llama 3.1+): ``<|python_tag|>`` and/or ``{"name": ..., "parameters": {...}}``
* ``mistral``: ``[TOOL_CALLS] [{"name": ..., "arguments": {...}}]``
* ``prompt`` (everything else, e.g. the bundled SmolLM2): the system prompt teaches
  ``{"tool": NAME, "arguments": {...}}``, and a grammar makes sure the call parses.
* ``native`` (a remote server that takes OpenAI ``tools``): the tools go with the request,
  not in the prompt; the backend hands calls back as ``<tool_call>`` text, and each result
  goes back as a ``tool`` message answering its call.

Templates render only role/content messages here, so tools are described in the system
message in the family's own words, and results go back as a ``user`` message, which every
template can render and which keeps user/assistant turns alternating. The parser accepts
all of the formats whatever was asked for; models drift between them.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

from fireside.plugins.tools import Tool

FORMATS = ("prompt", "hermes", "llama3", "mistral")  # call syntaxes taught in the prompt
NATIVE = "native"  # the server takes OpenAI `tools` itself
RESULT_ROLE = "user"
_HERMES_CALL = re.compile(r"<tool_call>\s*(.*?)\s*(?:</tool_call>|$)", re.S)


@dataclass
class ProposedCall:
    name: str
    arguments: dict


class ToolCallParseError(ValueError):
    """The model started a tool call but what it wrote does not parse."""


def _signature(tool: Tool) -> dict:
    return {"name": tool.name, "description": tool.description, "parameters": tool.parameters}


def openai_tools(tools: Iterable[Tool]) -> list[dict]:
    """The tools as OpenAI function schemas, for a backend that takes them natively."""
    return [{"type": "function", "function": _signature(t)} for t in tools]


def tools_system_prompt(tools: Iterable[Tool], fmt: str = "prompt") -> str:
    """The instructions that list the tools and the call syntax for ``fmt``."""
    tools = list(tools)
    if fmt == NATIVE:
        return ""  # the server puts the tools into the prompt in its model's own words
    if fmt == "hermes":
        sigs = "\n".join(json.dumps({"type": "function", "function": _signature(t)}) for t in tools)
        return (
            "# Tools\n\nYou may call one or more functions to assist with the user query.\n\n"
            "You are provided with function signatures within <tools></tools> XML tags:\n"
            f"<tools>\n{sigs}\n</tools>\n\n"
            "For each function call, return a json object with function name and arguments "
            "within <tool_call></tool_call> XML tags:\n<tool_call>\n"
            '{"name": <function-name>, "arguments": <args-json-object>}\n</tool_call>'
        )
    if fmt == "llama3":
        sigs = "\n\n".join(
            json.dumps({"type": "function", "function": _signature(t)}) for t in tools
        )
        return (
            "Given the following functions, respond with a JSON for a function call with its "
            "proper arguments when a function helps answer the prompt; otherwise answer "
            'normally.\n\nRespond in the format {"name": function name, "parameters": '
            "dictionary of argument name and its value}. Do not use variables.\n\n" + sigs
        )
    if fmt == "mistral":
        sigs = json.dumps([{"type": "function", "function": _signature(t)} for t in tools])
        return (
            f"[AVAILABLE_TOOLS] {sigs} [/AVAILABLE_TOOLS]\nTo call tools, reply with "
            '[TOOL_CALLS] [{"name": <name>, "arguments": <args-json-object>}]; otherwise '
            "answer normally."
        )
    lines = ["You can use these tools:"]
    for tool in tools:
        schema = json.dumps(tool.parameters, separators=(",", ":"))
        lines.append(f"- {tool.name}: {tool.description} Arguments (JSON schema): {schema}")
    lines.append(
        'To use a tool, reply with only a JSON object: {"tool": "<name>", "arguments": {...}}. '
        "Otherwise reply to the user in plain text. After a tool runs you get its result; "
        "then answer the user."
    )
    return "\n".join(lines)


def with_tools_prompt(messages: list[dict], tools: Iterable[Tool], fmt: str) -> list[dict]:
    """A copy of ``messages`` whose system message also describes the tools."""
    text = tools_system_prompt(tools, fmt)
    out = [dict(m) for m in messages]
    if not text:
        return out
    if out and out[0].get("role") == "system":
        out[0]["content"] = f"{out[0]['content']}\n\n{text}".strip()
    else:
        out.insert(0, {"role": "system", "content": text})
    return out


def result_message(fmt: str, name: str, output: str, is_error: bool) -> dict:
    """The message that hands a tool's result back to the model."""
    if fmt == "hermes":
        body = f"Error: {output}" if is_error else output
        return {"role": RESULT_ROLE, "content": f"<tool_response>\n{body}\n</tool_response>"}
    if fmt == NATIVE:  # a tool message already says which call it answers
        return {"role": "tool", "content": f"Error: {output}" if is_error else output}
    label = "Tool error from" if is_error else "Tool result for"
    return {"role": RESULT_ROLE, "content": f"{label} {name}: {output}"}


def results_messages(fmt: str, replies: list[tuple[str, str]]) -> list[dict]:
    """The messages after a step's calls: one ``tool`` message per call for ``native``,
    else the step's results joined into one message (``replies``: call id, text)."""
    if fmt == NATIVE:
        return [{"role": "tool", "tool_call_id": cid, "content": text} for cid, text in replies]
    return [{"role": RESULT_ROLE, "content": "\n\n".join(text for _, text in replies)}]


def _call_from(obj: Any) -> ProposedCall:
    if not isinstance(obj, dict):
        raise ToolCallParseError("a tool call must be a JSON object")
    name = obj.get("tool", obj.get("name"))
    args = obj.get("arguments", obj.get("parameters", {}))
    if isinstance(args, str):
        try:
            args = json.loads(args) if args.strip() else {}
        except ValueError:
            raise ToolCallParseError("the arguments are not valid JSON") from None
    if not isinstance(name, str) or not name:
        raise ToolCallParseError("the tool call has no tool name")
    if not isinstance(args, dict):
        raise ToolCallParseError("the arguments must be a JSON object")
    return ProposedCall(name, args or {})


def _decode(text: str) -> Any:
    try:
        return json.JSONDecoder().raw_decode(text.strip())[0]
    except ValueError as exc:
        raise ToolCallParseError(f"the tool call is not valid JSON ({exc.msg})") from None


def parse_tool_calls(text: str) -> tuple[str, list[ProposedCall]] | None:
    """``(text before the calls, calls)`` when ``text`` is a tool call, else None.

    Raises ``ToolCallParseError`` when the text clearly starts a call that does not parse
    (an empty call list included, so a caller always makes progress).
    """
    parsed = _parse(text)
    if parsed is not None and not parsed[1]:
        raise ToolCallParseError("the reply started a tool call but contains none")
    return parsed


def _parse(text: str) -> tuple[str, list[ProposedCall]] | None:
    stripped = text.strip()
    if "<tool_call>" in stripped:
        before = stripped.split("<tool_call>", 1)[0].strip()
        return before, [_call_from(_decode(body)) for body in _HERMES_CALL.findall(stripped)]
    for marker in ("<|python_tag|>", "[TOOL_CALLS]"):
        if stripped.startswith(marker):
            body = stripped[len(marker) :].strip()
            if marker == "<|python_tag|>" and ";" in body and not body.startswith("["):
                return "", [_call_from(_decode(part)) for part in body.split(";") if part.strip()]
            obj = _decode(body)
            return "", [_call_from(o) for o in (obj if isinstance(obj, list) else [obj])]
    if stripped.startswith("{"):
        looks_like_call = re.match(r'\{\s*"(tool|name)"', stripped) is not None
        try:
            obj = _decode(stripped)
            return "", [_call_from(obj)]
        except ToolCallParseError:
            if looks_like_call:
                raise
            return None
    if stripped.startswith("["):
        try:
            obj = _decode(stripped)
            if isinstance(obj, list) and obj:
                return "", [_call_from(o) for o in obj]
        except ToolCallParseError:
            pass
    return None
