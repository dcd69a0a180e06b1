"""The library's On this computer tab: the GGUF files found here (the bundled model,
recently used files, downloads and the extra folders), each with a Use button."""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.app import App
from fireside.desktop.library.background import Background
from fireside.desktop.library.tables import gb, make_table
from fireside.models.bundled import default_model
from fireside.models.library.discovery import LocalModel
from fireside.models.library.library import ModelLibrary
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QHeaderView, QPushButton, QTableWidgetItem, QVBoxLayout, QWidget


class LibraryLocalTab(QWidget):
    use_requested = Signal(str)  # the path of a ready model
    refresh_requested = Signal()  # Refresh: read the catalog and this computer again

    def __init__(
        self,
        app: App,
        library: ModelLibrary,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.library = library
        self._background = background
        self.local_table = make_table([self.tr("File"), self.tr("Where"), self.tr("Size"), ""])
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(lambda _=False: self.refresh_requested.emit())
        layout = QVBoxLayout(self)
        layout.addWidget(self.local_table)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)

    def refresh(self) -> None:
        self._background.run(self._on_this_computer, self._fill)

    def _fill(self, models) -> None:
        table = self.local_table
        table.setRowCount(len(models))
        for r, m in enumerate(models):
            name = QTableWidgetItem(m.path.name)
            name.setToolTip(str(m.path))
            where = {
                "downloaded": self.tr("Downloaded"),
                "user folder": self.tr("Your folder"),
                "bundled": self.tr("Bundled demo model"),
                "recent": self.tr("Recently used"),
            }
            size = gb(m.size_bytes)
            if not m.complete:
                size += self.tr(" ({0} of {1} parts missing)").format(m.missing_parts, m.parts)
            for c, cell in enumerate(
                [name, QTableWidgetItem(where.get(m.source, m.source)), QTableWidgetItem(size)]
            ):
                table.setItem(r, c, cell)
            button = QPushButton(self.tr("Use"))
            button.setEnabled(m.complete)
            button.clicked.connect(lambda _=False, p=str(m.path): self.use_requested.emit(p))
            table.setCellWidget(r, 3, button)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _on_this_computer(self) -> list[LocalModel]:
        """The bundled model and recently used files first (what ``fireside models list``
        shows), then what the folders hold. Runs in a worker: it reads the disk."""
        models: list[LocalModel] = []
        bundled = default_model()
        if bundled is not None and bundled.path.is_file():
            path = bundled.path
            models.append(LocalModel(path, "bundled", path.parent, path.stat().st_size, 1))
        found = self.library.local_models()
        known = {m.path for m in models} | {m.path for m in found}
        for recent in self.app.settings.model.recent:
            path = Path(recent)
            if path not in known and path.suffix.lower() == ".gguf" and path.is_file():
                models.append(LocalModel(path, "recent", path.parent, path.stat().st_size, 1))
                known.add(path)
        return models + found
