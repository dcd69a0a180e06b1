"""A second program on the X display that drags files, the way a file manager does.

Run as ``python drag_source.py FILE...``: shows a small window in the top-left corner; a
mouse press on it starts a real drag (XDND) carrying the files' URLs, so a test can drag them
onto another program's window with ``xdotool`` (press here, move there, release).
"""

from __future__ import annotations

import sys

from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QDrag
from PySide6.QtWidgets import QApplication, QLabel


class Source(QLabel):
    def __init__(self, paths: list[str]) -> None:
        super().__init__("drag me")
        self.paths = paths
        self.setWindowTitle("drag-source")
        self.setAlignment(Qt.AlignmentFlag.AlignCenter)
        self.setGeometry(0, 0, 160, 80)

    def mousePressEvent(self, event) -> None:
        mime = QMimeData()
        mime.setUrls([QUrl.fromLocalFile(p) for p in self.paths])
        drag = QDrag(self)
        drag.setMimeData(mime)
        result = drag.exec(Qt.DropAction.CopyAction)
        print(f"drag finished: {result}", flush=True)


if __name__ == "__main__":
    app = QApplication(sys.argv[:1])
    source = Source(sys.argv[1:])
    source.show()
    sys.exit(app.exec())
