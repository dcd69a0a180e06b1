"""Hybrid search: FTS5 BM25 and vector similarity, fused into one ranking.

Keywords find exact names, numbers and rare terms that embeddings blur; embeddings find
paraphrases that share no word with the question. The default fusion is a convex combination
of the cosine similarity and the query-normalised BM25 score (see ``fusion.py`` for the
measurements); reciprocal rank fusion is available as ``fusion="rrf"``. Every hit carries
its cosine similarity to the question (looked up in the matrix even for keyword-only hits),
which is what the answering step thresholds on to say "the documents do not contain this".

Languages: the question's main language is compared with each candidate chunk's (stored at
indexing, ``language.py``). A keyword match across languages is nearly always an accident
(a product name, a number, an English term inside a Chinese note), so its BM25 score is
multiplied by ``other_language_keyword_weight``; across languages only the (multilingual)
embedding can tell whether a passage answers the question. Cosines are fused relative to the
embedder's ``similarity_floor`` (e5 scores unrelated texts about 0.7, MiniLM about 0), so
one fusion weight fits every embedder.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field

import numpy as np
from fireside.assistant.documents import rerank as second
from fireside.assistant.documents.fts import bm25_scores, bm25_search, query_idf
from fireside.assistant.documents.fusion import convex, reciprocal_rank
from fireside.assistant.documents.rerank import RerankOptions
from fireside.assistant.documents.store import Collection, DocumentStore
from fireside.assistant.documents.types import Hit
from fireside.assistant.documents.vector_index import VectorMatrix
from fireside.assistant.language import main_language, same_language
from fireside.models.embedder import Embedder

from fireside.errors import NotFoundError


@dataclass(frozen=True)
class SearchOptions:
    """Defaults are the best measured on SciFact (``bench/bench_retrieval.py``)."""

    mode: str = "hybrid"  # "hybrid", "bm25" or "vector"
    fusion: str = "convex"  # "convex" or "rrf"
    vector_weight: float = 0.7  # convex: share of the cosine; rrf: weight of the vector list
    bm25_weight: float = 1.0  # rrf only
    rrf_k: float = 20.0
    heading_weight: float = 1.0  # BM25 weight of heading words relative to body words
    # convex: keyword scores are divided by (1 - s) * best hit + s * the query's IDF sum
    idf_share: float = 0.5
    candidates: int = 100  # how deep each list goes before fusion
    # BM25 multiplier for a chunk whose main language is not the question's
    other_language_keyword_weight: float = 0.1
    # the second stage (relevance feedback and a relevance judgement per hit); None: off
    rerank: RerankOptions | None = field(default_factory=RerankOptions)


def resolve_collections(
    store: DocumentStore, names: str | Sequence[str] | None
) -> list[Collection]:
    """Named collections (KeyError for an unknown name), or all of them for None."""
    everything = store.collections(counts=False)
    if names is None:
        return everything
    wanted = [names] if isinstance(names, str) else list(names)
    by_name = {c.name: c for c in everything}
    missing = [n for n in wanted if n not in by_name]
    if missing:
        raise NotFoundError(f"no collection named {missing[0]!r}")
    return [by_name[n] for n in wanted]


def _similarities(matrix: VectorMatrix, qvec: np.ndarray, chunk_ids: list[int]) -> dict[int, float]:
    if not len(matrix) or not chunk_ids:
        return {}
    ids = np.asarray(chunk_ids, np.int64)
    rows = np.searchsorted(matrix.chunk_ids, ids)
    rows = np.clip(rows, 0, len(matrix) - 1)
    found = matrix.chunk_ids[rows] == ids
    sims = matrix.matrix[rows[found]] @ qvec
    return dict(zip(ids[found].tolist(), sims.tolist(), strict=True))


def search(
    store: DocumentStore,
    query: str,
    *,
    collections: str | Sequence[str] | None = None,
    documents: Sequence[int] | None = None,
    k: int = 10,
    options: SearchOptions | None = None,
    embedders: Mapping[str, Embedder] | None = None,
    query_vectors: Mapping[str, np.ndarray] | None = None,
) -> list[Hit]:
    """The ``k`` best chunks for ``query``, best first.

    ``collections``: a name, names, or None for all; ``documents``: restrict to these
    document ids. ``embedders`` overrides the embedder per model name (tests, benchmarks);
    ``query_vectors`` supplies precomputed query embeddings per model name (batch search).
    """
    opts = options or SearchOptions()
    cols = resolve_collections(store, collections)
    if not cols or not query.strip():
        return []
    words = store.keywords.query_words(query) if opts.mode != "vector" else []
    keyword: dict[int, float] = {}
    if opts.mode in ("hybrid", "bm25"):
        keyword = dict(
            bm25_search(
                store.conn,
                words,
                collection_ids=[c.id for c in cols],
                documents=documents,
                k=opts.candidates,
                heading_weight=opts.heading_weight,
            )
        )
    vectors = _VectorCandidates()
    if opts.mode in ("hybrid", "vector"):
        vectors = _vector_candidates(
            store, query, cols, documents, keyword, opts, embedders, query_vectors
        )
    fused, keyword, fusion = _fused_scores(store, query, words, keyword, vectors, opts)
    second_stage = opts.rerank is not None and opts.rerank.feedback
    if second_stage and opts.mode == "hybrid" and opts.fusion == "convex":
        fused = _second_stage(store, query, words, fused, vectors, fusion, opts, documents)
    top = sorted(fused.items(), key=lambda item: -item[1])[:k]
    hits = _hits(store, top, keyword, vectors)
    if opts.rerank is not None and opts.mode != "bm25":
        _judge(store, query, words, hits, vectors, opts)
    return hits


@dataclass
class _VectorCandidates:
    ids: list[int] = field(default_factory=list)  # best first, over every embedder
    sims: dict[int, float] = field(default_factory=dict)  # raw cosines (thresholds use these)
    floors: dict[int, float] = field(default_factory=dict)  # each one's embedder's floor
    # per embedder: the question's vector, the embedder and the collections' matrices
    queries: dict[str, np.ndarray] = field(default_factory=dict)
    embedders: dict[str, Embedder] = field(default_factory=dict)
    matrices: dict[str, list[VectorMatrix]] = field(default_factory=dict)
    models: dict[int, str] = field(default_factory=dict)  # chunk id -> its embedder


@dataclass
class _Fusion:
    """What the first fusion used, for the second stage to fuse again the same way."""

    keyword_all: dict[int, float]  # keyword scores of every candidate, languages weighed
    scale: float  # the keyword score that counts as 1


def _vector_candidates(
    store: DocumentStore,
    query: str,
    cols,
    documents: Sequence[int] | None,
    keyword: dict[int, float],
    opts: SearchOptions,
    embedders: Mapping[str, Embedder] | None,
    query_vectors: Mapping[str, np.ndarray] | None,
) -> _VectorCandidates:
    """The nearest chunks by embedding, per embedder the collections use, and the cosine
    of every candidate (the keyword ones too, so fusion has both scores)."""
    doc_filter = np.asarray(documents, np.int64) if documents else None
    out = _VectorCandidates()
    scored: list[tuple[float, int]] = []
    for model in dict.fromkeys(c.model for c in cols):
        embedder = (embedders or {}).get(model) or store.embedders.get(model)  # loads lazily
        qvec = (query_vectors or {}).get(model)
        if qvec is None:
            qvec = embedder.encode_query(query)
        floor = float(getattr(embedder, "similarity_floor", 0.0) or 0.0)
        out.queries[model], out.embedders[model] = qvec, embedder
        for col in (c for c in cols if c.model == model):
            matrix = store.vectors.get(store, col.id, model)
            out.matrices.setdefault(model, []).append(matrix)
            ids, scores = matrix.search(qvec, opts.candidates, doc_filter)
            scored += [
                (_above_floor(s, floor), c)
                for s, c in zip(scores.tolist(), ids.tolist(), strict=True)
            ]
            found = _similarities(matrix, qvec, [*keyword, *ids.tolist()])
            out.sims.update(found)
            out.floors.update(dict.fromkeys(found, floor))
            out.models.update(dict.fromkeys(found, model))
    scored.sort(reverse=True)
    out.ids = [cid for _, cid in scored[: opts.candidates]]
    return out


def _fused_scores(
    store: DocumentStore,
    query: str,
    words: list[str],
    keyword: dict[int, float],
    vectors: _VectorCandidates,
    opts: SearchOptions,
) -> tuple[dict[int, float], dict[int, float], _Fusion]:
    """One score per candidate from its keyword and vector scores (``opts.fusion``), the
    keyword scores as fusion weighed them (other-language matches count less), and what
    the second stage needs to fuse again."""
    candidates = keyword
    convex = opts.mode == "hybrid" and opts.fusion == "convex"
    if convex:
        # exact keyword scores for the vector-only candidates too: both scores for everyone
        missing = [cid for cid in vectors.ids if cid not in keyword]
        extra = bm25_scores(store.conn, words, missing, opts.heading_weight)
        candidates = {**keyword, **extra}
    scale = max(keyword.values(), default=0.0)  # convex: what a full keyword match is worth
    if convex and opts.idf_share and keyword:
        share = opts.idf_share
        scale = (1 - share) * scale + share * query_idf(store.conn, words)
    language = main_language(query)
    if language is not None and opts.other_language_keyword_weight != 1.0 and candidates:
        keyword, candidates = _weigh_languages(store, language, keyword, candidates, opts)
    cosine = {cid: _above_floor(s, vectors.floors.get(cid, 0.0)) for cid, s in vectors.sims.items()}
    fused = _fuse(opts, keyword, candidates, vectors.ids, cosine, scale)
    return fused, keyword, _Fusion(candidates, scale)


def _second_stage(
    store: DocumentStore,
    query: str,
    words: list[str],
    fused: dict[int, float],
    vectors: _VectorCandidates,
    fusion: _Fusion,
    opts: SearchOptions,
    documents: Sequence[int] | None,
) -> dict[int, float]:
    """Relevance feedback (``rerank.py``): the question's vector moved toward its best hits,
    every candidate scored again, and across languages the hits' own words as keywords."""
    ro = opts.rerank
    ranked = sorted(fused, key=lambda c: -fused[c])
    top = ranked[: ro.feedback_hits]
    if not top:
        return fused
    doc_filter = np.asarray(documents, np.int64) if documents else None
    pool = dict.fromkeys(ranked[: ro.depth])
    moved: dict[int, float] = {}
    for model, qvec in vectors.queries.items():
        mats = vectors.matrices.get(model, [])
        rows = [_rows(m, top) for m in mats]
        fb = np.concatenate([r for r in rows if len(r)]) if any(len(r) for r in rows) else []
        q2 = second.feedback_vector(qvec, np.asarray(fb), ro.feedback_weight)
        floor = float(getattr(vectors.embedders[model], "similarity_floor", 0.0) or 0.0)
        for matrix in mats:
            ids, _ = matrix.search(q2, ro.depth, doc_filter)
            pool.update(dict.fromkeys(ids.tolist()))
            found = _similarities(matrix, q2, list(pool))
            moved.update({c: _above_floor(s, floor) for c, s in found.items()})
    ids = list(pool)
    keyword_all = {c: fusion.keyword_all[c] for c in ids if c in fusion.keyword_all}
    missing = [c for c in ids if c not in fusion.keyword_all]
    if missing and words:
        extra = bm25_scores(store.conn, words, missing, opts.heading_weight)
        language = main_language(query)
        if language is not None and extra:
            langs = store.chunk_languages(list(extra))
            weight = opts.other_language_keyword_weight
            extra = {
                c: s if same_language(language, langs.get(c)) else s * weight
                for c, s in extra.items()
            }
        keyword_all.update(extra)
    out = convex(keyword_all, {c: moved.get(c, 0.0) for c in ids}, opts.vector_weight, fusion.scale)
    translated = _across_languages(store, query, top, ids, opts)
    if translated:
        best = max(translated.values())
        for c, s in translated.items():
            out[c] = out.get(c, 0.0) + (1 - opts.vector_weight) * s / best
    return out


def _rows(matrix: VectorMatrix, chunk_ids: list[int]) -> np.ndarray:
    """The vectors of those chunks that this matrix holds."""
    if not len(matrix):
        return np.zeros((0, 0), np.float32)
    ids = np.asarray(chunk_ids, np.int64)
    rows = np.clip(np.searchsorted(matrix.chunk_ids, ids), 0, len(matrix) - 1)
    return matrix.matrix[rows[matrix.chunk_ids[rows] == ids]]


def _across_languages(
    store: DocumentStore, query: str, top: list[int], ids: list[int], opts: SearchOptions
) -> dict[int, float]:
    """A question in one language whose best hits are in another: BM25 of the candidates
    for the hits' salient words (their language's words for what was asked)."""
    language = main_language(query)
    langs = [lang for lang in store.chunk_languages(top).values() if lang]
    if language is None or not langs:
        return {}
    theirs = max(set(langs), key=langs.count)
    if same_language(language, theirs):
        return {}
    found = second.salient_words(store, top, theirs, opts.rerank.feedback_words)
    return second.translated_keywords(store, found, ids, opts.heading_weight)


def _judge(
    store: DocumentStore,
    query: str,
    words: list[str],
    hits: list[Hit],
    vectors: _VectorCandidates,
    opts: SearchOptions,
) -> None:
    """``Hit.relevance``: the hit's cosine against the question's background cosines, and
    the share of the question's words it holds (same-language words count in full)."""
    if not hits:
        return
    weights = second.word_weights(store.conn, words) if words else {}
    cover = second.coverage(store.conn, weights, [h.chunk_id for h in hits])
    langs = store.chunk_languages([h.chunk_id for h in hits])
    language = main_language(query)
    z: dict[int, float] = {}
    for model, qvec in vectors.queries.items():
        mine = {
            h.chunk_id: vectors.sims[h.chunk_id]
            for h in hits
            if vectors.models.get(h.chunk_id) == model and h.chunk_id in vectors.sims
        }
        if mine:
            background = store.backgrounds.get(vectors.embedders[model])
            z.update(second.calibrated(mine, qvec, background, langs))
    for h in hits:
        c = cover.get(h.chunk_id, 0.0)
        if not same_language(language, langs.get(h.chunk_id)):
            c *= opts.other_language_keyword_weight
        score = second.judge(z.get(h.chunk_id, 0.0), c, opts.rerank)
        h.relevance = round(score, 4)


def _hits(
    store: DocumentStore,
    top: list[tuple[int, float]],
    keyword: dict[int, float],
    vectors: _VectorCandidates,
) -> list[Hit]:
    """The chosen chunks as hits, with where each ranked on its own."""
    rows = store.chunk_rows([cid for cid, _ in top])
    keyword_rank = {cid: r for r, cid in enumerate(keyword, 1)}
    vector_rank = {cid: r for r, cid in enumerate(vectors.ids, 1)}
    hits = []
    for cid, score in top:
        row = rows.get(cid)
        if row is None:  # removed since the matrix was loaded
            continue
        hits.append(
            Hit(
                chunk_id=cid,
                document_id=row["document_id"],
                document=row["document"],
                text=row["text"],
                score=round(score, 6),
                page=row["page"],
                line_start=row["line_start"],
                line_end=row["line_end"],
                heading=row["heading"],
                ordinal=row["ordinal"],
                similarity=_round(vectors.sims.get(cid)),
                bm25_rank=keyword_rank.get(cid),
                vector_rank=vector_rank.get(cid),
                collection=row["collection"],
            )
        )
    return hits


def _above_floor(cosine: float, floor: float) -> float:
    """A cosine on a scale where the embedder's "unrelated" is 0 and identical is 1."""
    return (cosine - floor) / (1.0 - floor) if floor else cosine


def _weigh_languages(
    store: DocumentStore,
    language: str,
    keyword: dict[int, float],
    candidates: dict[int, float],
    opts: SearchOptions,
) -> tuple[dict[int, float], dict[int, float]]:
    """Keyword scores of chunks in another language than the question, scaled down."""
    langs = store.chunk_languages(list(candidates))
    weight = opts.other_language_keyword_weight

    def weigh(scores: dict[int, float]) -> dict[int, float]:
        out = {
            cid: s if same_language(language, langs.get(cid)) else s * weight
            for cid, s in scores.items()
        }
        return dict(sorted(out.items(), key=lambda item: -item[1]))

    return weigh(keyword), weigh(candidates)


def _round(x: float | None) -> float | None:
    return None if x is None else round(float(x), 4)


def _fuse(
    opts: SearchOptions,
    keyword: dict[int, float],
    keyword_all: dict[int, float],
    vector_ids: list[int],
    sims: dict[int, float],
    scale: float,
) -> dict[int, float]:
    """``keyword``: the keyword list; ``keyword_all``: it plus the BM25 of vector hits;
    ``scale``: the keyword score that counts as 1 in the convex combination."""
    if opts.mode == "bm25":
        return convex(keyword, {}, 0.0)
    if opts.mode == "vector":
        return {cid: sims[cid] for cid in vector_ids}
    if opts.fusion == "rrf":
        return reciprocal_rank(
            [(opts.bm25_weight, list(keyword)), (opts.vector_weight, vector_ids)], opts.rrf_k
        )
    cosine = {cid: sims.get(cid, 0.0) for cid in (*keyword, *vector_ids)}
    return convex(keyword_all, cosine, opts.vector_weight, scale)
