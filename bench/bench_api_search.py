"""``POST /v1/fireside/search`` against the same search in process, over one app.

The API serves searches from the app's one documents store (its vector matrices stay
loaded between requests) and its one embedder registry (the query embedder loads once), so
a request should cost what the search costs plus HTTP and JSON. This indexes SciFact
abstracts with MiniLM into a fresh data folder, starts the API on 127.0.0.1, and for each
query times the API's *second* request for it, sent by a client in another process as
real clients are (both sides run after a warm-up), against ``retrieval.search`` of the
same query in the server's process. Prints the median ratio (target <= 1.2).

    .venv/bin/python bench/bench_api_search.py [--docs 400] [--queries 30]
"""

from __future__ import annotations

import argparse
import json
import os
import statistics
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
SCIFACT = ROOT.parent / "shared" / "datasets" / "scifact"
KEY = "bench-key"
# the client: for each query a first request, then the timed second one
CLIENT = """
import json, sys, time, httpx
url, key, queries = sys.argv[1], sys.argv[2], json.loads(sys.argv[3])
http = httpx.Client(base_url=url, headers={"Authorization": "Bearer " + key}, timeout=60)
def ask(q):
    start = time.perf_counter()
    reply = http.post("/fireside/search", json={"query": q, "k": 5})
    assert reply.status_code == 200, reply.text
    return time.perf_counter() - start
ask(queries[0])
out = []
for q in queries:
    ask(q)
    out.append(ask(q))
print(json.dumps(out))
"""


def read_jsonl(path: Path, n: int) -> list[dict]:
    out = []
    with path.open(encoding="utf-8") as fh:
        for line in fh:
            out.append(json.loads(line))
            if len(out) == n:
                break
    return out


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--docs", type=int, default=400)
    parser.add_argument("--queries", type=int, default=30)
    args = parser.parse_args()
    os.environ.setdefault("FIRESIDE_HOME", tempfile.mkdtemp(prefix="fireside-bench-"))
    os.environ.setdefault("HF_HUB_OFFLINE", "1")

    from fireside.api.server import ApiServer
    from fireside.api.services import ApiConfig, ApiServices
    from fireside.assistant.app import build_app
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.assistant.documents.retrieval import search
    from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL

    app = build_app()
    folder = Path(os.environ["FIRESIDE_HOME"]) / "abstracts"
    folder.mkdir(parents=True, exist_ok=True)
    for doc in read_jsonl(SCIFACT / "corpus.jsonl", args.docs):
        (folder / f"{doc['_id']}.txt").write_text(f"{doc['title']}\n\n{doc['text']}", "utf-8")
    store = app.documents_store
    collection = store.collection("scifact", model=DEFAULT_EMBEDDING_MODEL)
    t0 = time.perf_counter()
    IndexJob(store, collection, sorted(folder.glob("*.txt"))).run()
    print(f"indexed {args.docs} SciFact abstracts with MiniLM in {time.perf_counter() - t0:.0f} s")
    queries = [q["text"] for q in read_jsonl(SCIFACT / "queries-train.jsonl", args.queries)]

    server = ApiServer(ApiServices.from_app(app, key=lambda: KEY), ApiConfig(port=0))
    server.start()
    search(store, queries[0], collections=["scifact"], k=5)  # warm-up in process
    local = []
    for query in queries:
        start = time.perf_counter()
        search(store, query, collections=["scifact"], k=5)
        local.append(time.perf_counter() - start)
    done = subprocess.run(
        [sys.executable, "-c", CLIENT, server.url, KEY, json.dumps(queries)],
        capture_output=True,
        text=True,
        timeout=600,
        check=True,
    )
    api = json.loads(done.stdout)
    server.stop()
    app.close()
    a, s = statistics.median(api), statistics.median(local)
    print(f"in-process search : median {s * 1000:6.1f} ms over {len(local)} queries")
    print(f"API, 2nd request  : median {a * 1000:6.1f} ms")
    print(f"API / in-process  : {a / s:.2f}   (target <= 1.2)")


if __name__ == "__main__":
    main()
