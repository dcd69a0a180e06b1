"""A dismissable strip above the transcript for things the user must read.

Errors (a model that failed to load, a reply that failed) and notes (the bundled demo
model, document chat not available) appear here in words, never only in a log, and never
as a modal box that blocks the window.
"""

from __future__ import annotations

from collections.abc import Callable

from PySide6.QtCore import Qt
from PySide6.QtWidgets import QFrame, QHBoxLayout, QLabel, QPushButton, QToolButton


class Notice(QFrame):
    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Notice")
        layout = QHBoxLayout(self)
        layout.setContentsMargins(12, 8, 8, 8)
        self.label = QLabel()
        self.label.setWordWrap(True)
        self.label.setTextFormat(Qt.TextFormat.RichText)
        self.label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
        self.action = QPushButton()
        self.close_button = QToolButton(text="✕", autoRaise=True)
        self.close_button.setToolTip(self.tr("Dismiss"))
        self.close_button.clicked.connect(self.hide)
        layout.addWidget(self.label, 1)
        layout.addWidget(self.action)
        layout.addWidget(self.close_button, 0, Qt.AlignmentFlag.AlignTop)
        self._callback: Callable[[], None] | None = None
        self.action.clicked.connect(self._on_action)
        self.kind = ""
        self.origin = ""
        self.hide()

    def show_message(
        self,
        text: str,
        kind: str = "info",
        action: str | None = None,
        callback: Callable[[], None] | None = None,
        origin: str = "",
    ) -> None:
        """``kind`` is "info" or "error"; an optional button runs ``callback``. ``origin``
        names who said it, so that news from one part (a model loaded) clears only what
        that part said, never a failed reply shown meanwhile."""
        self.kind = kind
        self.origin = origin
        self.setProperty("kind", kind)
        self.style().unpolish(self)
        self.style().polish(self)
        prefix = "<b>" + self.tr("Error:") + "</b> " if kind == "error" else ""
        self.label.setText(prefix + _escape(text))
        self.action.setVisible(bool(action))
        self.action.setText(action or "")
        self._callback = callback
        self.show()

    def clear(self, origin: str) -> None:
        """Hide the notice if what it shows came from ``origin``."""
        if self.origin == origin:
            self.hide()

    def text(self) -> str:
        return self.label.text()

    def _on_action(self) -> None:
        if self._callback is not None:
            self._callback()


def _escape(text: str) -> str:
    return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;")
