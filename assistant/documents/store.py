"""The documents database: collections, documents, chunks, vectors and the FTS5 index.

One SQLite file (``Paths.documents_db``), WAL mode so searches run while a job writes, one
connection per thread. Writes that must land together (a batch of chunks with their vectors
and the document's progress counter) go through ``transaction()``: explicit
``BEGIN IMMEDIATE`` ... ``COMMIT`` on an autocommit connection, with raw ``executemany``,
because sqlite-utils' helpers commit on their own and would split the batch.

Every change that alters what a search can see bumps the collection's ``generation``; the
in-memory vector matrices compare it to know when to reload.
"""

from __future__ import annotations

import json
import sqlite3
from collections.abc import Iterator, Sequence
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path

import numpy as np
import sqlite_utils
from fireside.assistant.documents.keywords import KeywordText
from fireside.assistant.documents.migrations import apply_migrations
from fireside.assistant.documents.rerank import BackgroundVectors
from fireside.assistant.documents.types import Chunk
from fireside.assistant.documents.vector_index import VectorCache
from fireside.assistant.language import main_language
from fireside.assistant.per_thread_db import PerThreadDatabase, use_wal
from fireside.assistant.store_errors import store_error
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.ocr import OcrPage

from fireside.errors import NotFoundError
from fireside.private_files import private_database


def now() -> str:
    return datetime.now(UTC).isoformat(timespec="seconds")


@dataclass
class Collection:
    id: int
    name: str
    model: str
    pending_model: str | None = None
    generation: int = 0
    created_at: str = ""
    ocr: bool = True  # scanned pages and pictures are read with OCR
    documents: int = 0
    chunks: int = 0
    failed: int = 0


@dataclass
class DocumentInfo:
    """One row of the documents panel: what the file is and how far indexing got."""

    id: int
    collection_id: int
    path: str
    status: str  # "indexing", "complete", "failed"
    size: int | None = None
    mtime_ns: int | None = None
    sha256: str | None = None
    kind: str | None = None
    title: str | None = None
    error: str | None = None
    error_kind: str | None = None
    warnings: list[str] = field(default_factory=list)
    chunker: str | None = None
    n_chunks: int = 0
    chunks_done: int = 0
    added_at: str = ""
    indexed_at: str | None = None

    @property
    def name(self) -> str:
        return Path(self.path).name


def _doc(row: dict) -> DocumentInfo:
    data = {k: row[k] for k in DocumentInfo.__dataclass_fields__ if k in row}
    data["warnings"] = json.loads(row.get("warnings") or "[]")
    return DocumentInfo(**data)


class DocumentStore:
    """All access to the documents database (safe to share between threads)."""

    def __init__(
        self,
        path: str | Path,
        *,
        cache_dir: str | Path | None = None,
        embedders: EmbedderRegistry | None = None,
        keywords: KeywordText | None = None,
    ) -> None:
        """``cache_dir``: where the Chinese word segmenter keeps its dictionary cache;
        ``embedders``: the embedders collections may use (default: the built-in ones);
        ``keywords``: the segmenter (default: one in this process)."""
        self.path = Path(path)
        self.path.parent.mkdir(parents=True, exist_ok=True)
        self.keywords = keywords or KeywordText(cache_dir)
        # one loaded instance per model; the cache folder holds the e5 export
        self.embedders = embedders or EmbedderRegistry(Path(cache_dir) if cache_dir else None)
        self.vectors = VectorCache()  # search matrices, reloaded when a collection changes
        self.backgrounds = BackgroundVectors()  # "unrelated" per embedder, for relevance
        self._dbs = PerThreadDatabase(self._open)
        _ = self.db  # open and migrate on the creating thread
        self.key_pending()

    # -- connection --------------------------------------------------------------------------
    @property
    def db(self) -> sqlite_utils.Database:
        return self._dbs.get()

    @property
    def conn(self) -> sqlite3.Connection:
        return self.db.conn

    def _open(self) -> sqlite_utils.Database:
        private_database(self.path)  # made 0600 before SQLite creates it with the umask
        try:
            conn = sqlite3.connect(
                str(self.path), timeout=30, isolation_level=None, check_same_thread=False
            )
            use_wal(conn)
            conn.execute("PRAGMA synchronous=NORMAL")
            conn.execute("PRAGMA foreign_keys=ON")
            conn.execute("PRAGMA busy_timeout=30000")
            db = sqlite_utils.Database(conn)
            apply_migrations(conn)
        except sqlite3.DatabaseError as exc:
            raise store_error(self.path, "documents database", exc) from None
        return db

    def close(self) -> None:
        """Close this thread's connection (other threads close theirs on exit)."""
        self._dbs.close()

    @contextmanager
    def transaction(self) -> Iterator[sqlite3.Connection]:
        conn = self.conn
        conn.execute("BEGIN IMMEDIATE")
        try:
            yield conn
        except BaseException:
            conn.execute("ROLLBACK")
            raise
        conn.execute("COMMIT")

    # -- collections -------------------------------------------------------------------------
    def collection(self, name: str, *, model: str | None = None, create: bool = True) -> Collection:
        """The collection called ``name``; created (with ``model``) if missing and allowed."""
        row = self.conn.execute("SELECT id FROM collections WHERE name = ?", [name]).fetchone()
        if row is None:
            if not create:
                raise NotFoundError(f"no collection named {name!r}")
            with self.transaction() as conn:
                conn.execute(
                    "INSERT OR IGNORE INTO collections (name, model, created_at) VALUES (?, ?, ?)",
                    [name, self.embedders.canonical(model), now()],
                )
        return next(c for c in self.collections() if c.name == name)

    def collections(self, counts: bool = True) -> list[Collection]:
        """All collections; ``counts=False`` skips the per-collection totals (hot path)."""
        if not counts:
            rows = self.db.query("SELECT * FROM collections ORDER BY name")
            return [Collection(**row) for row in rows]
        rows = self.db.query(
            """SELECT c.*,
                (SELECT count(*) FROM documents d WHERE d.collection_id = c.id
                    AND d.status = 'complete') AS documents,
                (SELECT coalesce(sum(n_chunks), 0) FROM documents d WHERE d.collection_id = c.id
                    AND d.status = 'complete') AS chunks,
                (SELECT count(*) FROM documents d WHERE d.collection_id = c.id
                    AND d.status = 'failed') AS failed
               FROM collections c ORDER BY c.name"""
        )
        return [Collection(**row) for row in rows]

    def generation(self, collection_id: int) -> int:
        row = self.conn.execute(
            "SELECT generation FROM collections WHERE id = ?", [collection_id]
        ).fetchone()
        return row[0] if row else -1

    def bump(self, conn: sqlite3.Connection, collection_id: int) -> None:
        conn.execute(
            "UPDATE collections SET generation = generation + 1 WHERE id = ?", [collection_id]
        )

    def delete_collection(self, name: str) -> None:
        col = self.collection(name, create=False)
        with self.transaction() as conn:
            conn.execute("DELETE FROM collections WHERE id = ?", [col.id])

    def set_pending_model(self, collection_id: int, model: str | None) -> None:
        with self.transaction() as conn:
            conn.execute(
                "UPDATE collections SET pending_model = ? WHERE id = ?", [model, collection_id]
            )

    def set_ocr(self, collection_id: int, enabled: bool) -> None:
        """Turn OCR on or off for the collection (files indexed later follow the choice)."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE collections SET ocr = ? WHERE id = ?", [int(bool(enabled)), collection_id]
            )

    # -- text read from pictures -------------------------------------------------------------
    def ocr_result(self, sha256: str, page: int, engine: str) -> OcrPage | None:
        """A page read earlier (any collection, any path with the same content)."""
        row = self.conn.execute(
            "SELECT result FROM ocr_pages WHERE sha256 = ? AND page = ? AND engine = ?",
            [sha256, page, engine],
        ).fetchone()
        return OcrPage.from_dict(json.loads(row[0])) if row else None

    def put_ocr_result(self, sha256: str, page: int, engine: str, result: OcrPage) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR REPLACE INTO ocr_pages (sha256, page, engine, result, created_at) "
                "VALUES (?, ?, ?, ?, ?)",
                [sha256, page, engine, json.dumps(result.to_dict(), ensure_ascii=False), now()],
            )

    def ocr_result_at(self, path: str, page: int) -> OcrPage | None:
        """What OCR read on ``page`` of the indexed file at ``path`` (for the source viewer)."""
        row = self.conn.execute(
            "SELECT o.result FROM documents d JOIN ocr_pages o ON o.sha256 = d.sha256 "
            "WHERE d.path = ? AND d.status = 'complete' AND o.page = ? "
            "ORDER BY d.indexed_at DESC LIMIT 1",
            [path, page],
        ).fetchone()
        return OcrPage.from_dict(json.loads(row[0])) if row else None

    # -- watched folders ---------------------------------------------------------------------
    def add_watched_folder(self, collection_id: int, path: str) -> None:
        with self.transaction() as conn:
            conn.execute(
                "INSERT OR IGNORE INTO watched_folders (collection_id, path) VALUES (?, ?)",
                [collection_id, path],
            )

    def watched_folders(self) -> list[tuple[str, str]]:
        """(collection name, folder) pairs."""
        rows = self.conn.execute(
            "SELECT c.name, w.path FROM watched_folders w JOIN collections c "
            "ON c.id = w.collection_id ORDER BY c.name, w.path"
        )
        return [(r[0], r[1]) for r in rows]

    # -- documents ---------------------------------------------------------------------------
    def documents(
        self, collection_id: int | None = None, status: str | None = None
    ) -> list[DocumentInfo]:
        sql, args = "SELECT * FROM documents WHERE 1=1", []
        if collection_id is not None:
            sql, args = sql + " AND collection_id = ?", args + [collection_id]
        if status is not None:
            sql, args = sql + " AND status = ?", args + [status]
        return [_doc(r) for r in self.db.query(sql + " ORDER BY path, id", args)]

    def document(self, document_id: int) -> DocumentInfo:
        rows = list(self.db.query("SELECT * FROM documents WHERE id = ?", [document_id]))
        if not rows:
            raise NotFoundError(f"no document {document_id}")
        return _doc(rows[0])

    def documents_at(self, collection_id: int, path: str) -> list[DocumentInfo]:
        """Rows for one path: at most one complete, plus an indexing or failed one."""
        rows = self.db.query(
            "SELECT * FROM documents WHERE collection_id = ? AND path = ? ORDER BY id",
            [collection_id, path],
        )
        return [_doc(r) for r in rows]

    def remove_document(self, document_id: int) -> None:
        doc = self.document(document_id)
        with self.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE id = ?", [document_id])
            self.bump(conn, doc.collection_id)

    # -- indexing steps (each one transaction) ----------------------------------------------
    def keep_unchanged(self, doc: DocumentInfo, size: int, mtime_ns: int) -> None:
        """The file's content is the indexed one: record its new stat, drop stale attempts."""
        with self.transaction() as conn:
            conn.execute(
                "UPDATE documents SET size = ?, mtime_ns = ? WHERE id = ?", [size, mtime_ns, doc.id]
            )
            conn.execute(
                "DELETE FROM documents WHERE collection_id = ? AND path = ? AND "
                "status != 'complete'",
                [doc.collection_id, doc.path],
            )

    def start_document(
        self,
        collection_id: int,
        path: str,
        *,
        size: int,
        mtime_ns: int,
        sha256: str,
        kind: str,
        chunker: str,
        replaces: int | None = None,
    ) -> int:
        """A new 'indexing' row (replacing the interrupted attempt ``replaces``); its id."""
        with self.transaction() as conn:
            if replaces is not None:
                conn.execute("DELETE FROM documents WHERE id = ?", [replaces])
            return conn.execute(
                "INSERT INTO documents (collection_id, path, size, mtime_ns, sha256, kind, "
                "status, chunker, added_at) VALUES (?, ?, ?, ?, ?, ?, 'indexing', ?, ?)",
                [collection_id, path, size, mtime_ns, sha256, kind, chunker, now()],
            ).lastrowid

    def record_failure(
        self,
        collection_id: int,
        path: str,
        *,
        size: int | None,
        mtime_ns: int | None,
        error: str,
        kind: str,
    ) -> None:
        """The file cannot be indexed: one 'failed' row replaces every row of the path."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM documents WHERE collection_id = ? AND path = ?", [collection_id, path]
            )
            conn.execute(
                "INSERT INTO documents (collection_id, path, size, mtime_ns, status, error, "
                "error_kind, added_at) VALUES (?, ?, ?, ?, 'failed', ?, ?, ?)",
                [collection_id, path, size, mtime_ns, error, kind, now()],
            )
            self.bump(conn, collection_id)

    def drop_attempt(self, document_id: int) -> None:
        """Forget an indexing attempt that failed part-way (never visible to search)."""
        with self.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE id = ?", [document_id])

    def add_batch(
        self, parts: Sequence[tuple[int, Sequence[Chunk], np.ndarray]], model: str
    ) -> None:
        """Chunks of several documents with their vectors, and each document's progress
        counter, in one transaction: a batch lands whole or not at all."""
        with self.transaction() as conn:
            for document_id, chunks, vectors in parts:
                self.add_chunks(conn, document_id, chunks, vectors, model)
                conn.execute(
                    "UPDATE documents SET chunks_done = ? WHERE id = ?",
                    [chunks[-1].ordinal + 1, document_id],
                )

    def complete_document(
        self, collection_id: int, path: str, document_id: int, n_chunks: int, warnings: list[str]
    ) -> None:
        """Make the new version searchable and drop the previous one, atomically."""
        with self.transaction() as conn:
            conn.execute(
                "DELETE FROM documents WHERE collection_id = ? AND path = ? AND id != ?",
                [collection_id, path, document_id],
            )
            conn.execute(
                "UPDATE documents SET status = 'complete', n_chunks = ?, chunks_done = ?, "
                "warnings = ?, indexed_at = ?, error = NULL WHERE id = ?",
                [n_chunks, n_chunks, json.dumps(warnings), now(), document_id],
            )
            self.bump(conn, collection_id)

    # -- vectors of another model (re-embedding) ---------------------------------------------
    _MISSING = (
        "FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.collection_id = ? "
        "AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id AND v.model = ?)"
    )

    def missing_vectors(self, collection_id: int, model: str) -> int:
        """How many chunks of the collection have no ``model`` vector yet."""
        sql = f"SELECT count(*) {self._MISSING}"
        return self.conn.execute(sql, [collection_id, model]).fetchone()[0]

    def chunks_missing_vectors(
        self, collection_id: int, model: str, limit: int
    ) -> list[tuple[int, str]]:
        """(chunk id, text to embed) of up to ``limit`` chunks still without a ``model`` vector."""
        rows = self.conn.execute(
            f"SELECT c.id, c.text, c.heading {self._MISSING} ORDER BY c.id LIMIT ?",
            [collection_id, model, limit],
        ).fetchall()
        return [(cid, f"{heading}\n{text}" if heading else text) for cid, text, heading in rows]

    def put_vectors(self, chunk_ids: Sequence[int], vectors: np.ndarray, model: str) -> None:
        with self.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (chunk_id, model, vector) VALUES (?, ?, ?)",
                [
                    (cid, model, np.asarray(v, dtype=np.float32).tobytes())
                    for cid, v in zip(chunk_ids, vectors, strict=True)
                ],
            )

    def activate_model(self, collection_id: int, model: str, old_model: str) -> bool:
        """Make ``model`` the collection's and drop ``old_model``'s vectors, in one
        transaction; False (nothing changed) while some chunk still lacks a new vector."""
        with self.transaction() as conn:
            missing = conn.execute(f"SELECT count(*) {self._MISSING}", [collection_id, model])
            if missing.fetchone()[0]:
                return False
            conn.execute(
                "UPDATE collections SET model = ?, pending_model = NULL, "
                "generation = generation + 1 WHERE id = ?",
                [model, collection_id],
            )
            conn.execute(
                "DELETE FROM vectors WHERE model = ? AND chunk_id IN (SELECT c.id FROM chunks c "
                "JOIN documents d ON d.id = c.document_id WHERE d.collection_id = ?)",
                [old_model, collection_id],
            )
            return True

    # -- chunks ------------------------------------------------------------------------------
    def add_chunks(
        self,
        conn: sqlite3.Connection,
        document_id: int,
        chunks: Sequence[Chunk],
        vectors: np.ndarray,
        model: str,
    ) -> None:
        """Insert chunks and their vectors (call inside ``transaction()``)."""
        for chunk, vec in zip(chunks, vectors, strict=True):
            cur = conn.execute(
                "INSERT INTO chunks (document_id, ordinal, text, heading, page, line_start, "
                "line_end, overlap, words, heading_words, lang, keyed) "
                "VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?, ?, ?, 1)",
                [
                    document_id,
                    chunk.ordinal,
                    chunk.text,
                    chunk.heading,
                    chunk.page,
                    chunk.line_start,
                    chunk.line_end,
                    chunk.overlap,
                    *self._keyed(chunk.text, chunk.heading),
                ],
            )
            conn.execute(
                "INSERT INTO vectors (chunk_id, model, vector) VALUES (?, ?, ?)",
                [cur.lastrowid, model, np.asarray(vec, dtype=np.float32).tobytes()],
            )

    def _keyed(self, text: str, heading: str | None) -> tuple[str | None, str | None, str | None]:
        """(words, heading words, language) of a chunk, as the keyword index stores them."""
        return (
            self.keywords.index_text(text),
            self.keywords.index_text(heading),
            main_language(text),
        )

    def key_pending(self, batch_size: int = 500) -> int:
        """Segment chunks written before the word index existed; returns how many.

        Each batch is committed on its own, so an interrupted run resumes where it stopped;
        English-only rows cost a regular-expression scan each.
        """
        done = 0
        while True:
            rows = self.conn.execute(
                "SELECT id, text, heading FROM chunks WHERE keyed = 0 ORDER BY id LIMIT ?",
                [batch_size],
            ).fetchall()
            if not rows:
                return done
            keyed = [(*self._keyed(text, heading), cid) for cid, text, heading in rows]
            with self.transaction() as conn:
                conn.executemany(
                    "UPDATE chunks SET words = ?, heading_words = ?, lang = ?, keyed = 1 "
                    "WHERE id = ?",
                    keyed,
                )
            done += len(rows)

    def chunk_languages(self, chunk_ids: Sequence[int]) -> dict[int, str | None]:
        """Each chunk's main language (None: no letters, or not yet known)."""
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self.conn.execute(
            f"SELECT id, lang FROM chunks WHERE id IN ({marks})", list(chunk_ids)
        )
        return dict(rows.fetchall())

    def chunks_of(self, document_id: int) -> Iterator[dict]:
        """The document's chunks in reading order (for whole-document requests)."""
        yield from self.db.query(
            "SELECT * FROM chunks WHERE document_id = ? ORDER BY ordinal", [document_id]
        )

    def chunk_rows(self, chunk_ids: Sequence[int]) -> dict[int, dict]:
        if not chunk_ids:
            return {}
        marks = ",".join("?" * len(chunk_ids))
        rows = self.db.query(
            "SELECT c.*, d.path AS document, d.collection_id, co.name AS collection "
            f"FROM chunks c JOIN documents d ON d.id = c.document_id "
            f"JOIN collections co ON co.id = d.collection_id WHERE c.id IN ({marks})",
            list(chunk_ids),
        )
        return {r["id"]: r for r in rows}
