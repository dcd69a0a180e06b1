"""Model > Remote connections…: add or remove the OpenAI-compatible servers Fireside uses.

Adding checks the server first (its model list, with the key) on the worker pool, so a
wrong URL or key is reported before anything is saved and the window never waits on the
network. The key goes to the system keyring (or a private file, with a warning); the
settings file only records where it is, through the settings bridge. The list follows the
settings, so a connection added elsewhere (``fireside models remote add``) appears here.
"""

from __future__ import annotations

from fireside.assistant.remote_sources import RemoteSources
from fireside.assistant.settings_store import affects
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.desktop.workers import Worker, wait_until_idle
from PySide6.QtCore import Qt, Signal
from PySide6.QtWidgets import (
    QComboBox,
    QDialog,
    QDialogButtonBox,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QListWidgetItem,
    QPushButton,
    QVBoxLayout,
)

from fireside.errors import FiresideError


class RemoteConnectionsDialog(QDialog):
    changed = Signal()  # a connection was added or removed here

    def __init__(self, remotes: RemoteSources, settings: SettingsBridge, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Remote connections"))
        self.remotes, self.settings = remotes, settings
        self._worker: Worker | None = None

        self.list = QListWidget()
        self.remove_button = QPushButton(self.tr("Remove"))
        self.name = QLineEdit(placeholderText=self.tr("gpu-box"))
        self.url = QLineEdit(placeholderText=self.tr("http://gpu-box:8000/v1"))
        self.key = QLineEdit(placeholderText=self.tr("none"))
        self.key.setEchoMode(QLineEdit.EchoMode.Password)
        self.key_env = QLineEdit(
            placeholderText=self.tr("or the name of a variable, e.g. %1").replace(
                "%1", "OPENAI_API_KEY"
            )
        )
        self.empty = QLabel(self.tr("No connections yet: fill in the form below to add one."))
        self.empty.setWordWrap(True)
        self.tools = QComboBox()
        self.tools.addItem(self.tr("Native (the server's tool calls)"), "native")
        self.tools.addItem(self.tr("In the prompt (servers without tool support)"), "prompt")
        self.add_button = QPushButton(self.tr("Check and add"))
        self.message = QLabel("")
        self.message.setWordWrap(True)
        note = QLabel(
            self.tr(
                "Models of a connection appear in the model picker as NAME/MODEL. Messages to a "
                "server on another computer leave this one; your history, documents and tools "
                "stay here."
            )
        )
        note.setWordWrap(True)

        form = QFormLayout()
        form.addRow(self.tr("Name"), self.name)
        form.addRow(self.tr("URL"), self.url)
        form.addRow(self.tr("API key"), self.key)
        form.addRow(self.tr("Key variable"), self.key_env)
        form.addRow(self.tr("Tools"), self.tools)
        row = QHBoxLayout()
        row.addStretch(1)
        row.addWidget(self.add_button)
        top = QHBoxLayout()
        top.addWidget(self.list, 1)
        top.addWidget(self.empty, 1)
        top.addWidget(self.remove_button, 0, Qt.AlignmentFlag.AlignTop)
        buttons = QDialogButtonBox(QDialogButtonBox.StandardButton.Close)
        layout = QVBoxLayout(self)
        layout.addWidget(note)
        layout.addLayout(top)
        layout.addLayout(form)
        layout.addLayout(row)
        layout.addWidget(self.message)
        layout.addWidget(buttons)

        self.add_button.clicked.connect(self.check_and_add)
        self.remove_button.clicked.connect(self.remove_selected)
        buttons.rejected.connect(self.reject)
        self.list.currentItemChanged.connect(
            lambda item, _old: self.remove_button.setEnabled(item is not None)
        )
        self.message.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.resize(680, 480)
        settings.changed.connect(self._on_settings_changed)
        self.refresh()

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        if affects(keys, "remote.connections"):
            self.refresh()

    def refresh(self) -> None:
        selected = self.list.currentItem()
        keep = selected.data(Qt.ItemDataRole.UserRole) if selected is not None else None
        self.list.clear()
        for conn in self.remotes.connections():
            item = QListWidgetItem(f"{conn.name} — {conn.base_url}")
            item.setData(Qt.ItemDataRole.UserRole, conn.name)
            self.list.addItem(item)
            if conn.name == keep:
                self.list.setCurrentItem(item)
        self.remove_button.setEnabled(self.list.currentItem() is not None)
        self.list.setVisible(self.list.count() > 0)
        self.empty.setVisible(self.list.count() == 0)

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def check_and_add(self) -> None:
        if self.busy:
            return
        name, url = self.name.text().strip(), self.url.text().strip()
        if not name or not url:
            self._say(self.tr("Give the connection a name and the server's URL."), error=True)
            return
        key = self.key.text().strip() or None
        env = self.key_env.text().strip() or None
        self._say(self.tr("Checking %1…").replace("%1", url))
        self.add_button.setEnabled(False)
        worker = Worker(self._probe, name, url, key, env)
        worker.returned.connect(lambda models: self._on_checked(name, url, key, env, models))
        worker.errored.connect(self._on_error)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        worker.start()

    def _probe(self, name: str, url: str, key: str | None, env: str | None):
        return self.remotes.probe(name, url, api_key=key, api_key_env=env)

    def _on_checked(self, name, url, key, env, models) -> None:
        try:
            conn, warning = self.remotes.add(
                name,
                url,
                api_key=key,
                api_key_env=env,
                tools=self.tools.currentData(),
                update=self.settings.update,  # the list refreshes as the settings change
            )
        except FiresideError as exc:
            self._say(str(exc), error=True)
            return
        for field in (self.name, self.url, self.key, self.key_env):
            field.clear()  # ready for the next one
        text = self.tr("Added %1 with %n model(s).", "", len(models)).replace("%1", conn.name)
        if warning:
            text += " " + self.tr("Warning: %1").replace("%1", warning)
        self._say(text)
        self.changed.emit()

    def _on_error(self, exc: BaseException) -> None:
        self._say(str(exc) if isinstance(exc, FiresideError) else repr(exc), error=True)

    def _on_finished(self) -> None:
        self._worker = None
        self.add_button.setEnabled(True)

    def remove_selected(self) -> None:
        item = self.list.currentItem()
        if item is None:
            return
        try:
            conn = self.remotes.remove(
                item.data(Qt.ItemDataRole.UserRole), update=self.settings.update
            )
        except FiresideError as exc:
            self._say(str(exc), error=True)
            return
        self._say(self.tr("Removed %1 and forgot its key.").replace("%1", conn.name))
        self.changed.emit()

    def _say(self, text: str, error: bool = False) -> None:
        self.message.setText(text)
        self.message.setStyleSheet("color: #c0392b;" if error else "")

    def wait(self, timeout_ms: int = 30000) -> bool:
        return wait_until_idle(lambda: not self.busy, timeout_ms)

    def done(self, result: int) -> None:
        self.wait()  # a check in flight reports to this dialog: let it finish first
        super().done(result)
