"""Exact vector search over a collection: one float32 matrix in memory, one mat-vec per query.

This Python's sqlite3 cannot load extensions (no sqlite-vec), and exact search is fast
enough here anyway: 100,000 chunks x 384 dims is a 150 MB matrix and a ~10 ms product.
The matrix is loaded on first search and kept by the store object (``DocumentStore.vectors``)
per (collection, model); each search compares the collection's ``generation`` counter (one
tiny query) and reloads only when documents were added, changed or removed since.
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
    """Read the vectors of the collection's complete documents, row by row into one array."""
    conn = store.conn
    generation = store.generation(collection_id)
    where = (
        "FROM vectors v JOIN chunks c ON c.id = v.chunk_id JOIN documents d ON d.id = "
        "c.document_id WHERE d.collection_id = ? AND d.status = 'complete' AND v.model = ?"
    )
    n = conn.execute(f"SELECT count(*) {where}", [collection_id, model]).fetchone()[0]
    chunk_ids = np.zeros(n, np.int64)
    doc_ids = np.zeros(n, np.int64)
    matrix: np.ndarray | None = None
    i = 0
    cur = conn.execute(
        f"SELECT v.chunk_id, c.document_id, v.vector {where} ORDER BY v.chunk_id",
        [collection_id, model],
    )
    for chunk_id, doc_id, blob in cur:
        if i >= n:  # rows added between the count and the scan: next search reloads
            break
        vec = np.frombuffer(blob, dtype=np.float32)
        if matrix is None:
            matrix = np.empty((n, len(vec)), np.float32)
        chunk_ids[i], doc_ids[i], matrix[i] = chunk_id, doc_id, vec
        i += 1
    if matrix is None:
        matrix = np.zeros((0, 0), np.float32)
    return VectorMatrix(chunk_ids[:i], doc_ids[:i], matrix[:i], generation)


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
