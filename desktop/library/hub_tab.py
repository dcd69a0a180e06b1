"""The library's Search the hub tab: GGUF repositories matching a query, a repository's
model files with their fit at the catalog's context size, and a Download button for each."""

from __future__ import annotations

from collections.abc import Callable

from fireside.desktop.library.background import Background
from fireside.desktop.library.tables import fit_badge, gb, make_table
from fireside.models.library.library import ModelLibrary
from fireside.models.memory_fit import estimate_memory, machine_fit
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QHBoxLayout,
    QHeaderView,
    QLineEdit,
    QListWidget,
    QPushButton,
    QTableWidgetItem,
    QVBoxLayout,
    QWidget,
)


def _hub_files(library: ModelLibrary, repo: str, n_ctx: int) -> list[tuple]:
    rows = []
    for f in library.repo_files(repo):
        need = estimate_memory(f.size_bytes, n_ctx, kv_cache=library.kv_cache).total
        fit = machine_fit(need) if f.size_bytes else None
        rows.append((f, fit))
    return rows


class LibraryHubTab(QWidget):
    download_requested = Signal(str, object, str)  # repository, file name, label
    message = Signal(str, bool)  # a line for the window's message line; whether an error

    def __init__(
        self,
        library: ModelLibrary,
        background: Background,
        context_size: Callable[[], int],
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.library = library
        self._background = background
        self._context_size = context_size
        self.search_box = QLineEdit(placeholderText=self.tr("Search GGUF models, e.g. qwen 7b"))
        self.search_button = QPushButton(self.tr("Search"))
        self.search_box.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        row = QHBoxLayout()
        row.addWidget(self.search_box, 1)
        row.addWidget(self.search_button)
        self.repo_list = QListWidget()
        self.repo_list.currentTextChanged.connect(self.show_repo)
        self.files_table = make_table(
            [self.tr("File"), self.tr("Quantization"), self.tr("Size"), self.tr("Fits?"), ""]
        )
        body = QHBoxLayout()
        body.addWidget(self.repo_list, 2)
        body.addWidget(self.files_table, 3)
        layout = QVBoxLayout(self)
        layout.addLayout(row)
        layout.addLayout(body, 1)

    def search(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            return
        self.message.emit(self.tr("Searching for “{0}”…").format(query), False)
        self._background.run(self.library.search, self._fill_repos, query)

    def _fill_repos(self, repos) -> None:
        self.repo_list.clear()
        self.files_table.setRowCount(0)
        for repo in repos:
            self.repo_list.addItem(repo.id)
        self.message.emit(
            self.tr("{0} repositories found").format(len(repos))
            if repos
            else self.tr("No GGUF repositories match."),
            False,
        )

    def show_repo(self, repo: str) -> None:
        if repo:
            self._background.run(
                _hub_files, self._fill_files, self.library, repo, self._context_size()
            )

    def _fill_files(self, rows: list[tuple]) -> None:
        table = self.files_table
        table.setRowCount(len(rows))
        for r, (f, fit) in enumerate(rows):
            parts = self.tr(" ({0} parts)").format(len(f.parts)) if len(f.parts) > 1 else ""
            for c, cell in enumerate(
                [
                    QTableWidgetItem(f.filename + parts),
                    QTableWidgetItem(f.quantization or "-"),
                    QTableWidgetItem(gb(f.size_bytes)),
                    fit_badge(fit),
                ]
            ):
                table.setItem(r, c, cell)
            button = QPushButton(self.tr("Download"))
            button.setObjectName(f"hub-download-{f.filename}")
            button.clicked.connect(
                lambda _=False, f=f: self.download_requested.emit(
                    f.repo, f.filename, f"{f.repo} · {f.filename}"
                )
            )
            table.setCellWidget(r, 4, button)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.message.emit("", False)
