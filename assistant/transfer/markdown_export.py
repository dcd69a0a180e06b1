"""Conversations as one readable Markdown file.

Each conversation is a level-1 heading; each message a level-3 heading with who wrote it,
when, and (for a reply) the model; under it the tools it ran, its text, its sources, the
files it came with and its rating. Reply text is Markdown already and goes in as it is.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import TextIO

from fireside.assistant.transfer.export_view import (
    ShownChat,
    ShownMessage,
    arguments_text,
    citation_label,
    facts,
    labels,
    model_name,
    when,
)

SNIPPET_CHARS = 200


def _fence(text: str, info: str = "") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{info}\n{text.rstrip()}\n{fence}"


def _tool_lines(calls: list[dict], words: dict[str, str]) -> list[str]:
    lines = []
    for c in calls:
        args = arguments_text(c.get("arguments"))
        head = f"- {words['tool']} **{c.get('name', '?')}**" + (f" (`{args}`)" if args else "")
        output = str(c.get("output") or "").strip()
        if not output:
            lines.append(f"{head} → {words['no_output']}")
        elif "\n" in output or len(output) > 120:
            block = _fence(output, "text").replace("\n", "\n  ")
            lines.append(f"{head} → {words['output']}:\n\n  {block}")
        else:
            lines.append(f"{head} → `{output}`")
    return lines


def message_markdown(shown: ShownMessage, words: dict[str, str]) -> str:
    m = shown.message
    who = words["you"] if m.role == "user" else words["assistant"]
    head = f"### {who}"
    details = [when(m.created_at)]
    if m.role == "assistant" and m.model:
        details.append(words["model"].format(model=model_name(m.model)))
    details += facts(shown, words)
    head += " · " + " · ".join(d for d in details if d)
    parts = [head]
    if m.role == "assistant" and m.tool_calls:
        parts.append("\n".join(_tool_lines(m.tool_calls, words)))
    if m.content:
        parts.append(m.content)
    if m.citations:
        rows = []
        for n, c in enumerate(m.citations, 1):
            snippet = " ".join(str(c.get("text", "")).split())
            if len(snippet) > SNIPPET_CHARS:
                snippet = snippet[: SNIPPET_CHARS - 1] + "…"
            rows.append(f"{n}. {citation_label(c, words)} — “{snippet}”")
        parts.append(f"**{words['sources']}**\n\n" + "\n".join(rows))
    if shown.files:
        rows = []
        for f in shown.files:
            extra = ", ".join(str(x) for x in (f.get("mime_type"), _size(f.get("size"))) if x)
            missing = "" if f.get("path") else f" — {words['not_included']}"
            rows.append(f"- {f.get('name')}" + (f" ({extra})" if extra else "") + missing)
        parts.append(f"**{words['files']}**\n\n" + "\n".join(rows))
    if m.rating:
        line = f"*{words[m.rating]}*"
        if m.rating_reason:
            line += f" — {m.rating_reason}"
        parts.append(line)
    return "\n\n".join(parts)


def _size(size) -> str:
    if not isinstance(size, int):
        return ""
    return f"{size} B" if size < 1024 else f"{size / 1024:.1f} KB"


def chat_markdown(chat: ShownChat, language: str = "en") -> str:
    words = labels(language)
    conv = chat.conversation
    meta = [words["created"].format(time=when(conv.created_at))]
    if conv.model:
        meta.append(words["model"].format(model=model_name(conv.model)))
    if conv.assistant:
        meta.append(words["with_assistant"].format(name=conv.assistant))
    parts = [f"# {conv.title}", "*" + " · ".join(meta) + "*"]
    parts += [message_markdown(s, words) for s in chat.messages]
    return "\n\n".join(parts) + "\n"


def write_markdown(chats: Iterable[ShownChat], out: TextIO, language: str = "en") -> int:
    count = 0
    for chat in chats:
        if count:
            out.write("\n---\n\n")
        out.write(chat_markdown(chat, language))
        count += 1
    return count
