"""One ChatGPT conversation (an item of its ``conversations.json``) as an ``IncomingChat``.

ChatGPT keeps a conversation as a tree: ``mapping`` holds every node (``parent``,
``children``, ``message``), and ``current_node`` is the leaf the app showed. Every branch
(each regeneration, each edited question) is kept, with the parent links as they are;
``current_node`` is the path shown. Nodes nobody sees (the empty root, hidden system
messages, custom instructions, memory) are left out and their children hang from the
nearest node that is kept. A message sent to a tool (its ``recipient`` is not ``all``)
becomes a reply with that tool call, its output taken from the tool's answer below it.
Files are listed from ``metadata.attachments`` and the image parts; their bytes come from
the zip the export came in, when it holds them.
"""

from __future__ import annotations

import hashlib
import json
import mimetypes
from collections.abc import Callable

from fireside.assistant.transfer.records import IncomingChat, IncomingFile, IncomingMessage
from fireside.assistant.transfer.timestamps import from_epoch, iso_now
from fireside.assistant.turn_record import title_from

FileLookup = Callable[[str], tuple[str, bytes] | None]  # origin id -> (file name, bytes)
_HIDDEN_TYPES = {"user_editable_context", "model_editable_context"}
_ROLES = {"user", "assistant", "system", "tool"}
_STATUS = {"finished_successfully": "complete", "in_progress": "interrupted"}


def conversation_key(conv: dict) -> str:
    """The conversation's id, else a hash of it: the same conversation gets the same key."""
    cid = conv.get("conversation_id") or conv.get("id")
    if isinstance(cid, str) and cid:
        return cid
    raw = json.dumps(conv, sort_keys=True, ensure_ascii=False, default=str)
    return hashlib.sha256(raw.encode("utf-8")).hexdigest()[:32]


def describe(conv) -> str:
    """How a conversation is named in a report: its title and id."""
    if not isinstance(conv, dict):
        return "an item that is not a conversation"
    title = conv.get("title") or conv.get("name") or "untitled"
    cid = conv.get("conversation_id") or conv.get("id") or conv.get("uuid")
    return f"{title!r} ({cid})" if cid else repr(title)


def is_hidden(message: dict) -> bool:
    meta = message.get("metadata") or {}
    content = message.get("content") or {}
    if meta.get("is_visually_hidden_from_conversation") or meta.get("is_user_system_message"):
        return True
    if content.get("content_type") in _HIDDEN_TYPES:
        return True
    role = (message.get("author") or {}).get("role")
    return role == "system" and not content_text(content)[0].strip()


def _fence(text: str, lang: str = "") -> str:
    fence = "````" if "```" in text else "```"
    return f"{fence}{lang}\n{text.rstrip()}\n{fence}"


def _pointer_id(pointer: str) -> str:
    """``file-service://file-Ab12`` -> ``file-Ab12``; ``sediment://file_00ff`` -> ``file_00ff``."""
    return pointer.split("://", 1)[-1]


def content_text(content: dict) -> tuple[str, list[dict]]:
    """The readable text of a message's content, and the image parts it points to."""
    kind = content.get("content_type")
    images: list[dict] = []
    texts: list[str] = []
    if kind == "code":
        lang = content.get("language") or ""
        texts.append(_fence(str(content.get("text") or ""), "" if lang == "unknown" else lang))
    elif kind == "execution_output":
        texts.append(_fence(str(content.get("text") or "")))
    elif kind == "tether_quote":
        quoted = "\n".join(f"> {line}" for line in str(content.get("text") or "").splitlines())
        source = content.get("title") or content.get("url") or ""
        texts.append(f"{quoted}\n\n— {source}" if source else quoted)
    elif kind == "tether_browsing_display":
        texts.append(str(content.get("result") or content.get("summary") or ""))
    elif kind == "thoughts":
        for thought in content.get("thoughts") or []:
            if isinstance(thought, dict) and thought.get("content"):
                texts.append("\n".join(f"> {ln}" for ln in str(thought["content"]).splitlines()))
    elif kind == "computer_output":
        shot = content.get("screenshot")
        if isinstance(shot, dict) and shot.get("asset_pointer"):
            images.append(shot)
    elif "parts" in content:
        for part in content.get("parts") or []:
            if isinstance(part, str):
                texts.append(part)
            elif isinstance(part, dict):
                if part.get("content_type") == "image_asset_pointer" or part.get("asset_pointer"):
                    images.append(part)
                elif isinstance(part.get("text"), str):
                    texts.append(part["text"])
    elif isinstance(content.get("text"), str):
        texts.append(content["text"])
    if kind == "system_error" and texts:
        texts = [f"Error: {' '.join(texts)}"]
    return "\n\n".join(t for t in texts if t), images


def _files(message: dict, lookup: FileLookup | None, images: list[dict]) -> list[IncomingFile]:
    meta = message.get("metadata") or {}
    out: list[IncomingFile] = []
    seen: set[str] = set()
    for att in meta.get("attachments") or []:
        if not isinstance(att, dict):
            continue
        origin = str(att.get("id") or "") or None
        name = str(att.get("name") or origin or "file")
        out.append(IncomingFile(name, att.get("mime_type"), att.get("size"), origin))
        if origin:
            seen.add(origin)
    for image in images:
        origin = _pointer_id(str(image["asset_pointer"]))
        if origin in seen:
            continue
        seen.add(origin)
        out.append(IncomingFile(origin, None, image.get("size_bytes"), origin))
    for f in out:
        found = lookup(f.origin) if lookup is not None and f.origin else None
        if found is not None:
            member, f.data = found
            if f.name == f.origin:  # an image part has no name of its own: the zip's
                f.name = member
            f.size = len(f.data)
        if f.mime_type is None:
            f.mime_type = mimetypes.guess_type(f.name)[0] or (
                "image/png" if f.name == f.origin else None
            )
    return out


def chat_from_chatgpt(conv: dict, lookup: FileLookup | None = None) -> IncomingChat:
    """The conversation with every branch; raises on a conversation of the wrong shape."""
    mapping = conv["mapping"]
    if not isinstance(mapping, dict):
        raise ValueError("'mapping' is not an object")
    kept: dict[str, dict] = {}
    for node_id, node in mapping.items():
        message = node.get("message") if isinstance(node, dict) else None
        if isinstance(message, dict) and not is_hidden(message):
            kept[node_id] = node

    def kept_parent(node_id: str | None) -> str | None:
        seen = set()
        while node_id is not None and node_id not in seen:
            seen.add(node_id)
            node = mapping.get(node_id)
            if not isinstance(node, dict):
                return None
            node_id = node.get("parent")
            if node_id in kept:
                return node_id
        return None

    messages: list[IncomingMessage] = []
    for node_id, node in kept.items():
        messages.append(_message(node_id, node, kept_parent(node_id), mapping, lookup))
    current = conv.get("current_node")
    if current is not None and current not in kept:
        current = kept_parent(current)
    title = conv.get("title") or ""
    if not title:
        first = next((m.content for m in messages if m.role == "user" and m.content), "")
        title = title_from(first) if first else "ChatGPT conversation"
    created = from_epoch(conv.get("create_time")) or _first_time(messages) or iso_now()
    updated = from_epoch(conv.get("update_time")) or created
    return IncomingChat(
        uid=f"chatgpt:{conversation_key(conv)}",
        title=str(title),
        created_at=created,
        updated_at=updated,
        messages=messages,
        current=current,
        model=conv.get("default_model_slug"),
    )


def _first_time(messages: list[IncomingMessage]) -> str:
    times = sorted(m.created_at for m in messages if m.created_at)
    return times[0] if times else ""


def _message(
    node_id: str, node: dict, parent: str | None, mapping: dict, lookup: FileLookup | None
) -> IncomingMessage:
    message = node["message"]
    author = message.get("author") or {}
    role = author.get("role") if author.get("role") in _ROLES else "assistant"
    meta = message.get("metadata") or {}
    content = message.get("content") or {}
    if not content.get("text") and isinstance(meta.get("finished_text"), str):
        content = {**content, "text": meta["finished_text"]}  # code kept in its metadata
    text, images = content_text(content)
    tool_calls = []
    recipient = message.get("recipient")
    if role == "assistant" and recipient not in (None, "all"):
        tool_calls.append(_tool_call(str(recipient), text, node, mapping))
        text = ""
    if role == "tool" and author.get("name"):
        text = text or f"({author['name']})"
    return IncomingMessage(
        key=node_id,
        parent=parent,
        role=role,
        content=text,
        created_at=from_epoch(message.get("create_time")),
        status=_STATUS.get(message.get("status"), "complete"),
        model=meta.get("model_slug") if role == "assistant" else None,
        backend="chatgpt" if role == "assistant" else None,
        tool_calls=tool_calls,
        files=_files(message, lookup, images),
    )


def _tool_call(name: str, text: str, node: dict, mapping: dict) -> dict:
    """The call a reply made, with the output of the tool's answer below it."""
    arguments: dict
    raw = text.strip().removeprefix("```").removesuffix("```").strip()
    try:
        parsed = json.loads(raw)
        arguments = parsed if isinstance(parsed, dict) else {"input": parsed}
    except ValueError:
        arguments = {"input": text}
    output, is_error = "", False
    for child_id in node.get("children") or []:
        child = (mapping.get(child_id) or {}).get("message") or {}
        if (child.get("author") or {}).get("role") == "tool":
            content = child.get("content") or {}
            output = content_text(content)[0]
            is_error = content.get("content_type") == "system_error"
            break
    return {"name": name, "arguments": arguments, "output": output, "is_error": is_error}
