"""One Claude conversation (an item of its ``conversations.json``) as an ``IncomingChat``.

Claude's export lists a conversation's messages in order (``chat_messages``, each with a
``sender``). Newer exports carry ``parent_message_uuid`` and ``current_leaf_message_uuid``,
which keep the branches; without them the messages form one line. Since 2025 the text is
in ``content`` blocks (text, thinking, tool_use, tool_result); older exports only have
``text``. Attachments carry their extracted text inline, so they are stored as files; the
``files`` (images, PDFs) are named but their bytes are not in the export.
"""

from __future__ import annotations

import hashlib
import json

from fireside.assistant.transfer.records import IncomingChat, IncomingFile, IncomingMessage
from fireside.assistant.transfer.timestamps import from_text, iso_now
from fireside.assistant.turn_record import title_from

_ROLES = {"human": "user", "user": "user", "assistant": "assistant"}
_NO_PARENT = "00000000-0000-4000-8000-000000000000"  # Claude's root sentinel


def conversation_key(conv: dict) -> str:
    uid = conv.get("uuid") or conv.get("id")
    if isinstance(uid, str) and uid:
        return uid
    raw = json.dumps(conv, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def _block_text(block) -> str:
    """Text inside a tool result: a string, or a list of text blocks."""
    if isinstance(block, str):
        return block
    if isinstance(block, list):
        return "\n".join(_block_text(b) for b in block)
    if isinstance(block, dict):
        return str(block.get("text") or "")
    return ""


def _content(message: dict) -> tuple[str, list[dict]]:
    """The message's text and its tool calls (each with its result)."""
    blocks = message.get("content")
    if not isinstance(blocks, list) or not blocks:
        return str(message.get("text") or ""), []
    texts: list[str] = []
    calls: list[dict] = []
    for block in blocks:
        if not isinstance(block, dict):
            continue
        kind = block.get("type")
        if kind == "text":
            texts.append(str(block.get("text") or ""))
        elif kind == "tool_use":
            calls.append(
                {
                    "name": str(block.get("name") or "tool"),
                    "arguments": block.get("input") if isinstance(block.get("input"), dict) else {},
                    "output": "",
                    "is_error": False,
                }
            )
        elif kind == "tool_result":
            output = _block_text(block.get("content")) or str(block.get("message") or "")
            target = next(
                (c for c in reversed(calls) if c["name"] == block.get("name") and not c["output"]),
                calls[-1] if calls else None,
            )
            if target is None:
                target = {"name": str(block.get("name") or "tool"), "arguments": {}}
                calls.append(target)
            target["output"] = output
            target["is_error"] = bool(block.get("is_error"))
    text = "\n\n".join(t for t in texts if t)
    return text or ("" if calls else str(message.get("text") or "")), calls


def _files(message: dict) -> list[IncomingFile]:
    out: list[IncomingFile] = []
    names: set[str] = set()
    for att in message.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        name = str(att.get("file_name") or "attachment")
        extracted = att.get("extracted_content")
        data = extracted.encode("utf-8") if isinstance(extracted, str) else None
        out.append(IncomingFile(name, att.get("file_type"), att.get("file_size"), None, data))
        names.add(name)
    for f in message.get("files") or []:
        if isinstance(f, dict) and f.get("file_name") and f["file_name"] not in names:
            out.append(IncomingFile(str(f["file_name"]), None, None, f.get("file_uuid")))
            names.add(str(f["file_name"]))
    return out


def chat_from_claude(conv: dict) -> IncomingChat:
    raw = conv["chat_messages"]
    if not isinstance(raw, list):
        raise ValueError("'chat_messages' is not a list")
    keys = [str(m.get("uuid") or f"m{n}") for n, m in enumerate(raw)]
    linked = any(isinstance(m, dict) and m.get("parent_message_uuid") for m in raw)
    messages: list[IncomingMessage] = []
    for n, message in enumerate(raw):
        if not isinstance(message, dict):
            raise ValueError(f"message {n + 1} is not an object")
        if linked:
            parent = message.get("parent_message_uuid")
            parent = None if parent in (None, _NO_PARENT) else str(parent)
        else:
            parent = keys[n - 1] if n else None
        text, calls = _content(message)
        role = _ROLES.get(message.get("sender"), "assistant")
        messages.append(
            IncomingMessage(
                key=keys[n],
                parent=parent,
                role=role,
                content=text,
                created_at=from_text(message.get("created_at")),
                model=conv.get("model") if role == "assistant" else None,
                backend="claude" if role == "assistant" else None,
                tool_calls=calls,
                files=_files(message),
            )
        )
    current = conv.get("current_leaf_message_uuid") or (keys[-1] if keys else None)
    title = conv.get("name") or ""
    if not title:
        first = next((m.content for m in messages if m.role == "user" and m.content), "")
        title = title_from(first) if first else "Claude conversation"
    created = from_text(conv.get("created_at")) or (messages[0].created_at if messages else "")
    created = created or iso_now()
    return IncomingChat(
        uid=f"claude:{conversation_key(conv)}",
        title=str(title),
        created_at=created,
        updated_at=from_text(conv.get("updated_at")) or created,
        messages=messages,
        current=str(current) if current else None,
        model=conv.get("model"),
    )
