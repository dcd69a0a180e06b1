"""The second search stage (``documents/rerank.py``) on real data: as shipped (each hit judged,
none moved) against relevance feedback (``RerankOptions(feedback=True)``).

1. SciFact (train claims): nDCG@10 of the shipped hybrid search and of it with feedback, for multilingual-e5-small (the default) and all-MiniLM-L6-v2, over a subset (the
   abstracts relevant to the first ``--queries`` claims plus distractors up to
   ``--abstracts``), so that e5 can embed it on two cores in minutes; both embedders see the
   same subset. Vectors are cached in ``bench/out`` (shared with ``bench_retrieval.py``).
2. The Chinese sets of ``bench_chinese_retrieval.py`` (Chinese questions and English
   translations over HSK notes, chatterbot questions over their answers): hit@5 and MRR@10.
3. Latency of a search without the second stage, as shipped and with feedback, over a 10,000-chunk collection (real SciFact
   and HSK text, e5 vectors of the subset repeated, query embedding excluded): median, p95.

    python bench/bench_rerank.py [--queries 100] [--abstracts 400] [--sentences 600]
"""

from __future__ import annotations

import argparse
import statistics
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))

import bench_chinese_retrieval as zh  # noqa: E402
from bench_retrieval import (  # noqa: E402
    OUT,
    CachedEmbedder,
    doc_ranking,
    load_dataset,
    ndcg10,
)
from fireside.assistant.documents.jobs import IndexJob  # noqa: E402
from fireside.assistant.documents.rerank import RerankOptions  # noqa: E402
from fireside.assistant.documents.retrieval import SearchOptions, search  # noqa: E402
from fireside.assistant.documents.store import DocumentStore  # noqa: E402

# the shipped default judges hits but does not move them; relevance feedback is the option
WITH, WITHOUT = SearchOptions(rerank=RerankOptions(feedback=True)), SearchOptions()


def index_subset(corpus, store: DocumentStore, embedder, folder: Path) -> None:
    """The abstracts as Markdown files (as ``bench_retrieval.py`` writes them, so cached
    vectors are reused), indexed by the real pipeline."""
    folder.mkdir(parents=True, exist_ok=True)
    for doc in corpus:
        title = " ".join(doc["title"].split()) or "Untitled"
        (folder / f"{doc['_id']}.md").write_text(f"# {title}\n\n{doc['text']}\n", encoding="utf-8")
    col = store.collection("scifact", model=embedder.name)
    IndexJob(store, col, [folder], embedder=embedder).run()
    embedder.save()


def scifact(args) -> None:
    corpus, queries, qrels = load_dataset(Path(args.dataset))
    queries = queries[: args.queries]
    wanted = {d for q in queries for d in qrels[q["_id"]]}
    rng = np.random.default_rng(3)
    others = [d for d in corpus if d["_id"] not in wanted]
    extra = args.abstracts - len(wanted)
    picked = [d for d in corpus if d["_id"] in wanted]
    picked += [others[i] for i in sorted(rng.choice(len(others), max(0, extra), replace=False))]
    print(f"SciFact subset: {len(picked)} abstracts, {len(queries)} claims")
    for model in ("multilingual-e5-small", "all-MiniLM-L6-v2"):
        embedder = CachedEmbedder(model, OUT / f"scifact_vectors_{model}.npz")
        with tempfile.TemporaryDirectory() as tmp:
            store = DocumentStore(Path(tmp) / "s.db", cache_dir=Path(tmp) / "c")
            index_subset(picked, store, embedder, Path(tmp) / "docs")
            col = store.collection("scifact")
            chunk_doc = {
                cid: Path(path).stem
                for cid, path in store.conn.execute(
                    "SELECT c.id, d.path FROM chunks c JOIN documents d ON d.id = c.document_id"
                )
            }
            qvecs = embedder.encode_queries([q["text"] for q in queries])
            embedder.save()
            for label, opts in (
                ("shipped (judged, not moved)", WITHOUT),
                ("with relevance feedback", WITH),
            ):
                scores, times = [], []
                for q, qv in zip(queries, qvecs, strict=True):
                    t0 = time.perf_counter()
                    hits = search(
                        store,
                        q["text"],
                        collections="scifact",
                        k=10,
                        options=opts,
                        query_vectors={col.model: qv},
                        embedders={col.model: embedder},
                    )
                    times.append(time.perf_counter() - t0)
                    ranked = doc_ranking([h.chunk_id for h in hits], chunk_doc)
                    scores.append(ndcg10(ranked, qrels[q["_id"]]))
                print(
                    f"  {model:24s} {label:22s} nDCG@10 {np.mean(scores):.4f}  "
                    f"({statistics.median(times) * 1000:.0f} ms/search median)",
                    flush=True,
                )
            store.close()


def chinese(args) -> None:
    from fireside.models.embedder_registry import EmbedderRegistry

    registry = EmbedderRegistry()
    notes, pairs = zh.load_corpus(args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        texts = zh.write_docs(docs, notes, pairs)
        sets = zh.question_sets(notes, pairs, texts, args.zh_queries)
        store = DocumentStore(Path(tmp) / "d.db", cache_dir=Path(tmp) / "cache")
        for name in ("multilingual-e5-small",):
            emb = registry.get(name)
            col = store.collection(name, model=name)
            IndexJob(store, col, [docs], embedder=emb).run()
            key = {
                cid: Path(p).stem
                for cid, p in store.conn.execute(
                    "SELECT c.id, d.path FROM chunks c JOIN documents d ON d.id = c.document_id"
                )
            }
            print(f"\nChinese sets ({len(texts)} notes, {name}): hit@5 / MRR@10")
            for set_name, questions in sets.items():
                row = []
                for label, opts in (("shipped", WITHOUT), ("feedback", WITH)):
                    vals = []
                    for q, rel in questions:
                        hits = search(store, q, collections=name, k=10, options=opts)
                        keys = list(dict.fromkeys(key[h.chunk_id] for h in hits))
                        vals.append(zh.metrics(keys, rel))
                    hit, mrr = np.mean(vals, axis=0)
                    row.append(f"{label} {hit:.3f} / {mrr:.3f}")
                print(f"  {set_name:18s} ({len(questions):3d})  " + "   ".join(row), flush=True)
        store.close()


def latency(args) -> None:
    """10,000 chunks of real text with e5 vectors (the subset's, repeated): search time."""
    model = "multilingual-e5-small"
    cache = OUT / f"scifact_vectors_{model}.npz"
    if not cache.exists():
        print("latency: run the SciFact part first (it caches the vectors)")
        return
    from fireside.assistant.documents.store import now
    from fireside.assistant.documents.types import Chunk

    z = np.load(cache)
    vecs = z["vecs"].astype(np.float32)
    corpus, queries, _ = load_dataset(Path(args.dataset))
    texts = [f"{d['title']}. {d['text']}"[:1000] for d in corpus]
    embedder = CachedEmbedder(model, cache)
    with tempfile.TemporaryDirectory() as tmp:
        store = DocumentStore(Path(tmp) / "l.db", cache_dir=Path(tmp) / "c")
        col = store.collection("bench", model=model)
        n, per_doc = 10_000, 10
        for d in range(n // per_doc):
            rows = [(d * per_doc + i) % len(texts) for i in range(per_doc)]
            chunks = [Chunk(i, texts[r]) for i, r in enumerate(rows)]
            picked = vecs[[(d * per_doc + i) % len(vecs) for i in range(per_doc)]]
            with store.transaction() as conn:
                doc = conn.execute(
                    "INSERT INTO documents (collection_id, path, status, chunker, added_at, "
                    "n_chunks) VALUES (?, ?, 'complete', 'bench', ?, ?)",
                    [col.id, f"/bench/doc{d}.txt", now(), per_doc],
                ).lastrowid
                store.add_chunks(conn, doc, chunks, picked, model)
                store.bump(conn, col.id)
        qs = [q["text"] for q in queries[:60]]
        qv = embedder.encode(qs)
        stages = (
            ("no second stage", SearchOptions(rerank=None)),
            ("shipped (judged, not moved)", WITHOUT),
            ("with relevance feedback", WITH),
        )
        for label, opts in stages:
            times = []
            for text, v in zip(qs, qv, strict=True):
                t0 = time.perf_counter()
                search(
                    store,
                    text,
                    collections="bench",
                    k=10,
                    options=opts,
                    query_vectors={model: v},
                    embedders={model: embedder},
                )
                times.append(time.perf_counter() - t0)
            times = sorted(times[5:])  # the first searches load the matrix and the segmenter
            p95 = times[int(0.95 * (len(times) - 1))]
            print(
                f"latency, 10,000 chunks, {label}: median {statistics.median(times) * 1000:.0f} ms, p95 {p95 * 1000:.0f} ms"
            )
        store.close()


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="/work/shared/datasets/scifact")
    ap.add_argument("--queries", type=int, default=100)
    ap.add_argument("--abstracts", type=int, default=400)
    ap.add_argument("--sentences", type=int, default=600)
    ap.add_argument("--zh-queries", type=int, default=100)
    ap.add_argument("--only", choices=("scifact", "chinese", "latency"))
    args = ap.parse_args()
    OUT.mkdir(parents=True, exist_ok=True)
    for part in (scifact, chinese, latency):
        if args.only in (None, part.__name__):
            part(args)


if __name__ == "__main__":
    main()
