"""Answer a question from a collection: retrieve, quote as data, generate, cite.

The chat engine does the generating (so the turn is saved in history like any other); this
module decides what the model gets to read. Two paths:

- top-k: the best hybrid-search chunks above a similarity threshold. If none pass, the
  reply is a fixed "the documents do not contain this" without asking the model, because a
  small model given irrelevant excerpts will answer from them anyway.
- whole document (summarise / compare / list all): the chosen documents in order; when they
  do not fit the context, each part is condensed into notes first (map), and the answer is
  written from the notes (reduce).

Citations are sent right after ``TurnStarted`` (so the window can show sources while the
answer streams) and saved with the reply; ``citations[i]`` is source ``[i + 1]``.

Regenerating or editing a question in a chat that answers from documents goes through here
too (``regenerate=``, ``parent_id=``), so the new version is answered from the documents,
with sources, like the first.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator, Sequence
from dataclasses import asdict, dataclass, field, replace

from fireside.assistant.conversation import Message
from fireside.assistant.documents.prompting import (
    build_context,
    build_notes_context,
    source_label,
)
from fireside.assistant.documents.retrieval import SearchOptions, resolve_collections, search
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.documents.types import Hit
from fireside.assistant.documents.whole import (
    pick_documents,
    read_in_order,
    split_parts,
    wants_whole_document,
)
from fireside.assistant.engine import AFTER_CURRENT
from fireside.assistant.events import (
    Citation,
    Citations,
    Event,
    TextDelta,
    Timings,
    TurnDone,
    TurnError,
    TurnStarted,
    Usage,
)
from fireside.models.embedder import Embedder, EmbedderError, get_embedder
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, TextChunk
from fireside.models.sampling import SamplingParams

PROMPT_RESERVE_TOKENS = 700  # rules text, question, chat template, a little history
EXCERPT_OVERHEAD_TOKENS = 40  # an excerpt's label and BEGIN/END markers


@dataclass
class AskOptions:
    k: int = 6
    threshold: float | None = None  # cosine similarity; None: the embedder's own default
    whole_document: bool | None = None  # None: decide from the wording of the question
    max_parts: int = 8  # map-reduce reads at most this many context-sized parts per document
    search: SearchOptions = field(default_factory=SearchOptions)


def no_answer_text(collections: Sequence[str]) -> str:
    where = f" in {', '.join(repr(c) for c in collections)}" if collections else ""
    return (
        f"The documents{where} do not contain information about this, so I cannot answer it "
        "from them."
    )


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


def ask(
    engine,
    store: DocumentStore,
    question: str,
    *,
    collections: str | Sequence[str] | None = None,
    documents: Sequence[int] | None = None,
    conversation_id: int | None = None,
    model_path: str | None = None,
    params: SamplingParams | None = None,
    cancel: CancelToken | None = None,
    options: AskOptions | None = None,
    embedders: dict[str, Embedder] | None = None,
    regenerate: int | None = None,
    parent_id: int | None = AFTER_CURRENT,
) -> Iterator[Event]:
    """Stream the answer to ``question`` from the documents as chat events.

    ``engine`` is the app's ``ChatEngine``. The stream is the engine's (``TurnStarted``,
    ``TextDelta``..., ``TurnDone``/``TurnError``) plus one ``Citations``.
    """
    opts = options or AskOptions()
    redo = None  # regenerating: the user message whose reply gets a new version
    try:
        if regenerate is not None:  # the question is the one that reply answered
            redo = engine.history.get_message(regenerate)
            if redo.role == "assistant":
                redo = engine.history.get_message(redo.parent_id)
            question, conversation_id = redo.content, redo.conversation_id
        cols = resolve_collections(store, collections)
        backend = engine.models.get(model_path)
    except (KeyError, ModelError) as exc:
        yield TurnError(str(exc), conversation_id)
        return
    params = params or engine.settings.model_settings(backend.description.id).sampling
    budget = _budget_tokens(backend.description.n_ctx, params.max_tokens)
    cost = _token_counter(backend)
    try:
        hits = search(
            store,
            question,
            collections=[c.name for c in cols],
            documents=documents,
            k=max(opts.k * 2, 10),
            options=opts.search,
            embedders=embedders,
        )
    except EmbedderError as exc:
        yield TurnError(str(exc), conversation_id)
        return
    whole = opts.whole_document
    if whole is None:
        whole = wants_whole_document(question)
    if whole:
        doc_ids = pick_documents(store, question, [c.id for c in cols], hits, documents)
        sources = read_in_order(store, doc_ids, max_chars=budget * 4 * opts.max_parts)
        parts = split_parts(sources, budget, cost, EXCERPT_OVERHEAD_TOKENS)
        if len(parts) > 1:
            notes = yield from _map_parts(backend, question, parts, params, cancel)
            if notes is None:
                return
            context = build_notes_context(notes)
        else:
            context = build_context(sources) if sources else None
    else:
        threshold = opts.threshold
        if threshold is None:
            threshold = _threshold(cols, embedders)
        relevant = [h for h in hits if h.similarity is None or h.similarity >= threshold]
        sources = split_parts(relevant[: opts.k], budget, cost, EXCERPT_OVERHEAD_TOKENS)[:1]
        sources = sources[0] if sources else []
        context = build_context(sources) if sources else None
    if not context:
        names = [c.name for c in cols]
        yield from _no_answer(engine, question, conversation_id, names, redo, parent_id)
        return
    citations = to_citations(sources)
    if regenerate is not None:
        turn = engine.regenerate(
            regenerate, model_path=model_path, params=params, context=context, cancel=cancel
        )
    else:
        turn = engine.send(
            question,
            conversation_id=conversation_id,
            model_path=model_path,
            params=params,
            context=context,
            cancel=cancel,
            parent_id=parent_id,
        )
    for event in turn:
        if isinstance(event, TurnDone):
            engine.history.update_message(
                event.message_id, citations=[asdict(c) for c in citations]
            )
        yield event
        if isinstance(event, TurnStarted):
            yield Citations(citations)


def _budget_tokens(n_ctx: int, max_tokens: int) -> int:
    """Prompt tokens left for excerpts once the reply and the fixed text are set aside."""
    return max(300, n_ctx - min(max_tokens, n_ctx // 2) - PROMPT_RESERVE_TOKENS)


def _token_counter(backend) -> Callable[[str], int]:
    """Token counts from the model's own tokenizer: CJK or code can take one token per
    character, so a character estimate would overflow the context."""
    return backend.count_text


def _threshold(cols, embedders: dict[str, Embedder] | None) -> float:
    values = []
    for col in cols:
        embedder = (embedders or {}).get(col.model) or get_embedder(col.model)
        values.append(embedder.relevance_threshold)
    return min(values) if values else 0.0


def _map_parts(
    backend,
    question: str,
    parts: list[list[Hit]],
    params: SamplingParams,
    cancel: CancelToken | None,
):
    """Notes per part, numbered globally so ``[n]`` in the notes still points at a source."""
    notes: list[str] = []
    map_params = replace(params, max_tokens=min(params.max_tokens, 320))
    start = 1
    for part in parts:
        if cancel is not None and cancel.cancelled:
            yield TurnError("cancelled while reading the documents")
            return None
        context = build_context(part, start=start)
        label = f"{source_label(part[0].document, part[0].page)} to {source_label(part[-1].document, part[-1].page)}"
        messages = [
            {
                "role": "system",
                "content": context
                + "\n\nThis is one part of a longer text ("
                + label
                + "). Write short notes with what this part says that helps with the "
                "user's request, citing [n]. If nothing in it helps, write: nothing relevant.",
            },
            {"role": "user", "content": question},
        ]
        try:
            text = "".join(
                i.text
                for i in backend.stream(messages, map_params, cancel)
                if isinstance(i, TextChunk)
            )
        except ModelError as exc:
            yield TurnError(str(exc))
            return None
        notes.append(f"Part {len(notes) + 1} ({label}):\n{text.strip()}")
        start += len(part)
    return notes


def _no_answer(
    engine,
    question: str,
    conversation_id: int | None,
    names: list[str],
    redo: Message | None = None,
    parent_id: int | None = AFTER_CURRENT,
) -> Iterator[Event]:
    """Record the question and the fixed reply in history, as a turn the model never saw."""
    history = engine.history
    text = no_answer_text(names)
    if conversation_id is None:
        title = " ".join(question.split())[:60] or "New chat"
        conv = history.create_conversation(title, system_prompt=engine.settings.system_prompt)
    else:
        conv = history.get_conversation(conversation_id)
    if redo is not None:  # a new version of the reply, under the same question
        user, parent = redo, redo.parent_id
    else:
        parent = conv.current_leaf_id if parent_id == AFTER_CURRENT else parent_id
        user = history.add_message(conv.id, "user", question, parent)
    yield TurnStarted(conv.id, user.id, parent)
    yield Citations([])
    reply = history.add_message(conv.id, "assistant", text, user.id, model="documents")
    yield TextDelta(text)
    yield TurnDone(conv.id, reply.id, text, "documents", "stop", Usage(), Timings())
