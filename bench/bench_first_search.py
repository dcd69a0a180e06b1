"""Time to the first search after indexing 5,000 SciFact abstracts.

The abstracts (one text file each) are indexed with the hash embedder (no model: the
matrix's size and the search path are the same for any 384-dimension embedder, and a real
model would take an hour here). Then, in the same process, the first vector search of the
collection is timed as the window does it: the query vector is ready, the collection's
matrix is fetched from the store's cache and searched. "warm" is what an indexing job leaves
behind (it loads the matrix as it ends); "cold" is a fresh store opening the same database,
as a new process would (the command line). Medians over ``--repeats``; target <= 200 ms warm.

    python bench/bench_first_search.py [--docs 5000] [--repeats 5]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.assistant.documents.jobs import IndexJob  # noqa: E402
from fireside.assistant.documents.retrieval import SearchOptions, search  # noqa: E402
from fireside.assistant.documents.store import DocumentStore  # noqa: E402
from fireside.models.embedder import HashEmbedder  # noqa: E402

SCIFACT = Path("/work/shared/datasets/scifact")
QUERY = "Vitamin D deficiency is associated with a higher risk of infection"


def first_search(store: DocumentStore, embedder) -> float:
    t0 = time.perf_counter()
    search(store, QUERY, collections="sci", options=SearchOptions(mode="vector"),
           embedders={embedder.name: embedder})  # fmt: skip
    return time.perf_counter() - t0


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--dataset", type=Path, default=SCIFACT)
    ap.add_argument("--docs", type=int, default=5000)
    ap.add_argument("--repeats", type=int, default=5)
    args = ap.parse_args()
    embedder = HashEmbedder(384)
    docs = [json.loads(line) for line in (args.dataset / "corpus.jsonl").open()][: args.docs]
    print(f"load average before: {os.getloadavg()}")
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        folder = tmp / "docs"
        folder.mkdir()
        for d in docs:
            (folder / f"{d['_id']}.txt").write_text(d["title"] + "\n\n" + d["text"], "utf-8")
        db = tmp / "d.db"
        store = DocumentStore(db, cache_dir=tmp / "cache")
        col = store.collection("sci", model=embedder.name)
        t0 = time.perf_counter()
        IndexJob(store, col, [folder], embedder=embedder).run()
        print(f"indexed {len(docs)} abstracts in {time.perf_counter() - t0:.0f} s "
              f"({store.collection('sci').chunks} chunks)")  # fmt: skip
        warm = [first_search(store, embedder)]  # the first one after the job
        store.close()
        cold = []
        for _ in range(args.repeats):
            fresh = DocumentStore(db, cache_dir=tmp / "cache")
            cold.append(first_search(fresh, embedder))
            fresh.close()
        for _ in range(args.repeats - 1):  # more jobs' first searches: re-index one file
            store = DocumentStore(db, cache_dir=tmp / "cache")
            one = folder / f"{docs[0]['_id']}.txt"
            one.write_text(one.read_text("utf-8") + " more", "utf-8")
            IndexJob(store, store.collection("sci"), [one], embedder=embedder).run()
            warm.append(first_search(store, embedder))
            store.close()
    print(
        f"first search after indexing (matrix loaded by the job): "
        f"median {statistics.median(warm) * 1000:.0f} ms  (target <= 200 ms)"
    )
    print(
        f"first search in a fresh process (matrix read from SQLite): "
        f"median {statistics.median(cold) * 1000:.0f} ms"
    )
    print(f"load average after: {os.getloadavg()}")  # fmt: skip


if __name__ == "__main__":
    main()
