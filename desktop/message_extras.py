"""What a stored reply shows besides its text: the tools it called and the sources it cites.

Both come from the message record (``tool_calls``, ``citations``), so a reopened chat shows
exactly what the live turn showed. A citation links to ``fireside-source:<n>``, the index
of the citation in its message: the transcript opens it in the built-in source viewer at the
cited page or lines. (A ``file://`` URL would not do: Markdown rendering drops such links, and
the viewer needs the cited text, not just the place, to highlight it.)
"""

from __future__ import annotations

import html
from pathlib import Path

from fireside.assistant.conversation import Message
from fireside.desktop.tool_call_text import format_tool_call, format_tool_details
from PySide6.QtCore import QCoreApplication

SNIPPET_CHARS = 140
SUMMARY_OUTPUT_CHARS = 60
TOGGLE_TOOLS_LINK = "fireside-tools:toggle"
SOURCE_SCHEME = "fireside-source:"
IMAGE_SCHEME = "fireside-image:"  # a message's picture <n>: opens it at full size
THUMB_SCHEME = "fireside-thumb:"  # its thumbnail, added to the row's document as a resource


def _summary_output(output: str) -> str:
    """The first line of a result, short enough for a one-line summary."""
    first = output.strip().splitlines()[0] if output.strip() else ""
    if len(first) > SUMMARY_OUTPUT_CHARS or "\n" in output.strip():
        first = first[: SUMMARY_OUTPUT_CHARS - 1].rstrip() + "…"
    return first


def tool_calls_markdown(calls: list[dict], expanded: bool = False) -> str:
    """Collapsed: one short line per call and a "details" link; expanded: each call's
    arguments by name and its whole result."""
    lines = []
    for c in calls:
        output = str(c.get("output", ""))
        call = (
            c.get("name", "?"),
            c.get("arguments") or {},
            output if expanded else _summary_output(output),
            bool(c.get("is_error")),
            float(c.get("duration_s") or 0.0),
        )
        lines.append(format_tool_details(*call) if expanded else format_tool_call(*call))
    label = (
        QCoreApplication.translate("MessageExtras", "hide tool details")
        if expanded
        else QCoreApplication.translate("MessageExtras", "show tool details")
    )
    lines.append(f"[{label}]({TOGGLE_TOOLS_LINK})")
    return "\n\n".join(lines)


def citation_link(index: int) -> str:
    """The link for the message's citation ``index`` (0-based)."""
    return f"{SOURCE_SCHEME}{index}"


def citation_for_link(href: str, citations: list[dict] | None) -> dict | None:
    """The citation a ``citation_link`` points at, or None if it is not one of them."""
    if not href.startswith(SOURCE_SCHEME):
        return None
    try:
        index = int(href[len(SOURCE_SCHEME) :])
    except ValueError:
        return None
    return citations[index] if citations and 0 <= index < len(citations) else None


def citation_label(citation: dict) -> str:
    if citation.get("url"):  # a web page: its title, and where it is
        title = str(citation.get("title") or citation["url"]).replace("[", "(").replace("]", ")")
        return f"{title} — {citation['url']}"
    name = Path(citation.get("document", "")).name or QCoreApplication.translate(
        "MessageExtras", "document"
    )
    if citation.get("page"):
        return QCoreApplication.translate("MessageExtras", "{name}, page {page}").format(
            name=name, page=citation["page"]
        )
    start = citation.get("line_start")
    if start:
        # the lines the viewer highlights: the whole excerpt, not only its first line
        end = citation.get("line_end") or start
        if end > start:
            return QCoreApplication.translate(
                "MessageExtras", "{name}, lines {start}–{end}"
            ).format(name=name, start=start, end=end)
        return QCoreApplication.translate("MessageExtras", "{name}, line {line}").format(
            name=name, line=start
        )
    return name


def citations_markdown(citations: list[dict]) -> str:
    if not citations:
        return ""
    rows = []
    for i, c in enumerate(citations):
        snippet = " ".join(str(c.get("text", "")).split())
        if len(snippet) > SNIPPET_CHARS:
            snippet = snippet[: SNIPPET_CHARS - 1] + "…"
        rows.append(f"{i + 1}. [{citation_label(c)}]({citation_link(i)}) — “{snippet}”")
    heading = QCoreApplication.translate("MessageExtras", "Sources")
    return f"**{heading}**\n\n" + "\n".join(rows)


def picture_for_link(href: str, images: list[dict] | None) -> dict | None:
    """The picture an ``IMAGE_SCHEME`` link points at, or None."""
    try:
        index = int(href[len(IMAGE_SCHEME) :])
    except ValueError:
        return None
    return images[index] if images and 0 <= index < len(images) else None


def pictures_html(images: list[dict]) -> str:
    """Thumbnails that open the pictures, and what the model got of each."""
    thumbs = "".join(
        f'<a href="{IMAGE_SCHEME}{i}"><img src="{THUMB_SCHEME}{html.escape(img["sha256"])}">'
        "</a>&nbsp;"
        for i, img in enumerate(images)
        if img.get("thumb")
    )
    notes = []
    for img in images:
        name = html.escape(str(img.get("name") or ""))
        given = img.get("given_as")
        if given == "text":
            note = QCoreApplication.translate(
                "MessageExtras",
                "{name}: the model cannot see pictures; it got the text read from it",
            )
        elif given == "nothing":
            note = QCoreApplication.translate(
                "MessageExtras", "{name}: the model cannot see pictures and no text was found in it"
            )
        else:
            continue
        notes.append(note.format(name=name))
    note_html = "".join(f'<p class="note"><i>{n}</i></p>' for n in notes)
    return (f"<p>{thumbs}</p>" if thumbs else "") + note_html


def display_text(message: Message, expanded: bool = False) -> str:
    """The Markdown a stored message is shown as; tool calls collapsed unless ``expanded``."""
    parts = []
    if message.role == "assistant" and message.tool_calls:
        parts.append(tool_calls_markdown(message.tool_calls, expanded))
    parts.append(message.content)
    if message.role == "assistant" and message.citations:
        parts.append(citations_markdown(message.citations))
    return "\n\n".join(p for p in parts if p)
