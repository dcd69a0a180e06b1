"""Watched folders: re-index files that appear or change, drop files that disappear.

Polling with ``os.scandir`` every few seconds: no extra dependency, works the same on every
platform and on network drives where change notifications are unreliable, and a scan of a
few thousand files costs milliseconds. A file is only indexed once its size and mtime have
been the same for two scans in a row, so a file still being copied is not read half-written.
"""

from __future__ import annotations

import contextlib
import os
import threading
from collections.abc import Callable
from pathlib import Path

from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.documents.types import FileResult
from fireside.models.embedder import Embedder

Snapshot = dict[str, tuple[int, int]]


def watch_folder(
    store: DocumentStore, collection: str, folder: str | Path, model: str | None = None
) -> None:
    """Remember ``folder`` as watched by ``collection`` (idempotent; ``model`` is used only
    when the collection is created here)."""
    col = store.collection(collection, model=model)
    path = str(Path(folder).expanduser().resolve())
    with store.transaction() as conn:
        conn.execute(
            "INSERT OR IGNORE INTO watched_folders (collection_id, path) VALUES (?, ?)",
            [col.id, path],
        )


def unwatch_folder(store: DocumentStore, collection: str, folder: str | Path) -> None:
    col = store.collection(collection, create=False)
    with store.transaction() as conn:
        conn.execute(
            "DELETE FROM watched_folders WHERE collection_id = ? AND path = ?",
            [col.id, str(Path(folder).expanduser().resolve())],
        )


def watched_folders(store: DocumentStore) -> list[tuple[str, str]]:
    """(collection name, folder) pairs."""
    rows = store.conn.execute(
        "SELECT c.name, w.path FROM watched_folders w JOIN collections c "
        "ON c.id = w.collection_id ORDER BY c.name, w.path"
    )
    return [(r[0], r[1]) for r in rows]


def scan(folder: Path, registry: LoaderRegistry) -> Snapshot:
    """Supported files under ``folder`` (hidden ones skipped) -> (size, mtime_ns)."""
    out: Snapshot = {}
    stack = [folder]
    while stack:
        try:
            entries = list(os.scandir(stack.pop()))
        except OSError:
            continue
        for entry in entries:
            if entry.name.startswith("."):
                continue
            try:
                if entry.is_dir(follow_symlinks=False):
                    stack.append(Path(entry.path))
                elif entry.is_file() and registry.supports(Path(entry.path)):
                    st = entry.stat()
                    out[str(Path(entry.path).resolve())] = (st.st_size, st.st_mtime_ns)
            except OSError:
                continue
    return out


class FolderWatcher:
    """Polls the watched folders and keeps their collections in step with the disk."""

    def __init__(
        self,
        store: DocumentStore,
        *,
        interval_s: float = 3.0,
        registry: LoaderRegistry | None = None,
        embedders: dict[str, Embedder] | None = None,
        on_file: Callable[[FileResult], None] | None = None,
        on_removed: Callable[[str], None] | None = None,
    ) -> None:
        self.store = store
        self.interval_s = interval_s
        self.registry = registry or LoaderRegistry()
        self.embedders = embedders or {}
        self.on_file = on_file
        self.on_removed = on_removed or (lambda _p: None)
        self._previous: dict[tuple[str, str], Snapshot] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current_job: IndexJob | None = None

    def poll(self) -> list[FileResult]:
        """One pass over every watched folder; returns what was indexed or skipped."""
        results: list[FileResult] = []
        for name, folder in watched_folders(self.store):
            col = self.store.collection(name, create=False)
            now = scan(Path(folder), self.registry)
            before = self._previous.get((name, folder))
            self._previous[(name, folder)] = now
            known = {
                d.path: d
                for d in self.store.documents(col.id)
                if Path(d.path).is_relative_to(folder)
            }
            for path in set(known) - set(now):
                for doc in self.store.documents_at(col.id, path):
                    self.store.remove_document(doc.id)
                self.on_removed(path)
            stable = [p for p, stat in now.items() if before is not None and before.get(p) == stat]
            todo = [p for p in stable if _differs(known.get(p), now[p])]
            if todo and not self._stop.is_set():
                job = IndexJob(
                    self.store,
                    col,
                    todo,
                    embedder=self.embedders.get(col.model),
                    registry=self.registry,
                    on_file=self.on_file,
                )
                self.current_job = job
                results += job.run().files
                self.current_job = None
        return results

    def start(self) -> None:
        self._thread = threading.Thread(target=self._loop, name="fireside-watch", daemon=True)
        self._thread.start()

    def stop(self, timeout: float | None = 5.0) -> None:
        self._stop.set()
        if self.current_job is not None:
            self.current_job.cancel()
        if self._thread is not None:
            self._thread.join(timeout)

    def _loop(self) -> None:
        while not self._stop.is_set():
            # a bad folder must not kill the watcher; the next round tries again
            with contextlib.suppress(Exception):
                self.poll()
            self._stop.wait(self.interval_s)


def _differs(doc, stat: tuple[int, int]) -> bool:
    if doc is None:
        return True
    if doc.status == "indexing":
        return True
    return (doc.size, doc.mtime_ns) != stat
