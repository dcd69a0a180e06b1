"""Chunks from several documents embedded together, each document committed on its own.

Embedding two chunks per call (a folder of short notes) wastes most of the model's time, so
the indexer queues chunks across files and embeds full batches. A batch is written in one
transaction with each document's ``chunks_done``; a document is marked complete as soon as
its last chunk is in, so the resume guarantees of ``indexer.py`` hold per document.
"""

from __future__ import annotations

import logging
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass
from pathlib import Path

from fireside.assistant.documents.control import Cancelled, JobControl
from fireside.assistant.documents.store import Collection, DocumentStore
from fireside.assistant.documents.types import Chunk, FileResult, LoadError
from fireside.models.embedder import Embedder

log = logging.getLogger(__name__)


@dataclass(eq=False)  # compared and hashed by identity
class Work:
    """One file being indexed: its document row, where it resumes, and how far it got."""

    path: Path
    result: FileResult
    started: float
    doc_id: int = 0
    done: int = 0  # chunks already committed before this run
    sha256: str = ""  # the file's content, which keys its OCR'd pages
    total: int = 0  # chunks produced so far
    committed: int = 0  # chunks committed (including ``done``)
    exhausted: bool = False


class EmbedBatch:
    """Chunks waiting to be embedded, possibly from several documents."""

    def __init__(
        self,
        store: DocumentStore,
        collection: Collection,
        embedder: Embedder,
        control: JobControl,
        batch_size: int,
        *,
        chunks: Callable[[Work], Iterable[Chunk]],
        record_failure: Callable[[Path, LoadError], None],
        on_chunks: Callable[[Path, int], None],
        on_file: Callable[[FileResult], None],
    ) -> None:
        """``chunks(work)``: the document's chunks in order; ``record_failure``: remember a
        file that cannot be indexed."""
        self.store = store
        self.collection = collection
        self.embedder = embedder
        self.control = control
        self.batch_size = batch_size
        self.chunks_of = chunks
        self.record_failure = record_failure
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
                    chunks = iter(self.chunks_of(work))
                chunk = next(chunks)
            except StopIteration:
                break
            except LoadError as exc:
                self._drop(work)
                self.fail(work, exc)
                return
            except Cancelled:  # between two OCR'd pages: the job stops, resumable
                raise
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
            if len(self.items) >= self.batch_size:
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
        self.store.drop_attempt(work.doc_id)

    def flush(self, final: bool = False) -> None:
        if self.items:
            self.control.checkpoint()
            items, self.items = self.items, []
            vectors = self.embedder.encode([c.embedding_text() for _, c in items])
            parts = []
            for work in dict.fromkeys(w for w, _ in items):
                mine = [i for i, (w, _) in enumerate(items) if w is work]
                parts.append((work, [items[i][1] for i in mine], vectors[mine]))
            self.store.add_batch([(w.doc_id, c, v) for w, c, v in parts], self.embedder.name)
            for work, chunks, _ in parts:
                work.committed = chunks[-1].ordinal + 1
            for work in dict.fromkeys(w for w, _ in items):
                self.on_chunks(work.path, sum(1 for w, _ in items if w is work))
        self._complete_finished()

    def _complete_finished(self) -> None:
        for work in [w for w in self.open if w.exhausted and w.committed >= w.total]:
            self.open.remove(work)
            self.store.complete_document(
                self.collection.id, str(work.path), work.doc_id, work.total, work.result.warnings
            )
            work.result.chunks = work.total
            self.finish(work)

    def fail(self, work: Work, exc: LoadError) -> None:
        work.result.status, work.result.kind, work.result.reason = "skipped", exc.kind, exc.message
        self.record_failure(work.path, exc)
        self.finish(work)

    def finish(self, work: Work) -> None:
        work.result.seconds = round(time.perf_counter() - work.started, 3)
        self.results.append(work.result)
        self.on_file(work.result)
