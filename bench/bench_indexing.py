"""Indexing throughput vs the embedder alone, and peak memory on a huge text file.

1. Throughput: the same chunks of real files are (a) embedded by MiniLM alone, in batches of
   the indexer's size, and (b) indexed end to end (load, chunk, embed, write SQLite + FTS5).
   The ratio (b)/(a) is the pipeline's efficiency; the target is >= 0.85.
2. Memory (``--memory``): index a generated text file (64 MiB by default, ``--gb 1`` for
   1 GiB) in a child process and report its peak RSS. A 1 GiB file is ~1 M chunks, ~15 h of
   MiniLM on 2 cores, so this run uses a random-vector embedder: it measures the pipeline's
   memory (loader, chunker, batches, SQLite), which is what must stay bounded.

With ``--embedder multilingual-e5-small`` the real files are joined by Chinese notes (HSK
sentences from ``hsk-sentences-audio``, one file per topic), so the pipeline's Chinese word
segmentation is inside the measured time.

    .venv/bin/python bench/bench_indexing.py [--embedder NAME] [--memory] [--gb 1]
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

import numpy as np

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from fireside.assistant.documents.chunking import chunk_blocks  # noqa: E402
from fireside.assistant.documents.indexer import IndexOptions  # noqa: E402
from fireside.assistant.documents.jobs import IndexJob  # noqa: E402
from fireside.assistant.documents.loaders import LoaderRegistry  # noqa: E402
from fireside.assistant.documents.store import DocumentStore  # noqa: E402
from fireside.models.embedder_registry import EmbedderRegistry  # noqa: E402

DATA = ROOT / "tests" / "data" / "documents"
FILES = [
    "text/debian-faq.en.txt",
    "html/basic-defs.en.html",
    "html/kernel.en.html",
    "pdf/Seige_of_Vicksburg_Sample_OCR.pdf",
    "pdf/pdflatex-outline.pdf",
    "csv/debian.csv",
    "markdown/pypdf-README.md",
    "code/pagerange.py",
]


def chinese_notes(folder: Path) -> list[Path]:
    import hsk_sentences_audio

    by_topic: dict[str, list[str]] = {}
    for s in hsk_sentences_audio.load_sentences():
        by_topic.setdefault(s["topic"], []).append(s["chinese"])
    paths = []
    for topic, sentences in sorted(by_topic.items()):
        path = folder / f"{topic}.txt"
        path.write_text("\n\n".join(sentences[:60]) + "\n", encoding="utf-8")
        paths.append(path)
    return paths


def throughput(rounds: int, embedder_name: str, extra: list[Path]) -> None:
    paths = [DATA / f for f in FILES] + extra
    registry = LoaderRegistry()
    texts = [c.embedding_text() for p in paths for c in chunk_blocks(registry.load(p))]
    embedder = EmbedderRegistry().get(embedder_name)
    embedder.encode(texts[:8])  # load the model outside the timings
    batch = IndexOptions().batch_size
    print(f"{len(paths)} real files -> {len(texts)} chunks; batch size {batch}")
    ratios = []
    for r in range(rounds):
        t0 = time.perf_counter()
        for i in range(0, len(texts), batch):
            embedder.encode(texts[i : i + batch], batch)
        embed_s = time.perf_counter() - t0
        with tempfile.TemporaryDirectory() as tmp:
            store = DocumentStore(Path(tmp) / "d.db", cache_dir=Path(tmp) / "cache")
            col = store.collection("bench", model=embedder.name)
            t0 = time.perf_counter()
            result = IndexJob(store, col, paths, embedder=embedder).run()
            index_s = time.perf_counter() - t0
            n = sum(f.chunks for f in result.files)
            store.close()
        assert n == len(texts), (n, len(texts))
        e_rate, i_rate = len(texts) / embed_s, n / index_s
        ratios.append(i_rate / e_rate)
        print(
            f"round {r + 1}: embedder alone {e_rate:6.1f} chunks/s ({embed_s:.1f}s), "
            f"indexing {i_rate:6.1f} chunks/s ({index_s:.1f}s), ratio {i_rate / e_rate:.3f}"
        )
    print(
        f"indexing/embedder throughput ratio: median {sorted(ratios)[len(ratios) // 2]:.3f} "
        "(target >= 0.85)"
    )


CHILD = """
import json, resource, sys, time
import numpy as np
from pathlib import Path
import psutil
from fireside.assistant.documents.indexer import IndexOptions
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.store import DocumentStore

class RandomEmbedder:
    name, dim, relevance_threshold = "random-384", 384, 0.0
    rng = np.random.default_rng(0)
    def encode(self, texts, batch_size=32):
        v = self.rng.standard_normal((len(texts), 384)).astype(np.float32)
        return v / np.linalg.norm(v, axis=1, keepdims=True)

proc = psutil.Process()
base = proc.memory_info().rss
store = DocumentStore(sys.argv[2])
col = store.collection("big", model="random-384")
peak = [base]
def sample(p):
    peak[0] = max(peak[0], proc.memory_info().rss)
t0 = time.perf_counter()
res = IndexJob(store, col, [sys.argv[1]], embedder=RandomEmbedder(),
               options=IndexOptions(batch_size=64), on_progress=sample).run()
elapsed = time.perf_counter() - t0
# VmHWM: this process's own peak. (ru_maxrss would include the parent's size at fork.)
hwm = [line for line in open("/proc/self/status") if line.startswith("VmHWM")]
ru = int(hwm[0].split()[1]) * 1024 if hwm else resource.getrusage(resource.RUSAGE_SELF).ru_maxrss * 1024
print(json.dumps({"chunks": res.files[0].chunks, "status": res.files[0].status,
                  "seconds": elapsed, "rss_before": base, "rss_peak_sampled": peak[0],
                  "ru_maxrss": ru}))
"""


def make_text(path: Path, size: int) -> None:
    """Paragraphs of words from a real text; an 8 MiB block is generated once and repeated
    with a numbered header (content repetition does not matter for memory)."""
    rng = np.random.default_rng(1)
    source = (ROOT / "tests/data/documents/text/debian-faq.en.txt").read_text(encoding="utf-8")
    words = np.array([w for w in source.split() if w.isalpha()])
    paras, total = [], 0
    while total < 8 * (1 << 20):
        lines = [" ".join(rng.choice(words, 12)) for _ in range(int(rng.integers(2, 12)))]
        paras.append("\n".join(lines))
        total += sum(len(x) + 1 for x in lines) + 1
    block = "\n\n".join(paras) + "\n\n"
    written, part = 0, 0
    with path.open("w", encoding="utf-8") as fh:
        while written < size:
            part += 1
            header = f"Part {part}\n\n"
            fh.write(header + block)
            written += len(header) + len(block.encode())


def memory(gib: float) -> None:
    size = int(gib * (1 << 30))
    tmp = Path(tempfile.mkdtemp(prefix="fireside-bigtext-"))
    try:
        big = tmp / "big.txt"
        t0 = time.perf_counter()
        make_text(big, size)
        print(
            f"generated {big.stat().st_size / 2**20:.0f} MiB of text in "
            f"{time.perf_counter() - t0:.0f}s"
        )
        out = subprocess.run(
            [sys.executable, "-c", CHILD, str(big), str(tmp / "d.db")],
            capture_output=True,
            text=True,
            cwd=ROOT,
            check=True,
        )
        r = json.loads(out.stdout.strip().splitlines()[-1])
        mib = 1 << 20
        print(
            f"indexed {r['chunks']} chunks ({r['status']}) in {r['seconds']:.0f}s "
            f"({r['chunks'] / r['seconds']:.0f} chunks/s without a real model)"
        )
        print(
            f"RSS before indexing {r['rss_before'] / mib:.0f} MiB; peak RSS "
            f"{r['ru_maxrss'] / mib:.0f} MiB (sampled {r['rss_peak_sampled'] / mib:.0f} MiB); "
            f"growth {(r['ru_maxrss'] - r['rss_before']) / mib:.0f} MiB for a "
            f"{size / mib:.0f} MiB file"
        )
        print(f"database size {(tmp / 'd.db').stat().st_size / mib:.0f} MiB")
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def main() -> None:
    ap = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    ap.add_argument("--memory", action="store_true", help="only the huge-file memory run")
    ap.add_argument("--gb", type=float, default=1 / 16, help="size of the generated file in GiB")
    ap.add_argument("--rounds", type=int, default=2)
    ap.add_argument("--embedder", default="all-MiniLM-L6-v2")
    args = ap.parse_args()
    if not args.memory:
        with tempfile.TemporaryDirectory() as tmp:
            if args.embedder.lower() not in ("all-minilm-l6-v2", "minilm"):
                extra = chinese_notes(Path(tmp))
            throughput(args.rounds, args.embedder, extra)
        print()
    memory(args.gb)


if __name__ == "__main__":
    main()
