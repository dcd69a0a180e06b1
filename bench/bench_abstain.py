"""Abstaining for real: how often a question the documents answer keeps its sources, and how
often one they do not answer gets "not in your documents", over real collections of several
sizes, English and Chinese, through the app's own path (``DocumentsProvider.context`` with
the default embedder and the second stage's relevance judgement).

Collections and questions (nothing here was written for the benchmark except the
unanswerable questions):

- HSK notes (``hsk_sentences_audio``, one Chinese sentence a file), 50 / 200 / 800 notes:
  answerable, each note's own sentence (Chinese) and its English translation (English over
  Chinese); unanswerable, general questions in English and Chinese.
- SciFact abstracts (``../shared/datasets/scifact``), 50 / 400 abstracts: answerable, train
  claims whose judged abstract is in the collection; unanswerable, claims whose judged
  abstracts were all left out (the same field, a hard case) and the general questions.

Each line: how many keep sources (answerable, want all) or get none (unanswerable, want all).

    python bench/bench_abstain.py [--sizes-zh 50,200,800] [--sizes-en 50,400] [--questions 20]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))
sys.path.insert(0, str(ROOT / "bench"))
os.environ.setdefault("FIRESIDE_ONNX_E5", str(ROOT / "bench" / "out" / "onnx-e5"))

from fireside.assistant.documents.jobs import IndexJob  # noqa: E402
from fireside.assistant.documents.store import DocumentStore  # noqa: E402
from fireside.models.embedder_registry import EmbedderRegistry  # noqa: E402

from tests.documents.helpers import cited_sources  # noqa: E402

SCIFACT = ROOT.parent / "shared" / "datasets" / "scifact"
UNANSWERABLE_EN = [
    "What is the boiling point of mercury?",
    "Who won the 1998 World Cup?",
    "How do I install Python on Windows?",
    "How do I bake sourdough bread?",
    "What is the capital of Australia?",
    "How does a jet engine work?",
    "Which Debian release is called bookworm?",
    "How many moons does Jupiter have?",
    "Who painted the Mona Lisa?",
    "What is the speed limit on German motorways?",
]
UNANSWERABLE_ZH = [
    "水银的沸点是多少？",
    "谁赢得了1998年世界杯？",
    "怎样在Windows上安装Python？",
    "如何做红烧肉？",
    "澳大利亚的首都是哪里？",
    "喷气发动机是怎么工作的？",
    "木星有多少颗卫星？",
    "蒙娜丽莎是谁画的？",
    "量子纠缠是什么意思？",
    "Debian的哪个版本叫bookworm？",
]


def has_sources(store: DocumentStore, embedder, collection: str, question: str) -> bool:
    return bool(cited_sources(store, embedder, collection, question))


def build(store: DocumentStore, embedder, name: str, folder: Path, texts: dict[str, str]) -> None:
    folder.mkdir(parents=True)
    for stem, text in texts.items():
        (folder / f"{stem}.txt").write_text(text, encoding="utf-8")
    col = store.collection(name, model=embedder.name)
    IndexJob(store, col, [folder], embedder=embedder).run()


def line(label: str, kept: int, total: int, want_sources: bool) -> None:
    verb = "keep sources" if want_sources else "abstain"
    print(f"  {label:44s} {kept:3d}/{total:<3d} {verb}", flush=True)


def hsk_sets(store, embedder, tmp: Path, sizes: list[int], n_questions: int) -> None:
    import hsk_sentences_audio as hsk

    notes = [s for s in hsk.load_sentences()[::15] if s["translation"].get("en")]
    for size in sizes:
        picked = notes[:size]
        name = f"hsk{size}"
        build(store, embedder, name, tmp / name, {s["id"]: s["chinese"] + "\n" for s in picked})
        asked = picked[:: max(1, len(picked) // n_questions)][:n_questions]
        print(f"HSK notes, {size} Chinese notes")
        for label, questions, want in (
            ("answerable, Chinese", [s["chinese"] for s in asked], True),
            ("answerable, English over Chinese", [s["translation"]["en"] for s in asked], True),
            ("unanswerable, Chinese", UNANSWERABLE_ZH, False),
            ("unanswerable, English over Chinese", UNANSWERABLE_EN, False),
        ):
            got = sum(has_sources(store, embedder, name, q) == want for q in questions)
            line(label, got, len(questions), want)


def scifact_sets(store, embedder, tmp: Path, sizes: list[int], n_questions: int) -> None:
    from bench_onnx_embedder import load_subset

    for size in sizes:
        docs, queries, qrels = load_subset(SCIFACT, 3 * n_questions, size)
        inside = queries[:n_questions]
        needed = {d for q in inside for d in qrels[q["_id"]]}
        # claims of the same field whose judged abstracts are left out of the collection
        outside = [q for q in queries[n_questions:] if not qrels[q["_id"]] & needed]
        outside = outside[:n_questions]
        keep = {d["_id"] for d in docs} - {d for q in outside for d in qrels[q["_id"]]}
        texts = {d["_id"]: d["title"] + "\n\n" + d["text"] for d in docs if d["_id"] in keep}
        name = f"scifact{size}"
        build(store, embedder, name, tmp / name, texts)
        print(f"SciFact, {len(texts)} abstracts")
        for label, questions, want in (
            ("answerable claims", [q["text"] for q in inside], True),
            ("unanswerable claims (their abstracts left out)", [q["text"] for q in outside], False),
            ("unanswerable, general English", UNANSWERABLE_EN, False),
            ("unanswerable, general Chinese", UNANSWERABLE_ZH, False),
        ):
            got = sum(has_sources(store, embedder, name, q) == want for q in questions)
            line(label, got, len(questions), want)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--sizes-zh", default="50,200,800")
    ap.add_argument("--sizes-en", default="50,400")
    ap.add_argument("--questions", type=int, default=20)
    args = ap.parse_args()
    registry = EmbedderRegistry()
    embedder = registry.get(registry.default_name())
    print(f"embedder: {embedder.name}")
    sizes = {key: [int(x) for x in val.split(",") if x] for key, val in
             (("zh", args.sizes_zh), ("en", args.sizes_en))}  # fmt: skip
    with tempfile.TemporaryDirectory() as tmp_name:
        tmp = Path(tmp_name)
        store = DocumentStore(tmp / "abstain.db", cache_dir=tmp / "cache")
        hsk_sets(store, embedder, tmp, sizes["zh"], args.questions)
        scifact_sets(store, embedder, tmp, sizes["en"], args.questions)
        store.close()


if __name__ == "__main__":
    main()
