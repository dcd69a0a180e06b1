"""Excerpts and citations for one question, without a conversation in history.

``answering.ask`` runs a turn through the chat engine (saved in history); a stateless
caller such as the local API server needs only what the model should read and what to cite.
Both use the same search, threshold, budget and quoting, so an answer from documents is the
same whichever front end asked.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fireside.assistant.documents.answering import (
    EXCERPT_OVERHEAD_TOKENS,
    AskOptions,
    _budget_tokens,
    _threshold,
    no_answer_text,
    to_citations,
)
from fireside.assistant.documents.prompting import build_context
from fireside.assistant.documents.retrieval import resolve_collections, search
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.documents.whole import split_parts
from fireside.assistant.events import Citation
from fireside.errors import NotFoundError
from fireside.models.backend import ChatBackend
from fireside.models.embedder import Embedder


@dataclass
class Grounding:
    """``context`` is None when nothing in the collections is relevant to the question."""

    context: str | None
    citations: list[Citation] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)

    @property
    def no_answer(self) -> str:
        return no_answer_text(self.collections)


def ground(
    store: DocumentStore,
    question: str,
    collections: Sequence[str],
    backend: ChatBackend,
    max_tokens: int,
    *,
    options: AskOptions | None = None,
    embedders: dict[str, Embedder] | None = None,
) -> Grounding:
    """The quoted excerpts that answer ``question`` from ``collections``, and their sources.

    Raises ``NotFoundError`` for a collection that does not exist, and the embedder's error
    when the embedding model cannot be loaded.
    """
    opts = options or AskOptions()
    try:
        cols = resolve_collections(store, list(collections))
    except KeyError as exc:
        raise NotFoundError(str(exc).strip("'\"")) from None
    names = [c.name for c in cols]
    hits = search(
        store,
        question,
        collections=names,
        k=max(opts.k * 2, 10),
        options=opts.search,
        embedders=embedders,
    )
    threshold = opts.threshold if opts.threshold is not None else _threshold(cols, embedders)
    relevant = [h for h in hits if h.similarity is None or h.similarity >= threshold]
    budget = _budget_tokens(backend.description.n_ctx, max_tokens)
    parts = split_parts(relevant[: opts.k], budget, backend.count_text, EXCERPT_OVERHEAD_TOKENS)
    sources = parts[0] if parts else []
    if not sources:
        return Grounding(None, [], names)
    return Grounding(build_context(sources), to_citations(sources), names)
