"""Tool calls as compact Markdown for the transcript.

One line per call when it fits (``⚙ **calculator**(`17*23`) → `391` · 0.01 s``), a fenced
block when the output has several lines. Outputs are cut so a chatty tool cannot flood the
conversation; the full text still went to the model.
"""

from __future__ import annotations

import json
import re
from collections.abc import Mapping
from typing import Any

from fireside.assistant.events import ToolCall, ToolResult
from PySide6.QtCore import QCoreApplication

MAX_INLINE_CHARS = 120
MAX_ARGUMENT_CHARS = 80
MAX_BLOCK_CHARS = 1500
MAX_DETAIL_CHARS = 20_000  # "show tool details": the whole result unless it is huge
TOOL_ICON = "⚙"  # in DejaVu Sans; emoji fonts are often missing on Linux
ERROR_ICON = "⚠"


def _code(text: str) -> str:
    """Inline code that survives backticks inside ``text``."""
    longest = max((len(run) for run in re.findall(r"`+", text)), default=0)
    fence = "`" * (longest + 1)
    pad = " " if text.startswith("`") or text.endswith("`") else ""
    return f"{fence}{pad}{text}{pad}{fence}"


def _value(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, ensure_ascii=False)


def format_arguments(arguments: Mapping[str, Any] | None) -> str:
    """A single argument shows only its value (``17*23``); several show ``name=value``."""
    if not arguments:
        return ""
    if len(arguments) == 1:
        return _value(next(iter(arguments.values())))
    return ", ".join(f"{k}={_value(v)}" for k, v in arguments.items())


def truncate(text: str, limit: int) -> str:
    if len(text) <= limit:
        return text
    note = QCoreApplication.translate("ToolCallText", "… (cut; {count} characters in all)")
    return text[:limit].rstrip() + note.format(count=len(text))


def format_duration(seconds: float) -> str:
    return f"{seconds:.2f} s" if seconds < 10 else f"{seconds:.0f} s"


def format_tool_call(
    name: str,
    arguments: Mapping[str, Any] | None,
    output: str,
    is_error: bool = False,
    duration_s: float = 0.0,
) -> str:
    """Markdown for one finished call; errors start with ⚠ and say "error"."""
    args = format_arguments(arguments)
    if len(args) > MAX_ARGUMENT_CHARS:
        args = args[:MAX_ARGUMENT_CHARS].rstrip() + "…"
    head = f"{ERROR_ICON if is_error else TOOL_ICON} **{name}**({_code(args) if args else ''})"
    tail = f" · {format_duration(duration_s)}"
    output = output.strip()
    if "\n" not in output and len(output) <= MAX_INLINE_CHARS:
        shown = (
            _code(output) if output else QCoreApplication.translate("ToolCallText", "*(no output)*")
        )
        label = QCoreApplication.translate("ToolCallText", "error: ") if is_error else ""
        return f"{head} → {label}{shown}{tail}"
    body = truncate(output, MAX_BLOCK_CHARS)
    word = (
        QCoreApplication.translate("ToolCallText", "error")
        if is_error
        else QCoreApplication.translate("ToolCallText", "output")
    )
    return f"{head} → {word}{tail}\n{_fenced(body, 'text')}"


def _fenced(text: str, info: str) -> str:
    longest = max((len(run) for run in re.findall(r"`{3,}", text)), default=2)
    fence = "`" * (longest + 1)
    return f"{fence}{info}\n{text}\n{fence}"


def format_tool_details(
    name: str,
    arguments: Mapping[str, Any] | None,
    output: str,
    is_error: bool = False,
    duration_s: float = 0.0,
) -> str:
    """Markdown for one call in full: every argument by name, then the whole result.

    What "show tool details" shows: the one-line summary leaves out argument names, cuts
    long arguments and shows only a result's first line.
    """
    head = f"{ERROR_ICON if is_error else TOOL_ICON} **{name}** · {format_duration(duration_s)}"
    given = QCoreApplication.translate("ToolCallText", "Arguments")
    args = json.dumps(dict(arguments or {}), ensure_ascii=False, indent=2)
    word = (
        QCoreApplication.translate("ToolCallText", "Error")
        if is_error
        else QCoreApplication.translate("ToolCallText", "Result")
    )
    body = truncate(output.strip(), MAX_DETAIL_CHARS) or QCoreApplication.translate(
        "ToolCallText", "(no output)"
    )
    return f"{head}\n\n*{given}*\n{_fenced(args, 'json')}\n\n*{word}*\n{_fenced(body, 'text')}"


def format_tool_event(call: ToolCall, result: ToolResult) -> str:
    """``format_tool_call`` for the engine's ``ToolCall`` / ``ToolResult`` pair."""
    return format_tool_call(
        call.name, call.arguments, result.output, result.is_error, result.duration_s
    )
