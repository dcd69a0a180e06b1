"""Chunks from several documents embedded together, each document committed on its own.

Embedding two chunks per call (a folder of short notes) wastes most of the model's time, so
the indexer queues chunks across files and embeds full batches. A batch is written in one
transaction with each document's ``chunks_done``; a document is marked complete as soon as
its last chunk is in, so the resume guarantees of ``indexer.py`` hold per document.
"""

from __future__ import annotations

import json
import logging
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from fireside.assistant.documents.store import now
from fireside.assistant.documents.types import Chunk, FileResult, LoadError

log = logging.getLogger(__name__)

if TYPE_CHECKING:
    from fireside.assistant.documents.indexer import Indexer


@dataclass(eq=False)  # compared and hashed by identity
class Work:
    """One file being indexed: its document row, where it resumes, and how far it got."""

    path: Path
    result: FileResult
    started: float
    doc_id: int = 0
    done: int = 0  # chunks already committed before this run
    total: int = 0  # chunks produced so far
    committed: int = 0  # chunks committed (including ``done``)
    exhausted: bool = False


class EmbedBatch:
    """Chunks waiting to be embedded, possibly from several documents."""

    def __init__(self, indexer: Indexer, on_chunks, on_file) -> None:
        self.ix = indexer
        self.on_chunks = on_chunks
        self.on_file = on_file
        self.items: list[tuple[Work, Chunk]] = []
        self.open: list[Work] = []  # documents with chunks not yet committed
        self.results: list[FileResult] = []

    def add_document(self, work: Work) -> None:
        work.committed = work.done
        self.open.append(work)
        chunks: Iterator[Chunk] | None = None
        while True:
            try:
                if chunks is None:
                    chunks = iter(self.ix.chunks(work))
                chunk = next(chunks)
            except StopIteration:
                break
            except LoadError as exc:
                self._drop(work)
                self.fail(work, exc)
                return
            except Exception as exc:  # a loader bug must not end the batch
                log.warning("loading %s failed unexpectedly", work.path, exc_info=True)
                self._drop(work)
                self.fail(
                    work, LoadError("error", f"unexpected error: {type(exc).__name__}: {exc}")
                )
                work.result.status = "failed"
                return
            work.total = chunk.ordinal + 1
            if chunk.ordinal < work.done:
                continue
            self.items.append((work, chunk))
            if len(self.items) >= self.ix.options.batch_size:
                self.flush()
        work.exhausted = True
        if work.total == 0:
            self._drop(work)
            self.fail(work, LoadError("empty", "no text found in the file"))
            return
        self._complete_finished()

    def _drop(self, work: Work) -> None:
        """Forget a document that failed part-way: its queued chunks and its partial row."""
        self.items = [(w, c) for w, c in self.items if w is not work]
        self.open.remove(work)
        with self.ix.store.transaction() as conn:
            conn.execute("DELETE FROM documents WHERE id = ?", [work.doc_id])

    def flush(self, final: bool = False) -> None:
        if self.items:
            self.ix.control.checkpoint()
            items, self.items = self.items, []
            vectors = self.ix.embedder.encode([c.embedding_text() for _, c in items])
            store = self.ix.store
            with store.transaction() as conn:
                for work in dict.fromkeys(w for w, _ in items):
                    mine = [i for i, (w, _) in enumerate(items) if w is work]
                    chunks = [items[i][1] for i in mine]
                    store.add_chunks(
                        conn, work.doc_id, chunks, vectors[mine], self.ix.embedder.name
                    )
                    conn.execute(
                        "UPDATE documents SET chunks_done = ? WHERE id = ?",
                        [chunks[-1].ordinal + 1, work.doc_id],
                    )
                    work.committed = chunks[-1].ordinal + 1
            for work in dict.fromkeys(w for w, _ in items):
                self.on_chunks(work.path, sum(1 for w, _ in items if w is work))
        self._complete_finished()

    def _complete_finished(self) -> None:
        store, col = self.ix.store, self.ix.collection
        for work in [w for w in self.open if w.exhausted and w.committed >= w.total]:
            self.open.remove(work)
            with store.transaction() as conn:
                conn.execute(
                    "DELETE FROM documents WHERE collection_id = ? AND path = ? AND id != ?",
                    [col.id, str(work.path), work.doc_id],
                )
                conn.execute(
                    "UPDATE documents SET status = 'complete', n_chunks = ?, chunks_done = ?, "
                    "warnings = ?, indexed_at = ?, error = NULL WHERE id = ?",
                    [work.total, work.total, json.dumps(work.result.warnings), now(), work.doc_id],
                )
                store.bump(conn, col.id)
            work.result.chunks = work.total
            self.finish(work)

    def fail(self, work: Work, exc: LoadError) -> None:
        work.result.status, work.result.kind, work.result.reason = "skipped", exc.kind, exc.message
        self.ix.record_failure(work.path, exc)
        self.finish(work)

    def finish(self, work: Work) -> None:
        work.result.seconds = round(time.perf_counter() - work.started, 3)
        self.results.append(work.result)
        self.on_file(work.result)
