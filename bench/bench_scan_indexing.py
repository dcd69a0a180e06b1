"""Indexing a long scanned PDF: peak memory, pages per second, and a second run from the cache.

Builds an image-only PDF of ``--pages`` A4 pages (150 dpi pictures of text, with speckles
and a small turn, JPEG-compressed as scanners save them), indexes it with real OCR into a
fresh store, and samples the process's resident memory every 0.2 s. Memory should stay flat
whatever the page count: one page is rendered, read and dropped at a time. A second run
(``--force``) reads every page from the OCR cache.

    python bench/bench_scan_indexing.py [--pages 300] [--lines 8] [--embedder hash-384]
"""

from __future__ import annotations

import argparse
import os
import sys
import tempfile
import threading
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scans.scans import scanned, text_page  # noqa: E402

SENTENCES = [
    "The warranty covers parts and labour for two years from the date of purchase.",
    "Returns are accepted within thirty days when the receipt is shown.",
    "保修期为两年，自购买之日起计算。",
    "退貨必須在三十天內提出申請。",
    "Replacement filters are sold in packs of three at every service centre.",
    "The appliance must be unplugged before the cover is removed.",
]


def build_scan(path: Path, pages: int, lines: int) -> Path:
    """The PDF is written page by page (a generator into PIL), so building it is bounded too."""

    def page(n: int):
        text = [f"Page {n + 1} of {pages}"] + [
            SENTENCES[(n + i) % len(SENTENCES)] for i in range(lines - 1)
        ]
        return scanned(text_page(text, size=26), seed=n, noise=0.005).convert("L")

    first = page(0)
    first.save(
        path,
        "PDF",
        resolution=150,
        save_all=True,
        append_images=(page(n) for n in range(1, pages)),
        quality=80,
    )
    return path


class PeakMemory:
    def __init__(self) -> None:
        import psutil

        self.process = psutil.Process()
        self.peak = 0
        self.samples = 0
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)

    def _run(self) -> None:
        while not self._stop.is_set():
            self.peak = max(self.peak, self.process.memory_info().rss)
            self.samples += 1
            self._stop.wait(0.2)

    def __enter__(self) -> PeakMemory:
        self._thread.start()
        return self

    def __exit__(self, *exc) -> None:
        self._stop.set()
        self._thread.join()


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--pages", type=int, default=300)
    parser.add_argument("--lines", type=int, default=8)
    parser.add_argument("--embedder", default="hash-384")
    args = parser.parse_args()

    from fireside.assistant.documents.indexer import IndexOptions
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.assistant.documents.loaders import LoaderRegistry
    from fireside.assistant.documents.store import DocumentStore
    from fireside.models.ocr import OcrEngine

    with tempfile.TemporaryDirectory() as folder:
        folder = Path(folder)
        t0 = time.perf_counter()
        pdf = build_scan(folder / "scan.pdf", args.pages, args.lines)
        print(
            f"built {args.pages} pages ({pdf.stat().st_size / 2**20:.1f} MiB) in "
            f"{time.perf_counter() - t0:.0f} s; load average {os.getloadavg()[0]:.1f}"
        )
        store = DocumentStore(folder / "documents.db")
        col = store.collection("scan", model=args.embedder)
        ocr = OcrEngine(threads=2)
        ocr._load()
        embedder = store.embedders.get(col.model)
        embedder.encode(["warm up"])
        import psutil

        base = psutil.Process().memory_info().rss
        pages_seen = []

        def progress(p) -> None:
            if p.pages_total and (not pages_seen or pages_seen[-1] != p.pages_done):
                pages_seen.append(p.pages_done)
                if p.pages_done % 25 == 0:
                    print(
                        f"  page {p.pages_done}/{p.pages_total} {time.perf_counter() - t1:.0f} s, "
                        f"peak so far {memory.peak / 2**20:.0f} MiB",
                        flush=True,
                    )

        registry = LoaderRegistry(ocr=ocr)
        with PeakMemory() as memory:
            t1 = time.perf_counter()
            result = IndexJob(
                store, col, [pdf], embedder=embedder, registry=registry, on_progress=progress
            ).run()
            seconds = time.perf_counter() - t1
        (file,) = result.files
        print(
            f"first run: {file.status} ({file.reason or file.chunks} chunks), "
            f"{seconds:.0f} s, {seconds / args.pages:.2f} s/page"
        )
        print(
            f"resident memory: {base / 2**20:.0f} MiB before, peak {memory.peak / 2**20:.0f} MiB"
            f" (+{(memory.peak - base) / 2**20:.0f} MiB; {memory.samples} samples)"
        )
        with PeakMemory() as again:
            t2 = time.perf_counter()
            second = IndexJob(
                store,
                col,
                [pdf],
                embedder=embedder,
                registry=registry,
                options=IndexOptions(force=True),
            ).run()
            cached = time.perf_counter() - t2
        print(
            f"second run (--force, every page from the OCR cache): "
            f"{second.files[0].status}, {cached:.1f} s, peak {again.peak / 2**20:.0f} MiB"
        )
        store.close()


if __name__ == "__main__":
    main()
