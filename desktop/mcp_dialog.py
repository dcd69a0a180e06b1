"""Tools > MCP servers: the configured servers, their state, last error and tools.

Starting a server, listing its tools and writing ``mcp.json`` all happen in a worker: the
window stays responsive while a slow server starts. Each action (refresh, add, remove,
enable, disable, import) is one function run off the UI thread that returns the fresh
statuses, which the tree is rebuilt from.
"""

from __future__ import annotations

import shlex
from collections.abc import Callable

from fireside.assistant.mcp.config import ServerConfig, read_config_file
from fireside.assistant.mcp.connection import ServerStatus
from fireside.assistant.mcp.manager import McpManager
from fireside.desktop.workers import Worker
from PySide6.QtCore import Qt
from PySide6.QtGui import QColor
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QHeaderView,
    QLabel,
    QLineEdit,
    QPlainTextEdit,
    QPushButton,
    QTreeWidget,
    QTreeWidgetItem,
    QVBoxLayout,
    QWidget,
)

ERROR_COLOR = QColor("#c62828")
ROLE_SERVER = Qt.ItemDataRole.UserRole


def _pairs(text: str) -> dict[str, str]:
    pairs = {}
    for line in text.splitlines():
        key, sep, value = line.strip().partition("=")
        if sep and key.strip():
            pairs[key.strip()] = value.strip()
    return pairs


class AddServerDialog(QDialog):
    """Name, and either a command line (stdio) or a URL (Streamable HTTP)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Add an MCP server"))
        self.setMinimumWidth(480)  # the example command line shows whole, in any language
        self.name = QLineEdit()
        self.kind = QComboBox()
        self.kind.addItem(self.tr("Command (stdio)"), "stdio")
        self.kind.addItem(self.tr("URL (Streamable HTTP)"), "http")
        self.command = QLineEdit()
        self.command.setPlaceholderText(self.tr("e.g. npx -y @modelcontextprotocol/server-memory"))
        self.url = QLineEdit()
        self.url.setPlaceholderText(self.tr("http://127.0.0.1:8000/mcp"))
        self.pairs = QPlainTextEdit()
        self.pairs.setPlaceholderText(self.tr("KEY=value, one per line"))
        self.pairs.setMaximumHeight(80)
        self.error = QLabel()
        self.error.setStyleSheet(f"color: {ERROR_COLOR.name()}")
        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("Kind"), self.kind)
        form.addRow(self.tr("Command"), self.command)
        form.addRow(self.tr("URL"), self.url)
        self.pairs_label = QLabel(self.tr("Environment"))
        form.addRow(self.pairs_label, self.pairs)
        buttons = QDialogButtonBox(
            QDialogButtonBox.StandardButton.Ok | QDialogButtonBox.StandardButton.Cancel
        )
        buttons.accepted.connect(self._accept)
        buttons.rejected.connect(self.reject)
        layout = QVBoxLayout(self)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(buttons)
        self.kind.currentIndexChanged.connect(self._kind_changed)
        self._kind_changed()
        self.server: ServerConfig | None = None

    def _kind_changed(self) -> None:
        http = self.kind.currentData() == "http"
        self.command.setEnabled(not http)
        self.url.setEnabled(http)
        self.pairs_label.setText(self.tr("Headers") if http else self.tr("Environment"))

    def build(self) -> ServerConfig:
        """The server as entered; ``FiresideError`` (McpConfigError) when it is not valid."""
        name = self.name.text().strip()
        if self.kind.currentData() == "http":
            data = {"url": self.url.text().strip(), "headers": _pairs(self.pairs.toPlainText())}
        else:
            try:
                words = shlex.split(self.command.text())
            except ValueError as exc:
                words = []
                self.error.setText(self.tr("The command is not valid: %1").replace("%1", str(exc)))
            data = {
                "command": words[0] if words else "",
                "args": words[1:],
                "env": _pairs(self.pairs.toPlainText()),
            }
        return ServerConfig.from_json(name, data, self.tr("New server"))

    def _accept(self) -> None:
        try:
            self.server = self.build()
        except Exception as exc:  # noqa: BLE001 - shown in the dialog, which stays open
            self.error.setText(str(exc))
            return
        self.accept()


class McpServersDialog(QDialog):
    """One row per server (tick to enable), its tools or its error beneath it."""

    def __init__(self, manager: McpManager, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.manager = manager
        self.setWindowTitle(self.tr("MCP servers"))
        self.tree = QTreeWidget()
        self.tree.setColumnCount(3)
        self.tree.setHeaderLabels([self.tr("Server"), self.tr("State"), self.tr("Details")])
        header = self.tree.header()  # sized to the header's words too, in any language
        header.setSectionResizeMode(0, QHeaderView.ResizeMode.ResizeToContents)
        header.setSectionResizeMode(1, QHeaderView.ResizeMode.ResizeToContents)
        header.setStretchLastSection(True)
        self.status = QLabel()
        self.add_button = QPushButton(self.tr("Add…"))
        self.import_button = QPushButton(self.tr("Import…"))
        self.remove_button = QPushButton(self.tr("Remove"))
        self.refresh_button = QPushButton(self.tr("Restart"))
        close = QPushButton(self.tr("Close"))
        buttons = QHBoxLayout()
        for b in (self.add_button, self.import_button, self.remove_button, self.refresh_button):
            buttons.addWidget(b)
        buttons.addStretch(1)
        buttons.addWidget(close)
        layout = QVBoxLayout(self)
        intro = QLabel(
            self.tr(
                "MCP servers give the assistant more tools. Their tools ask before they "
                "run. Servers are set in mcp.json, the format Claude Desktop, Cursor and "
                "LM Studio use."
            )
        )
        intro.setWordWrap(True)
        layout.addWidget(intro)
        layout.addWidget(self.tree, 1)
        layout.addWidget(self.status)
        layout.addLayout(buttons)
        # ``clicked`` passes its ``checked`` flag: it must not arrive as the server or path
        self.add_button.clicked.connect(lambda: self.add_server())
        self.import_button.clicked.connect(lambda: self.import_file())
        self.remove_button.clicked.connect(self.remove_selected)
        self.refresh_button.clicked.connect(self.restart_selected)
        close.clicked.connect(self.accept)
        self.tree.itemChanged.connect(self._on_item_changed)
        self.tree.currentItemChanged.connect(lambda *_: self._set_busy(self.busy))
        self._worker: Worker | None = None
        self._pending: list[Callable[[], object]] = []
        self.statuses: list[ServerStatus] = []
        self.resize(720, 460)
        self.refresh()

    # -- background work -------------------------------------------------------------------
    def _run(self, change: Callable[[], object] | None = None) -> None:
        """Apply ``change`` (a config edit) and fetch fresh statuses, off the UI thread."""
        if self._worker is not None:
            self._pending.append(change or (lambda: None))
            return

        def work() -> list[ServerStatus]:
            if change is not None:
                change()
            return self.manager.statuses(start=True)

        self.status.setText(self.tr("Starting servers…"))
        self._set_busy(True)
        worker = Worker(work)
        worker.returned.connect(self._show)
        worker.errored.connect(self._failed)
        worker.finished.connect(self._done)
        self._worker = worker
        worker.start()

    def _set_busy(self, busy: bool) -> None:
        """Remove and Restart act on the selected server: off while none is selected."""
        chosen = getattr(self, "tree", None) is not None and self._selected() is not None
        for b in (self.add_button, self.import_button):
            b.setEnabled(not busy)
        for b in (self.remove_button, self.refresh_button):
            b.setEnabled(not busy and chosen)

    def _failed(self, exc: object) -> None:
        self.status.setText(str(exc))

    def _done(self) -> None:
        self._worker = None
        self._set_busy(False)
        if self._pending:
            change = self._pending.pop(0)
            self._run(change)

    @property
    def busy(self) -> bool:
        return self._worker is not None or bool(self._pending)

    def refresh(self) -> None:
        self._run()

    # -- the tree --------------------------------------------------------------------------
    def _show(self, statuses: list[ServerStatus]) -> None:
        self.statuses = statuses
        self.tree.blockSignals(True)
        self.tree.clear()
        for s in statuses:
            row = QTreeWidgetItem([s.name, self._state_text(s), f"{s.transport}: {s.target}"])
            row.setData(0, ROLE_SERVER, s.name)
            row.setFlags(row.flags() | Qt.ItemFlag.ItemIsUserCheckable)
            row.setCheckState(0, Qt.CheckState.Checked if s.enabled else Qt.CheckState.Unchecked)
            self.tree.addTopLevelItem(row)
            if s.error and s.state != "running":
                error = QTreeWidgetItem(["", self.tr("error"), s.error])
                error.setForeground(2, ERROR_COLOR)
                error.setToolTip(2, s.error)
                row.addChild(error)
            for tool in s.tools:
                child = QTreeWidgetItem([tool.name, "", tool.description])
                child.setToolTip(2, tool.description)
                row.addChild(child)
            row.setExpanded(True)
        self.tree.blockSignals(False)
        self._set_busy(self.busy)
        if self.manager.config_error:
            self.status.setText(self.manager.config_error)
        elif not statuses:
            self.status.setText(self.tr("No MCP servers yet: Add… or Import… one."))
        else:
            running = sum(1 for s in statuses if s.state == "running")
            self.status.setText(
                self.tr("%1 of %2 servers running")
                .replace("%1", str(running))
                .replace("%2", str(len(statuses)))
            )

    def _state_text(self, s: ServerStatus) -> str:
        names = {
            "running": self.tr("running, %1 tools").replace("%1", str(len(s.tools))),
            "disabled": self.tr("disabled"),
            "stopped": self.tr("stopped"),
            "starting": self.tr("starting"),
            "restarting": self.tr("restarting"),
            "failed": self.tr("failed"),
        }
        return names.get(s.state, s.state)

    def item(self, name: str) -> QTreeWidgetItem | None:
        for i in range(self.tree.topLevelItemCount()):
            row = self.tree.topLevelItem(i)
            if row.data(0, ROLE_SERVER) == name:
                return row
        return None

    def _selected(self) -> str | None:
        item = self.tree.currentItem()
        while item is not None and item.parent() is not None:
            item = item.parent()
        return item.data(0, ROLE_SERVER) if item is not None else None

    # -- actions ---------------------------------------------------------------------------
    def _on_item_changed(self, item: QTreeWidgetItem, column: int) -> None:
        name = item.data(0, ROLE_SERVER)
        if column != 0 or name is None:
            return
        enabled = item.checkState(0) == Qt.CheckState.Checked
        self._run(lambda: self.manager.config.set_enabled(name, enabled))

    def add_server(self, server: ServerConfig | None = None) -> None:
        if server is None:
            dialog = AddServerDialog(self)
            if dialog.exec() != QDialog.DialogCode.Accepted or dialog.server is None:
                return
            server = dialog.server
        self._run(lambda: self.manager.config.put(server, replace=True))

    def import_file(self, path: str | None = None) -> None:
        if not path:
            path, _ = QFileDialog.getOpenFileName(
                self, self.tr("Import MCP servers"), "", self.tr("JSON files (*.json)")
            )
            if not path:
                return

        def change() -> None:
            for server in read_config_file(path):
                self.manager.config.put(server, replace=True)

        self._run(change)

    def remove_selected(self) -> None:
        name = self._selected()
        if name is not None:
            self._run(lambda: self.manager.config.remove(name))

    def restart_selected(self) -> None:
        name = self._selected()
        self._run((lambda: self.manager.restart(name)) if name else None)
