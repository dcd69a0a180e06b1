"""Named, ordered schema migrations for the documents database.

Applied by the shared runner (``assistant/migration_runner.py``): each runs once, in
a transaction, recorded by name in ``_migrations``, safe when two processes open the file at
once; a new release appends to ``MIGRATIONS`` and never edits one that has shipped.

Why the schema looks like this:
- ``documents`` may hold two rows for one path while a changed file is re-indexed: the old
  complete one stays searchable until the new one is complete (a partial unique index allows
  at most one complete row per path).
- ``vectors`` is keyed by (chunk, model), so a collection can be re-embedded with another
  model in the background while searches keep using the old vectors.
- ``chunks_words`` is an external-content FTS5 index kept in step by triggers, so a chunk
  row and its full-text entry are written in the same transaction. It indexes the chunk's
  word-segmented text (``keywords.py``) where that differs from the text (Chinese).
"""

from __future__ import annotations

import sqlite3

from fireside.assistant.migration_runner import Migration, run_script
from fireside.assistant.migration_runner import apply_migrations as run_migrations


def _m001_initial(conn: sqlite3.Connection) -> None:
    run_script(
        conn,
        """
        CREATE TABLE collections (
            id INTEGER PRIMARY KEY,
            name TEXT NOT NULL UNIQUE,
            model TEXT NOT NULL,
            pending_model TEXT,
            generation INTEGER NOT NULL DEFAULT 0,
            created_at TEXT NOT NULL
        );
        CREATE TABLE documents (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            size INTEGER,
            mtime_ns INTEGER,
            sha256 TEXT,
            kind TEXT,
            title TEXT,
            status TEXT NOT NULL,
            error TEXT,
            error_kind TEXT,
            warnings TEXT,
            chunker TEXT,
            n_chunks INTEGER NOT NULL DEFAULT 0,
            chunks_done INTEGER NOT NULL DEFAULT 0,
            added_at TEXT NOT NULL,
            indexed_at TEXT
        );
        CREATE INDEX documents_path ON documents(collection_id, path);
        CREATE UNIQUE INDEX documents_one_complete ON documents(collection_id, path)
            WHERE status = 'complete';
        CREATE TABLE chunks (
            id INTEGER PRIMARY KEY,
            document_id INTEGER NOT NULL REFERENCES documents(id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            heading TEXT,
            page INTEGER,
            line_start INTEGER,
            line_end INTEGER,
            overlap INTEGER NOT NULL DEFAULT 0,
            UNIQUE (document_id, ordinal)
        );
        CREATE TABLE vectors (
            chunk_id INTEGER NOT NULL REFERENCES chunks(id) ON DELETE CASCADE,
            model TEXT NOT NULL,
            vector BLOB NOT NULL,
            PRIMARY KEY (chunk_id, model)
        );
        CREATE INDEX vectors_model ON vectors(model);
        CREATE VIRTUAL TABLE chunks_fts USING fts5(
            text, heading, content='chunks', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER chunks_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
        END;
        CREATE TRIGGER chunks_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, heading)
                VALUES ('delete', old.id, old.text, old.heading);
        END;
        CREATE TRIGGER chunks_au AFTER UPDATE ON chunks BEGIN
            INSERT INTO chunks_fts(chunks_fts, rowid, text, heading)
                VALUES ('delete', old.id, old.text, old.heading);
            INSERT INTO chunks_fts(rowid, text, heading) VALUES (new.id, new.text, new.heading);
        END;
        CREATE TABLE watched_folders (
            id INTEGER PRIMARY KEY,
            collection_id INTEGER NOT NULL REFERENCES collections(id) ON DELETE CASCADE,
            path TEXT NOT NULL,
            UNIQUE (collection_id, path)
        );
        """,
    )


def _m002_words(conn: sqlite3.Connection) -> None:
    """Keyword index over word-segmented text (Chinese) with each chunk's language.

    ``words``/``heading_words`` hold the text as the keyword index should see it, NULL when
    that is the text itself (anything without CJK characters), so English chunks cost no
    extra space. ``keyed = 0`` marks rows written before this migration: the store segments
    them after opening, in committed batches (see ``DocumentStore.key_pending``), and until
    then they are indexed with their raw text, exactly as before.
    """
    run_script(
        conn,
        """
        ALTER TABLE chunks ADD COLUMN words TEXT;
        ALTER TABLE chunks ADD COLUMN heading_words TEXT;
        ALTER TABLE chunks ADD COLUMN lang TEXT;
        ALTER TABLE chunks ADD COLUMN keyed INTEGER NOT NULL DEFAULT 0;
        CREATE INDEX chunks_unkeyed ON chunks(id) WHERE keyed = 0;
        DROP TRIGGER chunks_ai;
        DROP TRIGGER chunks_ad;
        DROP TRIGGER chunks_au;
        DROP TABLE chunks_fts;
        CREATE VIEW chunk_keywords AS SELECT id, coalesce(words, text) AS body,
            coalesce(heading_words, heading) AS head FROM chunks;
        CREATE VIRTUAL TABLE chunks_words USING fts5(
            body, head, content='chunk_keywords', content_rowid='id',
            tokenize='porter unicode61 remove_diacritics 2'
        );
        CREATE TRIGGER chunks_words_ai AFTER INSERT ON chunks BEGIN
            INSERT INTO chunks_words(rowid, body, head) VALUES (
                new.id, coalesce(new.words, new.text), coalesce(new.heading_words, new.heading));
        END;
        CREATE TRIGGER chunks_words_ad AFTER DELETE ON chunks BEGIN
            INSERT INTO chunks_words(chunks_words, rowid, body, head) VALUES ('delete',
                old.id, coalesce(old.words, old.text), coalesce(old.heading_words, old.heading));
        END;
        CREATE TRIGGER chunks_words_au AFTER UPDATE OF text, heading, words, heading_words
            ON chunks BEGIN
            INSERT INTO chunks_words(chunks_words, rowid, body, head) VALUES ('delete',
                old.id, coalesce(old.words, old.text), coalesce(old.heading_words, old.heading));
            INSERT INTO chunks_words(rowid, body, head) VALUES (
                new.id, coalesce(new.words, new.text), coalesce(new.heading_words, new.heading));
        END;
        INSERT INTO chunks_words(chunks_words) VALUES ('rebuild');
        """,
    )


def _m003_ocr(conn: sqlite3.Connection) -> None:
    """Text read from scanned pages and pictures, and whether a collection reads them.

    ``ocr_pages`` is keyed by the file's content (SHA-256), its page and the engine, not by
    collection or path: re-indexing, moving the file or adding it to a second collection
    reads nothing again. ``result`` is the page's lines with their boxes (JSON), which the
    source viewer uses to mark a cited passage on the page picture.
    """
    run_script(
        conn,
        """
        ALTER TABLE collections ADD COLUMN ocr INTEGER NOT NULL DEFAULT 1;
        CREATE TABLE ocr_pages (
            sha256 TEXT NOT NULL,
            page INTEGER NOT NULL,
            engine TEXT NOT NULL,
            result TEXT NOT NULL,
            created_at TEXT NOT NULL,
            PRIMARY KEY (sha256, page, engine)
        );
        """,
    )


MIGRATIONS: list[Migration] = [
    ("001_initial", _m001_initial),
    ("002_words", _m002_words),
    ("003_ocr", _m003_ocr),
]


def apply_migrations(conn: sqlite3.Connection) -> list[str]:
    """Apply the documents migrations not yet recorded; returns the names applied now."""
    return run_migrations(conn, MIGRATIONS)
