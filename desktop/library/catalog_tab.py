"""The library's Catalog tab: the curated models, whether each fits this computer at the
chosen context size, and a Download button that becomes Use once the file is here."""

from __future__ import annotations

from fireside.desktop.library.background import Background
from fireside.desktop.library.download_queue import DownloadJob
from fireside.desktop.library.tables import fit_badge, gb, make_table
from fireside.models.library.library import ModelLibrary
from fireside.models.memory_fit import DEFAULT_CTX
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QPushButton,
    QSpinBox,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _catalog_rows(library: ModelLibrary, n_ctx: int) -> list[tuple]:
    return [(e, library.fit(e, n_ctx), library.is_downloaded(e)) for e in library.catalog()]


class LibraryCatalogTab(QWidget):
    download_requested = Signal(str, object, str)  # catalog id, None (its file), label
    use_requested = Signal(str)  # the path of a ready model

    def __init__(
        self, library: ModelLibrary, background: Background, parent: QWidget | None = None
    ) -> None:
        super().__init__(parent)
        self.library = library
        self._background = background
        self._rows: dict[str, int] = {}
        self._sized = False
        self.ctx = QSpinBox(minimum=512, maximum=131072, singleStep=1024, value=DEFAULT_CTX)
        self.ctx.setSuffix(self.tr(" tokens"))
        self.ctx.valueChanged.connect(lambda _v: self.refresh())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Context size for the memory estimate:")))
        top.addWidget(self.ctx)
        top.addStretch(1)
        self.catalog_table = make_table(
            [
                self.tr("Model"),
                self.tr("Parameters"),
                self.tr("Quantization"),
                self.tr("Size"),
                self.tr("Fits?"),
                self.tr("Languages"),
                self.tr("Licence"),
                "",
            ]
        )
        layout = QVBoxLayout(self)
        layout.addLayout(top)
        layout.addWidget(self.catalog_table)

    def refresh(self) -> None:
        self._background.run(_catalog_rows, self._fill, self.library, self.ctx.value())

    def _fill(self, rows: list[tuple]) -> None:
        table = self.catalog_table
        table.setRowCount(len(rows))
        for r, (entry, fit, downloaded) in enumerate(rows):
            name = QTableWidgetItem(entry.name)
            tips = [entry.repo, entry.notes]
            if entry.tool_calls:
                tips.append(self.tr("Trained to call tools."))
            if entry.strong_chinese:
                tips.append(self.tr("Strong in Chinese."))
            if not entry.verified:
                tips.append(
                    self.tr(
                        "Size approximate; size and SHA-256 are checked against "
                        "the hub when it downloads."
                    )
                )
            name.setToolTip("\n".join(t for t in tips if t))
            langs = ", ".join(entry.languages[:6]) + ("…" if len(entry.languages) > 6 else "")
            if entry.strong_chinese:
                langs = self.tr("中文 ✓ · ") + langs
            cells = [
                name,
                QTableWidgetItem(f"{entry.parameters_b:g}B"),
                QTableWidgetItem(entry.quantization),
                QTableWidgetItem(gb(entry.size_bytes)),
                fit_badge(fit),
                QTableWidgetItem(langs),
                QTableWidgetItem(entry.licence),
            ]
            for c, cell in enumerate(cells):
                table.setItem(r, c, cell)
            self._rows[entry.id] = r
            self._set_action(r, entry, downloaded)
        if not self._sized:  # measuring every cell again on each refresh is slow
            self._sized = True
            table.resizeColumnsToContents()
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _set_action(self, row: int, entry, downloaded: bool) -> None:
        if downloaded:
            path = str(self.library.downloaded_path(entry.repo, entry.filename))
            button = QPushButton(self.tr("Use"))
            button.clicked.connect(lambda _=False, p=path: self.use_requested.emit(p))
        else:
            button = QPushButton(self.tr("Download"))
            button.clicked.connect(
                lambda _=False, e=entry: self.download_requested.emit(e.id, None, e.name)
            )
        button.setObjectName(f"catalog-action-{entry.id}")
        self.catalog_table.setCellWidget(row, 7, button)

    def mark_downloaded(self, job: DownloadJob) -> None:
        """Only what changed: a catalog entry's button becomes "Use"."""
        row = self._rows.get(job.spec) if job.filename is None else None
        if row is not None:
            self._set_action(row, self.library.entry(job.spec), True)
