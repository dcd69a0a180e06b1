"""The library's Settings tab: the models folder, the hub address (a mirror), the access
token and the extra folders to list models from.

The fields follow the ``library`` settings wherever they change (``fireside models
folders add``), in the fields not being edited, and Save writes only the fields edited
here. The token goes to the secret store on a worker, never into the settings.
"""

from __future__ import annotations

from fireside.assistant.app import App
from fireside.assistant.library_config import HUB_TOKEN
from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import affects
from fireside.desktop.library.background import Background
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.models.library.hub import default_endpoint
from PySide6.QtCore import Signal
from PySide6.QtWidgets import (
    QFileDialog,
    QFormLayout,
    QHBoxLayout,
    QLabel,
    QLineEdit,
    QListWidget,
    QPushButton,
    QWidget,
)

from fireside.secret_store import IN_KEYRING


class LibrarySettingsTab(QWidget):
    message = Signal(str, bool)  # a line for the window's message line; whether an error
    library_changed = Signal()  # the library's settings or token changed: open it again

    def __init__(
        self,
        app: App,
        settings: SettingsBridge,
        background: Background,
        parent: QWidget | None = None,
    ) -> None:
        super().__init__(parent)
        self.app = app
        self.settings = settings
        self._background = background
        self._shown_library: dict = {}
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
        form = QFormLayout(self)
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

    def _choose_models_dir(self) -> None:
        path = QFileDialog.getExistingDirectory(
            self.window(), self.tr("Models folder"), self.models_dir.text()
        )
        if path:
            self.models_dir.setText(path)

    def _add_folder(self) -> None:
        path = QFileDialog.getExistingDirectory(self.window(), self.tr("A folder with GGUF models"))
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
        self._shown_library = {**self._shown_library, **shown}

    def follow_settings(self, keys: frozenset[str]) -> None:
        """The settings changed (here or elsewhere): show them where not being edited."""
        if not affects(keys, "library"):
            return
        now, fresh = self._field_values(), self._library_values()
        untouched = {
            k: v for k, v in fresh.items() if now[k] == self._shown_library[k] and now[k] != v
        }
        self._show_library(untouched, fresh)
        self.library_changed.emit()

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
            self._background.run(self.app.secrets.set, self._token_saved, HUB_TOKEN, token)
        if not affects(changed, "library"):  # else reopened as the settings changed
            self.library_changed.emit()

    def _forget_token(self) -> None:
        self.token.clear()
        self._background.run(
            self.app.secrets.delete,
            lambda _r: (
                self.message.emit(self.tr("Access token removed"), False),
                self.library_changed.emit(),
            ),
            HUB_TOKEN,
        )

    def _token_saved(self, where: str) -> None:
        self.message.emit(
            self.tr("Access token saved ({0})").format(
                self.tr("system keyring") if where == IN_KEYRING else where
            ),
            False,
        )
        self.library_changed.emit()
