"""Exact vector search over a collection: one float32 matrix in memory, one mat-vec per query.

This Python's sqlite3 cannot load extensions (no sqlite-vec), and exact search is fast
enough here anyway: 100,000 chunks x 384 dims is a 150 MB matrix and a ~10 ms product.
The matrix is loaded on first search and kept by the store object (``DocumentStore.vectors``)
per (collection, model); each search compares the collection's ``generation`` counter (one
tiny query) and reloads only when documents were added, changed or removed since. An
indexing job loads it as it finishes (``VectorCache.warm``), so the first search after
indexing finds it ready.
"""

from __future__ import annotations

import threading
from dataclasses import dataclass
from typing import TYPE_CHECKING

import numpy as np

if TYPE_CHECKING:  # the store owns a VectorCache; this module only reads through it
    from fireside.assistant.documents.store import DocumentStore


@dataclass
class VectorMatrix:
    chunk_ids: np.ndarray  # int64, one per row
    doc_ids: np.ndarray  # int64, one per row
    matrix: np.ndarray  # float32 (rows, dim), L2-normalised
    generation: int

    def __len__(self) -> int:
        return len(self.chunk_ids)

    def search(
        self, query: np.ndarray, k: int, documents: np.ndarray | None = None
    ) -> tuple[np.ndarray, np.ndarray]:
        """Top ``k`` (chunk ids, cosine scores), best first; ``documents`` limits the rows."""
        if len(self) == 0 or k <= 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        q = np.asarray(query, dtype=np.float32)
        if documents is not None:
            rows = np.flatnonzero(np.isin(self.doc_ids, documents))
            scores = self.matrix[rows] @ q
        else:
            rows = None
            scores = self.matrix @ q
        k = min(k, len(scores))
        if k == 0:
            return np.zeros(0, np.int64), np.zeros(0, np.float32)
        top = np.argpartition(-scores, k - 1)[:k] if k < len(scores) else np.arange(len(scores))
        top = top[np.argsort(-scores[top], kind="stable")]
        picked = rows[top] if rows is not None else top
        return self.chunk_ids[picked], scores[top]


def load_matrix(store: DocumentStore, collection_id: int, model: str) -> VectorMatrix:
    """Read the vectors of the collection's complete documents into one array.

    One query, its blobs joined into one buffer: filling a preallocated matrix row by row
    from Python cost about 1.5 s for 5,000 abstracts, most of the first search after
    indexing.
    """
    conn = store.conn
    generation = store.generation(collection_id)
    rows = conn.execute(
        "SELECT v.chunk_id, c.document_id, v.vector FROM vectors v JOIN chunks c ON c.id = "
        "v.chunk_id JOIN documents d ON d.id = c.document_id WHERE d.collection_id = ? AND "
        "d.status = 'complete' AND v.model = ? ORDER BY v.chunk_id",
        [collection_id, model],
    ).fetchall()
    n = len(rows)
    if n == 0:
        return VectorMatrix(
            np.zeros(0, np.int64), np.zeros(0, np.int64), np.zeros((0, 0), np.float32), generation
        )
    chunk_ids = np.fromiter((r[0] for r in rows), np.int64, n)
    doc_ids = np.fromiter((r[1] for r in rows), np.int64, n)
    flat = np.frombuffer(b"".join(r[2] for r in rows), dtype=np.float32)
    dim = len(rows[0][2]) // 4
    if dim == 0 or flat.size != n * dim:  # vectors of mixed sizes: keep those of the first
        keep = [i for i, r in enumerate(rows) if len(r[2]) == dim * 4]
        chunk_ids, doc_ids = chunk_ids[keep], doc_ids[keep]
        flat = np.frombuffer(b"".join(rows[i][2] for i in keep), dtype=np.float32)
    matrix = flat.reshape(len(chunk_ids), dim) if dim else np.zeros((0, 0), np.float32)
    return VectorMatrix(chunk_ids, doc_ids, matrix, generation)


class VectorCache:
    """The matrices of one store, by (collection, model); safe to share between threads."""

    def __init__(self) -> None:
        self._items: dict[tuple[int, str], VectorMatrix] = {}
        self._lock = threading.Lock()

    def get(self, store: DocumentStore, collection_id: int, model: str) -> VectorMatrix:
        key = (collection_id, model)
        generation = store.generation(collection_id)
        with self._lock:
            cached = self._items.get(key)
            if cached is not None and cached.generation == generation:
                return cached
        fresh = load_matrix(store, collection_id, model)
        with self._lock:
            self._items[key] = fresh
        return fresh

    def warm(self, store: DocumentStore, collection_id: int, model: str) -> None:
        """Load the matrix now (after indexing), so that no search has to wait for it."""
        self.get(store, collection_id, model)
