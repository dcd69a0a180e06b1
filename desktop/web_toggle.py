"""The globe beside the message box: whether this chat may search the web and read pages.

Off unless the user turns it on (``web.enabled`` is the default of a new chat). On, the
model is offered the web tools, and "search the web for ..." or a pasted URL goes straight
to them; every network call is still put to the user first. The globe is drawn here (an
emoji would show as a box where no emoji font is installed).
"""

from __future__ import annotations

from PySide6.QtCore import QRectF, Qt
from PySide6.QtGui import QIcon, QPainter, QPalette, QPen, QPixmap
from PySide6.QtWidgets import QToolButton


def globe_icon(color, size: int = 32) -> QIcon:
    pixmap = QPixmap(size, size)
    pixmap.fill(Qt.GlobalColor.transparent)
    painter = QPainter(pixmap)
    painter.setRenderHint(QPainter.RenderHint.Antialiasing)
    painter.setPen(QPen(color, size / 14))
    m = size * 0.1
    box = QRectF(m, m, size - 2 * m, size - 2 * m)
    painter.drawEllipse(box)
    painter.drawEllipse(box.adjusted(box.width() * 0.28, 0, -box.width() * 0.28, 0))
    mid = size / 2
    painter.drawLine(int(m), int(mid), int(size - m), int(mid))
    painter.drawLine(int(mid), int(m), int(mid), int(size - m))
    painter.end()
    return QIcon(pixmap)


class WebToggle(QToolButton):
    """A checkable button; ``toggled(bool)`` says the chat's new choice."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("WebToggle")
        self.setCheckable(True)
        self.setToolButtonStyle(Qt.ToolButtonStyle.ToolButtonTextBesideIcon)
        self.setCursor(Qt.CursorShape.PointingHandCursor)
        self.setText(self.tr("Web"))
        self.setAccessibleName(self.tr("Use the web in this chat"))
        self.setIcon(globe_icon(self.palette().color(QPalette.ColorRole.ButtonText)))
        self.toggled.connect(self._describe)
        self._describe(False)

    def _describe(self, on: bool) -> None:
        self.setToolTip(
            self.tr("The web is on for this chat: it may search and read pages, asking first")
            if on
            else self.tr("The web is off for this chat; click to let it search and read pages")
        )
