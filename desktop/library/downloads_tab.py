"""The library's Downloads tab: one row per download in the queue, with its progress,
status, Pause / Resume (Use once done) and Cancel; unfinished ones come back paused."""

from __future__ import annotations

from fireside.desktop.library.download_queue import (
    FAILED,
    QUEUED,
    RUNNING,
    DownloadJob,
    DownloadQueue,
)
from fireside.desktop.library.tables import gb, make_table
from fireside.models.library.download import DONE, PAUSED, Progress
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QProgressBar,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


class LibraryDownloadsTab(QWidget):
    use_requested = Signal(str)  # the path of a ready model

    def __init__(self, queue: DownloadQueue, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.queue = queue
        self._rows: dict[int, int] = {}
        self.downloads_table = make_table(
            [self.tr("Model"), self.tr("Progress"), self.tr("Status"), "", ""]
        )
        self.downloads_table.setColumnWidth(1, 140)
        self.downloads_table.setColumnWidth(2, 320)
        self.downloads_table.setWordWrap(False)
        layout = QVBoxLayout(self)
        layout.addWidget(self.downloads_table)

    def add_pending(self, pending) -> None:
        """Downloads left unfinished (paused, or cut short) join the queue, paused."""
        for p in pending:
            spec, filename = self.queue.library.resume_spec(p)
            label = p.sidecar.model_id or f"{p.sidecar.repo} · {p.dest.name}"
            job = self.queue.add(spec, filename, label, start=False)
            job.path = p.dest
            if p.total:
                job.progress = Progress(label, p.done, p.total, 0.0, None)
            self.show_job(job)

    def _row_for(self, job: DownloadJob) -> int:
        row = self._rows.get(id(job))
        if row is None:
            table = self.downloads_table
            row = table.rowCount()
            table.insertRow(row)
            self._rows[id(job)] = row
            table.setItem(row, 0, QTableWidgetItem(job.label))
            table.setCellWidget(row, 1, QProgressBar(maximum=1000))
            table.setItem(row, 2, QTableWidgetItem())
            toggle, cancel = QPushButton(), QPushButton(self.tr("Cancel"))
            toggle.setObjectName("download-toggle")
            cancel.setObjectName("download-cancel")
            toggle.clicked.connect(lambda _=False, j=job: self._toggle(j))
            cancel.clicked.connect(lambda _=False, j=job: self.queue.cancel(j))
            table.setCellWidget(row, 3, toggle)
            table.setCellWidget(row, 4, cancel)
        return row

    def _toggle(self, job: DownloadJob) -> None:
        if job.state == DONE and job.path:
            self.use_requested.emit(str(job.path))
        elif job.state in (RUNNING, QUEUED):
            self.queue.pause(job)
        else:
            self.queue.resume(job)

    def show_job(self, job: DownloadJob) -> None:
        table = self.downloads_table
        row = self._row_for(job)
        bar: QProgressBar = table.cellWidget(row, 1)
        toggle: QPushButton = table.cellWidget(row, 3)
        cancel: QPushButton = table.cellWidget(row, 4)
        p = job.progress
        if p is not None and p.total:
            bar.setValue(int(p.done / p.total * 1000))
            bar.setFormat(f"{p.done / p.total * 100:.1f}%")
        status = {
            QUEUED: self.tr("Queued"),
            PAUSED: self.tr("Paused"),
            DONE: self.tr("Ready"),
            "cancelled": self.tr("Cancelled"),
            FAILED: job.error,
        }.get(job.state, "")
        if job.state == RUNNING:
            if p is None:
                status = self.tr("Starting…")
            else:
                eta = ""
                if p.eta_s is not None:
                    eta = self.tr(", {0} left").format(
                        f"{int(p.eta_s // 60)}:{int(p.eta_s % 60):02d}"
                    )
                status = self.tr("{done} of {total} · {speed:.1f} MB/s{eta}").format(
                    done=gb(p.done), total=gb(p.total), speed=p.speed_bps / 1e6, eta=eta
                )
        if job.state == DONE:
            bar.setValue(1000)
            bar.setFormat("100%")
        table.item(row, 2).setText(status)
        table.item(row, 2).setToolTip(status)
        toggle.setText(
            {RUNNING: self.tr("Pause"), QUEUED: self.tr("Pause"), DONE: self.tr("Use")}.get(
                job.state, self.tr("Resume")
            )
        )
        toggle.setEnabled(job.state != "cancelled")
        cancel.setEnabled(job.state not in (DONE, "cancelled"))
