"""The plain data that flows from a file to a search hit: blocks, chunks, hits, file results.

Kept apart from the code that produces them so loaders, the chunker, the store and the
front ends agree on one vocabulary without importing each other.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field

from fireside.errors import FiresideError


@dataclass
class Block:
    """One structural unit a loader found: a paragraph, a table row, part of a page.

    ``heading`` is the path of headings above it (outermost first); ``page`` is 1-based and
    None for formats without pages; lines are 1-based and inclusive, within the page for
    PDFs and within the file otherwise.
    """

    text: str
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    heading: tuple[str, ...] = ()


@dataclass
class Chunk:
    """A piece of a document sized for the embedding model, with where it came from.

    ``overlap`` is how many leading characters repeat the end of the previous chunk, so
    reading a document back in order can drop them.
    """

    ordinal: int
    text: str
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    heading: str | None = None
    overlap: int = 0

    def embedding_text(self) -> str:
        """Text the embedder sees: the heading path gives short passages their topic."""
        return f"{self.heading}\n{self.text}" if self.heading else self.text


class LoadError(FiresideError):
    """A file that cannot be indexed; ``kind`` is a stable code, the message says why.

    Kinds: encrypted, scanned, corrupt, empty, too_large, misnamed, unsupported, unreadable.
    """

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class FileResult:
    """What happened to one file in an indexing run (one row of the per-file status list).

    ``status``: "indexed", "unchanged", "skipped" (cannot be read: see ``reason``),
    "failed" (unexpected error), "cancelled" (stopped part-way; resumes next time).
    """

    path: str
    status: str
    reason: str | None = None
    kind: str | None = None
    chunks: int = 0
    warnings: list[str] = field(default_factory=list)
    seconds: float = 0.0
    document_id: int | None = None

    @property
    def ok(self) -> bool:
        return self.status in ("indexed", "unchanged")

    @property
    def message(self) -> str:
        """One line for a status list: the reason when skipped, else the status."""
        return self.reason or (f"{self.status} ({self.chunks} chunks)" if self.ok else self.status)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Hit:
    """A retrieved chunk. ``score`` is the fused score (higher is better; by default
    0.7 x cosine + 0.3 x BM25 relative to the query's best keyword hit); ``similarity`` is
    the cosine similarity to the question (None if not scored); ranks are 1-based positions
    in the keyword and vector lists (None when absent from one)."""

    chunk_id: int
    document_id: int
    document: str
    text: str
    score: float
    page: int | None = None
    line_start: int | None = None
    line_end: int | None = None
    heading: str | None = None
    ordinal: int = 0
    similarity: float | None = None
    bm25_rank: int | None = None
    vector_rank: int | None = None
    collection: str | None = None
    relevance: float | None = None  # the second stage's judgement, 0..1 (``rerank.py``)

    def to_dict(self) -> dict:
        return asdict(self)
