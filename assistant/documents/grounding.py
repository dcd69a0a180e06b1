"""Excerpts and citations for one question, without a conversation in history.

The chat engine asks ``DocumentsProvider`` for a turn's document context; a stateless caller
such as the local API server needs the same thing for a list of messages. Both go through
the same provider (search, threshold, budget, quoting), so an answer from documents is the
same whichever front end asked; this module only adds the fixed "not in your documents"
reply in the question's language.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass, field

from fireside.assistant import language as lang
from fireside.assistant.context_window import prompt_budget
from fireside.assistant.documents.context import ContextQuery, DocumentsProvider
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.events import Citation
from fireside.assistant.turn_request import RetrievalOptions
from fireside.models.backend import ChatBackend
from fireside.models.embedder import Embedder


@dataclass
class Grounding:
    """``context`` is None when nothing in the collections is relevant to the question."""

    context: str | None
    citations: list[Citation] = field(default_factory=list)
    collections: list[str] = field(default_factory=list)
    language: str = lang.ENGLISH

    @property
    def no_answer(self) -> str:
        names = lang.quoted_names(self.collections, self.language)
        where = lang.text("where", self.language, names=names) if self.collections else ""
        return lang.text("no_answer", self.language, where=where)


def ground(
    store: DocumentStore,
    question: str,
    collections: Sequence[str],
    backend: ChatBackend,
    max_tokens: int,
    *,
    embedders: dict[str, Embedder] | None = None,
) -> Grounding:
    """The quoted excerpts that answer ``question`` from ``collections``, and their sources.

    Only the top-k path: a whole-document pass needs several model calls, which a single
    API request does not make. Raises ``NotFoundError`` for a collection that does not
    exist, and a ``FiresideError`` when the embedding model cannot be loaded.
    """
    query = ContextQuery(
        question=question,
        collections=list(collections),
        prompt_budget=prompt_budget(backend.description.n_ctx, max_tokens),
        count_text=backend.count_text,
        ask_model=lambda messages, n: "",  # never called: no whole-document pass
        options=RetrievalOptions(whole_document=False),
    )
    found = DocumentsProvider(store, embedders).context(query)
    language = lang.LanguageDetector().detect(question)
    return Grounding(found.text, found.citations, list(dict.fromkeys(collections)), language)
