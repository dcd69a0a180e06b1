"""Files the operating system asks the running app to open (macOS Finder's "Open With").

On macOS a double-clicked ``.gguf`` does not arrive as a command-line argument but as a
``QFileOpenEvent`` sent to the application, also while the app is already running. The
window treats it like a file dropped on it: a GGUF becomes the model.
"""

from __future__ import annotations

from pathlib import Path

from PySide6.QtCore import QEvent, QObject


class FileOpenFilter(QObject):
    """Hands file-open requests to ``open_paths`` (the window's drop handler)."""

    def __init__(self, open_paths, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._open_paths = open_paths

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:  # noqa: N802 - Qt's name
        if event.type() == QEvent.Type.FileOpen:
            path = event.file()
            if path:
                self._open_paths([Path(path)])
                return True
        return super().eventFilter(watched, event)
