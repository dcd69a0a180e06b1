"""How a keyword list and a vector list become one ranking.

Measured on SciFact (train split, ``bench/bench_retrieval.py``), nDCG@10:
BM25 0.701, MiniLM 0.683, reciprocal rank fusion 0.730 (0.736 tuned), the convex
combination below 0.749 with keywords scaled by the best hit, and 0.754 scaled by a blend of
the best hit and the query's IDF sum (``fts.query_idf``). RRF only sees ranks; the convex
combination also sees *how much* better one chunk is than the next, and it uses both scores
for every candidate: the cosine of a keyword-only hit is looked up in the matrix, and the
BM25 of a vector-only hit is asked of FTS5 for just those rows (0 when it matches no query
word). Tried and measured lower: heading (title) weight 2 or 3 in BM25, a separate title
vector, query bigrams as phrases, scores per document instead of per chunk, z-score
fusion, 700-character chunks.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence


def convex(
    keyword: Mapping[int, float],
    cosine: Mapping[int, float],
    vector_weight: float = 0.7,
    top: float | None = None,
) -> dict[int, float]:
    """``w * cosine + (1 - w) * bm25 / max bm25`` over the union of both candidate sets.

    ``keyword`` maps chunk id -> BM25 score (higher is better); ``cosine`` maps chunk id ->
    cosine similarity and should cover every candidate (missing counts as 0). Dividing by
    ``top`` (default: the best score in ``keyword``; the search passes a blend of that and the
    query's IDF sum) puts keywords on a 0..1 scale comparable across queries.
    """
    if top is None:
        top = max(keyword.values(), default=0.0)
    scale = 1.0 / top if top > 0 else 0.0
    ids = set(keyword) | set(cosine)
    w = vector_weight
    return {
        cid: w * cosine.get(cid, 0.0) + (1.0 - w) * keyword.get(cid, 0.0) * scale for cid in ids
    }


def reciprocal_rank(
    lists: Sequence[tuple[float, Sequence[int]]], rrf_k: float = 60.0
) -> dict[int, float]:
    """Weighted reciprocal rank fusion: sum of ``weight / (rrf_k + rank)`` over the lists."""
    scores: dict[int, float] = {}
    for weight, ids in lists:
        for rank, cid in enumerate(ids, 1):
            scores[cid] = scores.get(cid, 0.0) + weight / (rrf_k + rank)
    return scores
