"""Chat > Export… and Chat > Import…: the window's side of conversations that travel.

The core does the work (``assistant/transfer``); this asks where to, runs it on a worker
thread (an export of every chat, or a 200 MB import, must not freeze the window), shows an
import's progress and says how it went. Exports use the window's language for the words
around the messages.
"""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.app import App
from fireside.assistant.transfer.exporter import export_file
from fireside.assistant.transfer.importer import ImportProgress, ImportReport, import_export
from fireside.desktop.i18n.translators import chosen_language
from fireside.desktop.workers import Worker
from PySide6.QtCore import QObject, QStandardPaths, Qt, Signal
from PySide6.QtWidgets import QFileDialog, QInputDialog, QProgressDialog, QWidget


def _export_job(app: App, ids, fmt: str, path: str, language: str) -> int:
    return export_file(app.history, app.paths.data_dir, ids, fmt, path, language)


def _import_job(app: App, path: str):
    return (yield from import_export(app.history, app.paths.data_dir, path))


class ChatTransfer(QObject):
    """Owns the export and import workers; ``message`` carries one line for the status bar
    or an error notice (kind "info" or "error"), ``imported`` the report of an import."""

    message = Signal(str, str)
    exported = Signal(int, str)  # conversations, path
    imported = Signal(object)  # ImportReport

    def __init__(self, app: App, parent: QWidget) -> None:
        super().__init__(parent)
        self.app = app
        self.window = parent
        self._worker: Worker | None = None
        self._progress: QProgressDialog | None = None

    @property
    def busy(self) -> bool:
        return self._worker is not None

    # -- export ---------------------------------------------------------------------------
    def formats(self) -> list[tuple[str, str]]:
        return [
            ("md", self.tr("Markdown (.md)")),
            ("html", self.tr("Web page, one file (.html)")),
            ("json", self.tr("Fireside JSON, complete (.json)")),
        ]

    def ask_export(self, ids: list[int] | None) -> None:
        """Ask the format and the file, then export ``ids`` (None: every chat)."""
        if self.busy:
            return
        labels = [label for _fmt, label in self.formats()]
        label, ok = QInputDialog.getItem(
            self.window, self.tr("Export chats"), self.tr("Format:"), labels, 0, False
        )
        if not ok:
            return
        fmt = self.formats()[labels.index(label)][0]
        name = self._suggested_name(ids) + {"md": ".md", "html": ".html", "json": ".json"}[fmt]
        folder = QStandardPaths.writableLocation(QStandardPaths.StandardLocation.DocumentsLocation)
        path, _filter = QFileDialog.getSaveFileName(
            self.window, self.tr("Export chats"), str(Path(folder or ".") / name)
        )
        if path:
            self.export(ids, fmt, path)

    def _suggested_name(self, ids: list[int] | None) -> str:
        if ids and len(ids) == 1:
            title = self.app.history.get_conversation(ids[0]).title
            safe = "".join(c if c.isalnum() or c in " -_" else "_" for c in title).strip()
            return safe[:60] or "chat"
        return "fireside-chats"

    def export(self, ids: list[int] | None, fmt: str, path: str) -> bool:
        if self.busy:
            return False
        language = chosen_language(self.app.settings.window.language)
        worker = Worker(_export_job, self.app, ids, fmt, path, language)
        worker.returned.connect(lambda count: self._exported(count, path))
        worker.errored.connect(self._failed)
        return self._run(worker)

    def _exported(self, count: int, path: str) -> None:
        self.message.emit(
            self.tr("Exported %n chat(s) to {path}", "", count).format(path=path), "info"
        )
        self.exported.emit(count, path)

    # -- import ---------------------------------------------------------------------------
    def ask_import(self) -> None:
        if self.busy:
            return
        path, _filter = QFileDialog.getOpenFileName(
            self.window,
            self.tr("Import chats"),
            "",
            self.tr("Chat exports (*.zip *.json);;All files (*)"),
        )
        if path:
            self.start_import(path)

    def start_import(self, path: str) -> bool:
        """Import ``path`` on a worker, with a progress dialog; the report comes at the end."""
        if self.busy:
            return False
        progress = QProgressDialog(
            self.tr("Importing {name}…").format(name=Path(path).name),
            self.tr("Hide"),
            0,
            1000,
            self.window,
        )
        progress.setWindowTitle(self.tr("Import chats"))
        progress.setWindowModality(Qt.WindowModality.NonModal)
        progress.setMinimumDuration(300)
        progress.setAutoClose(False)
        self._progress = progress
        worker = Worker(_import_job, self.app, path)
        worker.yielded.connect(self._on_progress)
        worker.returned.connect(self._imported)
        worker.errored.connect(self._failed)
        return self._run(worker)

    def _on_progress(self, step: ImportProgress) -> None:
        if self._progress is not None:
            self._progress.setValue(int(step.fraction * 1000))
            self._progress.setLabelText(
                self.tr("Importing… %n conversation(s) read", "", step.conversations)
            )

    def _imported(self, report: ImportReport) -> None:
        self._close_progress()
        self.imported.emit(report)
        text = self.tr(
            "Imported {chats} conversations ({messages} messages, {branches} branches) from "
            "the {source} export."
        ).format(
            chats=report.conversations,
            messages=report.messages,
            branches=report.branches,
            source=report.source,
        )
        if report.skipped:
            text += " " + self.tr("{count} were imported before and were skipped.").format(
                count=report.skipped
            )
        if report.missing_files:
            text += " " + self.tr("{count} files they mention are not in the export.").format(
                count=report.missing_files
            )
        problems = report.problems()
        if problems:
            shown = "\n".join(problems[:20])
            more = len(problems) - 20
            if more > 0:
                shown += "\n" + self.tr("…and {count} more").format(count=more)
            text += "\n\n" + self.tr("Could not be read:") + "\n" + shown
        self.message.emit(text, "error" if problems else "info")

    # -- both -----------------------------------------------------------------------------
    def _run(self, worker: Worker) -> bool:
        worker.finished.connect(self._done)
        self._worker = worker
        worker.start()
        return True

    def _failed(self, exc: Exception) -> None:
        self._close_progress()
        self.message.emit(str(exc), "error")

    def _close_progress(self) -> None:
        if self._progress is not None:
            self._progress.close()
            self._progress.deleteLater()
            self._progress = None

    def _done(self) -> None:
        self._worker = None
