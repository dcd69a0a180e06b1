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


def _m005_uids_ratings_assistants(conn: sqlite3.Connection) -> None:
    # A chat's lasting identity (exports carry it, imports skip one already there), the
    # assistant it uses, a rating on each reply, the files a message came with, and the
    # user's assistants (built-in ones live in the code).
    run_script(
        conn,
        """
        ALTER TABLE "conversations" ADD COLUMN "uid" TEXT;
        ALTER TABLE "conversations" ADD COLUMN "assistant" TEXT;
        UPDATE "conversations" SET "uid" = lower(hex(randomblob(16))) WHERE "uid" IS NULL;
        CREATE UNIQUE INDEX "idx_conversations_uid" ON "conversations" ("uid");
        CREATE TRIGGER "conversations_uid" AFTER INSERT ON "conversations"
        WHEN new."uid" IS NULL BEGIN
          UPDATE "conversations" SET "uid" = lower(hex(randomblob(16))) WHERE "id" = new."id";
        END;
        ALTER TABLE "messages" ADD COLUMN "rating" TEXT;
        ALTER TABLE "messages" ADD COLUMN "rating_reason" TEXT;
        ALTER TABLE "messages" ADD COLUMN "attachments" TEXT;
        CREATE TABLE "assistants" (
           "name" TEXT PRIMARY KEY COLLATE NOCASE,
           "data" TEXT NOT NULL,
           "updated_at" TEXT
        );
        """,
    )


def _m006_message_images(conn: sqlite3.Connection) -> None:
    # JSON list of the pictures a message carries (chat_images.ChatImage: content hash, type,
    # size, name, OCR text); the files live in the data folder's images/, named by hash
    conn.execute('ALTER TABLE "messages" ADD COLUMN "images" TEXT')


def _m007_message_support(conn: sqlite3.Connection) -> None:
    # JSON list: each sentence of a reply from documents and whether the sources back it
    conn.execute('ALTER TABLE "messages" ADD COLUMN "support" TEXT')


MIGRATIONS: list[Migration] = [
    ("001_initial", _m001_initial),
    ("002_tool_calls_and_citations", _m002_tool_calls_and_citations),
    ("003_conversation_collections", _m003_conversation_collections),
    ("004_message_backend", _m004_message_backend),
    ("005_uids_ratings_assistants", _m005_uids_ratings_assistants),
    ("006_message_images", _m006_message_images),
    ("007_message_support", _m007_message_support),
]


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply the history migrations not yet recorded; returns the names applied now."""
    return run_migrations(conn, MIGRATIONS)
