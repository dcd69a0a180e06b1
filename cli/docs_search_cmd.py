"""``fireside docs search``: hybrid search from the command line, one query or a batch.

A batch (``--queries FILE.jsonl``) embeds all queries at once and loads the model once,
which is what evaluation scripts need; each result line carries the query's ``_id``.
"""

from __future__ import annotations

import json
from pathlib import Path

from fireside.cli.app_command import with_app
from fireside.cli.common import fail, print_json


def register(dsub) -> None:
    p = dsub.add_parser("search", help="search a collection (keywords + meaning)")
    p.add_argument("query", nargs="?")
    p.add_argument("--queries", metavar="FILE.jsonl", help='batch: one {"_id","text"} a line')
    p.add_argument("--collection", "-C", metavar="NAME", help="default: all collections")
    p.add_argument("-k", type=int, default=10, help="number of hits (default 10)")
    p.add_argument("--mode", choices=["hybrid", "bm25", "vector"], default="hybrid")
    p.add_argument("--json", action="store_true")
    p.set_defaults(func=run_search)


def _hit_json(h) -> dict:
    return {
        "document": h.document,
        "page": h.page,
        "text": h.text,
        "score": h.score,
        "similarity": h.similarity,
        "heading": h.heading,
        "line_start": h.line_start,
        "line_end": h.line_end,
        "collection": h.collection,
        "chunk_id": h.chunk_id,
        "document_id": h.document_id,
    }


@with_app
def run_search(app, args) -> int:
    store = app.documents_store
    from fireside.assistant.documents.retrieval import SearchOptions, resolve_collections, search
    from fireside.models.embedder import EmbedderError

    opts = SearchOptions(mode=args.mode)
    try:
        cols = resolve_collections(store, args.collection)
    except KeyError as exc:
        return fail(str(exc))
    if bool(args.query) == bool(args.queries):
        return fail("give either a query or --queries FILE.jsonl")
    try:
        if args.query:
            hits = search(store, args.query, collections=args.collection, k=args.k, options=opts)
            if args.json:
                print_json({"query": args.query, "hits": [_hit_json(h) for h in hits]})
            else:
                for i, h in enumerate(hits, 1):
                    where = f", page {h.page}" if h.page else ""
                    print(f"{i}. {h.document}{where} (score {h.score:.4f})")
                    print("   " + " ".join(h.text.split())[:300])
            return 0
        try:
            lines = Path(args.queries).read_text(encoding="utf-8").splitlines()
            queries = [json.loads(line) for line in lines if line.strip()]
            texts = [str(q["text"]) for q in queries]
        except (OSError, ValueError, KeyError, TypeError) as exc:
            return fail(f"cannot read queries from {args.queries}: {exc}")
        vectors: dict[str, object] = {}
        if opts.mode != "bm25":
            for model in {c.model for c in cols}:
                vectors[model] = store.embedders.get(model).encode(texts)
        for i, q in enumerate(queries):
            qv = {m: v[i] for m, v in vectors.items()}
            hits = search(
                store,
                texts[i],
                collections=args.collection,
                k=args.k,
                options=opts,
                query_vectors=qv,
            )
            print_json({"_id": q.get("_id"), "hits": [_hit_json(h) for h in hits]})
        return 0
    except EmbedderError as exc:
        return fail(str(exc))
