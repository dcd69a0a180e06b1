"""Stores an incoming conversation in the history: all of it in one transaction, or nothing.

Messages keep the order they come in whenever a parent comes before its children (so a
Fireside export read back numbers its messages the same way); one that comes before its
parent waits for it. A chat whose ``uid`` is already in the history is skipped, which makes
importing the same file twice add nothing. The files a message came with are written under
``attachments/`` in the data folder first, and removed again if the chat is not stored.
"""

from __future__ import annotations

import json
import re
import shutil
import time
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path

from fireside.assistant.history import HistoryStore
from fireside.assistant.transfer.records import IncomingChat, IncomingFile, IncomingMessage

ATTACHMENTS_DIR = "attachments"
_UNSAFE = re.compile(r"[^\w.\-]+")


@dataclass
class StoredChat:
    conversation_id: int
    messages: int
    branches: int  # leaves of the message tree: one per version of the conversation
    files: int  # files stored
    missing_files: int  # files referenced that the export did not hold


def safe_name(text: str, limit: int = 120) -> str:
    """A file or folder name from any text: no separators, no dots at the start."""
    name = _UNSAFE.sub("_", text).strip("._") or "file"
    return name[:limit]


def attachment_dir(uid: str) -> str:
    return f"{ATTACHMENTS_DIR}/{safe_name(uid)}"


def in_parent_order(messages: list[IncomingMessage]) -> list[IncomingMessage]:
    """The messages in their own order, except that a child never comes before its parent;
    a message whose parent is not in the chat becomes a root."""
    keys = {m.key for m in messages}
    placed: set[str] = set()
    out: list[IncomingMessage] = []
    waiting = list(messages)
    while waiting:
        later = []
        for m in waiting:
            if m.parent is None or m.parent not in keys or m.parent in placed:
                out.append(m)
                placed.add(m.key)
            else:
                later.append(m)
        if len(later) == len(waiting):  # a cycle: its messages cannot be placed
            break
        waiting = later
    return out


class ChatWriter:
    def __init__(self, history: HistoryStore, data_dir: Path) -> None:
        self.history = history
        self.data_dir = Path(data_dir)

    def known(self, uid: str) -> bool:
        return self.history.id_for_uid(uid) is not None

    @contextmanager
    def batch(self, seconds: float = 0.5):
        """Store many chats with one commit every ``seconds`` (a commit costs more than a
        chat); each chat is still all or nothing (a savepoint). Yields ``flush``, to be
        called between chats; what was stored is committed however the block ends."""
        conn = self.history.db.conn
        if conn.in_transaction:
            conn.commit()
        last = [time.monotonic()]

        def flush() -> None:
            if time.monotonic() - last[0] >= seconds:
                if conn.in_transaction:
                    conn.commit()
                last[0] = time.monotonic()
            if not conn.in_transaction:
                conn.execute("BEGIN IMMEDIATE")

        flush()
        try:
            yield flush
        finally:
            if conn.in_transaction:
                conn.commit()

    def store(self, chat: IncomingChat) -> StoredChat | None:
        """Store ``chat``; None when a chat with its uid is already in the history."""
        if self.known(chat.uid):
            return None
        messages = in_parent_order(chat.messages)
        written: list[Path] = []
        try:
            files = [self._files(chat, m, written) for m in messages]
            return self._insert(chat, messages, files)
        except BaseException:
            for path in written:
                path.unlink(missing_ok=True)
            folder = self.data_dir / attachment_dir(chat.uid)
            if folder.is_dir() and not any(folder.iterdir()):
                shutil.rmtree(folder, ignore_errors=True)
            raise

    def _files(self, chat: IncomingChat, message: IncomingMessage, written: list) -> list[dict]:
        out = []
        for f in message.files:
            entry = {"name": f.name, "mime_type": f.mime_type, "size": f.size, "origin": f.origin}
            entry["file"] = self._write(chat.uid, f, written) if f.data is not None else None
            out.append(entry)
        return out

    def _write(self, uid: str, f: IncomingFile, written: list) -> str:
        folder = attachment_dir(uid)
        base = safe_name(f.stored_as or (f"{f.origin}-{f.name}" if f.origin else f.name))
        target = self.data_dir / folder / base
        target.parent.mkdir(parents=True, exist_ok=True)
        n = 1
        while target.exists():  # two files of one chat with the same name
            n += 1
            target = target.with_name(f"{Path(base).stem}-{n}{Path(base).suffix}")
        target.write_bytes(f.data)
        written.append(target)
        return f"{folder}/{target.name}"

    def _insert(
        self, chat: IncomingChat, messages: list[IncomingMessage], files: list[list[dict]]
    ) -> StoredChat | None:
        conn = self.history.db.conn
        batched = conn.in_transaction  # inside ``batch``: a savepoint, committed with it
        conn.execute("SAVEPOINT chat" if batched else "BEGIN IMMEDIATE")
        try:
            if conn.execute("SELECT 1 FROM conversations WHERE uid = ?", [chat.uid]).fetchone():
                _undo(conn, batched)  # stored meanwhile by another process
                return None
            cid = conn.execute(
                "INSERT INTO conversations (title, created_at, updated_at, model, "
                "system_prompt, current_leaf_id, collections, uid, assistant) "
                "VALUES (?, ?, ?, ?, ?, NULL, ?, ?, ?)",
                [
                    chat.title,
                    chat.created_at,
                    chat.updated_at,
                    chat.model,
                    chat.system_prompt,
                    json.dumps(chat.collections) if chat.collections else None,
                    chat.uid,
                    chat.assistant,
                ],
            ).lastrowid
            ids: dict[str, int] = {}
            parents: set[int] = set()
            stored_files = missing = 0
            for m, attached in zip(messages, files, strict=True):
                parent = ids.get(m.parent) if m.parent is not None else None
                if parent is not None:
                    parents.add(parent)
                ids[m.key] = conn.execute(
                    "INSERT INTO messages (conversation_id, parent_id, role, content, status, "
                    "model, backend, settings, prompt_tokens, completion_tokens, timings, "
                    "tool_calls, citations, created_at, rating, rating_reason, attachments) "
                    "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?)",
                    [
                        cid,
                        parent,
                        m.role,
                        m.content,
                        m.status,
                        m.model,
                        m.backend,
                        json.dumps(m.settings or {}),
                        m.prompt_tokens,
                        m.completion_tokens,
                        json.dumps(m.timings) if m.timings else None,
                        json.dumps(m.tool_calls, default=str) if m.tool_calls else None,
                        json.dumps(m.citations, default=str) if m.citations else None,
                        m.created_at,
                        m.rating,
                        m.rating_reason,
                        json.dumps(attached, ensure_ascii=False) if attached else None,
                    ],
                ).lastrowid
                stored_files += sum(1 for a in attached if a["file"])
                missing += sum(1 for a in attached if not a["file"])
            current = ids.get(chat.current) if chat.current is not None else None
            if current is None and ids:
                current = _newest_leaf(ids, parents)
            conn.execute(
                "UPDATE conversations SET current_leaf_id = ? WHERE id = ?", [current, cid]
            )
            conn.execute("RELEASE chat") if batched else conn.commit()
        except BaseException:
            _undo(conn, batched)
            raise
        leaves = sum(1 for i in ids.values() if i not in parents)
        return StoredChat(cid, len(ids), leaves, stored_files, missing)


def _undo(conn, batched: bool) -> None:
    if batched:
        conn.execute("ROLLBACK TO chat")
        conn.execute("RELEASE chat")
    else:
        conn.rollback()


def _newest_leaf(ids: dict[str, int], parents: set[int]) -> int:
    return max(i for i in ids.values() if i not in parents)
