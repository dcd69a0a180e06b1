"""Requests about a whole document ("summarise", "compare", "list all") read it in order.

Top-k retrieval answers "what does page 3 say about X" well and "summarise this report"
badly: the summary needs every part, not the five chunks most similar to the word
"summarise". These requests instead read the chosen documents chunk by chunk, in order
(overlaps dropped), and split them into parts that each fit the model's context, for a
map (notes per part) then reduce (answer from the notes) pass when one part is not enough.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Sequence
from pathlib import Path

from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.documents.types import Hit

_WHOLE = re.compile(
    r"\b(summari[sz]e|summary|summarise|overview|outline|tl;?dr|gist|compare|comparison|"
    r"contrast|differences?\s+between|similarities|list\s+(?:all|every|each)|all\s+the\s+\w+\s+"
    r"(?:in|from|mentioned)|key\s+points|main\s+points|main\s+ideas|table\s+of\s+contents|"
    r"what\s+(?:is|are)\s+(?:this|these|the)\s+(?:document|file|pdf|paper|report|book)s?\s+about)\b",
    re.IGNORECASE,
)
_COMPARE = re.compile(
    r"\b(compare|comparison|contrast|differences?|similarities|versus|vs)\b", re.IGNORECASE
)


def wants_whole_document(question: str) -> bool:
    return bool(_WHOLE.search(question))


def pick_documents(
    store: DocumentStore,
    question: str,
    collection_ids: Sequence[int],
    hits: Sequence[Hit] = (),
    documents: Sequence[int] | None = None,
) -> list[int]:
    """Which documents a whole-document request is about.

    Explicit ``documents`` win; then files whose name appears in the question; then, for a
    collection of one or two files, all of them; else the best-matching one (two for
    "compare").
    """
    if documents:
        return list(documents)
    docs = [d for cid in collection_ids for d in store.documents(cid, status="complete")]
    lowered = question.lower()
    named = [d.id for d in docs if _mentions(lowered, d.path)]
    if named:
        return named
    if len(docs) <= 2:
        return [d.id for d in docs]
    want = 2 if _COMPARE.search(question) else 1
    ranked = list(dict.fromkeys(h.document_id for h in hits))
    return ranked[:want] or [d.id for d in docs[:want]]


def _mentions(question: str, path: str) -> bool:
    p = Path(path)
    for name in (p.name.lower(), p.stem.lower()):
        if len(name) >= 4 and name in question:
            return True
    words = [w for w in re.split(r"[\W_]+", p.stem.lower()) if len(w) >= 4]
    return len(words) >= 2 and all(w in question for w in words[:3])


def read_in_order(
    store: DocumentStore, document_ids: Sequence[int], max_chars: int | None = None
) -> list[Hit]:
    """The documents' chunks in reading order, each without its leading overlap; stops after
    ``max_chars`` of text per document so a huge file cannot flood memory or the map step."""
    out: list[Hit] = []
    for doc_id in document_ids:
        path = store.document(doc_id).path
        total = 0
        for row in store.chunks_of(doc_id):
            text = row["text"][row["overlap"] :].lstrip() if row["overlap"] else row["text"]
            if not text:
                continue
            total += len(text)
            if max_chars is not None and total > max_chars:
                break
            out.append(
                Hit(
                    chunk_id=row["id"],
                    document_id=doc_id,
                    document=path,
                    text=text,
                    score=0.0,
                    page=row["page"],
                    line_start=row["line_start"],
                    line_end=row["line_end"],
                    heading=row["heading"],
                    ordinal=row["ordinal"],
                )
            )
    return out


def split_parts(
    chunks: Sequence[Hit],
    budget: int,
    cost: Callable[[str], int] = len,
    overhead: int = 120,
) -> list[list[Hit]]:
    """Consecutive runs of chunks, each costing at most ``budget`` (at least one chunk each).

    ``cost`` measures a chunk's text (characters by default, tokens when given the model's
    tokenizer); ``overhead`` is the cost of one excerpt's label and markers.
    """
    parts: list[list[Hit]] = []
    current: list[Hit] = []
    size = 0
    for chunk in chunks:
        need = cost(chunk.text) + overhead
        if current and size + need > budget:
            parts.append(current)
            current, size = [], 0
        current.append(chunk)
        size += need
    if current:
        parts.append(current)
    return parts
