"""The documents as a context provider: what a turn with collections gives the model.

The engine calls ``DocumentsProvider.context`` before it commits anything; the answer is
the text added to the system prompt (excerpts quoted as data, or notes from a whole-document
pass) and the citations the reply will carry, or no text at all when nothing in the
collections is relevant, so that the engine can answer "not in your documents" without
asking the model (a small model given irrelevant excerpts answers from them anyway).

Two ways to read: top-k hybrid search above a similarity threshold, or, for requests about
a whole document ("summarise", "compare", "list all"), the chosen documents in order
(``map_reduce`` condenses them when they do not fit).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

from fireside.assistant.documents.map_reduce import MAP_MAX_TOKENS, notes_context
from fireside.assistant.documents.prompting import (
    build_context,
    format_excerpt,
    new_nonce,
    source_label,
)
from fireside.assistant.documents.retrieval import SearchOptions, resolve_collections, search
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.documents.support import SupportChecker, SupportReport
from fireside.assistant.documents.types import Hit
from fireside.assistant.documents.whole import (
    pick_documents,
    read_in_order,
    split_parts,
    wants_whole_document,
)
from fireside.assistant.events import Citation
from fireside.assistant.turn_request import RetrievalOptions
from fireside.models.embedder import Embedder, EmbedderError
from fireside.models.generation import CancelToken

from fireside.errors import FiresideError

DOCUMENT_RESERVE_TOKENS = 700  # rules text, question, chat template, a little history
MIN_DOCUMENT_TOKENS = 300
EXCERPT_OVERHEAD_TOKENS = 40  # an excerpt's label and BEGIN/END markers
MIN_NOTE_TOKENS = 64  # a part's notes get at least this much room, or the part is not read
NOTE_OVERHEAD_TOKENS = 40  # a part's label and its notes' BEGIN/END markers

AskModel = Callable[[list[dict], int], str]  # (messages, max_tokens) -> the model's reply


@dataclass
class ContextQuery:
    """What the engine knows when it asks for document context."""

    question: str
    collections: Sequence[str]
    prompt_budget: int  # ``context_window.prompt_budget`` for this model and reply length
    count_text: Callable[[str], int]  # the model's own tokenizer
    ask_model: AskModel  # the engine's generation path, for the map step
    options: RetrievalOptions = field(default_factory=RetrievalOptions)
    documents: Sequence[int] | None = None
    cancel: CancelToken | None = None


@dataclass
class DocumentContext:
    text: str | None  # None: nothing in the collections is about the question
    citations: list[Citation] = field(default_factory=list)  # citations[i] is source [i + 1]
    others: list[str] = field(default_factory=list)  # retrieved but not quoted (support check)


def excerpt_overhead(hits: Sequence[Hit], count_text: Callable[[str], int]) -> int:
    """Tokens an excerpt costs beyond its text: its number, its label (the file's path, its
    lines or page) and the BEGIN/END markers, measured on the largest label among ``hits``
    (a fixed guess of 40 was half of it for a file deep in a folder, and ten parts of the
    Debian FAQ each overflowed a 4,096 context by up to 460 tokens)."""
    if not hits:
        return EXCERPT_OVERHEAD_TOKENS
    nonce = "0" * len(new_nonce())
    labels = {source_label(h.document, h.page, h.line_start, h.line_end, h.heading) for h in hits}
    longest = max(labels, key=len)
    return count_text(format_excerpt(len(hits) + 99, longest, "", nonce)) + 2


def fit_notes(parts: list[list[Hit]], budget: int) -> tuple[list[list[Hit]], int]:
    """The parts to read and the room of each one's notes, so that all the notes fit the
    final prompt together (twelve parts of 320-token notes overflowed a 4,096 context): the
    room is shared out, and parts that would get less than ``MIN_NOTE_TOKENS`` are left
    unread, last first."""
    most = max(1, budget // (MIN_NOTE_TOKENS + NOTE_OVERHEAD_TOKENS))
    parts = parts[:most]
    share = budget // len(parts) - NOTE_OVERHEAD_TOKENS
    return parts, max(MIN_NOTE_TOKENS, min(MAP_MAX_TOKENS, share))


class DocumentsProvider:
    """Reads the documents store for the engine; ``store`` may be a callable opening it
    on first use (opening is disk work the window does not do at start-up)."""

    def __init__(
        self,
        store: DocumentStore | Callable[[], DocumentStore],
        embedders: dict[str, Embedder] | None = None,
    ) -> None:
        self._store = store
        self.embedders = embedders
        self._checker: SupportChecker | None = None

    @property
    def store(self) -> DocumentStore:
        return self._store if isinstance(self._store, DocumentStore) else self._store()

    def split_available(self, names: Sequence[str]) -> tuple[list[str], list[str]]:
        """``names`` split into (collections that exist, collections that no longer do)."""
        existing = {c.name for c in self.store.collections(counts=False)}
        unique = list(dict.fromkeys(names))
        return [n for n in unique if n in existing], [n for n in unique if n not in existing]

    def context(self, query: ContextQuery) -> DocumentContext:
        try:
            return self._context(query)
        except EmbedderError as exc:
            raise FiresideError(str(exc)) from exc

    def _context(self, query: ContextQuery) -> DocumentContext:
        store, opts = self.store, query.options
        cols = resolve_collections(store, list(query.collections))
        budget = max(MIN_DOCUMENT_TOKENS, query.prompt_budget - DOCUMENT_RESERVE_TOKENS)
        hits = search(
            store,
            query.question,
            collections=[c.name for c in cols],
            documents=query.documents,
            k=max(opts.k * 2, 10),
            options=opts.search if isinstance(opts.search, SearchOptions) else None,
            embedders=self.embedders,
        )
        whole = opts.whole_document
        if whole is None:
            whole = wants_whole_document(query.question)
        if whole:
            ids = pick_documents(store, query.question, [c.id for c in cols], hits, query.documents)
            sources = read_in_order(store, ids, max_chars=budget * 4 * opts.max_parts)
            overhead = excerpt_overhead(sources, query.count_text)
            parts = split_parts(sources, budget, query.count_text, overhead)
            if len(parts) > 1:
                parts, note_tokens = fit_notes(parts, budget)
                sources = [hit for part in parts for hit in part]
                text = notes_context(
                    query.question, parts, query.ask_model, query.cancel, note_tokens
                )
                return DocumentContext(text, to_citations(sources))
        else:
            relevant = self._relevant(hits, cols, opts)[: opts.k]
            overhead = excerpt_overhead(relevant, query.count_text)
            parts = split_parts(relevant, budget, query.count_text, overhead)
            sources = parts[0] if parts else []
        if not sources:
            return DocumentContext(None)
        quoted = {h.chunk_id for h in sources}
        others = [h.text for h in hits if h.chunk_id not in quoted][: opts.k]
        return DocumentContext(build_context(sources), to_citations(sources), others)

    def check_support(
        self, answer: str, citations: Sequence[Citation], others: Sequence[str] = ()
    ) -> SupportReport:
        """Each sentence of ``answer`` against the cited passages (then the other retrieved
        ones): ``support.py``. No model runs; a few milliseconds."""
        if self._checker is None:
            self._checker = SupportChecker(self.store.keywords)
        passages = [c.text for c in citations] + list(others)
        return self._checker.check(answer, passages, cited=len(citations))

    def _relevant(self, hits: list[Hit], cols, opts: RetrievalOptions) -> list[Hit]:
        """The hits worth quoting; none when nothing is about the question.

        With the second stage on, its judgement decides (``Hit.relevance``): nothing is
        quoted unless the best hit reaches ``accept``; then every hit above half of that
        joins it. A fixed cosine threshold (``opts.threshold``, or the embedder's own)
        decides otherwise.
        """
        search = opts.search if isinstance(opts.search, SearchOptions) else SearchOptions()
        judged = [h for h in hits if h.relevance is not None]
        if search.rerank is not None and judged and opts.threshold is None:
            accept = search.rerank.accept
            if max(h.relevance for h in judged) < accept:
                return []
            return [h for h in hits if h.relevance is None or h.relevance >= accept / 2]
        threshold = opts.threshold
        if threshold is None:
            threshold = self._threshold(cols)
        return [h for h in hits if h.similarity is None or h.similarity >= threshold]

    def _threshold(self, cols) -> float:
        values = []
        for col in cols:
            embedder = (self.embedders or {}).get(col.model) or self.store.embedders.get(col.model)
            values.append(embedder.relevance_threshold)
        return min(values) if values else 0.0


def to_citations(hits: Sequence[Hit]) -> list[Citation]:
    return [
        Citation(
            document=h.document,
            page=h.page,
            text=h.text,
            score=float(h.similarity if h.similarity is not None else h.score),
            line_start=h.line_start,
            line_end=h.line_end,
            heading=h.heading,
        )
        for h in hits
    ]
