"""Keyword search with SQLite FTS5 and BM25, from the words of a plain-language question.

A question is not FTS5 syntax ("what's 4-PBA?" would be a syntax error), so it is cut into
words (``keywords.KeywordText.query_words``: English words, Chinese segmented and folded to
Simplified), each quoted and OR-ed: any matching word can retrieve a chunk, and BM25 ranks
chunks with more and rarer words first.
"""

from __future__ import annotations

import math
import sqlite3
from collections.abc import Sequence

TABLE = "chunks_words"


def fts_query(words: Sequence[str]) -> str | None:
    """An FTS5 MATCH expression OR-ing the query words, or None if there are none."""
    if not words:
        return None
    return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)


def query_idf(conn: sqlite3.Connection, words: Sequence[str]) -> float:
    """The sum of the query words' IDF, computed as FTS5's ``bm25()`` computes it.

    This is about the BM25 score of a chunk of average length that contains each query word
    once: what a full keyword match is worth for this query. Scaling keyword scores by it
    (and not only by the best hit) keeps a weak best hit from looking like a perfect match.
    """
    total = conn.execute("SELECT count(*) FROM chunks").fetchone()[0]
    idf = 0.0
    for word in words:
        try:
            hits = conn.execute(
                f"SELECT count(*) FROM {TABLE} WHERE {TABLE} MATCH ?", [fts_query([word])]
            ).fetchone()[0]
        except sqlite3.OperationalError:
            continue
        if hits:
            idf += max(1e-6, math.log((total - hits + 0.5) / (hits + 0.5)))
    return idf


def bm25_search(
    conn: sqlite3.Connection,
    words: Sequence[str],
    *,
    collection_ids: Sequence[int],
    documents: Sequence[int] | None = None,
    k: int = 100,
    heading_weight: float = 2.0,
) -> list[tuple[int, float]]:
    """(chunk id, bm25 score) best first; scores are positive, higher is better.

    ``heading_weight`` weighs words in the heading path (titles, section names) against the
    body; measured on SciFact, titles count about twice as much as abstract words.
    """
    match = fts_query(words)
    if match is None or not collection_ids:
        return []
    sql = (
        f"SELECT c.id, -bm25({TABLE}, 1.0, {float(heading_weight)}) AS score "
        f"FROM {TABLE} JOIN chunks c ON c.id = {TABLE}.rowid "
        "JOIN documents d ON d.id = c.document_id "
        f"WHERE {TABLE} MATCH ? AND d.status = 'complete' "
        f"AND d.collection_id IN ({','.join('?' * len(collection_ids))})"
    )
    args: list = [match, *collection_ids]
    if documents:
        sql += f" AND d.id IN ({','.join('?' * len(documents))})"
        args += list(documents)
    sql += " ORDER BY score DESC LIMIT ?"
    args.append(k)
    try:
        return [(row[0], row[1]) for row in conn.execute(sql, args)]
    except sqlite3.OperationalError:
        return []  # a query FTS5 still rejects: treat as no keyword hits


def bm25_scores(
    conn: sqlite3.Connection,
    words: Sequence[str],
    chunk_ids: Sequence[int],
    heading_weight: float = 1.0,
) -> dict[int, float]:
    """BM25 of specific chunks (those the vector search found), for fusing full scores.

    A chunk that matches no query word is absent (its keyword score is 0).
    """
    match = fts_query(words)
    if match is None or not chunk_ids:
        return {}
    sql = (
        f"SELECT rowid, -bm25({TABLE}, 1.0, {float(heading_weight)}) FROM {TABLE} "
        f"WHERE {TABLE} MATCH ? AND rowid IN ({','.join('?' * len(chunk_ids))})"
    )
    try:
        return {row[0]: row[1] for row in conn.execute(sql, [match, *chunk_ids])}
    except sqlite3.OperationalError:
        return {}
