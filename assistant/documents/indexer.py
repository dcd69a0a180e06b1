"""Index one file into a collection: skip it if unchanged, resume it if interrupted.

Why it is safe to kill at any moment: chunks are embedded and written in batches, each batch
in one transaction together with the document's ``chunks_done`` counter, and the document is
marked complete (replacing the previous version of the file, if any) in a final transaction.
Chunking is deterministic, so on restart the file is re-read, the first ``chunks_done``
chunks are skipped without embedding, and the job goes on: no duplicate, no gap.

Re-adding an unchanged file costs one ``stat`` (size and mtime match) or, if only the mtime
moved, one hash of the file; nothing is re-embedded.

Small files are batched together: chunks of several documents share one embedding call
(a folder of one-paragraph notes would otherwise embed two chunks at a time, several times
slower), and each document is marked complete once its last chunk is committed.
"""

from __future__ import annotations

import hashlib
import time
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from pathlib import Path

from fireside.assistant.documents.batching import EmbedBatch, Work
from fireside.assistant.documents.chunking import ChunkingOptions, chunk_blocks
from fireside.assistant.documents.control import Cancelled, JobControl
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.ocr_pages import PageOcr
from fireside.assistant.documents.store import Collection, DocumentStore
from fireside.assistant.documents.types import Chunk, FileResult, LoadError
from fireside.models.embedder import Embedder


@dataclass
class IndexOptions:
    chunking: ChunkingOptions = field(default_factory=ChunkingOptions)
    batch_size: int = 32  # chunks per embedding call and per transaction
    force: bool = False  # re-index even when the file is unchanged


def file_sha256(path: Path, control: JobControl | None = None) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        while block := fh.read(1 << 20):
            digest.update(block)
            if control is not None and control.cancelled:
                raise Cancelled()
    return digest.hexdigest()


class Indexer:
    """Indexes files into one collection with that collection's embedding model."""

    def __init__(
        self,
        store: DocumentStore,
        collection: Collection,
        *,
        embedder: Embedder | None = None,
        registry: LoaderRegistry | None = None,
        options: IndexOptions | None = None,
        control: JobControl | None = None,
    ) -> None:
        self.store = store
        self.collection = collection
        self.embedder = embedder or store.embedders.get(collection.model)
        self.registry = registry or LoaderRegistry()
        self.options = options or IndexOptions()
        self.control = control or JobControl()
        self._on_pages: Callable[[Path, int, int], None] = lambda _p, _d, _t: None
        if self.embedder.name not in (collection.model, collection.pending_model):
            raise ValueError(
                f"embedder {self.embedder.name!r} does not match collection model {collection.model!r}"
            )

    def index_many(
        self,
        paths: Iterable[str | Path],
        on_chunks: Callable[[Path, int], None] | None = None,
        on_file: Callable[[FileResult], None] | None = None,
        on_pages: Callable[[Path, int, int], None] | None = None,
    ) -> list[FileResult]:
        """Index files in order, sharing embedding batches between small ones.

        ``on_chunks(path, n)`` after each committed batch; ``on_file(result)`` when a file is
        finished (complete, unchanged or skipped); ``on_pages(path, done, total)`` as the
        pages of a PDF or picture are read. Raises ``Cancelled`` and ``EmbedderError``.
        """
        self._on_pages = on_pages or (lambda _p, _d, _t: None)
        batch = EmbedBatch(
            self.store,
            self.collection,
            self.embedder,
            self.control,
            self.options.batch_size,
            chunks=self.chunks,
            record_failure=self.record_failure,
            on_chunks=on_chunks or (lambda _p, _n: None),
            on_file=on_file or (lambda _r: None),
        )
        for raw in paths:
            self.control.checkpoint()
            path = Path(raw).expanduser().resolve()
            work = Work(path, FileResult(str(path), "indexed"), time.perf_counter())
            try:
                if self._plan(work):
                    batch.add_document(work)
                else:
                    batch.finish(work)
            except LoadError as exc:
                batch.fail(work, exc)
        batch.flush(final=True)
        return batch.results

    # -- planning: what has to be done for one file ----------------------------------------
    def _plan(self, work: Work) -> bool:
        """Fill ``work``; False when there is nothing to embed (unchanged or known failure)."""
        col, opts, store, path, result = (
            self.collection,
            self.options,
            self.store,
            work.path,
            work.result,
        )
        try:
            st = path.stat()
        except FileNotFoundError:
            raise LoadError("unreadable", "file not found") from None
        rows = store.documents_at(col.id, str(path))
        complete = next((r for r in rows if r.status == "complete"), None)
        partial = next((r for r in rows if r.status == "indexing"), None)
        failed = next((r for r in rows if r.status == "failed"), None)
        version = opts.chunking.version

        def same_stat(r) -> bool:
            return r.size == st.st_size and r.mtime_ns == st.st_mtime_ns

        if failed is not None and failed.error_kind == "scanned" and col.ocr:
            failed = None  # read it again: OCR may have been off or missing then
        if not opts.force and partial is None:
            if complete and same_stat(complete) and complete.chunker == version:
                result.status, result.chunks = "unchanged", complete.n_chunks
                result.document_id = complete.id
                return False
            if failed and same_stat(failed) and not complete:
                result.status, result.kind, result.reason = (
                    "skipped",
                    failed.error_kind,
                    failed.error,
                )
                return False
        spec = self.registry.check(path)
        sha = file_sha256(path, self.control)
        work.sha256 = sha
        if not opts.force and complete and complete.sha256 == sha and complete.chunker == version:
            store.keep_unchanged(complete, st.st_size, st.st_mtime_ns)
            result.status, result.chunks, result.document_id = (
                "unchanged",
                complete.n_chunks,
                complete.id,
            )
            return False
        if partial and partial.sha256 == sha and partial.chunker == version and not opts.force:
            work.doc_id, work.done = partial.id, partial.chunks_done
        else:
            work.doc_id = store.start_document(
                col.id,
                str(path),
                size=st.st_size,
                mtime_ns=st.st_mtime_ns,
                sha256=sha,
                kind=spec.name,
                chunker=version,
                replaces=partial.id if partial else None,
            )
            work.done = 0
        result.document_id = work.doc_id
        return True

    def chunks(self, work: Work) -> Iterator[Chunk]:
        blocks = self.registry.load(work.path, work.result.warnings.append, self._ocr(work))
        return chunk_blocks(blocks, self.options.chunking)

    def _ocr(self, work: Work) -> PageOcr:
        """OCR for this file: the shared engine, the store's page cache, this job's cancel."""
        path = work.path
        return PageOcr(
            self.registry.ocr if self.collection.ocr else None,
            sha256=work.sha256,
            store=self.store,
            checkpoint=self.control.checkpoint,
            on_pages=lambda done, total: self._on_pages(path, done, total),
            off_reason=f"OCR is off for the collection '{self.collection.name}'",
        )

    def record_failure(self, path: Path, exc: LoadError) -> None:
        """Remember why the file was skipped, so the panel can show it and re-adding the
        same unchanged file does not try again; an older indexed version is stale, drop it."""
        try:
            st = path.stat()
            size, mtime = st.st_size, st.st_mtime_ns
        except OSError:
            size = mtime = None
        self.store.record_failure(
            self.collection.id,
            str(path),
            size=size,
            mtime_ns=mtime,
            error=exc.message,
            kind=exc.kind,
        )
