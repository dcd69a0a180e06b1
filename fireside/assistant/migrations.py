"""Named, ordered schema migrations for the history database.

Each migration runs once, in a transaction, and is recorded by name in ``_migrations``;
a new release appends to ``MIGRATIONS`` and never edits an applied one.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import UTC, datetime

import sqlite_utils


def _m001_initial(db: sqlite_utils.Database) -> None:
    db["conversations"].create(
        {
            "id": int,
            "title": str,
            "created_at": str,
            "updated_at": str,
            "model": str,
            "system_prompt": str,
            "current_leaf_id": int,
        },
        pk="id",
    )
    db["messages"].create(
        {
            "id": int,
            "conversation_id": int,
            "parent_id": int,
            "role": str,
            "content": str,
            "status": str,
            "model": str,
            "settings": str,
            "prompt_tokens": int,
            "completion_tokens": int,
            "timings": str,
            "created_at": str,
        },
        pk="id",
        foreign_keys=[("conversation_id", "conversations", "id")],
    )
    db["messages"].create_index(["conversation_id"])
    db["messages"].create_index(["parent_id"])
    db["messages"].enable_fts(["content"], fts_version="FTS5", create_triggers=True)


def _m002_tool_calls_and_citations(db: sqlite_utils.Database) -> None:
    db["messages"].add_column("tool_calls", str)
    db["messages"].add_column("citations", str)


def _m003_conversation_collections(db: sqlite_utils.Database) -> None:
    # JSON list of document collection names the chat answers from; NULL: plain chat
    db["conversations"].add_column("collections", str)


def _m004_message_backend(db: sqlite_utils.Database) -> None:
    # which engine wrote a reply: "llama.cpp" (a local GGUF) or "remote" (CONNECTION/MODEL)
    db["messages"].add_column("backend", str)


MIGRATIONS: list[tuple[str, Callable[[sqlite_utils.Database], None]]] = [
    ("001_initial", _m001_initial),
    ("002_tool_calls_and_citations", _m002_tool_calls_and_citations),
    ("003_conversation_collections", _m003_conversation_collections),
    ("004_message_backend", _m004_message_backend),
]


def apply_migrations(db: sqlite_utils.Database) -> list[str]:
    """Apply pending migrations; return the names applied now."""
    if "_migrations" not in db.table_names():
        db["_migrations"].create({"name": str, "applied_at": str}, pk="name")
    done = {row["name"] for row in db["_migrations"].rows}
    applied = []
    for name, migrate in MIGRATIONS:
        if name in done:
            continue
        with db.conn:
            migrate(db)
            db["_migrations"].insert({"name": name, "applied_at": datetime.now(UTC).isoformat()})
        applied.append(name)
    return applied
