"""Retrieval quality on SciFact (train split): BM25 alone, vectors alone, and fusions.

Each abstract is written as a small Markdown file (``# title`` + abstract) and indexed by
the real pipeline (loader -> chunker -> store), so the figures are those of the shipped
code. Embeddings are cached under ``bench/out/`` (MiniLM encodes ~19 passages/s on 2 cores,
so the first run spends ~5-10 min embedding; later runs take about a minute).

Prints nDCG@10 and recall@100 per method. Chunks are scored, then each abstract takes the
rank of its best chunk.

    .venv/bin/python bench/bench_retrieval.py [--dataset DIR] [--whole-abstracts]
"""

from __future__ import annotations

import argparse
import hashlib
import json
import math
import re
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.assistant.documents.chunking import ChunkingOptions  # noqa: E402
from fireside.assistant.documents.fts import bm25_scores, bm25_search, query_idf  # noqa: E402
from fireside.assistant.documents.fusion import convex, reciprocal_rank  # noqa: E402
from fireside.assistant.documents.indexer import IndexOptions  # noqa: E402
from fireside.assistant.documents.jobs import IndexJob  # noqa: E402
from fireside.assistant.documents.keywords import STOPWORDS  # noqa: E402
from fireside.assistant.documents.retrieval import SearchOptions, _similarities, search  # noqa: E402
from fireside.assistant.documents.store import DocumentStore  # noqa: E402
from fireside.models.embedder import get_embedder  # noqa: E402

OUT = ROOT / "bench" / "out"


class CachedEmbedder:
    """The real embedder behind a text -> vector cache saved in ``bench/out``."""

    def __init__(self, name: str, cache_file: Path) -> None:
        self.inner = get_embedder(name)
        self.name = self.inner.name
        self.relevance_threshold = self.inner.relevance_threshold
        # where "unrelated" lies on its cosine scale: fusion maps it to 0 (e5: 0.8)
        self.similarity_floor = getattr(self.inner, "similarity_floor", 0.0)
        self.file = cache_file
        self.cache: dict[str, np.ndarray] = {}
        if cache_file.exists():
            z = np.load(cache_file)
            self.cache = dict(zip(z["keys"].tolist(), z["vecs"], strict=True))
        self.computed = 0

    @property
    def dim(self) -> int:
        return self.inner.dim

    @staticmethod
    def key(text: str) -> str:
        return hashlib.sha1(text.encode()).hexdigest()

    def encode(self, texts, batch_size: int = 32) -> np.ndarray:
        keys = [self.key(t) for t in texts]
        todo = [i for i, k in enumerate(keys) if k not in self.cache]
        if todo:
            vecs = self.inner.encode([texts[i] for i in todo], batch_size)
            for i, v in zip(todo, vecs, strict=True):
                self.cache[keys[i]] = v
            self.computed += len(todo)
            if self.computed % 512 < len(todo):
                self.save()
        return np.stack([self.cache[k] for k in keys]).astype(np.float32)

    def encode_query(self, text: str) -> np.ndarray:
        """The embedder's own query form (e5 prefixes "query: ", not "passage: "), cached
        apart from the passages."""
        key = "query:" + self.key(text)
        if key not in self.cache:
            self.cache[key] = np.asarray(self.inner.encode_query(text), dtype=np.float32)
        return self.cache[key]

    def encode_queries(self, texts) -> np.ndarray:
        return np.stack([self.encode_query(t) for t in texts]).astype(np.float32)

    def save(self) -> None:
        keys = np.array(list(self.cache.keys()))
        vecs = np.stack(list(self.cache.values())) if self.cache else np.zeros((0, 384))
        tmp = self.file.with_suffix(".tmp.npz")
        np.savez(tmp, keys=keys, vecs=vecs)
        tmp.replace(self.file)


def load_dataset(root: Path):
    corpus = [json.loads(line) for line in (root / "corpus.jsonl").open()]
    queries = [json.loads(line) for line in (root / "queries-train.jsonl").open()]
    qrels: dict[str, set[str]] = {}
    for line in list((root / "qrels-train.tsv").open())[1:]:
        qid, did, score = line.split()
        if int(score) > 0:
            qrels.setdefault(qid, set()).add(did)
    queries = [q for q in queries if q["_id"] in qrels]
    return corpus, queries, qrels


def ndcg10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    return dcg / ideal


def recall100(ranked: list[str], relevant: set[str]) -> float:
    return len(set(ranked[:100]) & relevant) / len(relevant)


def build_index(corpus, store: DocumentStore, embedder, chunking: ChunkingOptions) -> float:
    docs_dir = OUT / "scifact_docs"
    docs_dir.mkdir(parents=True, exist_ok=True)
    for doc in corpus:
        f = docs_dir / f"{doc['_id']}.md"
        if not f.exists():
            title = " ".join(doc["title"].split()) or "Untitled"
            f.write_text(f"# {title}\n\n{doc['text']}\n", encoding="utf-8")
    col = store.collection("scifact", model=embedder.name)
    t0 = time.perf_counter()
    last = [0.0]

    def progress(p) -> None:
        if time.perf_counter() - last[0] > 15:
            last[0] = time.perf_counter()
            print(
                f"  indexing: {p.files_done}/{p.files_total} files, {p.chunks_done} chunks, "
                f"{embedder.computed} newly embedded",
                file=sys.stderr,
                flush=True,
            )

    IndexJob(
        store,
        col,
        [docs_dir],
        embedder=embedder,
        options=IndexOptions(chunking=chunking, batch_size=64),
        on_progress=progress,
    ).run()
    embedder.save()
    return time.perf_counter() - t0


def doc_ranking(chunk_ids: list[int], chunk_doc: dict[int, str]) -> list[str]:
    return list(dict.fromkeys(chunk_doc[c] for c in chunk_ids if c in chunk_doc))


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="/work/shared/datasets/scifact")
    ap.add_argument("--model", default="all-MiniLM-L6-v2")
    ap.add_argument(
        "--whole-abstracts",
        action="store_true",
        help="one chunk per abstract (as the reference figures), not 1000 chars",
    )
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    corpus, queries, qrels = load_dataset(Path(args.dataset))
    chunking = ChunkingOptions(target_chars=20000) if args.whole_abstracts else ChunkingOptions()
    tag = "whole" if args.whole_abstracts else "chunked"
    db = OUT / f"scifact_{tag}.db"
    embedder = CachedEmbedder(args.model, OUT / f"scifact_vectors_{args.model}.npz")
    store = DocumentStore(db)
    seconds = build_index(corpus, store, embedder, chunking)
    col = store.collection("scifact")
    print(
        f"corpus {len(corpus)} abstracts -> {col.chunks} chunks ({tag}); "
        f"{len(queries)} queries; index built/checked in {seconds:.0f}s"
    )
    # the Chinese word index passes text without CJK characters through untouched: count
    # what the keyword path sees differently from plain unicode61 words (0 and 0: unchanged)
    differs = sum(
        store.keywords.index_text(d["title"] + "\n" + d["text"]) is not None for d in corpus
    )
    plain = [
        list(dict.fromkeys([w for w in ws if w not in STOPWORDS] or ws))
        for ws in ([w.lower() for w in re.findall(r"\w+", q["text"])] for q in queries)
    ]
    changed = sum(
        p != store.keywords.query_words(q["text"]) for p, q in zip(plain, queries, strict=True)
    )
    print(f"keyword path vs plain unicode61 words: {differs} abstracts, {changed} queries differ")

    chunk_doc = {
        cid: Path(path).stem
        for cid, path in store.conn.execute(
            "SELECT c.id, d.path FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.status = 'complete'"
        )
    }
    qvecs = embedder.encode_queries([q["text"] for q in queries])
    embedder.save()
    matrix = store.vectors.get(store, col.id, col.model)

    depth = 300
    words = store.keywords.query_words
    bm25_by_weight = {}
    for hw in (1.0, 2.0, 3.0):
        bm25_by_weight[hw] = [
            bm25_search(
                store.conn, words(q["text"]), collection_ids=[col.id], k=depth, heading_weight=hw
            )
            for q in queries
        ]
    dense = [matrix.search(qv, depth) for qv in qvecs]
    dense = [dict(zip(ids.tolist(), sc.tolist(), strict=True)) for ids, sc in dense]

    def evaluate(label: str, runs: list[list[int]]) -> tuple[float, float]:
        nd, rc = [], []
        for q, chunk_ids in zip(queries, runs, strict=True):
            ranked = doc_ranking(chunk_ids, chunk_doc)
            nd.append(ndcg10(ranked, qrels[q["_id"]]))
            rc.append(recall100(ranked, qrels[q["_id"]]))
        result = (float(np.mean(nd)), float(np.mean(rc)))
        print(f"{label:52s} nDCG@10 {result[0]:.4f}   recall@100 {result[1]:.4f}")
        return result

    def ranked(scores: dict[int, float]) -> list[int]:
        return [c for c, _ in sorted(scores.items(), key=lambda x: -x[1])]

    def rrf(hw: float, wv: float = 1.0, k: float = 60.0) -> list[list[int]]:
        return [
            ranked(reciprocal_rank([(1.0, [c for c, _ in b[:100]]), (wv, list(d)[:100])], k))
            for b, d in zip(bm25_by_weight[hw], dense, strict=True)
        ]

    idf = [query_idf(store.conn, words(q["text"])) for q in queries]

    def cc(hw: float, alpha: float, share: float = 0.0) -> list[list[int]]:
        out = []
        for q, b, d, qv, qi in zip(queries, bm25_by_weight[hw], dense, qvecs, idf, strict=True):
            keyword = dict(b[:100])
            cos = dict(list(d.items())[:100])
            cos.update(_similarities(matrix, qv, list(keyword)))
            missing = [c for c in cos if c not in keyword]
            full = {**keyword, **bm25_scores(store.conn, words(q["text"]), missing, hw)}
            scale = (1 - share) * max(keyword.values(), default=0.0) + share * qi
            out.append(ranked(convex(full, cos, alpha, scale)))
        return out

    print("\n-- single retrievers")
    base_bm25 = evaluate(
        "BM25 (FTS5, heading weight 1)", [[c for c, _ in b] for b in bm25_by_weight[1.0]]
    )
    for hw in (2.0, 3.0):
        evaluate(
            f"BM25 (FTS5, heading weight {hw:g})", [[c for c, _ in b] for b in bm25_by_weight[hw]]
        )
    base_dense = evaluate(f"vectors ({args.model})", [list(d) for d in dense])
    print("\n-- reciprocal rank fusion")
    plain = evaluate("RRF k=60, equal weights, heading weight 1", rrf(1.0))
    best = (plain[0], "plain RRF")
    for hw in (1.0, 2.0):
        for wv in (0.7, 1.0, 1.3):
            for k in (20.0, 60.0):
                label = f"RRF k={k:g}, vector weight {wv:g}, heading weight {hw:g}"
                best = max(best, (evaluate(label, rrf(hw, wv, k))[0], label))
    print("\n-- convex combination: w*cosine + (1-w)*bm25/max(bm25), both scores for all")
    for hw in (1.0, 2.0):
        for alpha in (0.6, 0.7, 0.8):
            label = f"convex w={alpha:g}, heading weight {hw:g}"
            best = max(best, (evaluate(label, cc(hw, alpha))[0], label))
    print("\n-- query handling: keyword scale = (1-s) * best hit + s * the query's IDF sum")
    for alpha in (0.65, 0.7, 0.75):
        for share in (0.25, 0.5, 0.75, 1.0):
            label = f"convex w={alpha:g}, IDF share {share:g}"
            best = max(best, (evaluate(label, cc(1.0, alpha, share))[0], label))
    print(f"\nbest fusion: {best[1]} -> nDCG@10 {best[0]:.4f}")

    print("\n-- the shipped search() with its default SearchOptions")
    opts = SearchOptions()
    t0 = time.perf_counter()
    shipped = []
    for q, qv in zip(queries, qvecs, strict=True):
        hits = search(
            store,
            q["text"],
            collections="scifact",
            k=depth,
            options=opts,
            query_vectors={col.model: qv},
        )
        shipped.append([h.chunk_id for h in hits])
    per_query = (time.perf_counter() - t0) / len(queries) * 1000
    final = evaluate(f"search() default {opts}", shipped)
    print(
        f"\nsummary ({tag}): BM25 {base_bm25[0]:.4f}, vectors {base_dense[0]:.4f}, "
        f"plain RRF {plain[0]:.4f}, shipped hybrid {final[0]:.4f} nDCG@10 "
        f"(recall@100 {final[1]:.4f}); {per_query:.1f} ms/query excluding query embedding"
    )
    print(
        f"ratios: shipped/BM25 {final[0] / base_bm25[0]:.3f}, shipped/vectors "
        f"{final[0] / base_dense[0]:.3f}, shipped/plain RRF {final[0] / plain[0]:.3f}"
    )


if __name__ == "__main__":
    main()
