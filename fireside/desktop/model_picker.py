"""Choose the model: the bundled demo, recently used GGUFs, or "Open GGUF…".

The picker only says what the user chose; loading (and refusing a file that is broken or
too big) is the model loader's job, after which the window calls ``set_current`` — or puts
the previous choice back when loading failed.
"""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path

from PySide6.QtCore import QT_TRANSLATE_NOOP, QCoreApplication, Qt, Signal
from PySide6.QtWidgets import QComboBox, QFileDialog, QWidget

OPEN_ITEM = "__open__"
GGUF_FILTER = QT_TRANSLATE_NOOP("ModelPicker", "GGUF models (*.gguf);;All files (*)")


class ModelPicker(QComboBox):
    model_chosen = Signal(str)  # a path
    open_requested = Signal()

    def __init__(self, describe: Callable[[str], str], parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("ModelPicker")
        self.setMinimumContentsLength(28)
        self.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        self.setToolTip(self.tr("The model that answers (Ctrl+O opens a GGUF file)"))
        self._describe = describe
        self._current: str | None = None
        self.activated.connect(self._on_activated)

    def set_models(self, bundled: str | None, recent: list[str], current: str | None) -> None:
        """Fill the list: bundled first, then recent files, then the Open item."""
        self.blockSignals(True)
        self.clear()
        seen: set[str] = set()
        for path in ([bundled] if bundled else []) + list(recent) + ([current] if current else []):
            if path and path not in seen:
                seen.add(path)
                label = self._describe(path)
                if not Path(path).exists():
                    label += self.tr(" (missing)")
                self.addItem(label, path)
                self.setItemData(self.count() - 1, path, Qt.ItemDataRole.ToolTipRole)
        self.insertSeparator(self.count())
        self.addItem(self.tr("Open GGUF…"), OPEN_ITEM)
        self.blockSignals(False)
        self.set_current(current)

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
        parent, QCoreApplication.translate("ModelPicker", "Open a GGUF model"), start_dir,
        QCoreApplication.translate("ModelPicker", GGUF_FILTER))
    return path or None
