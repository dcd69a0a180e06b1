"""The main window: conversations on the left, the chat on the right, model and status.

It only composes and wires: the sidebar, the chat panel, the model switcher, the status
bar, menus and shortcuts, theme, drag and drop. Each piece owns its own behaviour.
"""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.app import App
from fireside.assistant.events import TurnDone
from fireside.desktop.api_server_control import ApiServerControl
from fireside.desktop.api_server_dialog import ApiServerDialog
from fireside.desktop.chat_panel import ChatPanel
from fireside.desktop.documents_dock import DocumentsDock
from fireside.desktop.documents_drop import DocumentDrop
from fireside.desktop.image_attachments import is_picture_file
from fireside.desktop.library_dialog import LibraryDialog
from fireside.desktop.markdown_render import warm_up
from fireside.desktop.model_names import model_label
from fireside.desktop.model_picker import ModelPicker
from fireside.desktop.model_switcher import ModelSwitcher
from fireside.desktop.plugins_page import PluginsPage
from fireside.desktop.remote_dialog import RemoteConnectionsDialog
from fireside.desktop.settings_dialog import SettingsDialog
from fireside.desktop.sidebar import Sidebar
from fireside.desktop.status_bar import StatusBar
from fireside.desktop.theme import apply_theme, resolve_theme
from fireside.desktop.tool_approval import ApprovalBroker
from fireside.desktop.workers import Worker
from fireside.models.hardware import gpu_offload_supported
from PySide6.QtCore import Qt, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)


class MainWindow(QMainWindow):
    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app
        self.setWindowTitle("Fireside")
        self.resize(1180, 780)
        self.setAcceptDrops(True)
        self.colors = resolve_theme(app.settings.theme)
        apply_theme(QApplication.instance(), self.colors)

        self.sidebar = Sidebar(app.history)
        self.panel = ChatPanel(app, self.colors)
        self.picker = ModelPicker(
            lambda path: model_label(app.models, path), is_remote=app.models.is_remote
        )
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.models = ModelSwitcher(
            app, self.picker, self.status, lambda: self.panel.controller.busy, self
        )
        self.documents = DocumentDrop(app, self)
        self.approvals = ApprovalBroker(app.settings, app.save_settings, self, window=self)
        self.panel.approve = self.approvals.approve
        self.docs_dock = DocumentsDock(app, self.panel, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.docs_dock)
        self.docs_dock.hide()
        self.api_server = ApiServerControl(app, self)
        self.settings_button = QToolButton(
            text="⚙  " + self.tr("Settings"), autoRaise=True, toolTip=self.tr("Settings (Ctrl+,)")
        )

        top = QWidget(objectName="TopBar")
        top_row = QHBoxLayout(top)
        top_row.setContentsMargins(16, 8, 12, 8)
        top_row.addWidget(self.picker)
        top_row.addStretch(1)
        top_row.addWidget(self.settings_button)
        right = QWidget()
        column = QVBoxLayout(right)
        column.setContentsMargins(0, 0, 0, 0)
        column.setSpacing(0)
        column.addWidget(top)
        column.addWidget(self.panel, 1)
        splitter = QSplitter()
        splitter.addWidget(self.sidebar)
        splitter.addWidget(right)
        splitter.setStretchFactor(1, 1)
        splitter.setSizes([260, 920])
        splitter.setChildrenCollapsible(False)
        self.setCentralWidget(splitter)
        self._build_menus()
        self._wire()

    # -- setup ------------------------------------------------------------------------------
    def _action(self, menu, text: str, slot, *shortcuts) -> QAction:
        action = QAction(text, self)
        action.setShortcuts([QKeySequence(s) for s in shortcuts])
        action.triggered.connect(slot)
        menu.addAction(action)
        return action

    def _build_menus(self) -> None:
        bar = self.menuBar()
        chat = bar.addMenu(self.tr("&Chat"))
        self._action(chat, self.tr("New chat"), self.new_chat, "Ctrl+N")
        self._action(chat, self.tr("Search chats"), self.focus_search, "Ctrl+K", "Ctrl+F")
        self.stop_action = self._action(chat, self.tr("Stop reply"), self.panel.stop, "Esc")
        self.stop_action.setEnabled(False)
        chat.addSeparator()
        self._action(
            chat,
            self.tr("Settings…"),
            self.open_settings,
            "Ctrl+,",
            QKeySequence.StandardKey.Preferences,
        )
        self._action(chat, self.tr("Quit"), self.close, "Ctrl+Q")
        tools = bar.addMenu(self.tr("&Tools"))
        self._action(tools, self.tr("Documents…"), self.toggle_documents, "Ctrl+D")
        self._action(tools, self.tr("Plugins…"), self.open_plugins, "Ctrl+Shift+P")
        self._action(tools, self.tr("MCP servers…"), self.open_mcp_servers)
        self._action(tools, self.tr("Local API server…"), self.open_api_server)
        model = bar.addMenu(self.tr("&Model"))
        self._action(model, self.tr("Open GGUF…"), lambda: self.models.open_dialog(self), "Ctrl+O")
        self._action(model, self.tr("Library…"), self.open_library, "Ctrl+L")
        self._action(model, self.tr("Remote connections…"), self.open_remote_connections)
        help_menu = bar.addMenu(self.tr("&Help"))
        self._action(help_menu, self.tr("About Fireside"), self.about)
        self._action(help_menu, self.tr("Open log folder"), self.open_log_folder)

    def _wire(self) -> None:
        p, s = self.panel, self.sidebar
        s.new_chat_requested.connect(self.new_chat)
        s.conversation_selected.connect(self.open_conversation)
        s.conversation_deleted.connect(self._on_deleted)
        s.refused.connect(lambda text: p.error_notice.show_message(text, "error"))
        p.conversation_created.connect(self._on_created)
        p.history_changed.connect(s.refresh)
        p.turn_done.connect(self._on_turn_done)
        p.context_used.connect(self.status.set_context)
        p.status_message.connect(lambda text: self.status.showMessage(text, 3000))
        p.controller.busy_changed.connect(self._on_chat_busy)
        self.models.path_changed.connect(self._on_model_path)
        self.models.message.connect(self._on_model_message)
        self.models.busy_changed.connect(self._on_loading)
        self.models.backend_shown.connect(self._on_backend_shown)
        self._local_empty_text = p.view.empty_text
        self.documents.message.connect(lambda text, kind: p.info_notice.show_message(text, kind))
        self.documents.message.connect(lambda *_: self.docs_dock.refresh())
        self.documents.indexed.connect(self._use_dropped)
        self.settings_button.clicked.connect(self.open_settings)
        hints = QGuiApplication.styleHints()
        if hints is not None:
            hints.colorSchemeChanged.connect(lambda _scheme: self.apply_theme())

    def start(self, model: str | None = None) -> None:
        """After the window is shown: load the model (and warm the renderer) in the background.

        ``model`` is a GGUF the window was opened with; otherwise the last used one loads.
        """
        self.models.start(model)
        if self.api_server.saved_enabled:
            self.api_server.start()
        self._warm = Worker(warm_up)
        self._warm.start()
        self.panel.composer.box.setFocus()

    # -- conversations ----------------------------------------------------------------------
    def new_chat(self) -> None:
        self.sidebar.select(None)
        self.panel.new_chat()
        self.setWindowTitle("Fireside")

    def open_conversation(self, conversation_id: int) -> None:
        self.sidebar.select(conversation_id)
        self.panel.open_conversation(conversation_id)
        self._show_title(conversation_id)

    def focus_search(self) -> None:
        self.sidebar.search.setFocus()
        self.sidebar.search.selectAll()

    def _on_created(self, conversation_id: int) -> None:
        self.sidebar.refresh()
        self.sidebar.select(conversation_id)
        self._show_title(conversation_id)

    def _show_title(self, conversation_id: int | None) -> None:
        try:
            title = self.app.history.get_conversation(conversation_id).title
        except KeyError:
            title = None
        self.setWindowTitle(f"{title} — Fireside" if title else "Fireside")

    def _on_deleted(self, conversation_id: int) -> None:
        if self.panel.conversation_id == conversation_id:
            self.new_chat()

    def _on_turn_done(self, done: TurnDone) -> None:
        self.status.set_speed(done.timings.tokens_per_s)

    def _on_chat_busy(self, busy: bool) -> None:
        self.stop_action.setEnabled(busy)
        self.sidebar.protected_id = self.panel.controller.conversation_id if busy else None
        self.picker.setEnabled(not busy)
        if not busy:
            self.models.on_chat_idle()

    # -- models -----------------------------------------------------------------------------
    def _on_model_path(self, path: str) -> None:
        self.panel.model_path = path

    def _on_backend_shown(self, info) -> None:
        """The empty chat says where replies come from, truthfully for remote models."""
        view = self.panel.view
        if info.backend != "remote":
            view.empty_text = self._local_empty_text
        elif info.leaves_machine:
            view.empty_text = self.tr(
                "Ask anything. Replies come from %1 on another computer: your messages are "
                "sent there. History, documents and tools stay here."
            ).replace("%1", info.id)
        else:
            view.empty_text = self.tr(
                "Ask anything. Replies come from %1, a server on this computer; nothing leaves it."
            ).replace("%1", info.id)
        view.viewport().update()

    def _on_loading(self, loading: bool) -> None:
        self.panel.delegate.live_placeholder = (
            self.tr("Loading the model…") if loading else self.tr("Thinking…")
        )

    def _on_model_message(self, text: str, kind: str) -> None:
        if kind == "error":
            self.panel.error_notice.show_message(text, "error")
        elif kind == "info":
            self.panel.info_notice.show_message(
                text, "info", self.tr("Open GGUF…"), lambda: self.models.open_dialog(self)
            )
        else:
            self.panel.info_notice.hide()
            self.panel.error_notice.hide()

    # -- settings and theme -----------------------------------------------------------------
    def open_settings(self) -> None:
        path = self.models.path or self.app.models.resolve_path(None)
        dialog = SettingsDialog(
            self.app.settings,
            path,
            model_label(self.app.models, path),
            gpu_offload_supported(),
            self,
        )
        accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        reload = dialog.apply_to(self.app.settings) if accepted else False
        dialog.deleteLater()  # not left behind as a child of the window
        if not accepted:
            return
        self.app.save_settings()
        self.apply_theme()
        if reload:
            self.models.request(path, reload=True)

    def open_remote_connections(self) -> None:
        if self.app.models.remotes is None:
            return
        dialog = RemoteConnectionsDialog(self.app.models.remotes, self.app.save_settings, self)
        dialog.changed.connect(self.models.catalog.refresh)
        dialog.exec()
        dialog.deleteLater()

    def apply_theme(self) -> None:
        self.colors = resolve_theme(self.app.settings.theme)
        apply_theme(QApplication.instance(), self.colors)
        self.panel.set_colors(self.colors)

    def open_log_folder(self) -> None:
        """Where unexpected errors are written with their details, for a bug report."""
        folder = self.app.paths.log_dir
        folder.mkdir(parents=True, exist_ok=True)
        QDesktopServices.openUrl(QUrl.fromLocalFile(str(folder)))

    def about(self) -> None:
        QMessageBox.about(
            self,
            self.tr("About Fireside"),
            self.tr(
                "Fireside — an offline chat assistant for local GGUF models. Your conversations "
                "never leave this computer."
            ),
        )

    # -- drag and drop ----------------------------------------------------------------------
    def dragEnterEvent(self, event) -> None:
        if any(url.isLocalFile() for url in event.mimeData().urls()):
            event.acceptProposedAction()

    def dropEvent(self, event) -> None:
        paths = [Path(u.toLocalFile()) for u in event.mimeData().urls() if u.isLocalFile()]
        event.acceptProposedAction()
        self.handle_dropped(paths)

    def handle_dropped(self, paths: list[Path]) -> None:
        """GGUF files become the model, pictures go with the next message, anything else
        goes to the document indexer (a scanned PDF is read with OCR there)."""
        models = [p for p in paths if p.suffix.lower() == ".gguf" and p.is_file()]
        if models:
            self.models.request(str(models[-1]))
        pictures = [p for p in paths if is_picture_file(p)]
        if pictures:
            self.panel.composer.attachments.add_files([str(p) for p in pictures])
        others = [p for p in paths if p not in models and p not in pictures]
        if others:
            self.documents.add(others, self.panel.conversation_id)

    def _use_dropped(self, collection: str, chat_id: int | None) -> None:
        """Files dropped on a chat are for that chat: it answers from them from now on."""
        if chat_id == self.panel.conversation_id:
            if collection not in self.panel.collections:
                self.panel.set_collections([*self.panel.collections, collection])
        elif chat_id is not None:
            try:
                names = self.app.history.get_conversation(chat_id).collections
            except KeyError:  # deleted meanwhile
                return
            if collection not in names:
                self.app.history.set_collections(chat_id, [*names, collection])

    # -- closing ----------------------------------------------------------------------------
    def toggle_documents(self) -> None:
        self.docs_dock.setVisible(not self.docs_dock.isVisible())

    def open_plugins(self) -> None:
        dialog = QDialog(self, windowTitle=self.tr("Plugins and tools"))
        layout = QVBoxLayout(dialog)
        layout.addWidget(PluginsPage(self.app.plugins, self.app.settings, self.app.save_settings))
        dialog.resize(560, 420)
        dialog.exec()
        self.models.catalog.refresh()  # a disabled plugin's models leave the picker

    def open_library(self) -> LibraryDialog:
        """One library window, kept while downloads run in it."""
        if getattr(self, "library", None) is None:
            self.library = LibraryDialog(self.app, self)
            self.library.use_requested.connect(self.models.request)
            self.library.queue.finished.connect(
                lambda job: self.status.showMessage(
                    self.tr("Downloaded {0}: Model > Library… to use it").format(job.label), 8000
                )
            )
        self.library.show()
        self.library.raise_()
        self.library.activateWindow()
        return self.library

    def open_mcp_servers(self) -> None:
        from fireside.desktop.mcp_dialog import McpServersDialog

        McpServersDialog(self.app.mcp, self).exec()

    def open_api_server(self) -> None:
        ApiServerDialog(self.api_server, self).exec()

    def closeEvent(self, event) -> None:
        """Stop the reply (it is saved as stopped) and let the workers end before closing."""
        if getattr(self, "library", None) is not None:
            self.library.shutdown()  # downloads pause; their partial files are kept
        self.approvals.shutdown()  # a worker waiting for an answer must not block the close
        self.panel.controller.wait(10000)
        self.docs_dock.shutdown()
        self.documents.cancel_and_wait(10000)
        self.models.loader.wait(60000)
        self.models.catalog.wait(30000)
        self.api_server.shutdown()
        super().closeEvent(event)
