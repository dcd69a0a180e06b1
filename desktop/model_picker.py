"""Choose the model: the bundled demo, recently used GGUFs, remote models, plugins' models,
or "Open GGUF…".

Each remote connection's models are listed under the connection's name, marked as remote;
those whose server is on another computer say plainly that messages leave this one. Models
offered by plugins are listed under the plugin's name.

The picker only says what the user chose; loading (and refusing a file that is broken or
too big) is the model loader's job, after which the window calls ``set_current`` — or puts
the previous choice back when loading failed.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path

from fireside.desktop.eliding_combo import ElidingComboBox
from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

OPEN_ITEM = "__open__"


@dataclass
class RemoteGroup:
    """One connection's models for the picker (or why there are none); with ``plugin``, one
    plugin's models, already full ids."""

    name: str
    url: str
    leaves_machine: bool
    models: list[str] = field(default_factory=list)
    error: str | None = None
    plugin: bool = False

    def ids(self) -> list[str]:
        return list(self.models) if self.plugin else [f"{self.name}/{m}" for m in self.models]


GGUF_FILTER = QT_TRANSLATE_NOOP("ModelPicker", "GGUF models (*.gguf);;All files (*)")


class ModelPicker(ElidingComboBox):
    model_chosen = Signal(str)  # a path
    open_requested = Signal()

    def __init__(
        self,
        describe: Callable[[str], str],
        parent=None,
        is_remote: Callable[[str], bool] = lambda path: False,
    ) -> None:
        super().__init__(parent)
        self._is_remote = is_remote
        self._remote: list[RemoteGroup] = []
        self.setObjectName("ModelPicker")
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.set_hint(self.tr("The model that answers (Ctrl+O opens a GGUF file)"))
        self._describe = describe
        self._current: str | None = None
        self.activated.connect(self._on_activated)

    def set_models(self, bundled: str | None, recent: list[str], current: str | None) -> None:
        """Fill the list: bundled first, then recent files, then the Open item."""
        self.blockSignals(True)
        self.clear()
        seen: set[str] = set()
        remote_ids = set(self.remote_ids())
        for path in ([bundled] if bundled else []) + list(recent) + ([current] if current else []):
            if path and path not in seen and path not in remote_ids:
                seen.add(path)
                label = self._describe(path)
                if self._is_remote(path):
                    label = self.tr("%1 (remote)").replace("%1", label)
                elif not Path(path).exists():
                    label += self.tr(" (missing)")
                self.addItem(label, path)
                self.setItemData(self.count() - 1, path, Qt.ItemDataRole.ToolTipRole)
        for group in self._remote:
            self._add_group(group)
        self.insertSeparator(self.count())
        self.addItem(self.tr("Open GGUF…"), OPEN_ITEM)
        self.blockSignals(False)
        self.set_current(current)

    def set_remote(self, groups: list[RemoteGroup]) -> None:
        """The connections' models, as fetched off the UI thread; the list is rebuilt."""
        self._remote = list(groups)

    def remote_ids(self) -> list[str]:
        return [model_id for g in self._remote for model_id in g.ids()]

    def _add_group(self, group: RemoteGroup) -> None:
        self.insertSeparator(self.count())
        if group.plugin:
            self._add_plugin_group(group)
            return
        where = (
            self.tr("messages leave this computer")
            if group.leaves_machine
            else self.tr("on this computer")
        )
        header = self.tr("%1 — remote, %2").replace("%1", group.name).replace("%2", where)
        if group.error:
            header = self.tr("%1 — not reachable").replace("%1", group.name)
        self.addItem(header, None)
        item = self.model().item(self.count() - 1)
        item.setEnabled(False)
        item.setToolTip(group.error or group.url)
        for model in group.models:
            model_id = f"{group.name}/{model}"
            label = "    ⇄ " + model_id  # an arrow to and from another program
            self.addItem(label, model_id)
            tip = (
                self.tr("Your messages to %1 are sent to %2").replace("%1", model_id)
                if group.leaves_machine
                else self.tr("%1 runs in a server on this computer (%2)").replace("%1", model_id)
            ).replace("%2", group.url)
            self.setItemData(self.count() - 1, tip, Qt.ItemDataRole.ToolTipRole)

    def _add_plugin_group(self, group: RemoteGroup) -> None:
        self.addItem(self.tr("%1 — plugin").replace("%1", group.name), None)
        self.model().item(self.count() - 1).setEnabled(False)
        for model_id in group.ids():
            self.addItem("    " + model_id, model_id)
            tip = self.tr("%1 is offered by the plugin %2").replace("%1", model_id)
            self.setItemData(
                self.count() - 1, tip.replace("%2", group.name), Qt.ItemDataRole.ToolTipRole
            )

    def set_current(self, path: str | None) -> None:
        self._current = path
        index = self.findData(path) if path else -1
        if index < 0 and path:
            self.insertItem(0, self._describe(path), path)
            index = 0
        self.blockSignals(True)
        self.setCurrentIndex(max(index, 0))
        self.blockSignals(False)

    def current_path(self) -> str | None:
        return self._current

    def mark_sees_images(self, path: str, sees: bool) -> None:
        """Once a model is loaded the picker says whether it sees pictures."""
        index = self.findData(path)
        if index < 0:
            return
        label = self._describe(path)
        if sees:
            label = self.tr("{model} — sees images").format(model=label)
        self.setItemText(index, label)

    def _on_activated(self, index: int) -> None:
        data = self.itemData(index)
        if data == OPEN_ITEM:
            self.set_current(self._current)
            self.open_requested.emit()
        elif data and data != self._current:
            self.model_chosen.emit(data)


def ask_for_gguf(parent: QWidget, start_dir: str = "") -> str | None:
    """The file dialog; None when cancelled."""
    path, _ = QFileDialog.getOpenFileName(
        parent,
        QCoreApplication.translate("ModelPicker", "Open a GGUF model"),
        start_dir,
        QCoreApplication.translate("ModelPicker", GGUF_FILTER),
    )
    return path or None
