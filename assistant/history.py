"""Chat history in SQLite: conversations, a tree of messages, full-text search.

Why a tree: regenerating or editing a message adds a sibling instead of overwriting, so
every earlier version stays reachable (GPT4All's edit destroys later history; ours never
does). The conversation remembers which leaf is current; the visible thread is the path from
the root to that leaf.

Durability: WAL mode, each write in its own transaction. A user's message is committed before
generation starts, and a streaming reply is checkpointed, so a killed process loses at most
the last moments of a reply. A database that SQLite cannot read is reported, never replaced.
"""

from __future__ import annotations

import json
import sqlite3
from datetime import UTC, datetime
from pathlib import Path

import sqlite_utils
from fireside.assistant.chat_images import ImageStore
from fireside.assistant.conversation import Conversation, Message, SearchHit
from fireside.assistant.migrations import apply_migrations
from fireside.assistant.per_thread_db import PerThreadDatabase, use_wal
from fireside.assistant.store_errors import store_error

from fireside.errors import FiresideError, NotFoundError
from fireside.private_files import private_database


def _now() -> str:
    return datetime.now(UTC).isoformat(timespec="microseconds")


_JSON_FIELDS = (
    "settings",
    "timings",
    "tool_calls",
    "citations",
    "attachments",
    "images",
    "support",
)
RATINGS = ("up", "down")


def _row_to_message(row: dict) -> Message:
    data = dict(row)
    for key in _JSON_FIELDS:
        raw = data.get(key)
        data[key] = json.loads(raw) if raw else ({} if key in ("settings", "timings") else [])
    return Message(**data)


def _image_keys(raw: str | None) -> set[tuple[str, str]]:
    return {(i["sha256"], i["mime"]) for i in json.loads(raw)} if raw else set()


def _row_to_conversation(row: dict) -> Conversation:
    data = {k: row[k] for k in Conversation.__dataclass_fields__}
    data["collections"] = json.loads(data["collections"]) if data["collections"] else []
    return Conversation(**data)


class HistoryStore:
    """All access to the history database. One SQLite connection per thread."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        # pictures sent in chats, one file per content hash, beside the database
        self.images = ImageStore(self.path.parent / "images")
        self._dbs = PerThreadDatabase(self._open)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        db = self.db  # open + check + migrate on the creating thread
        self._recover_interrupted(db)

    # -- connection --------------------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        return self._dbs.get()

    def _open(self) -> sqlite_utils.Database:
        existed = self.path.exists() and self.path.stat().st_size > 0
        private_database(self.path)  # made 0600 before SQLite creates it with the umask
        try:
            conn = sqlite3.connect(str(self.path), timeout=10, check_same_thread=False)
            use_wal(conn)
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA synchronous=NORMAL")
            if existed:
                ok = conn.execute("PRAGMA quick_check").fetchone()[0]
                if ok != "ok":
                    raise sqlite3.DatabaseError(ok)
            db = sqlite_utils.Database(conn)
            apply_migrations(conn)
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, "chat history database", exc) from None
        return db

    def close(self) -> None:
        self._dbs.close()

    def _recover_interrupted(self, db: sqlite_utils.Database) -> None:
        """Replies that were streaming when the process died are kept, marked interrupted."""
        with db.conn:
            db.execute("UPDATE messages SET status = 'interrupted' WHERE status = 'streaming'")

    # -- conversations -----------------------------------------------------------------------
    def create_conversation(
        self, title: str = "New chat", model: str | None = None, system_prompt: str | None = None
    ) -> Conversation:
        now = _now()
        with self.db.conn:
            cid = (
                self.db["conversations"]
                .insert(
                    {
                        "title": title,
                        "created_at": now,
                        "updated_at": now,
                        "model": model,
                        "system_prompt": system_prompt,
                        "current_leaf_id": None,
                    }
                )
                .last_pk
            )
        return self.get_conversation(cid)

    def get_conversation(self, conversation_id: int) -> Conversation:
        try:
            row = self.db["conversations"].get(conversation_id)
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no conversation {conversation_id}") from None
        return _row_to_conversation(row)

    def list_conversations(self, query: str | None = None, limit: int = 500) -> list[Conversation]:
        """Newest first; ``query`` filters by title or message text (search as you type)."""
        if query:
            like = f"%{query}%"
            rows = self.db.query(
                "SELECT DISTINCT c.* FROM conversations c LEFT JOIN messages m "
                "ON m.conversation_id = c.id WHERE c.title LIKE :q OR m.content LIKE :q "
                "ORDER BY c.updated_at DESC, c.id DESC LIMIT :limit",
                {"q": like, "limit": limit},
            )
        else:
            rows = self.db.query(
                "SELECT * FROM conversations ORDER BY updated_at DESC, id DESC LIMIT :limit",
                {"limit": limit},
            )
        return [_row_to_conversation(r) for r in rows]

    def rename(self, conversation_id: int, title: str) -> None:
        self.get_conversation(conversation_id)
        with self.db.conn:
            self.db["conversations"].update(conversation_id, {"title": title})

    def delete_conversation(self, conversation_id: int) -> None:
        """Delete the chat, and the picture files no other chat uses."""
        self.get_conversation(conversation_id)
        rows = self.db.execute(
            "SELECT images FROM messages WHERE conversation_id = ? AND images IS NOT NULL",
            [conversation_id],
        ).fetchall()
        pictures = set().union(*(_image_keys(r[0]) for r in rows)) if rows else set()
        with self.db.conn:
            self.db.execute("DELETE FROM messages WHERE conversation_id = ?", [conversation_id])
            self.db.execute("DELETE FROM conversations WHERE id = ?", [conversation_id])
        for sha256, mime in pictures:
            used = self.db.execute(
                "SELECT 1 FROM messages WHERE images LIKE ? LIMIT 1", [f"%{sha256}%"]
            ).fetchone()
            if used is None:
                self.images.delete(sha256, mime)

    def set_system_prompt(self, conversation_id: int, system_prompt: str | None) -> None:
        with self.db.conn:
            self.db["conversations"].update(conversation_id, {"system_prompt": system_prompt})

    def set_assistant(self, conversation_id: int, name: str | None) -> None:
        """The assistant this chat uses from now on (None: none)."""
        self.get_conversation(conversation_id)
        with self.db.conn:
            self.db["conversations"].update(conversation_id, {"assistant": name or None})

    def conversation_ids(self) -> list[int]:
        """Every conversation, oldest first (exports keep this order)."""
        return [r["id"] for r in self.db.query("SELECT id FROM conversations ORDER BY id")]

    def id_for_uid(self, uid: str) -> int | None:
        row = next(self.db.query("SELECT id FROM conversations WHERE uid = ?", [uid]), None)
        return row["id"] if row else None

    def set_collections(self, conversation_id: int, names: list[str]) -> None:
        """The document collections this chat answers from (empty: a plain chat)."""
        self.get_conversation(conversation_id)
        value = json.dumps(list(dict.fromkeys(names))) if names else None
        with self.db.conn:
            self.db["conversations"].update(conversation_id, {"collections": value})

    # -- messages ----------------------------------------------------------------------------
    def add_message(
        self,
        conversation_id: int,
        role: str,
        content: str,
        parent_id: int | None = None,
        *,
        status: str = "complete",
        model: str | None = None,
        backend: str | None = None,
        settings: dict | None = None,
        make_current: bool = True,
        images: list[dict] | None = None,
    ) -> Message:
        now = _now()
        with self.db.conn:
            mid = (
                self.db["messages"]
                .insert(
                    {
                        "conversation_id": conversation_id,
                        "parent_id": parent_id,
                        "role": role,
                        "content": content,
                        "status": status,
                        "model": model,
                        "backend": backend,
                        "settings": json.dumps(settings or {}),
                        "created_at": now,
                        **({"images": json.dumps(images, ensure_ascii=False)} if images else {}),
                    }
                )
                .last_pk
            )
            changes = {"updated_at": now}
            if make_current:
                changes["current_leaf_id"] = mid
            self.db["conversations"].update(conversation_id, changes)
        return self.get_message(mid)

    def update_message(self, message_id: int, **fields) -> None:
        for key in _JSON_FIELDS:
            if key in fields:
                fields[key] = json.dumps(fields[key], default=str)
        with self.db.conn:
            self.db["messages"].update(message_id, fields)

    def get_message(self, message_id: int) -> Message:
        try:
            return _row_to_message(self.db["messages"].get(message_id))
        except sqlite_utils.db.NotFoundError:
            raise NotFoundError(f"no message {message_id}") from None

    def messages(self, conversation_id: int) -> list[Message]:
        """Every message of a conversation, every branch, in the order they were written."""
        rows = self.db.query(
            "SELECT * FROM messages WHERE conversation_id = ? ORDER BY id", [conversation_id]
        )
        return [_row_to_message(r) for r in rows]

    def rate(self, message_id: int, rating: str | None, reason: str | None = None) -> Message:
        """The user's thumbs up or down on a reply (None clears it), with an optional reason."""
        message = self.get_message(message_id)
        if message.role != "assistant":
            raise FiresideError(f"message {message_id} is not a reply: only replies are rated")
        if rating is not None and rating not in RATINGS:
            raise FiresideError(f"a rating is 'up' or 'down', not {rating!r}")
        reason = (reason or "").strip() or None
        with self.db.conn:
            self.db.execute(
                "UPDATE messages SET rating = ?, rating_reason = ? WHERE id = ?",
                [rating, reason if rating else None, message_id],
            )
        return self.get_message(message_id)

    def thread(self, conversation_id: int, leaf_id: int | None = None) -> list[Message]:
        """The visible messages: root to the current leaf (or ``leaf_id``)."""
        leaf = (
            leaf_id
            if leaf_id is not None
            else self.get_conversation(conversation_id).current_leaf_id
        )
        if leaf is None:
            return []
        rows = self.db.query(
            "WITH RECURSIVE path(id, depth) AS (SELECT ?, 0 UNION ALL "
            "SELECT m.parent_id, p.depth + 1 FROM messages m JOIN path p ON m.id = p.id "
            "WHERE m.parent_id IS NOT NULL) "
            "SELECT m.* FROM messages m JOIN path p ON m.id = p.id ORDER BY p.depth DESC",
            [leaf],
        )
        return [_row_to_message(r) for r in rows]

    def siblings(self, message_id: int) -> list[Message]:
        """All versions of a message (regenerations, edits), oldest first."""
        msg = self.get_message(message_id)
        if msg.parent_id is None:
            where, args = (
                "parent_id IS NULL AND conversation_id = ? AND role = ?",
                [
                    msg.conversation_id,
                    msg.role,
                ],
            )
        else:
            where, args = "parent_id = ? AND role = ?", [msg.parent_id, msg.role]
        return [
            _row_to_message(r)
            for r in self.db.query(f"SELECT * FROM messages WHERE {where} ORDER BY id", args)
        ]

    def select_branch(self, message_id: int) -> list[Message]:
        """Make ``message_id``'s newest descendant the current leaf; return the new thread."""
        msg = self.get_message(message_id)
        leaf = message_id
        while True:
            row = next(
                self.db.query(
                    "SELECT id FROM messages WHERE parent_id = ? ORDER BY id DESC LIMIT 1", [leaf]
                ),
                None,
            )
            if row is None:
                break
            leaf = row["id"]
        with self.db.conn:
            self.db["conversations"].update(msg.conversation_id, {"current_leaf_id": leaf})
        return self.thread(msg.conversation_id)

    def search(self, query: str, limit: int = 50) -> list[SearchHit]:
        """Full-text search over message text (FTS5); newest first within equal rank."""
        fts_query = " ".join(f'"{w}"' for w in query.replace('"', " ").split())
        if not fts_query:
            return []
        rows = self.db.query(
            "SELECT m.id, m.conversation_id, m.role, c.title, "
            "snippet(messages_fts, 0, '[', ']', '…', 12) AS snip "
            "FROM messages_fts JOIN messages m ON m.rowid = messages_fts.rowid "
            "JOIN conversations c ON c.id = m.conversation_id "
            "WHERE messages_fts MATCH ? ORDER BY rank LIMIT ?",
            [fts_query, limit],
        )
        return [
            SearchHit(r["conversation_id"], r["title"], r["id"], r["role"], r["snip"]) for r in rows
        ]
