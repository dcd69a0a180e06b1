"""Files and folders dropped on the window go to the document indexer, off the UI thread.

The one place the window touches ``fireside.assistant.documents``: if that package (and its
``IndexJob``) is installed, dropped paths are indexed into a collection in a worker thread
with progress reported as text; if it is not, the user is told plainly that document chat
is not available yet. Nothing is ever dropped silently.
"""

from __future__ import annotations

import importlib.util
import logging
from pathlib import Path

from fireside.desktop.workers import Worker, wait_until_idle
from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)

FALLBACK_COLLECTION = "default"


def indexing_available() -> bool:
    """True when the indexer can be imported (checked without importing torch & co)."""
    try:
        return all(
            importlib.util.find_spec(m) is not None
            for m in ("fireside.assistant.documents.jobs", "fireside.assistant.documents.store")
        )
    except ImportError:
        return False


def _names(paths: list[Path]) -> str:
    shown = ", ".join(p.name or str(p) for p in paths[:3])
    if len(paths) <= 3:
        return shown
    return QCoreApplication.translate("DocumentDrop", "{names} and {count} more").format(
        names=shown, count=len(paths) - 3
    )


class IndexingFailed(Exception):
    """Indexing stopped; the message says why in one line."""


def _index(app, paths: list[Path], report, running: list) -> tuple[str, str, int]:
    """Worker thread: run one indexing job; returns (summary sentence, collection, indexed).

    The app's store and loader registry: dropped files are read by the same loaders
    (plugins' included) as files added in the documents panel.
    """
    from fireside.assistant.documents import jobs

    name = getattr(jobs, "DEFAULT_COLLECTION", FALLBACK_COLLECTION)
    try:
        documents = app.documents_store
        collection = documents.collection(name)
        job = jobs.IndexJob(documents, collection, paths, registry=app.loaders, on_progress=report)
        running.append(job)  # so the window can cancel it
        result = job.run()
    except Exception as exc:  # the worker swallows RuntimeErrors: report every failure
        log.warning("indexing dropped files failed", exc_info=True)
        raise IndexingFailed(str(exc) or type(exc).__name__) from None
    problems = [f"{Path(f.path).name}: {f.message}" for f in result.problems]
    summary = QCoreApplication.translate(
        "DocumentDrop",
        "Indexed {indexed} of {total} file(s) into the '{name}' document collection.",
    ).format(indexed=len(result.indexed), total=len(result.files), name=name)
    if problems:
        summary += QCoreApplication.translate("DocumentDrop", " Not indexed: {problems}").format(
            problems="; ".join(problems[:3])
        )
    return summary, name, len(result.indexed)


class DocumentDrop(QObject):
    """Hands dropped paths to the indexer; every outcome is a ``message`` for the window."""

    message = Signal(str, str)  # text, kind ("info" or "error")
    indexed = Signal(str, object)  # collection name, the chat the files were dropped on
    busy_changed = Signal(bool)
    _progress = Signal(str)

    def __init__(self, app, parent=None) -> None:
        super().__init__(parent)
        self.app = app  # fireside.assistant.app.App: its documents store and loaders
        self._worker: Worker | None = None
        self._running: list = []
        self._chat_id: int | None = None
        self._progress.connect(self._on_progress)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def add(self, paths: list[Path], chat_id: int | None = None) -> bool:
        """Start indexing ``paths``; False (with a message) when it cannot.

        ``chat_id``: the conversation they were dropped on, handed back with ``indexed``.
        """
        if not paths:
            return False
        if not indexing_available():
            text = self.tr(
                "Document chat is not available yet in this build: {names} were not "
                "added. You can still paste text into the message box.",
                "",
                len(paths),
            )
            self.message.emit(text.format(names=_names(paths)), "info")
            return False
        if self.busy:
            self.message.emit(
                self.tr("Documents are still being indexed; drop more when it is done."), "info"
            )
            return False
        self._running = []
        self._chat_id = chat_id
        worker = Worker(_index, self.app, paths, self._report, self._running)
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self.busy_changed.emit(True)
        self.message.emit(self.tr("Indexing {names}…").format(names=_names(paths)), "info")
        worker.start()
        return True

    def cancel_and_wait(self, timeout_ms: int = 10000) -> bool:
        """Cancel indexing (what was committed is kept and resumes next time) and wait."""
        for job in list(self._running):
            job.cancel()
        return wait_until_idle(lambda: not self.busy, timeout_ms)

    def _report(self, progress) -> None:  # worker thread: only emit
        if getattr(progress, "state", "") == "running" and progress.current:
            percent = int(100 * progress.fraction)
            text = self.tr("Indexing {name} — {done}/{total} files, {percent}%")
            self._progress.emit(
                text.format(
                    name=Path(progress.current).name,
                    done=progress.files_done,
                    total=progress.files_total,
                    percent=percent,
                )
            )

    def _on_progress(self, text: str) -> None:
        self.message.emit(text, "info")

    def _on_returned(self, result: tuple[str, str, int]) -> None:
        summary, name, count = result
        self.message.emit(summary, "info")
        if count:
            self.indexed.emit(name, self._chat_id)

    def _on_errored(self, exc: BaseException) -> None:
        self.message.emit(self.tr("Indexing failed: {error}").format(error=exc), "error")

    def _on_finished(self) -> None:
        self._worker = None
        self.busy_changed.emit(False)
