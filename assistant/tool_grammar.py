"""GBNF grammars that make a model's tool call well-formed by construction.

The call part is built from the tools' own JSON schemas (llama.cpp's converter), so a tiny
model cannot name a tool that does not exist, misspell an argument or emit broken JSON.
Three shapes: *choice* (a call or free text that does not start like a call), *call* (a call
is required) and *text* (calls are used up: answer in words).
"""

from __future__ import annotations

import re
from collections.abc import Iterable
from typing import Protocol

from fireside.assistant.json_grammar import schema_grammar
from fireside.assistant.schema_limits import SchemaCheck


class Offered(Protocol):
    """What a grammar needs of a tool: its name and its parameters' JSON schema."""

    name: str
    parameters: dict


# Free text may not begin like a call; after the first character anything goes.
_FIRST_CHAR = {"prompt": r"[^{ \t\r\n]", "llama3": r"[^{\[< \t\r\n]"}
_DEFAULT_FIRST = r"[^{\[< \t\r\n]"
_KEYS = {"prompt": ("tool", "arguments"), "llama3": ("name", "parameters")}
_DEFAULT_KEYS = ("name", "arguments")


def _call_schema(tools: Iterable[Offered], fmt: str) -> tuple[dict, list[str]]:
    name_key, args_key = _KEYS.get(fmt, _DEFAULT_KEYS)
    alternatives = [
        {
            "type": "object",
            "properties": {name_key: {"const": t.name}, args_key: t.parameters},
            "required": [name_key, args_key],
            "additionalProperties": False,
        }
        for t in tools
    ]
    return {"anyOf": alternatives}, [name_key, args_key]


def _call_rules(tools: Iterable[Offered], fmt: str) -> str:
    """Rules whose ``tool-call`` symbol is one call object in ``fmt``'s JSON shape.

    Every tool's schema is checked against ``schema_limits`` first (an MCP server's or a
    caller's schema is someone else's input): ``RequestError`` when one is out of bounds.
    """
    tools = list(tools)
    check = SchemaCheck("tools")
    for tool in tools:
        check.check(tool.parameters, f"{tool.name}.parameters")
    schema, order = _call_schema(tools, fmt)
    if not schema["anyOf"]:
        raise ValueError("no tools to build a call grammar from")
    rules = schema_grammar(schema, order)
    rules = re.sub(r"^root ::=", "call-object ::=", rules, flags=re.M)
    if fmt == "hermes":
        wrapper = 'tool-call ::= "<tool_call>" "\\n"? call-object "\\n"? "</tool_call>"'
    elif fmt == "mistral":
        wrapper = 'tool-call ::= "[TOOL_CALLS]" " "? "[" call-object "]"'
    else:
        wrapper = "tool-call ::= call-object"
    return f"{rules}\n{wrapper}\n"


def text_rule(fmt: str) -> str:
    return f"free-text ::= {_FIRST_CHAR.get(fmt, _DEFAULT_FIRST)} .*\n"


def call_grammar(tools: Iterable[Offered], fmt: str = "prompt") -> str:
    """Output must be exactly one tool call."""
    return _call_rules(tools, fmt) + "root ::= tool-call\n"


def choice_grammar(tools: Iterable[Offered], fmt: str = "prompt") -> str:
    """Output is one tool call, or text that does not start like one."""
    return _call_rules(tools, fmt) + text_rule(fmt) + "root ::= tool-call | free-text\n"


def text_grammar(fmt: str = "prompt") -> str:
    """Output is text that does not start like a tool call."""
    return text_rule(fmt) + "root ::= free-text\n"
