"""The second stage of a search: read the first ranking again, and judge each hit.

What a second stage can afford here: two CPU cores and about 300 ms for the whole search of a
10,000-chunk collection. No package on PyPI carries a multilingual cross-encoder (searched:
``rerank``, ``cross-encoder``, ``bge``, ``jina``, ``mxbai``, ``colbert`` and ``gguf`` names;
every reranker package downloads its weights from a hub at run time, which cannot work
offline), and the two generative models the packages do carry (SmolLM2 135M, Gemma 3 270M)
need seconds per question to read twenty passages on two cores. Any model that reads each
candidate passage at question time is over budget: even multilingual-e5-small encodes only a
few passages a second here. So this stage works from what the first stage already computed
(the question's vector, the chunks' vectors, the keyword index), and does two things:

1. **Relevance feedback** (``RerankOptions.feedback``, off by default: measured, it lowers
   the rankings it was meant to raise). The best few hits say what the question is about in the
   collection's own words. Their vectors are added to the question's (Rocchio) and every
   candidate is scored again with that vector; a question in one language over passages in
   another also gets the salient words of those hits as keywords in the passages' language
   (pseudo-relevance feedback as translation: an English question over Chinese notes finds
   the Chinese words its best vector hits use, and with them the notes the vector missed).
2. **A relevance judgement per hit** (``Hit.relevance``, 0..1): how far the hit's cosine
   stands above the question's cosines to passages about nothing in particular
   (``background.py``), in standard deviations, together with the share of the question's
   rarer words the passage contains. This is what "not in your documents" is decided from: a
   cosine alone means different things for different questions and embedders, a rank means
   nothing (something is always first).

Measured in ``bench/bench_rerank.py`` (SciFact, the Chinese sets, latency) and
``bench/bench_abstain.py`` (answerable and unanswerable questions, collections of 50-800
notes and abstracts, English and Chinese).
"""

from __future__ import annotations

import math
import threading
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np
from fireside.assistant.documents.background import BACKGROUND_ROWS, BACKGROUND_TEXTS
from fireside.assistant.documents.fts import TABLE, bm25_scores, fts_query
from fireside.assistant.language import main_language, same_language
from fireside.models.embedder import Embedder


@dataclass(frozen=True)
class RerankOptions:
    """Defaults measured on SciFact and the Chinese sets (``bench/bench_rerank.py``)."""

    # Relevance feedback re-ranks the candidates. Off: what it gains is small and what it
    # loses is large (bench/bench_rerank.py, 400 SciFact abstracts, 100 claims: nDCG@10 e5
    # 0.861 -> 0.865, MiniLM 0.876 -> 0.875; 1023 HSK notes, English questions: MRR@10
    # 0.930 -> 0.819).
    # The relevance judgement below does not move a hit and is always on.
    feedback: bool = False
    depth: int = 30  # fused candidates read again
    feedback_hits: int = 3  # best hits whose vectors and words expand the question
    feedback_weight: float = 0.5  # their mean vector's weight beside the question's (1.0)
    feedback_words: int = 8  # salient words taken from them for another-language question
    # relevance = sigmoid(slope * (z - midpoint) + coverage_weight * coverage). One midpoint
    # for every language pair, as z is taken against background in the chunk's language:
    # measured (``bench/bench_abstain.py``, default embedder), the best hit of an English
    # question over 50-800 Chinese notes stands 4.3-12.5 deviations above the Chinese
    # background when a note answers it and 0.8-4.4 when none does (Chinese over Chinese and
    # English over English sit on the same scale)
    slope: float = 1.5
    midpoint: float = 4.0
    coverage_weight: float = 3.0
    # the relevance a question's best hit needs before anything is quoted (below: "not in
    # your documents")
    accept: float = 0.5


class BackgroundVectors:
    """The background passages' vectors, per embedder, computed once (a second or two)."""

    def __init__(self) -> None:
        self._items: dict[str, np.ndarray] = {}
        self._lock = threading.Lock()

    def get(self, embedder: Embedder) -> np.ndarray:
        with self._lock:
            found = self._items.get(embedder.name)
        if found is None:
            found = np.asarray(embedder.encode(list(BACKGROUND_TEXTS)), dtype=np.float32)
            with self._lock:
                self._items[embedder.name] = found
        return found


def calibrated(
    cosines: Mapping[int, float],
    qvec: np.ndarray,
    background: np.ndarray,
    languages: Mapping[int, str | None],
):
    """Each cosine as standard deviations above the question's cosines to background
    passages in the chunk's language (a question is nearer to anything in its own language,
    so an English question is measured against Chinese background for a Chinese chunk)."""
    base = background @ np.asarray(qvec, dtype=np.float32)
    stats = {}
    for lang, rows in BACKGROUND_ROWS.items():
        part = base[rows]
        stats[lang] = (float(part.mean()), max(float(part.std()), 1e-3))
    out = {}
    for cid, s in cosines.items():
        mean, spread = stats.get(languages.get(cid) or "", stats["en"])
        out[cid] = (s - mean) / spread
    return out


def feedback_vector(qvec: np.ndarray, vectors: np.ndarray, weight: float) -> np.ndarray:
    """Rocchio: the question's vector moved toward the mean of its best hits' vectors."""
    if not len(vectors) or weight <= 0:
        return qvec
    moved = np.asarray(qvec, np.float32) + weight * vectors.mean(axis=0)
    norm = float(np.linalg.norm(moved))
    return moved / norm if norm else qvec


def word_weights(conn, words: Sequence[str]) -> dict[str, float]:
    """Each query word's IDF (as FTS5's ``bm25()`` has it); a word no chunk has weighs as
    the rarest (a question about something the collection never mentions is not covered)."""
    total = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    out: dict[str, float] = {}
    for word in words:
        match = fts_query([word])
        try:
            hits = conn.execute(f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?", [match])
            n = hits.fetchone()[0]
        except Exception:  # noqa: BLE001 - a word FTS5 cannot parse counts as absent
            n = 0
        if total:
            idf = max(0.05, math.log((total - n + 0.5) / (n + 0.5) + 1.0))
            # a number says little about what a passage is about (a year in a table of
            # releases is not an answer to "who won the 1998 World Cup?")
            out[word] = idf * 0.3 if word.isdigit() else idf
    return out


def coverage(conn, weights: Mapping[str, float], chunk_ids: Sequence[int]) -> dict[int, float]:
    """The IDF-weighted share of the question's words each chunk contains (0..1)."""
    total = sum(weights.values())
    out = dict.fromkeys(chunk_ids, 0.0)
    if not total or not chunk_ids:
        return out
    marks = ",".join("?" * len(chunk_ids))
    for word, weight in weights.items():
        rows = conn.execute(
            f"SELECT rowid FROM {TABLE} WHERE {TABLE} MATCH ? AND rowid IN ({marks})",
            [fts_query([word]), *chunk_ids],
        )
        for (cid,) in rows:
            out[cid] += weight / total
    return out


def salient_words(store, chunk_ids: Sequence[int], language: str, limit: int) -> list[str]:
    """The rarest words the chunks share with each other or hold often, in ``language``:
    what a question in another language is probably asking for, in these passages' words."""
    rows = store.chunk_rows(list(chunk_ids))
    counts: dict[str, int] = {}
    for cid in chunk_ids:
        row = rows.get(cid)
        if row is None:
            continue
        for w in set(store.keywords.query_words(row["text"])):
            if same_language(language, main_language(w)) and main_language(w) is not None:
                counts[w] = counts.get(w, 0) + 1
    weights = word_weights(store.conn, list(counts))
    ranked = sorted(weights, key=lambda w: -(weights[w] * (1 + 0.5 * (counts[w] - 1))))
    return ranked[:limit]


def judge(z: float, cover: float, opts: RerankOptions) -> float:
    """How sure the stage is that a hit is about the question, 0..1."""
    x = opts.slope * (z - opts.midpoint) + opts.coverage_weight * cover
    return 1.0 / (1.0 + math.exp(-x))


def translated_keywords(
    store, words: list[str], chunk_ids: Sequence[int], heading_weight: float
) -> dict[int, float]:
    """BM25 of the chunks for the feedback words (a question in another language)."""
    return bm25_scores(store.conn, words, list(chunk_ids), heading_weight) if words else {}
