"""An indexing job over files and folders, with progress, ETA, pause and cancel.

The desktop panel and ``fireside docs add`` both run one of these: the CLI synchronously
(``run``), the window on a worker thread (``start``), receiving ``Progress`` and per-file
``FileResult`` callbacks on that thread (marshal them to the UI thread). Cancelling keeps
everything committed; adding the same paths again resumes where the job stopped.
"""

from __future__ import annotations

import os
import threading
import time
from collections.abc import Callable, Iterable
from dataclasses import dataclass, field
from pathlib import Path

from fireside.assistant.documents.indexer import Cancelled, Indexer, IndexOptions, JobControl
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.store import Collection, DocumentStore
from fireside.assistant.documents.types import FileResult
from fireside.models.embedder import Embedder

BYTES_PER_CHUNK_GUESS = 1500
DEFAULT_COLLECTION = "default"


@dataclass
class Progress:
    """A snapshot for a progress bar: counts, the current file, and an ETA in seconds."""

    state: str  # "scanning", "running", "paused", "cancelled", "done"
    files_total: int = 0
    files_done: int = 0
    chunks_done: int = 0
    bytes_total: int = 0
    bytes_done: int = 0
    current: str | None = None
    elapsed_s: float = 0.0
    eta_s: float | None = None
    indexed: int = 0
    unchanged: int = 0
    skipped: int = 0
    pages_done: int = 0  # pages of the current PDF or picture read so far
    pages_total: int = 0  # and how many it has (0: not a paged file)

    @property
    def fraction(self) -> float:
        return self.bytes_done / self.bytes_total if self.bytes_total else 0.0


@dataclass
class JobResult:
    files: list[FileResult] = field(default_factory=list)
    cancelled: bool = False
    ignored: int = 0  # files in folders with a type no loader reads

    @property
    def indexed(self) -> list[FileResult]:
        return [f for f in self.files if f.status == "indexed"]

    @property
    def problems(self) -> list[FileResult]:
        return [f for f in self.files if not f.ok]


def expand_paths(paths: Iterable[str | Path], registry: LoaderRegistry) -> tuple[list[Path], int]:
    """Files named directly, plus supported files under named folders (hidden ones skipped).

    Returns (files, ignored): named files are always kept so an unsupported one is reported;
    unsupported files found inside folders are only counted.
    """
    files: list[Path] = []
    ignored = 0
    for raw in paths:
        path = Path(raw).expanduser().resolve()
        if not path.is_dir():
            files.append(path)
            continue
        for root, dirs, names in os.walk(path):
            dirs[:] = sorted(d for d in dirs if not d.startswith("."))
            for name in sorted(names):
                if name.startswith("."):
                    continue
                child = Path(root) / name
                if registry.supports(child):
                    files.append(child.resolve())  # symlinked copies count once
                else:
                    ignored += 1
    return list(dict.fromkeys(files)), ignored


def _size(path: Path) -> int:
    try:
        return path.stat().st_size
    except OSError:
        return 0


class IndexJob:
    """Index ``paths`` into ``collection``; one job per collection at a time."""

    def __init__(
        self,
        store: DocumentStore,
        collection: Collection,
        paths: Iterable[str | Path],
        *,
        embedder: Embedder | None = None,
        registry: LoaderRegistry | None = None,
        options: IndexOptions | None = None,
        on_progress: Callable[[Progress], None] | None = None,
        on_file: Callable[[FileResult], None] | None = None,
    ) -> None:
        self.store = store
        self.collection = collection
        self.paths = list(paths)
        self.embedder = embedder
        self.registry = registry or LoaderRegistry()
        self.options = options or IndexOptions()
        self.on_progress = on_progress or (lambda _p: None)
        self.on_file = on_file or (lambda _f: None)
        self.control = JobControl()
        self.progress = Progress("scanning")
        self.result = JobResult()
        self._thread: threading.Thread | None = None
        self._bytes_per_chunk = float(BYTES_PER_CHUNK_GUESS)

    # -- control (any thread) ------------------------------------------------------------------
    def start(self) -> threading.Thread:
        self._thread = threading.Thread(target=self.run, name="fireside-index", daemon=True)
        self._thread.start()
        return self._thread

    def pause(self) -> None:
        self.control.pause()
        self.progress.state = "paused"
        self.on_progress(self.progress)

    def resume(self) -> None:
        self.control.resume()
        self.progress.state = "running"

    def cancel(self) -> None:
        self.control.cancel()

    def wait(self, timeout: float | None = None) -> bool:
        if self._thread is not None:
            self._thread.join(timeout)
            return not self._thread.is_alive()
        return True

    # -- work ----------------------------------------------------------------------------------
    def run(self) -> JobResult:
        t0 = time.monotonic()
        files, self.result.ignored = expand_paths(self.paths, self.registry)
        sizes = {f: _size(f) for f in files}
        p = self.progress
        p.state, p.files_total, p.bytes_total = "running", len(files), sum(sizes.values())
        self.on_progress(p)
        indexer = Indexer(
            self.store,
            self.collection,
            embedder=self.embedder,
            registry=self.registry,
            options=self.options,
            control=self.control,
        )
        finished_bytes = 0.0
        in_flight: dict[Path, int] = {}  # chunks committed per unfinished file

        def estimate() -> None:
            partial = sum(
                min(sizes.get(f, 0) * 0.99, n * self._bytes_per_chunk) for f, n in in_flight.items()
            )
            partial += sum(  # a scan's pages say more than its few chunks
                max(
                    0.0,
                    sizes.get(f, 0) * 0.99 * share - in_flight.get(f, 0) * self._bytes_per_chunk,
                )
                for f, share in pages.items()
            )
            p.bytes_done = finished_bytes + partial

        def on_chunks(path: Path, n: int) -> None:
            in_flight[path] = in_flight.get(path, 0) + n
            p.chunks_done += n
            p.current = str(path)
            estimate()
            self._tick(t0)

        pages: dict[Path, float] = {}  # share of each unfinished paged file read so far

        def on_pages(path: Path, done: int, total: int) -> None:
            p.pages_done, p.pages_total, p.current = done, total, str(path)
            pages[path] = done / total if total else 0.0
            estimate()
            self._tick(t0)

        def on_file(res: FileResult) -> None:
            nonlocal finished_bytes
            path = Path(res.path)
            size = sizes.get(path, 0)
            in_flight.pop(path, None)
            pages.pop(path, None)
            p.pages_done = p.pages_total = 0
            if res.status == "indexed":
                p.indexed += 1
                finished_bytes += size
                if res.chunks:
                    self._bytes_per_chunk = 0.7 * self._bytes_per_chunk + 0.3 * size / res.chunks
            else:  # no work was done: take it out of the ETA's arithmetic
                p.bytes_total -= size
                p.unchanged += res.status == "unchanged"
                p.skipped += res.status != "unchanged"
            p.files_done += 1
            estimate()
            self.result.files.append(res)
            self.on_file(res)
            self._tick(t0)

        try:
            indexer.index_many(files, on_chunks, on_file, on_pages)
        except Cancelled:
            self.result.cancelled = True
            p.state = "cancelled"
            done = {f.path for f in self.result.files}
            for path in files:
                if str(path) not in done:
                    self.result.files.append(FileResult(str(path), "cancelled", "not finished"))
        else:
            p.state = "done"
        if self.result.indexed:  # the first search after indexing must not wait for this
            self.store.vectors.warm(self.store, self.collection.id, indexer.embedder.name)
        p.current, p.elapsed_s, p.eta_s = None, time.monotonic() - t0, 0.0
        self.on_progress(p)
        return self.result

    def _tick(self, t0: float) -> None:
        p = self.progress
        p.elapsed_s = time.monotonic() - t0
        if p.bytes_done > 0 and p.elapsed_s > 0.5:
            rate = p.bytes_done / p.elapsed_s
            p.eta_s = max(0.0, (p.bytes_total - p.bytes_done) / rate)
        if not self.control.paused:
            p.state = "running"
        self.on_progress(p)
