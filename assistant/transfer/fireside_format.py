"""Fireside's own JSON export: everything a conversation holds, and back.

Complete means a conversation imported from it is the conversation exported: every branch
(``parent`` links between messages numbered in the order they were written), which one is
shown (``current``), citations, tool runs, the files each message came with (their bytes in
base64), ratings, and the model and sampling of each reply. Nothing in it depends on the
database it came from (no row ids, no export time), so exporting, importing into an empty
data folder and exporting again gives the same file. The file starts with its ``format``,
so a reader can tell what it holds from the first bytes, and has one conversation per line.
"""

from __future__ import annotations

import base64
import binascii
from pathlib import Path

from fireside.assistant.history import HistoryStore
from fireside.assistant.transfer.records import IncomingChat, IncomingFile, IncomingMessage

FORMAT = "fireside-chats"
VERSION = 1
_MESSAGE_FIELDS = (
    "role",
    "content",
    "status",
    "created_at",
    "model",
    "backend",
    "settings",
    "prompt_tokens",
    "completion_tokens",
    "timings",
    "tool_calls",
    "citations",
    "rating",
    "rating_reason",
)


def header() -> dict:
    return {"format": FORMAT, "version": VERSION}


def chat_to_dict(history: HistoryStore, conversation_id: int, data_dir: Path) -> dict:
    conv = history.get_conversation(conversation_id)
    messages = history.messages(conversation_id)
    number = {m.id: n for n, m in enumerate(messages, 1)}
    out_messages = []
    for m in messages:
        item = {"n": number[m.id], "parent": number.get(m.parent_id)}
        item.update({key: getattr(m, key) for key in _MESSAGE_FIELDS})
        item["attachments"] = [_file_to_dict(a, data_dir) for a in m.attachments]
        out_messages.append(item)
    return {
        "uid": conv.uid,
        "title": conv.title,
        "created_at": conv.created_at,
        "updated_at": conv.updated_at,
        "model": conv.model,
        "system_prompt": conv.system_prompt,
        "collections": conv.collections,
        "assistant": conv.assistant,
        "current": number.get(conv.current_leaf_id),
        "messages": out_messages,
    }


def _file_to_dict(attachment: dict, data_dir: Path) -> dict:
    out = {k: attachment.get(k) for k in ("name", "mime_type", "size", "origin")}
    stored = attachment.get("file")
    data = None
    if stored:
        try:
            data = (Path(data_dir) / stored).read_bytes()
        except OSError:
            data = None  # the file was deleted since: listed, not included
    out["stored_as"] = Path(stored).name if stored else None
    out["data"] = base64.b64encode(data).decode("ascii") if data is not None else None
    return out


def chat_from_dict(data: dict) -> IncomingChat:
    """Raises ``ValueError`` / ``KeyError`` / ``TypeError`` naming what is wrong."""
    if not isinstance(data.get("uid"), str) or not data["uid"]:
        raise ValueError("it has no 'uid'")
    messages = []
    for item in data["messages"]:
        values = {key: item[key] for key in _MESSAGE_FIELDS if key in item}
        if not isinstance(values.get("content"), str) or not isinstance(values.get("role"), str):
            raise ValueError(f"message {item.get('n')} has no role or content")
        for key in ("settings", "timings"):
            values[key] = values.get(key) or {}
        for key in ("tool_calls", "citations"):
            values[key] = values.get(key) or []
        messages.append(
            IncomingMessage(
                key=str(item["n"]),
                parent=None if item.get("parent") is None else str(item["parent"]),
                files=[_file_from_dict(f) for f in item.get("attachments") or []],
                **values,
            )
        )
    current = data.get("current")
    return IncomingChat(
        uid=data["uid"],
        title=str(data.get("title") or "Imported chat"),
        created_at=str(data.get("created_at") or ""),
        updated_at=str(data.get("updated_at") or data.get("created_at") or ""),
        messages=messages,
        current=None if current is None else str(current),
        model=data.get("model"),
        system_prompt=data.get("system_prompt"),
        collections=list(data.get("collections") or []),
        assistant=data.get("assistant"),
    )


def _file_from_dict(item: dict) -> IncomingFile:
    raw = item.get("data")
    try:
        data = base64.b64decode(raw, validate=True) if raw is not None else None
    except (binascii.Error, ValueError, TypeError):
        raise ValueError(f"the file {item.get('name')!r} is damaged (bad base64)") from None
    return IncomingFile(
        name=str(item.get("name") or "file"),
        mime_type=item.get("mime_type"),
        size=item.get("size"),
        origin=item.get("origin"),
        data=data,
        stored_as=item.get("stored_as"),
    )
