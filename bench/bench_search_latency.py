"""Search latency over 100,000 chunks: the store's search vs numpy brute force, same vectors.

Random unit vectors (384 dims, like MiniLM) and random-word texts are written through the
store, so the measured path is the shipped one: generation check, cached matrix, mat-vec,
argpartition, fetching the hit rows from SQLite. The baseline is ``matrix @ q`` +
``argpartition`` + sort on the same matrix in the same process. Query embedding is excluded
from both (it is the same cost for either) and reported on its own.

    .venv/bin/python bench/bench_search_latency.py [--chunks 100000] [--queries 200]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.assistant.documents.retrieval import SearchOptions, search  # noqa: E402
from fireside.assistant.documents.store import DocumentStore, now  # noqa: E402
from fireside.assistant.documents.types import Chunk  # noqa: E402

OUT = ROOT / "bench" / "out"
DIM = 384
MODEL = "random-384"


def build(db: Path, n_chunks: int, per_doc: int = 100) -> DocumentStore:
    store = DocumentStore(db)
    col = store.collection("bench", model=MODEL)
    if col.chunks >= n_chunks:
        return store
    rng = np.random.default_rng(42)
    vocab = [f"w{i}" for i in range(20000)]
    t0 = time.perf_counter()
    for d in range(n_chunks // per_doc):
        vecs = rng.standard_normal((per_doc, DIM)).astype(np.float32)
        vecs /= np.linalg.norm(vecs, axis=1, keepdims=True)
        words = rng.integers(0, len(vocab), size=(per_doc, 120))
        chunks = [Chunk(i, " ".join(vocab[w] for w in row)) for i, row in enumerate(words)]
        with store.transaction() as conn:
            doc = conn.execute(
                "INSERT INTO documents (collection_id, path, status, chunker, added_at, n_chunks) "
                "VALUES (?, ?, 'complete', 'bench', ?, ?)",
                [col.id, f"/bench/doc{d}.txt", now(), per_doc],
            ).lastrowid
            store.add_chunks(conn, doc, chunks, vecs, MODEL)
            store.bump(conn, col.id)
    print(f"built {n_chunks} chunks in {time.perf_counter() - t0:.0f}s")
    return store


def timed(fn, repeats: int) -> list[float]:
    out = []
    for _ in range(repeats):
        t0 = time.perf_counter()
        fn()
        out.append((time.perf_counter() - t0) * 1000)
    return out


def brute_force(matrix: np.ndarray, q: np.ndarray, k: int) -> np.ndarray:
    scores = matrix @ q
    top = np.argpartition(-scores, k - 1)[:k]
    return top[np.argsort(-scores[top])]


def describe(label: str, ms: list[float]) -> float:
    med = statistics.median(ms)
    p95 = sorted(ms)[int(len(ms) * 0.95) - 1]
    print(f"{label:44s} median {med:7.2f} ms   p95 {p95:7.2f} ms")
    return med


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--chunks", type=int, default=100_000)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("-k", type=int, default=10)
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    store = build(OUT / f"latency_{args.chunks}.db", args.chunks)
    col = store.collection("bench")

    t0 = time.perf_counter()
    matrix = store.vectors.get(store, col.id, MODEL)
    print(
        f"matrix load (first search after a change): {(time.perf_counter() - t0):.2f} s "
        f"for {len(matrix)} x {matrix.matrix.shape[1]} ({matrix.matrix.nbytes / 2**20:.0f} MiB)"
    )

    rng = np.random.default_rng(7)
    queries = rng.standard_normal((args.queries, DIM)).astype(np.float32)
    queries /= np.linalg.norm(queries, axis=1, keepdims=True)
    m = matrix.matrix.copy()  # the baseline gets its own contiguous copy of the same vectors
    opts = SearchOptions(mode="vector")
    it = iter(range(10**9))

    def ours() -> None:
        q = queries[next(it) % len(queries)]
        search(
            store, "unused", collections="bench", k=args.k, options=opts, query_vectors={MODEL: q}
        )

    it2 = iter(range(10**9))

    def baseline() -> None:
        brute_force(m, queries[next(it2) % len(queries)], args.k)

    # agreement: same top-k ids
    q = queries[0]
    ours_ids = [
        h.chunk_id
        for h in search(
            store, "x", collections="bench", k=args.k, options=opts, query_vectors={MODEL: q}
        )
    ]
    base_ids = matrix.chunk_ids[brute_force(m, q, args.k)].tolist()
    assert ours_ids == base_ids, "search disagrees with brute force"

    for _ in range(20):  # warm up both
        ours()
        baseline()
    a, b = [], []
    for _ in range(args.queries // 20):  # interleave so machine load hits both alike
        a += timed(ours, 20)
        b += timed(baseline, 20)
    print(f"\n{args.chunks} chunks, k={args.k}, {len(a)} queries each")
    med_ours = describe("store search(mode=vector)", a)
    med_base = describe("numpy brute force (matmul + argpartition)", b)
    print(f"ratio search/brute force: {med_ours / med_base:.2f}x (target <= 1.5x, < 100 ms)")

    words = [f"w{i}" for i in rng.integers(0, 20000, size=(args.queries, 6)).ravel()]
    texts = [" ".join(words[i * 6 : (i + 1) * 6]) for i in range(args.queries)]
    it3 = iter(range(10**9))

    def hybrid() -> None:
        i = next(it3) % len(texts)
        search(store, texts[i], collections="bench", k=args.k, query_vectors={MODEL: queries[i]})

    hybrid()
    describe("hybrid search (FTS5 BM25 + vectors, fused)", timed(hybrid, min(args.queries, 100)))

    try:
        from fireside.models.embedder import get_embedder

        emb = get_embedder()
        emb.encode_query("warm up")
        describe(
            "MiniLM query embedding (not in the above)",
            timed(lambda: emb.encode_query("what is the deadline for the report"), 30),
        )
    except Exception as exc:  # the embedding model is optional for this benchmark
        print(f"(query embedding not measured: {exc})")


if __name__ == "__main__":
    main()
