"""Switch a collection to another embedding model without a gap in search.

The new model is recorded as ``pending_model``; chunks get their new vectors in batches
(alongside the old ones, since vectors are keyed by (chunk, model)), while searches keep
using the active model. Only when every chunk has a new vector does one transaction make
the new model active and drop the old vectors. Killed part-way, it resumes from the chunks
still missing a vector. Run it as one job per collection (not beside an indexing job on the
same collection), as the desktop job queue does.
"""

from __future__ import annotations

from collections.abc import Callable

from fireside.assistant.documents.indexer import JobControl
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import Embedder, canonical_model_name, get_embedder

_MISSING = (
    "FROM chunks c JOIN documents d ON d.id = c.document_id WHERE d.collection_id = ? "
    "AND NOT EXISTS (SELECT 1 FROM vectors v WHERE v.chunk_id = c.id AND v.model = ?)"
)


def missing_vectors(store: DocumentStore, collection_id: int, model: str) -> int:
    row = store.conn.execute(f"SELECT count(*) {_MISSING}", [collection_id, model]).fetchone()
    return row[0]


def reembed(
    store: DocumentStore,
    collection: str,
    model: str,
    *,
    embedder: Embedder | None = None,
    control: JobControl | None = None,
    batch_size: int = 64,
    on_progress: Callable[[int, int], None] | None = None,
) -> int:
    """Give every chunk of ``collection`` a ``model`` vector, then make ``model`` active.

    Returns the number of chunks embedded now. ``on_progress(done, total)`` after each batch.
    """
    model = canonical_model_name(model)
    col = store.collection(collection, create=False)
    if col.model == model:
        return 0
    embedder = embedder or get_embedder(model)
    if embedder.name != model:
        raise ValueError(f"embedder {embedder.name!r} is not {model!r}")
    control = control or JobControl()
    store.set_pending_model(col.id, model)
    total = missing_vectors(store, col.id, model)
    done = 0
    while True:
        done += _embed_missing(
            store,
            col.id,
            model,
            embedder,
            control,
            batch_size,
            lambda n: on_progress and on_progress(n, max(total, n)),
            done,
        )
        with store.transaction() as conn:
            if conn.execute(f"SELECT count(*) {_MISSING}", [col.id, model]).fetchone()[0]:
                continue  # chunks were added meanwhile: embed those too, then switch
            conn.execute(
                "UPDATE collections SET model = ?, pending_model = NULL, "
                "generation = generation + 1 WHERE id = ?",
                [model, col.id],
            )
            conn.execute(
                "DELETE FROM vectors WHERE model = ? AND chunk_id IN (SELECT c.id FROM chunks c "
                "JOIN documents d ON d.id = c.document_id WHERE d.collection_id = ?)",
                [col.model, col.id],
            )
        return done


def _embed_missing(store, collection_id, model, embedder, control, batch_size, report, done):
    count = 0
    while True:
        control.checkpoint()
        rows = store.conn.execute(
            f"SELECT c.id, c.text, c.heading {_MISSING} ORDER BY c.id LIMIT ?",
            [collection_id, model, batch_size],
        ).fetchall()
        if not rows:
            return count
        texts = [f"{heading}\n{text}" if heading else text for _, text, heading in rows]
        vectors = embedder.encode(texts)
        with store.transaction() as conn:
            conn.executemany(
                "INSERT OR REPLACE INTO vectors (chunk_id, model, vector) VALUES (?, ?, ?)",
                [(cid, model, v.tobytes()) for (cid, _, _), v in zip(rows, vectors, strict=True)],
            )
        count += len(rows)
        report(done + count)
