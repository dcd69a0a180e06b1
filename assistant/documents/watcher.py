"""Watched folders: re-index files that appear or change, drop files that disappear.

Polling with ``os.scandir`` every few seconds: no extra dependency, works the same on every
platform and on network drives where change notifications are unreliable, and a scan of a
few thousand files costs milliseconds. A file is only indexed once its size and mtime have
been the same for two scans in a row, so a file still being copied is not read half-written.

A folder that cannot be listed (an unmounted drive, a disconnected network share) is not an
empty folder: its documents stay indexed, it is reported once as not reachable, and the next
polls check it again. A file is de-indexed only when its folder was listed and the file
itself is really gone (``stat`` says it does not exist), never because a sub-folder could
not be read.
"""

from __future__ import annotations

import logging
import os
import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.documents.types import FileResult
from fireside.models.embedder import Embedder

Snapshot = dict[str, tuple[int, int]]
log = logging.getLogger(__name__)


class FolderUnreachable(OSError):
    """A watched folder cannot be listed; the message says which and why."""


@dataclass
class Scan:
    files: Snapshot
    unreadable: list[str] = field(default_factory=list)  # sub-folders that could not be listed
    empty: bool = False  # the folder itself has no entries at all


def watch_folder(
    store: DocumentStore, collection: str, folder: str | Path, model: str | None = None
) -> None:
    """Remember ``folder`` as watched by ``collection`` (idempotent; ``model`` is used only
    when the collection is created here)."""
    col = store.collection(collection, model=model)
    store.add_watched_folder(col.id, str(Path(folder).expanduser().resolve()))


def watched_folders(store: DocumentStore) -> list[tuple[str, str]]:
    """(collection name, folder) pairs."""
    return store.watched_folders()


def scan(folder: Path, registry: LoaderRegistry) -> Scan:
    """Supported files under ``folder`` (hidden ones skipped) -> (size, mtime_ns).

    Raises ``FolderUnreachable`` when ``folder`` itself cannot be listed.
    """
    try:
        if not folder.is_dir():
            raise FolderUnreachable(f"{folder}: not reachable (no such folder)")
        root = list(os.scandir(folder))
    except FolderUnreachable:
        raise
    except OSError as exc:
        raise FolderUnreachable(f"{folder}: not reachable ({exc.strerror or exc})") from None
    out: Snapshot = {}
    unreadable: list[str] = []
    stack: list[Path] = []
    pending: list[list[os.DirEntry]] = [root]
    while pending or stack:
        if pending:
            entries = pending.pop()
        else:
            sub = stack.pop()
            try:
                entries = list(os.scandir(sub))
            except OSError:
                unreadable.append(str(sub.resolve()))
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
    return Scan(out, unreadable, empty=not root)


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
        on_unreachable: Callable[[str, str | None], None] | None = None,
    ) -> None:
        """``on_unreachable(folder, reason)`` when a folder stops being reachable, and
        ``(folder, None)`` when it is reachable again."""
        self.store = store
        self.interval_s = interval_s
        self.registry = registry or LoaderRegistry()
        self.embedders = embedders or {}
        self.on_file = on_file
        self.on_removed = on_removed or (lambda _p: None)
        self.on_unreachable = on_unreachable or (lambda _f, _r: None)
        self.unreachable: dict[str, str] = {}  # folder -> reason, while it cannot be listed
        self._previous: dict[tuple[str, str], Snapshot] = {}
        self._stop = threading.Event()
        self._thread: threading.Thread | None = None
        self.current_job: IndexJob | None = None

    def poll(self) -> list[FileResult]:
        """One pass over every watched folder; returns what was indexed or skipped."""
        results: list[FileResult] = []
        for name, folder in watched_folders(self.store):
            col = self.store.collection(name, create=False)
            try:
                found = scan(Path(folder), self.registry)
            except FolderUnreachable as exc:
                if folder not in self.unreachable:
                    self.unreachable[folder] = str(exc)
                    log.warning("%s; its index is kept", exc)
                    self.on_unreachable(folder, str(exc))
                continue
            if not found.files and not found.unreadable and found.empty:
                known_here = [d for d in self.store.documents(col.id) if _inside(d.path, [folder])]
                if known_here:  # an unmounted drive often leaves an empty mount point
                    if folder not in self.unreachable:
                        reason = f"{folder}: not reachable (empty; is the drive mounted?)"
                        self.unreachable[folder] = reason
                        log.warning("%s; its index is kept", reason)
                        self.on_unreachable(folder, reason)
                    continue
            if self.unreachable.pop(folder, None) is not None:
                self.on_unreachable(folder, None)
            now = found.files
            before = self._previous.get((name, folder))
            self._previous[(name, folder)] = now
            known = {
                d.path: d
                for d in self.store.documents(col.id)
                if Path(d.path).is_relative_to(folder)
            }
            for path in set(known) - set(now):
                if _inside(path, found.unreadable) or not _gone(path):
                    continue  # could not look, or it is there: keep it
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
            try:
                self.poll()
            except Exception:  # noqa: BLE001
                log.exception("watching folders failed; trying again in %.0f s", self.interval_s)
            self._stop.wait(self.interval_s)


def _inside(path: str, folders: list[str]) -> bool:
    return any(Path(path).is_relative_to(f) for f in folders)


def _gone(path: str) -> bool:
    """True only when the file certainly does not exist (not for "cannot tell")."""
    try:
        os.stat(path)
    except (FileNotFoundError, NotADirectoryError):
        return True
    except OSError:
        return False
    return False


def _differs(doc, stat: tuple[int, int]) -> bool:
    if doc is None:
        return True
    if doc.status == "indexing":
        return True
    return (doc.size, doc.mtime_ns) != stat
