"""Named, ordered schema migrations for the history database.

Applied by the shared runner (``assistant/migration_runner.py``): each runs once, in
a transaction, recorded by name in ``_migrations``, safe when two processes open the file at
once; a new release appends to ``MIGRATIONS`` and never edits an applied one. The statements
are the ones sqlite-utils wrote when these migrations were first shipped, so files created
then and now have the same schema.
"""

from __future__ import annotations

import sqlite3

from fireside.assistant.migration_runner import Migration, run_script
from fireside.assistant.migration_runner import apply_migrations as run_migrations


def _m001_initial(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE "conversations" (
           "id" INTEGER PRIMARY KEY,
           "title" TEXT,
           "created_at" TEXT,
           "updated_at" TEXT,
           "model" TEXT,
           "system_prompt" TEXT,
           "current_leaf_id" INTEGER
        );
        CREATE TABLE "messages" (
           "id" INTEGER PRIMARY KEY,
           "conversation_id" INTEGER REFERENCES "conversations"("id"),
           "parent_id" INTEGER,
           "role" TEXT,
           "content" TEXT,
           "status" TEXT,
           "model" TEXT,
           "settings" TEXT,
           "prompt_tokens" INTEGER,
           "completion_tokens" INTEGER,
           "timings" TEXT,
           "created_at" TEXT
        );
        CREATE INDEX "idx_messages_conversation_id" ON "messages" ("conversation_id");
        CREATE INDEX "idx_messages_parent_id" ON "messages" ("parent_id");
        CREATE VIRTUAL TABLE "messages_fts" USING FTS5 ("content", content="messages");
        CREATE TRIGGER "messages_ai" AFTER INSERT ON "messages" BEGIN
          INSERT INTO "messages_fts" (rowid, "content") VALUES (new.rowid, new."content");
        END;
        CREATE TRIGGER "messages_ad" AFTER DELETE ON "messages" BEGIN
          INSERT INTO "messages_fts" ("messages_fts", rowid, "content")
            VALUES('delete', old.rowid, old."content");
        END;
        CREATE TRIGGER "messages_au" AFTER UPDATE ON "messages" BEGIN
          INSERT INTO "messages_fts" ("messages_fts", rowid, "content")
            VALUES('delete', old.rowid, old."content");
          INSERT INTO "messages_fts" (rowid, "content") VALUES (new.rowid, new."content");
        END;
        """,
    )


def _m002_tool_calls_and_citations(conn: sqlite3.Connection) -> None:
    conn.execute('ALTER TABLE "messages" ADD COLUMN "tool_calls" TEXT')
    conn.execute('ALTER TABLE "messages" ADD COLUMN "citations" TEXT')


def _m003_conversation_collections(conn: sqlite3.Connection) -> None:
    # JSON list of document collection names the chat answers from; NULL: plain chat
    conn.execute('ALTER TABLE "conversations" ADD COLUMN "collections" TEXT')


def _m004_message_backend(conn: sqlite3.Connection) -> None:
    # which engine wrote a reply: "llama.cpp" (a local GGUF) or "remote" (CONNECTION/MODEL)
    conn.execute('ALTER TABLE "messages" ADD COLUMN "backend" TEXT')


def _m005_message_support(conn: sqlite3.Connection) -> None:
    # JSON list: each sentence of a reply from documents and whether the sources back it
    conn.execute('ALTER TABLE "messages" ADD COLUMN "support" TEXT')


MIGRATIONS: list[Migration] = [
    ("001_initial", _m001_initial),
    ("002_tool_calls_and_citations", _m002_tool_calls_and_citations),
    ("003_conversation_collections", _m003_conversation_collections),
    ("004_message_backend", _m004_message_backend),
    ("005_message_support", _m005_message_support),
]


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply the history migrations not yet recorded; returns the names applied now."""
    return run_migrations(conn, MIGRATIONS)
