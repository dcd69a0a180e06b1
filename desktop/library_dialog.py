"""Model > Library…: pick a model, see whether it fits, download it, use it.

Tabs: the curated catalog with fit badges, a hub search, the downloads (queued, several
at once, pause / resume / cancel), the GGUFs already on this computer, and the library's
settings (models folder, hub mirror, access token, extra folders). Everything that touches
the network or the disk runs on a worker; the dialog only fills tables. The settings tab
follows the ``library`` settings wherever they change (``fireside models folders add``),
in the fields not being edited, and Save writes only the fields edited here.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from fireside.assistant.app import App
from fireside.assistant.library_config import HUB_TOKEN, open_library
from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import affects
from fireside.desktop.library_downloads import FAILED, QUEUED, RUNNING, DownloadJob, DownloadQueue
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.desktop.workers import Worker, wait_until_idle
from fireside.models.bundled import default_model
from fireside.models.library.discovery import LocalModel
from fireside.models.library.download import DONE, PAUSED, Progress
from fireside.models.library.hub import default_endpoint
from fireside.models.memory_fit import DEFAULT_CTX, FITS, TIGHT, estimate_memory, machine_fit
from PySide6.QtCore import Qt, Signal
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QAbstractItemView,
    QDialog,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QListWidget,
    QProgressBar,
    QPushButton,
    QSpinBox,
    QTableWidget,
    QTableWidgetItem,
    QTabWidget,
    QVBoxLayout,
    QWidget,
)

from fireside.secret_store import IN_KEYRING

BADGE_COLORS = {FITS: "#2e7d32", TIGHT: "#ef6c00", "too_large": "#c62828"}


def _gb(n: int | None) -> str:
    return "?" if n is None else f"{n / 1e9:.2f} GB"


def _catalog_rows(library, n_ctx: int) -> list[tuple]:
    return [(e, library.fit(e, n_ctx), library.is_downloaded(e)) for e in library.catalog()]


def _hub_files(library, repo: str, n_ctx: int) -> list[tuple]:
    rows = []
    for f in library.repo_files(repo):
        need = estimate_memory(f.size_bytes, n_ctx, kv_cache=library.kv_cache).total
        fit = machine_fit(need) if f.size_bytes else None
        rows.append((f, fit))
    return rows


class LibraryDialog(QDialog):
    use_requested = Signal(str)  # the path of a ready model

    def __init__(self, app: App, settings: SettingsBridge, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.app = app
        self.settings = settings
        self.setWindowTitle(self.tr("Model library"))
        self.resize(980, 620)
        self.library = open_library(app.paths, app.settings, app.secrets)
        self.queue = DownloadQueue(self.library, self)
        self.queue.changed.connect(self._on_job_changed)
        self.queue.finished.connect(self._on_downloaded)
        self._workers: set[Worker] = set()
        self._job_rows: dict[int, int] = {}
        self._catalog_rows: dict[str, int] = {}
        self._catalog_sized = False

        self.tabs = QTabWidget()
        self.tabs.addTab(self._build_catalog(), self.tr("Catalog"))
        self.tabs.addTab(self._build_hub(), self.tr("Search the hub"))
        self.tabs.addTab(self._build_downloads(), self.tr("Downloads"))
        self.tabs.addTab(self._build_local(), self.tr("On this computer"))
        self.tabs.addTab(self._build_settings(), self.tr("Settings"))
        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)
        self.refresh()
        self._run(self.library.pending, self._add_pending)
        settings.changed.connect(self._on_settings_changed)

    # -- helpers ----------------------------------------------------------------------------
    def _run(self, func: Callable, on_result: Callable, *args) -> Worker:
        """Run ``func`` off the UI thread; its result (or one-line error) comes back here."""
        worker = Worker(func, *args)
        worker.returned.connect(on_result)
        worker.errored.connect(lambda exc: self.show_message(str(exc), error=True))
        worker.finished.connect(lambda: self._workers.discard(worker))
        self._workers.add(worker)
        worker.start()
        return worker

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {BADGE_COLORS['too_large']}" if error else "")
        self.message.setText(text)

    @staticmethod
    def _table(headers: list[str]) -> QTableWidget:
        table = QTableWidget(0, len(headers))
        table.setHorizontalHeaderLabels(headers)
        table.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        table.setSelectionBehavior(QAbstractItemView.SelectionBehavior.SelectRows)
        table.verticalHeader().setVisible(False)
        header = table.horizontalHeader()
        # the other columns fit their contents and their header's words, in any language
        header.setSectionResizeMode(QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        return table

    def _badge(self, fit) -> QTableWidgetItem:
        if fit is None:
            return QTableWidgetItem(self.tr("unknown"))
        text = {FITS: self.tr("✓ fits"), TIGHT: self.tr("⚠ tight")}.get(
            fit.verdict, self.tr("✗ too large")
        )
        item = QTableWidgetItem(
            self.tr("{verdict} · {need:.1f} GiB").format(verdict=text, need=fit.need / 2**30)
        )
        item.setForeground(QColor(BADGE_COLORS[fit.verdict]))
        gib = 2**30
        item.setToolTip(
            self.tr(
                "Needs about {need:.1f} GiB (weights, context and buffers); "
                "{free:.1f} GiB available"
            ).format(need=fit.need / gib, free=fit.available / gib)
        )
        return item

    # -- catalog ------------------------------------------------------------------------------
    def _build_catalog(self) -> QWidget:
        page = QWidget()
        self.ctx = QSpinBox(minimum=512, maximum=131072, singleStep=1024, value=DEFAULT_CTX)
        self.ctx.setSuffix(self.tr(" tokens"))
        self.ctx.valueChanged.connect(lambda _v: self.refresh_catalog())
        top = QHBoxLayout()
        top.addWidget(QLabel(self.tr("Context size for the memory estimate:")))
        top.addWidget(self.ctx)
        top.addStretch(1)
        self.catalog_table = self._table(
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
        layout = QVBoxLayout(page)
        layout.addLayout(top)
        layout.addWidget(self.catalog_table)
        return page

    def refresh_catalog(self) -> None:
        self._run(_catalog_rows, self._fill_catalog, self.library, self.ctx.value())

    def _fill_catalog(self, rows: list[tuple]) -> None:
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
                QTableWidgetItem(_gb(entry.size_bytes)),
                self._badge(fit),
                QTableWidgetItem(langs),
                QTableWidgetItem(entry.licence),
            ]
            for c, cell in enumerate(cells):
                table.setItem(r, c, cell)
            self._catalog_rows[entry.id] = r
            self._set_catalog_action(r, entry, downloaded)
        if not self._catalog_sized:  # measuring every cell again on each refresh is slow
            self._catalog_sized = True
            table.resizeColumnsToContents()
            table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def _set_catalog_action(self, row: int, entry, downloaded: bool) -> None:
        if downloaded:
            path = str(self.library.downloaded_path(entry.repo, entry.filename))
            button = QPushButton(self.tr("Use"))
            button.clicked.connect(lambda _=False, p=path: self.use(p))
        else:
            button = QPushButton(self.tr("Download"))
            button.clicked.connect(lambda _=False, e=entry: self.download(e.id, None, e.name))
        button.setObjectName(f"catalog-action-{entry.id}")
        self.catalog_table.setCellWidget(row, 7, button)

    def _on_downloaded(self, job: DownloadJob) -> None:
        """Only what changed: the entry's button becomes "Use"; the on-disk list is re-read."""
        row = self._catalog_rows.get(job.spec) if job.filename is None else None
        if row is not None:
            self._set_catalog_action(row, self.library.entry(job.spec), True)
        self._run(self._on_this_computer, self._fill_local)

    # -- hub search ------------------------------------------------------------------------------
    def _build_hub(self) -> QWidget:
        page = QWidget()
        self.search_box = QLineEdit(placeholderText=self.tr("Search GGUF models, e.g. qwen 7b"))
        self.search_button = QPushButton(self.tr("Search"))
        self.search_box.returnPressed.connect(self.search)
        self.search_button.clicked.connect(self.search)
        row = QHBoxLayout()
        row.addWidget(self.search_box, 1)
        row.addWidget(self.search_button)
        self.repo_list = QListWidget()
        self.repo_list.currentTextChanged.connect(self.show_repo)
        self.files_table = self._table(
            [self.tr("File"), self.tr("Quantization"), self.tr("Size"), self.tr("Fits?"), ""]
        )
        body = QHBoxLayout()
        body.addWidget(self.repo_list, 2)
        body.addWidget(self.files_table, 3)
        layout = QVBoxLayout(page)
        layout.addLayout(row)
        layout.addLayout(body, 1)
        return page

    def search(self) -> None:
        query = self.search_box.text().strip()
        if not query:
            return
        self.show_message(self.tr("Searching for “{0}”…").format(query))
        self._run(self.library.search, self._fill_repos, query)

    def _fill_repos(self, repos) -> None:
        self.repo_list.clear()
        self.files_table.setRowCount(0)
        for repo in repos:
            self.repo_list.addItem(repo.id)
        self.show_message(
            self.tr("{0} repositories found").format(len(repos))
            if repos
            else self.tr("No GGUF repositories match.")
        )

    def show_repo(self, repo: str) -> None:
        if repo:
            self._run(_hub_files, self._fill_files, self.library, repo, self.ctx.value())

    def _fill_files(self, rows: list[tuple]) -> None:
        table = self.files_table
        table.setRowCount(len(rows))
        for r, (f, fit) in enumerate(rows):
            parts = self.tr(" ({0} parts)").format(len(f.parts)) if len(f.parts) > 1 else ""
            for c, cell in enumerate(
                [
                    QTableWidgetItem(f.filename + parts),
                    QTableWidgetItem(f.quantization or "-"),
                    QTableWidgetItem(_gb(f.size_bytes)),
                    self._badge(fit),
                ]
            ):
                table.setItem(r, c, cell)
            button = QPushButton(self.tr("Download"))
            button.setObjectName(f"hub-download-{f.filename}")
            button.clicked.connect(
                lambda _=False, f=f: self.download(f.repo, f.filename, f"{f.repo} · {f.filename}")
            )
            table.setCellWidget(r, 4, button)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)
        self.show_message("")

    # -- downloads -----------------------------------------------------------------------------
    def _build_downloads(self) -> QWidget:
        page = QWidget()
        self.downloads_table = self._table(
            [self.tr("Model"), self.tr("Progress"), self.tr("Status"), "", ""]
        )
        self.downloads_table.setColumnWidth(1, 140)
        self.downloads_table.setColumnWidth(2, 320)
        self.downloads_table.setWordWrap(False)
        layout = QVBoxLayout(page)
        layout.addWidget(self.downloads_table)
        return page

    def download(self, spec: str, filename: str | None, label: str) -> DownloadJob:
        job = self.queue.add(spec, filename, label)
        self.tabs.setCurrentIndex(2)
        return job

    def _add_pending(self, pending) -> None:
        for p in pending:
            spec, filename = self.library.resume_spec(p)
            label = p.sidecar.model_id or f"{p.sidecar.repo} · {p.dest.name}"
            job = self.queue.add(spec, filename, label, start=False)
            job.path = p.dest
            if p.total:
                job.progress = Progress(label, p.done, p.total, 0.0, None)
            self._on_job_changed(job)

    def _row_for(self, job: DownloadJob) -> int:
        row = self._job_rows.get(id(job))
        if row is None:
            table = self.downloads_table
            row = table.rowCount()
            table.insertRow(row)
            self._job_rows[id(job)] = row
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
            self.use(str(job.path))
        elif job.state in (RUNNING, QUEUED):
            self.queue.pause(job)
        else:
            self.queue.resume(job)

    def _on_job_changed(self, job: DownloadJob) -> None:
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
                    done=_gb(p.done), total=_gb(p.total), speed=p.speed_bps / 1e6, eta=eta
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

    # -- on this computer -------------------------------------------------------------------------
    def _build_local(self) -> QWidget:
        page = QWidget()
        self.local_table = self._table([self.tr("File"), self.tr("Where"), self.tr("Size"), ""])
        refresh = QPushButton(self.tr("Refresh"))
        refresh.clicked.connect(self.refresh)
        layout = QVBoxLayout(page)
        layout.addWidget(self.local_table)
        layout.addWidget(refresh, 0, Qt.AlignmentFlag.AlignRight)
        return page

    def _fill_local(self, models) -> None:
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
            size = _gb(m.size_bytes)
            if not m.complete:
                size += self.tr(" ({0} of {1} parts missing)").format(m.missing_parts, m.parts)
            for c, cell in enumerate(
                [name, QTableWidgetItem(where.get(m.source, m.source)), QTableWidgetItem(size)]
            ):
                table.setItem(r, c, cell)
            button = QPushButton(self.tr("Use"))
            button.setEnabled(m.complete)
            button.clicked.connect(lambda _=False, p=str(m.path): self.use(p))
            table.setCellWidget(r, 3, button)
        table.resizeColumnsToContents()
        table.horizontalHeader().setSectionResizeMode(0, QHeaderView.ResizeMode.Stretch)

    def refresh(self) -> None:
        self.refresh_catalog()
        self._run(self._on_this_computer, self._fill_local)

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

    def use(self, path: str) -> None:
        self.use_requested.emit(path)
        self.show_message(self.tr("Switching the chat to {0}").format(path))

    # -- settings -----------------------------------------------------------------------------------
    def _build_settings(self) -> QWidget:
        page = QWidget()
        self.models_dir = QLineEdit()
        browse = QPushButton(self.tr("Choose…"))
        browse.clicked.connect(self._choose_models_dir)
        dir_row = QHBoxLayout()
        dir_row.addWidget(self.models_dir, 1)
        dir_row.addWidget(browse)
        self.endpoint = QLineEdit()
        self.endpoint.setPlaceholderText(default_endpoint())
        self.token = QLineEdit(echoMode=QLineEdit.EchoMode.Password)
        self.token.setPlaceholderText(self.tr("hf_… (only for gated or private models)"))
        self.folders = QListWidget()
        self._show_library(self._library_values(), self._library_values())
        add, remove = QPushButton(self.tr("Add folder…")), QPushButton(self.tr("Remove"))
        add.clicked.connect(self._add_folder)
        remove.clicked.connect(
            lambda: [
                self.folders.takeItem(self.folders.row(i)) for i in self.folders.selectedItems()
            ]
        )
        folder_buttons = QHBoxLayout()
        folder_buttons.addWidget(add)
        folder_buttons.addWidget(remove)
        folder_buttons.addStretch(1)
        save = QPushButton(self.tr("Save"))
        save.clicked.connect(self.save_settings)
        form = QFormLayout(page)
        form.addRow(self.tr("Models folder"), dir_row)
        form.addRow(self.tr("Hub address (mirror)"), self.endpoint)
        clear_token = QPushButton(self.tr("Forget token"))
        clear_token.clicked.connect(self._forget_token)
        token_row = QHBoxLayout()
        token_row.addWidget(self.token, 1)
        token_row.addWidget(clear_token)
        form.addRow(self.tr("Access token"), token_row)
        form.addRow(self.tr("Also list models in"), self.folders)
        form.addRow("", folder_buttons)
        form.addRow(
            QLabel(
                self.tr(
                    "LM Studio's, GPT4All's and Jan's model folders are listed "
                    "too; their files are used in place, never copied."
                )
            )
        )
        form.addRow("", save)
        return page

    def _choose_models_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self, self.tr("Models folder"), self.models_dir.text()
        )
        if path:
            self.models_dir.setText(path)

    def _add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self, self.tr("A folder with GGUF models"))
        if path:
            self.folders.addItem(path)

    def _library_values(self) -> dict:
        """The ``library`` settings as the fields show them."""
        config = self.app.settings.library
        return {
            "models_dir": str(config.models_path(self.app.paths)),
            "endpoint": config.endpoint or "",
            "folders": list(config.folders),
        }

    def _field_values(self) -> dict:
        return {
            "models_dir": self.models_dir.text().strip(),
            "endpoint": self.endpoint.text().strip().rstrip("/"),
            "folders": [self.folders.item(i).text() for i in range(self.folders.count())],
        }

    def _show_library(self, values: dict, shown: dict) -> None:
        """Show ``values``; ``shown`` is what the settings said, to tell the user's edits by."""
        if "models_dir" in values:
            self.models_dir.setText(values["models_dir"])
        if "endpoint" in values:
            self.endpoint.setText(values["endpoint"])
        if "folders" in values:
            self.folders.clear()
            self.folders.addItems(values["folders"])
        self._shown_library = {**getattr(self, "_shown_library", {}), **shown}

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        if not affects(keys, "library"):
            return
        now, fresh = self._field_values(), self._library_values()
        untouched = {
            k: v for k, v in fresh.items() if now[k] == self._shown_library[k] and now[k] != v
        }
        self._show_library(untouched, fresh)
        self._reopen()

    def save_settings(self) -> None:
        """Save the fields edited here (a folder added elsewhere meanwhile is kept)."""
        edits = {k: v for k, v in self._field_values().items() if v != self._shown_library[k]}
        if "models_dir" in edits:
            text = edits["models_dir"]
            edits["models_dir"] = (
                None if not text or text == str(self.app.paths.models_dir) else text
            )
        if "endpoint" in edits:
            edits["endpoint"] = edits["endpoint"] or None

        shown_folders = self._shown_library["folders"]
        added = [f for f in edits.pop("folders", shown_folders) if f not in shown_folders]
        removed = [f for f in shown_folders if f not in self._field_values()["folders"]]

        def change(settings: Settings) -> None:
            for name, value in edits.items():
                setattr(settings.library, name, value)
            kept = [f for f in settings.library.folders if f not in removed]
            settings.library.folders = kept + [f for f in added if f not in kept]

        changed = self.settings.update(change) if edits or added or removed else frozenset()
        self._show_library(self._library_values(), self._library_values())  # as saved
        token = self.token.text().strip()
        if token:
            self.token.clear()
            self._run(self.app.secrets.set, self._token_saved, HUB_TOKEN, token)
        if not affects(changed, "library"):  # else reopened as the settings changed
            self._reopen()

    def _forget_token(self) -> None:
        self.token.clear()
        self._run(
            self.app.secrets.delete,
            lambda _r: (self.show_message(self.tr("Access token removed")), self._reopen()),
            HUB_TOKEN,
        )

    def _token_saved(self, where: str) -> None:
        self.show_message(
            self.tr("Access token saved ({0})").format(
                self.tr("system keyring") if where == IN_KEYRING else where
            )
        )
        self._reopen()

    def _reopen(self) -> None:
        self.library = open_library(self.app.paths, self.app.settings, self.app.secrets)
        self.queue.library = self.library
        self.refresh()

    # -- closing --------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Pause downloads (kept for later) and wait for every worker."""
        self.queue.shutdown(timeout_ms)
        wait_until_idle(lambda: not self._workers, timeout_ms)
