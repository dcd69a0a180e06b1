"""MiniLM through ONNX Runtime vs sentence-transformers on SciFact: same vectors, same speed?

A subset that runs in a few minutes on two busy cores: the first ``--queries`` claims (by id)
that have judgements, and a corpus of ``--corpus`` abstracts holding every abstract relevant
to them plus randomly drawn others (seeded). Both embedders encode the corpus (title +
abstract, one vector each, cut at 256 tokens as the model is) and the claims in this process;
vector search ranks the corpus by cosine. Prints nDCG@10 and recall@10 per embedder, how far
apart the two embedders' vectors of the same text are (1 - cosine), and encode throughput
with the ratio ONNX / sentence-transformers.

The export is made into ``bench/out/onnx-minilm`` on first run (``--onnx DIR`` to use another).

    python bench/bench_onnx_embedder.py [--queries 300] [--corpus 1000]
"""

from __future__ import annotations

import argparse
import importlib.util
import json
import math
import random
import sys
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.models.embedder import SentenceTransformerEmbedder  # noqa: E402
from fireside.models.onnx_embedder import MODEL_FILE, OnnxEmbedder  # noqa: E402

OUT = ROOT / "bench" / "out"


def load_subset(root: Path, n_queries: int, n_corpus: int, seed: int = 0):
    corpus = {d["_id"]: d for d in map(json.loads, (root / "corpus.jsonl").open())}
    qrels: dict[str, set[str]] = {}
    for line in list((root / "qrels-train.tsv").open())[1:]:
        qid, did, score = line.split()
        if int(score) > 0 and did in corpus:
            qrels.setdefault(qid, set()).add(did)
    queries = [
        q for q in map(json.loads, (root / "queries-train.jsonl").open()) if q["_id"] in qrels
    ]
    queries = sorted(queries, key=lambda q: int(q["_id"]))[:n_queries]
    relevant = sorted({d for q in queries for d in qrels[q["_id"]]})
    others = sorted(set(corpus) - set(relevant))
    random.Random(seed).shuffle(others)
    ids = relevant + others[: max(0, n_corpus - len(relevant))]
    docs = [corpus[i] for i in ids]
    return docs, queries, {q["_id"]: qrels[q["_id"]] for q in queries}


def ndcg10(ranked: list[str], relevant: set[str]) -> float:
    dcg = sum(1 / math.log2(i + 2) for i, d in enumerate(ranked[:10]) if d in relevant)
    ideal = sum(1 / math.log2(i + 2) for i in range(min(10, len(relevant))))
    return dcg / ideal


def recall10(ranked: list[str], relevant: set[str]) -> float:
    return len(set(ranked[:10]) & relevant) / len(relevant)


def quality(dvecs, qvecs, docs, queries, qrels) -> tuple[float, float]:
    ids = [d["_id"] for d in docs]
    scores = qvecs @ dvecs.T
    top = np.argsort(-scores, axis=1)[:, :10]
    ranked = [[ids[j] for j in row] for row in top]
    rel = [qrels[q["_id"]] for q in queries]
    n = len(queries)
    return (
        sum(ndcg10(r, s) for r, s in zip(ranked, rel, strict=True)) / n,
        sum(recall10(r, s) for r, s in zip(ranked, rel, strict=True)) / n,
    )


def ensure_export(folder: Path) -> Path:
    if (folder / MODEL_FILE).is_file():
        return folder
    spec = importlib.util.spec_from_file_location(
        "export_minilm_onnx", ROOT / "installer" / "export_minilm_onnx.py"
    )
    exporter = importlib.util.module_from_spec(spec)
    spec.loader.exec_module(exporter)
    t0 = time.perf_counter()
    exporter.export(folder)
    print(f"exported MiniLM to {folder} in {time.perf_counter() - t0:.0f}s", file=sys.stderr)
    return folder


def timed(fn, *args):
    t0 = time.perf_counter()
    out = fn(*args)
    return out, time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", default="/work/shared/datasets/scifact")
    ap.add_argument("--queries", type=int, default=300)
    ap.add_argument("--corpus", type=int, default=1000)
    ap.add_argument("--onnx", type=Path, default=OUT / "onnx-minilm")
    ap.add_argument("--batch-size", type=int, default=32)
    args = ap.parse_args()

    docs, queries, qrels = load_subset(Path(args.dataset), args.queries, args.corpus)
    doc_texts = [f"{d['title']}\n{d['text']}" for d in docs]
    query_texts = [q["text"] for q in queries]
    print(f"SciFact subset: {len(queries)} claims, {len(docs)} abstracts (all relevant ones)")

    embedders = {
        "sentence-transformers": SentenceTransformerEmbedder(),
        "onnx": OnnxEmbedder(ensure_export(args.onnx)),
    }
    for embedder in embedders.values():
        embedder.encode(["warm up the model and its threads"] * 4)
    # ABBA over two halves of the corpus: the machine's load drifts, each embedder gets both ends
    half = len(doc_texts) // 2
    parts = {name: [None, None] for name in embedders}
    dsec = dict.fromkeys(embedders, 0.0)
    names = list(embedders)
    for name, part in ((names[0], 0), (names[1], 0), (names[1], 1), (names[0], 1)):
        texts = doc_texts[:half] if part == 0 else doc_texts[half:]
        parts[name][part], seconds = timed(embedders[name].encode, texts, args.batch_size)
        dsec[name] += seconds
    results = {}
    for name in (names[1], names[0]):
        embedder = embedders[name]
        qvecs, qsec = timed(lambda e=embedder: np.stack([e.encode_query(t) for t in query_texts]))
        dvecs = np.concatenate(parts[name])
        ndcg, recall = quality(dvecs, qvecs, docs, queries, qrels)
        results[name] = dict(d=dvecs, q=qvecs, dsec=dsec[name], qsec=qsec, ndcg=ndcg, recall=recall)
    for name in names:
        r = results[name]
        print(
            f"{name:>22}: nDCG@10 {r['ndcg']:.4f}  recall@10 {r['recall']:.4f}  "
            f"corpus {len(docs) / r['dsec']:.1f} passages/s  "
            f"queries {1000 * r['qsec'] / len(queries):.1f} ms each"
        )

    st, ox = results["sentence-transformers"], results["onnx"]
    gap = np.abs(1 - np.concatenate([(st["d"] * ox["d"]).sum(1), (st["q"] * ox["q"]).sum(1)]))
    print(
        f"|1 - cosine(ST, ONNX)| over {len(gap)} texts: max {gap.max():.2e}  mean {gap.mean():.2e}"
    )
    print(
        f"ONNX / sentence-transformers: corpus throughput x{st['dsec'] / ox['dsec']:.2f}, "
        f"query throughput x{st['qsec'] / ox['qsec']:.2f}; "
        f"nDCG@10 {ox['ndcg'] - st['ndcg']:+.4f}, recall@10 {ox['recall'] - st['recall']:+.4f}"
    )


if __name__ == "__main__":
    main()
