"""A tool result from an MCP server as text for a model, cut to a size a small context holds.

MCP results are lists of content blocks (text, images, audio, resources, links) plus an
optional structured value. A local model reads text only, so other blocks are named, not
dropped silently, and long output ends with a note saying how much was left out.
"""

from __future__ import annotations

import json
from typing import Any

MAX_RESULT_CHARS = 3900  # with the note, under the 4000 the tool runner allows


def truncate(text: str, limit: int = MAX_RESULT_CHARS) -> str:
    if len(text) <= limit:
        return text
    return f"{text[:limit]}\n[output truncated: showing {limit} of {len(text)} characters]"


def short(text: str, limit: int) -> str:
    """One line of at most ``limit`` characters, for error messages."""
    line = " ".join(text.split())
    return line if len(line) <= limit else line[: limit - 1] + "…"


def _block_text(block: Any) -> str:
    kind = getattr(block, "type", "")
    if kind == "text":
        return str(getattr(block, "text", ""))
    if kind in ("image", "audio"):
        mime = getattr(block, "mime_type", None) or kind
        return f"[{kind} ({mime}) not shown]"
    if kind == "resource_link":
        name = getattr(block, "name", None) or getattr(block, "uri", "")
        return f"[resource link: {name} {getattr(block, 'uri', '')}]".strip()
    if kind == "resource":
        resource = getattr(block, "resource", None)
        text = getattr(resource, "text", None)
        uri = getattr(resource, "uri", "")
        return str(text) if text is not None else f"[binary resource {uri} not shown]"
    return f"[{kind or 'unknown'} content not shown]"


def result_text(result: Any, limit: int = MAX_RESULT_CHARS) -> str:
    """The text of a ``CallToolResult``: its blocks in order, else its structured value."""
    parts = [_block_text(b) for b in (getattr(result, "content", None) or [])]
    text = "\n".join(p for p in parts if p)
    structured = getattr(result, "structured_content", None)
    if not text.strip() and structured is not None:
        text = json.dumps(structured, ensure_ascii=False, default=str)
    return truncate(text, limit)
