"""The main window: conversations on the left, the chat on the right, model and status.

It only composes and wires: the sidebar, the chat panel, the model switcher, the status
bar, menus and shortcuts, theme, drag and drop. Each piece owns its own behaviour.

Settings reach the window through one ``SettingsBridge``: every widget changes them through
it, and whatever changes them (this window or another Fireside process) the window follows:
the theme, the model in use and the picker's list, the remote connections, the settings
dialog if open; the plugins page and tool approvals listen to the bridge themselves.
"""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.app import App
from fireside.assistant.events import TurnDone
from fireside.assistant.settings_store import affects
from fireside.desktop.api_server_control import ApiServerControl
from fireside.desktop.api_server_dialog import ApiServerDialog
from fireside.desktop.chat_panel import ChatPanel
from fireside.desktop.chat_transfer import ChatTransfer
from fireside.desktop.documents_dock import DocumentsDock
from fireside.desktop.documents_drop import DocumentDrop
from fireside.desktop.image_attachments import is_picture_file
from fireside.desktop.library.dialog import LibraryDialog
from fireside.desktop.markdown_render import warm_up
from fireside.desktop.model_names import model_label
from fireside.desktop.model_picker import ModelPicker
from fireside.desktop.model_switcher import ModelSwitcher
from fireside.desktop.plugins_page import PluginsPage
from fireside.desktop.remote_dialog import RemoteConnectionsDialog
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.desktop.settings_dialog import SettingsDialog
from fireside.desktop.sidebar import Sidebar
from fireside.desktop.status_bar import StatusBar
from fireside.desktop.theme import apply_theme, resolve_theme
from fireside.desktop.tool_approval import ApprovalBroker
from fireside.desktop.workers import Worker, wait_until_idle
from fireside.models.hardware import gpu_offload_supported
from PySide6.QtCore import QSize, Qt, QTimer, QUrl
from PySide6.QtGui import QAction, QDesktopServices, QGuiApplication, QKeySequence
from PySide6.QtWidgets import (
    QApplication,
    QDialog,
    QDialogButtonBox,
    QHBoxLayout,
    QMainWindow,
    QMessageBox,
    QSplitter,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

from fireside import about

# The smallest window the layout is made for (in every language, with long names): below it
# the transcript is too short to read and the bars cannot show their texts. The documents
# panel beside the chat needs more width, and the window grows for it.
MIN_SIZE = QSize(800, 560)


class MainWindow(QMainWindow):
    def __init__(self, app: App) -> None:
        super().__init__()
        self.app = app
        self.setWindowTitle("Fireside")
        self.resize(1180, 780)
        self.setAcceptDrops(True)
        self.settings_bridge = SettingsBridge(app.settings_store, self)
        self.settings_dialog: SettingsDialog | None = None  # while open
        self.colors = resolve_theme(app.settings.window.theme)
        apply_theme(QApplication.instance(), self.colors)

        self.sidebar = Sidebar(app.history)
        self.panel = ChatPanel(app, self.colors)
        self.transfer = ChatTransfer(app, self)
        self.picker = ModelPicker(
            lambda path: model_label(app.models, path), is_remote=app.models.is_remote
        )
        self.status = StatusBar()
        self.setStatusBar(self.status)
        self.models = ModelSwitcher(
            app,
            self.settings_bridge,
            self.picker,
            self.status,
            lambda: self.panel.controller.busy,
            self,
        )
        self.documents = DocumentDrop(app, self)
        self.approvals = ApprovalBroker(self.settings_bridge, self, window=self)
        self.panel.approve = self.approvals.approve
        self.docs_dock = DocumentsDock(app, self.panel, self)
        self.addDockWidget(Qt.DockWidgetArea.RightDockWidgetArea, self.docs_dock)
        self.docs_dock.hide()
        self.api_server = ApiServerControl(app, self.settings_bridge, self)
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
        self.fit_minimum()

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
        self.assistants_menu = chat.addMenu(self.tr("New chat with assistant"))
        self.assistants_menu.aboutToShow.connect(self._fill_assistants_menu)
        self._action(chat, self.tr("Search chats"), self.focus_search, "Ctrl+K", "Ctrl+F")
        self.stop_action = self._action(chat, self.tr("Stop reply"), self.panel.stop, "Esc")
        self.stop_action.setEnabled(False)
        chat.addSeparator()
        self._action(chat, self.tr("Export…"), self.export_current)
        self._action(chat, self.tr("Export all chats…"), lambda: self.transfer.ask_export(None))
        self._action(chat, self.tr("Import…"), self.transfer.ask_import)
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
        s.export_requested.connect(self.transfer.ask_export)
        self.transfer.message.connect(self._on_transfer_message)
        self.transfer.imported.connect(lambda _report: s.refresh())
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
        self.settings_bridge.changed.connect(self._on_settings_changed)
        self.settings_bridge.failed.connect(
            lambda text: p.error_notice.show_message(
                self.tr("A setting was not saved: {error}").format(error=text), "error"
            )
        )
        for changed in (self.docs_dock.visibilityChanged, self.docs_dock.topLevelChanged):
            changed.connect(lambda _on: QTimer.singleShot(0, self, self.fit_minimum))
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

    def fit_minimum(self) -> None:
        """At least ``MIN_SIZE``; wider while the documents panel is docked beside the chat."""
        self.setMinimumSize(self.layout().minimumSize().expandedTo(MIN_SIZE))

    # -- conversations ----------------------------------------------------------------------
    def new_chat(self) -> None:
        self.sidebar.select(None)
        self.panel.new_chat()
        self.status.set_speed(None)  # the speed shown is the last reply's, of another chat
        self.setWindowTitle("Fireside")

    def open_conversation(self, conversation_id: int) -> None:
        self.sidebar.select(conversation_id)
        self.panel.open_conversation(conversation_id)
        self.status.set_speed(None)
        self._show_title(conversation_id)

    def new_chat_with(self, name: str) -> None:
        """A new chat with an assistant; its model loads if it names one."""
        self.new_chat()
        self.panel.set_assistant(name)
        model = self.app.assistants.get(name).model
        if model and model != self.models.path:
            self.models.request(model)

    def _fill_assistants_menu(self) -> None:
        menu = self.assistants_menu
        menu.clear()
        for assistant in self.app.assistants.list():
            shown = assistant.shown(self.panel.language)
            icon = f"{shown.icon}  " if shown.icon else ""
            action = menu.addAction(f"{icon}{shown.label}")
            action.setToolTip(shown.description)
            action.triggered.connect(lambda _=False, n=assistant.name: self.new_chat_with(n))

    def export_current(self) -> None:
        """The open chat (every chat when none is open)."""
        cid = self.panel.conversation_id
        self.transfer.ask_export([cid] if cid is not None else None)

    def _on_transfer_message(self, text: str, kind: str) -> None:
        if kind == "error":
            self.panel.error_notice.show_message(text, "error")
        else:
            self.panel.info_notice.show_message(text, "info")

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
        panel = self.panel
        if kind == "error":
            panel.error_notice.show_message(text, "error", origin="model")
            return
        panel.error_notice.clear("model")  # a model loaded: its earlier failure is over
        if kind == "info":
            panel.info_notice.show_message(
                text,
                "info",
                self.tr("Open GGUF…"),
                lambda: self.models.open_dialog(self),
                origin="model",
            )
        else:
            panel.info_notice.clear("model")

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
        self.settings_dialog = dialog  # follows changes made elsewhere while it is open
        try:
            accepted = dialog.exec() == SettingsDialog.DialogCode.Accepted
        finally:
            self.settings_dialog = None
        reload = accepted and dialog.needs_reload()
        change = dialog.change() if accepted else None
        dialog.deleteLater()  # not left behind as a child of the window
        if change is None:
            return
        self.settings_bridge.update(change)  # the theme follows through _on_settings_changed
        if reload:
            self.models.request(path, reload=True)

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        """Show what changed, whoever changed it (this window or another process)."""
        if affects(keys, "window.theme"):
            self.apply_theme()
        if self.settings_dialog is not None:
            self.settings_dialog.follow(self.app.settings)
        if affects(keys, "remote.connections"):
            self.models.catalog.refresh()  # the picker lists the connections' models
        if affects(keys, "model.path", "model.recent", "remote.connections"):
            self.models.follow_settings(default_changed=affects(keys, "model.path"))

    def open_remote_connections(self) -> None:
        if self.app.models.remotes is None:
            return
        dialog = RemoteConnectionsDialog(self.app.models.remotes, self.settings_bridge, self)
        dialog.exec()
        dialog.deleteLater()

    def apply_theme(self) -> None:
        self.colors = resolve_theme(self.app.settings.window.theme)
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
            )
            + "\n\n"
            + self.tr("Version {version} · Licence: {licence}").format(
                version=about.version(), licence=about.licence()
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
        layout.addWidget(PluginsPage(self.app.plugins, self.settings_bridge))
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        buttons.rejected.connect(dialog.reject)
        layout.addWidget(buttons)
        dialog.resize(760, 480)
        dialog.exec()
        dialog.deleteLater()
        self.models.catalog.refresh()  # a disabled plugin's models leave the picker

    def open_library(self) -> LibraryDialog:
        """One library window, kept while downloads run in it."""
        if getattr(self, "library", None) is None:
            self.library = LibraryDialog(self.app, self.settings_bridge, self)
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
        wait_until_idle(lambda: not self.transfer.busy, 60000)
        self.docs_dock.shutdown()
        self.documents.cancel_and_wait(10000)
        self.models.loader.wait(60000)
        self.models.catalog.wait(30000)
        self.api_server.shutdown()
        self.settings_bridge.wait(10000)  # a change still being saved is kept
        self.settings_bridge.close()
        super().closeEvent(event)
