"""Model > Library…: pick a model, see whether it fits, download it, use it.

Tabs, each its own widget in this folder: the curated catalog with fit badges
(``catalog_tab.py``), a hub search (``hub_tab.py``), the downloads (``downloads_tab.py``:
queued, several at once, pause / resume / cancel), the GGUFs already on this computer
(``local_tab.py``), and the library's settings (``settings_tab.py``). The dialog owns what
they share (the opened library, the download queue, the background work, the message
line) and wires them: a tab asks for a download or a model to use, the dialog does it. When
the library's settings change, the library is opened again and every tab gets it.
"""

from __future__ import annotations

from fireside.assistant.app import App
from fireside.assistant.library_config import open_library
from fireside.desktop.library.background import Background
from fireside.desktop.library.catalog_tab import LibraryCatalogTab
from fireside.desktop.library.download_queue import DownloadJob, DownloadQueue
from fireside.desktop.library.downloads_tab import LibraryDownloadsTab
from fireside.desktop.library.hub_tab import LibraryHubTab
from fireside.desktop.library.local_tab import LibraryLocalTab
from fireside.desktop.library.settings_tab import LibrarySettingsTab
from fireside.desktop.library.tables import BADGE_COLORS
from fireside.desktop.settings_bridge import SettingsBridge
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import QDialog, QLabel, QTabWidget, QVBoxLayout, QWidget


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
        self.queue.finished.connect(self._on_downloaded)
        self.background = Background(self)
        self.background.failed.connect(lambda text: self.show_message(text, error=True))

        self.catalog_tab = LibraryCatalogTab(self.library, self.background)
        self.hub_tab = LibraryHubTab(self.library, self.background, self.catalog_tab.ctx.value)
        self.downloads_tab = LibraryDownloadsTab(self.queue)
        self.local_tab = LibraryLocalTab(app, self.library, self.background)
        self.settings_tab = LibrarySettingsTab(app, settings, self.background)
        self.tabs = QTabWidget()
        self.tabs.addTab(self.catalog_tab, self.tr("Catalog"))
        self.tabs.addTab(self.hub_tab, self.tr("Search the hub"))
        self.tabs.addTab(self.downloads_tab, self.tr("Downloads"))
        self.tabs.addTab(self.local_tab, self.tr("On this computer"))
        self.tabs.addTab(self.settings_tab, self.tr("Settings"))
        self.message = QLabel(wordWrap=True)
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        layout = QVBoxLayout(self)
        layout.addWidget(self.tabs, 1)
        layout.addWidget(self.message)

        self.queue.changed.connect(self.downloads_tab.show_job)
        for tab in (self.catalog_tab, self.downloads_tab, self.local_tab):
            tab.use_requested.connect(self.use)
        for tab in (self.catalog_tab, self.hub_tab):
            tab.download_requested.connect(self.download)
        for tab in (self.hub_tab, self.settings_tab):
            tab.message.connect(self.show_message)
        self.local_tab.refresh_requested.connect(self.refresh)
        self.settings_tab.library_changed.connect(self._reopen)

        # the tabs' widgets, under the names the window and its tests use
        self.catalog_table = self.catalog_tab.catalog_table
        self.search_box = self.hub_tab.search_box
        self.search_button = self.hub_tab.search_button
        self.repo_list = self.hub_tab.repo_list
        self.files_table = self.hub_tab.files_table
        self.downloads_table = self.downloads_tab.downloads_table
        self.local_table = self.local_tab.local_table
        self.models_dir = self.settings_tab.models_dir
        self.endpoint = self.settings_tab.endpoint
        self.token = self.settings_tab.token
        self.folders = self.settings_tab.folders

        self.refresh()
        self.background.run(self.library.pending, self.downloads_tab.add_pending)
        settings.changed.connect(self.settings_tab.follow_settings)

    def show_message(self, text: str, error: bool = False) -> None:
        self.message.setStyleSheet(f"color: {BADGE_COLORS['too_large']}" if error else "")
        self.message.setText(text)

    def refresh(self) -> None:
        self.catalog_tab.refresh()
        self.local_tab.refresh()

    def download(self, spec: str, filename: str | None, label: str) -> DownloadJob:
        job = self.queue.add(spec, filename, label)
        self.tabs.setCurrentIndex(2)
        return job

    def use(self, path: str) -> None:
        self.use_requested.emit(path)
        self.show_message(self.tr("Switching the chat to {0}").format(path))

    def save_settings(self) -> None:
        self.settings_tab.save_settings()

    def _on_downloaded(self, job: DownloadJob) -> None:
        """Only what changed: the entry's button becomes "Use"; the on-disk list is re-read."""
        self.catalog_tab.mark_downloaded(job)
        self.local_tab.refresh()

    def _reopen(self) -> None:
        self.library = open_library(self.app.paths, self.app.settings, self.app.secrets)
        self.queue.library = self.library
        for tab in (self.catalog_tab, self.hub_tab, self.local_tab):
            tab.library = self.library
        self.refresh()

    # -- closing --------------------------------------------------------------------------------
    def shutdown(self, timeout_ms: int = 30000) -> None:
        """Pause downloads (kept for later) and wait for every worker."""
        self.queue.shutdown(timeout_ms)
        self.background.wait(timeout_ms)
