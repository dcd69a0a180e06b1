"""The documents panel: collections, their files and an indexing job with progress.

Indexing runs in a ``fireside-index`` thread; the job's callbacks only emit signals, so
every widget update happens on the UI thread. The list is read back from the store when a
job ends, so what the user sees is what chat will search. A file the store never recorded
(say, a type no loader reads) still shows the reason from the job's own results.
"""

from __future__ import annotations

import logging
import threading
from collections.abc import Callable, Iterable
from pathlib import Path

from fireside.assistant.documents.jobs import DEFAULT_COLLECTION, IndexJob, JobResult, Progress
from fireside.assistant.documents.store import DocumentInfo, DocumentStore
from fireside.assistant.documents.types import FileResult
from fireside.desktop.eliding_combo import ElidingComboBox
from PySide6.QtCore import QCoreApplication, QObject, Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QCheckBox,
    QComboBox,
    QFileDialog,
    QHBoxLayout,
    QHeaderView,
    QInputDialog,
    QLabel,
    QProgressBar,
    QPushButton,
    QTableWidget,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)

log = logging.getLogger(__name__)

StoreSource = DocumentStore | Callable[[], DocumentStore]
FAILED_COLOR = QColor("#c62828")
ROLE_DOCUMENT_ID = Qt.ItemDataRole.UserRole


class _JobSignals(QObject):
    """Carries worker-thread callbacks to the UI thread (queued connections)."""

    progress = Signal(object)  # Progress (a copy)
    file_done = Signal(object)  # FileResult
    finished = Signal(object)  # JobResult, or the exception that stopped the job


def _copy(progress: Progress) -> Progress:
    """The job mutates one Progress object; the UI must get a snapshot."""
    return Progress(**{k: getattr(progress, k) for k in Progress.__dataclass_fields__})


def progress_text(progress: Progress) -> str:
    """``"N / M files · ETA x s"`` (ETA left out until the job can estimate it)."""
    text = QCoreApplication.translate("DocumentsPanel", "{done} / {total} files").format(
        done=progress.files_done, total=progress.files_total
    )
    if progress.state == "paused":
        return text + QCoreApplication.translate("DocumentsPanel", " · paused")
    if progress.state == "done":
        return text + QCoreApplication.translate("DocumentsPanel", " · done")
    if progress.state == "cancelled":
        return text + QCoreApplication.translate("DocumentsPanel", " · cancelled")
    if progress.pages_total:
        text += QCoreApplication.translate("DocumentsPanel", " · page {done} of {total}").format(
            done=progress.pages_done, total=progress.pages_total
        )
    if progress.eta_s is not None:
        text += QCoreApplication.translate("DocumentsPanel", " · ETA {seconds} s").format(
            seconds=f"{progress.eta_s:.0f}"
        )
    return text


def status_text(doc: DocumentInfo) -> str:
    if doc.status == "complete":
        return QCoreApplication.translate("DocumentsPanel", "indexed")
    if doc.status == "failed":
        return QCoreApplication.translate("DocumentsPanel", "failed: {error}").format(
            error=doc.error or QCoreApplication.translate("DocumentsPanel", "unknown error")
        )
    return QCoreApplication.translate("DocumentsPanel", "indexing ({done}/{total} chunks)").format(
        done=doc.chunks_done, total=doc.n_chunks or "?"
    )


class DocumentsPanel(QWidget):
    """Pick a collection, add files to it, watch them being indexed, remove them."""

    collection_changed = Signal(str)
    indexing_changed = Signal(bool)  # True while a job runs

    def __init__(
        self, store: StoreSource, parent: QWidget | None = None, *, registry=None, embedder=None
    ) -> None:
        super().__init__(parent)
        self.store: DocumentStore = store if isinstance(store, DocumentStore) else store()
        self.registry = registry  # None: the built-in loaders
        self.embedder = embedder  # None: the collection's own model
        self._job: IndexJob | None = None
        self._thread: threading.Thread | None = None
        self._job_results: dict[str, FileResult] = {}
        self.last_result: JobResult | BaseException | None = None
        self._signals = _JobSignals(self)
        self._signals.progress.connect(self._on_progress)
        self._signals.file_done.connect(self._on_file)
        self._signals.finished.connect(self._on_finished)
        self._build()
        self.refresh_collections()

    # -- layout ------------------------------------------------------------------------------
    def _build(self) -> None:
        # takes the panel's width; a name longer than that is elided, whole in the tooltip
        self.combo = ElidingComboBox(mode=Qt.TextElideMode.ElideRight)
        self.combo.setSizeAdjustPolicy(
            QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon
        )
        self.combo.setMinimumContentsLength(16)
        self.new_button = QPushButton(self.tr("New collection…"))
        self.ocr_box = QCheckBox(self.tr("Read scans and pictures (OCR)"))
        self.ocr_box.setToolTip(
            self.tr(
                "Pages without text and picture files are read with OCR (offline, Chinese and "
                "English); files added later follow this choice"
            )
        )
        self.add_files_button = QPushButton(self.tr("Add files…"))
        self.add_folder_button = QPushButton(self.tr("Add folder…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.table = QTableWidget(0, 3)
        self.table.setHorizontalHeaderLabels(
            [self.tr("File"), self.tr("Status"), self.tr("Chunks")]
        )
        self.table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        self.table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.table.verticalHeader().setVisible(False)
        header = self.table.horizontalHeader()
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.Stretch)
        header.setSectionResizeMode(2, QHeaderView.ResizeMode.ResizeToContents)
        # long file names and failure reasons wrap onto more lines instead of being cut
        self.table.setWordWrap(True)
        self.table.setTextElideMode(Qt.TextElideMode.ElideMiddle)
        self.table.verticalHeader().setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        self.progress = QProgressBar()
        self.progress.setRange(0, 1000)
        self.progress_label = QLabel("")
        self.progress_label.setWordWrap(True)
        self.pause_button = QPushButton(self.tr("Pause"))
        self.cancel_button = QPushButton(self.tr("Cancel"))

        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Collection:")))
        top.addWidget(self.combo, 1)
        new_row = QHBoxLayout()
        new_row.addWidget(self.ocr_box)
        new_row.addStretch(1)
        new_row.addWidget(self.new_button)
        buttons = QHBoxLayout()
        for b in (self.add_files_button, self.add_folder_button, self.remove_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        job_row = QHBoxLayout()
        job_row.addWidget(self.progress, 1)
        job_row.addWidget(self.pause_button)
        job_row.addWidget(self.cancel_button)
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addLayout(new_row)
        layout.addWidget(self.table, 1)
        layout.addLayout(buttons)
        layout.addLayout(job_row)
        layout.addWidget(self.progress_label)

        self.combo.currentIndexChanged.connect(self._on_collection_index)
        self.new_button.clicked.connect(self._ask_new_collection)
        self.ocr_box.toggled.connect(self._set_ocr)
        self.add_files_button.clicked.connect(self._ask_files)
        self.add_folder_button.clicked.connect(self._ask_folder)
        self.remove_button.clicked.connect(self.remove_selected)
        self.pause_button.clicked.connect(self.toggle_pause)
        self.cancel_button.clicked.connect(self.cancel)
        self.table.itemSelectionChanged.connect(self._update_buttons)
        self._update_buttons()

    # -- collections -------------------------------------------------------------------------
    def selected_collection(self) -> str:
        return self.combo.currentData() or DEFAULT_COLLECTION

    def refresh_collections(self, select: str | None = None) -> None:
        """Reload the combo (with counts) from the store as it is now, whoever changed it
        (this window, ``fireside docs add``). With no collection yet the combo is empty and
        says so; adding files then makes the default collection."""
        before = self.combo.currentData() if self.combo.count() else None
        wanted = select or before
        cols = self.store.collections(counts=True)
        self.combo.blockSignals(True)
        self.combo.clear()
        for c in cols:
            label = (
                self.tr("{name} (%n documents, {failed} failed)", "", c.documents)
                if c.failed
                else self.tr("{name} (%n documents)", "", c.documents)
            )
            self.combo.addItem(label.format(name=c.name, failed=c.failed), c.name)
            self.combo.setItemData(
                self.combo.count() - 1,
                label.format(name=c.name, failed=c.failed),
                Qt.ItemDataRole.ToolTipRole,
            )
        self.combo.setPlaceholderText(self.tr("No collections yet: add files"))
        index = self.combo.findData(wanted) if wanted else -1
        self.combo.setCurrentIndex(index if index >= 0 else (0 if cols else -1))
        self.combo.blockSignals(False)
        changed = before != self.combo.currentData()
        self.refresh_documents()
        if changed:
            self.collection_changed.emit(self.selected_collection())

    def has_collections(self) -> bool:
        return self.combo.count() > 0

    def select_collection(self, name: str) -> None:
        """Show ``name`` (read again first: it may have been made elsewhere a moment ago)."""
        if self.combo.findData(name) < 0:
            self.refresh_collections(select=name)
        index = self.combo.findData(name)
        if index >= 0 and index != self.combo.currentIndex():
            self.combo.setCurrentIndex(index)

    def new_collection(self, name: str) -> None:
        """Create (or just select) the collection ``name``."""
        name = name.strip()
        if name:
            self.store.collection(name)
            self.refresh_collections(select=name)

    def _on_collection_index(self, _index: int) -> None:
        self._job_results.clear()
        self.refresh_documents()
        self.collection_changed.emit(self.selected_collection())

    def _set_ocr(self, enabled: bool) -> None:
        """OCR on or off for the selected collection (kept in the documents store)."""
        col = self.store.collection(self.selected_collection())
        self.store.set_ocr(col.id, enabled)

    def _ask_new_collection(self) -> None:
        dialog = QInputDialog(self)
        dialog.setWindowTitle(self.tr("New collection"))
        dialog.setLabelText(self.tr("Name of the new collection:"))
        dialog.setTextValue("")
        dialog.resize(max(dialog.sizeHint().width(), 420), dialog.sizeHint().height())
        ok = dialog.exec() == QInputDialog.DialogCode.Accepted
        name = dialog.textValue()
        dialog.deleteLater()
        if ok:
            self.new_collection(name)

    # -- documents ---------------------------------------------------------------------------
    def refresh_documents(self) -> None:
        """Rows from the store, plus job results the store has no row for."""
        name = self.selected_collection()
        col = next((c for c in self.store.collections(counts=False) if c.name == name), None)
        docs = self.store.documents(col.id) if col else []
        self.ocr_box.blockSignals(True)
        self.ocr_box.setChecked(bool(col.ocr) if col else True)
        self.ocr_box.blockSignals(False)
        self.table.setRowCount(0)
        seen = set()
        for doc in docs:
            seen.add(doc.path)
            self._add_row(
                doc.name, doc.path, status_text(doc), doc.n_chunks, doc.status == "failed", doc.id
            )
        for path, res in self._job_results.items():
            if path not in seen and not res.ok:
                reason = f": {res.reason}" if res.reason else ""
                self._add_row(Path(path).name, path, f"{res.status}{reason}", 0, True, None)
        self._update_buttons()

    def _add_row(
        self, name: str, path: str, status: str, chunks: int, failed: bool, doc_id: int | None
    ) -> None:
        row = self.table.rowCount()
        self.table.insertRow(row)
        items = [QTableWidgetItem(name), QTableWidgetItem(status), QTableWidgetItem(str(chunks))]
        items[0].setToolTip(path)
        items[1].setToolTip(status)
        items[0].setData(ROLE_DOCUMENT_ID, doc_id)
        for col, item in enumerate(items):
            if failed:
                item.setForeground(FAILED_COLOR)
            self.table.setItem(row, col, item)

    def rows(self) -> list[tuple[str, str]]:
        """``(file name, status text)`` per row, as shown."""
        return [
            (self.table.item(r, 0).text(), self.table.item(r, 1).text())
            for r in range(self.table.rowCount())
        ]

    def remove_selected(self) -> None:
        rows = {i.row() for i in self.table.selectedItems()}
        for row in rows:
            doc_id = self.table.item(row, 0).data(ROLE_DOCUMENT_ID)
            if doc_id is not None:
                self.store.remove_document(int(doc_id))
            self._job_results.pop(self.table.item(row, 0).toolTip(), None)
        self.refresh_collections()

    # -- indexing ----------------------------------------------------------------------------
    @property
    def busy(self) -> bool:
        return self._thread is not None

    def add_paths(self, paths: Iterable[str | Path]) -> bool:
        """Index ``paths`` into the selected collection in the background; False if busy."""
        paths = [Path(p) for p in paths]
        if not paths or self.busy:
            if self.busy:
                self.progress_label.setText(
                    self.tr("Indexing is running; add more when it is done.")
                )
            return False
        collection = self.store.collection(self.selected_collection())
        sig = self._signals
        job = IndexJob(
            self.store,
            collection,
            paths,
            embedder=self.embedder,
            registry=self.registry,
            on_progress=lambda p: sig.progress.emit(_copy(p)),
            on_file=sig.file_done.emit,
        )

        def work() -> None:  # worker thread: run, then report how it ended
            try:
                outcome: JobResult | BaseException = job.run()
            except BaseException as exc:  # noqa: BLE001 - shown to the user, never lost
                log.warning("indexing job failed", exc_info=True)
                outcome = exc
            sig.finished.emit(outcome)

        self._job, self._job_results = job, {}
        self._thread = threading.Thread(target=work, name="fireside-index", daemon=True)
        self.progress.setValue(0)
        self.progress_label.setText(self.tr("Preparing to index %n item(s)…", "", len(paths)))
        self._update_buttons()
        self.indexing_changed.emit(True)
        self._thread.start()
        return True

    def toggle_pause(self) -> None:
        if self._job is None:
            return
        if self._job.control.paused:
            self._job.resume()
            self.pause_button.setText(self.tr("Pause"))
        else:
            self._job.pause()
            self.pause_button.setText(self.tr("Resume"))

    def cancel(self) -> None:
        """Stop the job; what was committed stays and resumes when added again."""
        if self._job is not None:
            self._job.cancel()
            self._job.resume()  # a paused job must wake up to notice

    def shutdown(self, timeout_s: float = 10.0) -> bool:
        """Cancel and wait for the worker (call before the window closes)."""
        self.cancel()
        thread = self._thread
        if thread is not None:
            thread.join(timeout_s)
            if thread.is_alive():
                return False
            self._finish_job()
        return True

    def _on_progress(self, progress: Progress) -> None:
        if self._job is None:
            return
        self.progress.setValue(int(1000 * progress.fraction))
        self.progress_label.setText(progress_text(progress))

    def _on_file(self, result: FileResult) -> None:
        self._job_results[result.path] = result
        self.refresh_documents()

    def _on_finished(self, outcome: object) -> None:
        if self._thread is None:
            return  # shutdown() already cleaned up
        self._thread.join(5)  # the thread only has to return after emitting
        self.last_result = outcome
        if isinstance(outcome, BaseException):
            self.progress_label.setText(self.tr("Indexing failed: {error}").format(error=outcome))
        else:
            ok = len(outcome.indexed)
            total, problems = len(outcome.files), len(outcome.problems)
            text = (
                self.tr("Cancelled: {indexed} of %n file(s) indexed, {problems} not.", "", total)
                if outcome.cancelled
                else self.tr("Done: {indexed} of %n file(s) indexed, {problems} not.", "", total)
            )
            self.progress_label.setText(text.format(indexed=ok, problems=problems))
            self.progress.setValue(1000 if not outcome.cancelled else self.progress.value())
        self._finish_job()

    def _finish_job(self) -> None:
        self._job = self._thread = None
        self.pause_button.setText(self.tr("Pause"))
        self.refresh_collections()
        self.indexing_changed.emit(False)

    def _update_buttons(self) -> None:
        busy = self.busy
        self.pause_button.setEnabled(busy)
        self.cancel_button.setEnabled(busy)
        self.add_files_button.setEnabled(not busy)
        self.add_folder_button.setEnabled(not busy)
        self.new_button.setEnabled(not busy)
        self.combo.setEnabled(not busy)
        self.remove_button.setEnabled(not busy and bool(self.table.selectedItems()))

    # -- file dialogs ------------------------------------------------------------------------
    def _ask_files(self) -> None:
        files, _ = QFileDialog.getOpenFileNames(self, self.tr("Add files to the collection"))
        if files:
            self.add_paths(files)

    def _ask_folder(self) -> None:
        folder = QFileDialog.getExistingDirectory(self, self.tr("Add a folder to the collection"))
        if folder:
            self.add_paths([folder])
