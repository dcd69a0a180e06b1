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

from fireside.assistant.documents.control import JobControl
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import Embedder


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
    model = store.embedders.canonical(model)
    col = store.collection(collection, create=False)
    if col.model == model:
        return 0
    embedder = embedder or store.embedders.get(model)
    if embedder.name != model:
        raise ValueError(f"embedder {embedder.name!r} is not {model!r}")
    control = control or JobControl()
    store.set_pending_model(col.id, model)
    total = store.missing_vectors(col.id, model)
    done = 0
    while True:
        while rows := store.chunks_missing_vectors(col.id, model, batch_size):
            control.checkpoint()
            vectors = embedder.encode([text for _, text in rows])
            store.put_vectors([cid for cid, _ in rows], vectors, model)
            done += len(rows)
            if on_progress:
                on_progress(done, max(total, done))
        if store.activate_model(col.id, model, col.model):
            return done
        # chunks were added meanwhile: embed those too, then switch
