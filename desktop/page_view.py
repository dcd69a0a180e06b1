"""A rendered PDF page with the cited passage marked as if with a highlighter."""

from __future__ import annotations

from PySide6.QtCore import QPointF, QRectF, Qt
from PySide6.QtGui import QColor, QImage, QPainter, QPainterPath
from PySide6.QtWidgets import QWidget

PAGE_HIGHLIGHT = QColor(255, 221, 0)  # multiplied onto the page: paper turns yellow, ink stays


class PageView(QWidget):
    """A rendered page with the cited passage marked as if with a highlighter."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.image = QImage()
        self.highlights: list[QRectF] = []  # logical pixels

    def set_page(self, image: QImage, highlights: list[QRectF]) -> None:
        self.image = image
        self.highlights = highlights
        self.setFixedSize(image.deviceIndependentSize().toSize())
        self.update()

    def paintEvent(self, event) -> None:
        painter = QPainter(self)
        painter.drawImage(QPointF(0, 0), self.image)
        if self.highlights:
            path = QPainterPath()
            path.setFillRule(Qt.FillRule.WindingFill)
            for rect in self.highlights:
                path.addRect(rect)
            # one simplified shape: overlapping boxes do not show darker seams
            painter.setCompositionMode(QPainter.CompositionMode.CompositionMode_Multiply)
            painter.fillPath(path.simplified(), PAGE_HIGHLIGHT)
        painter.end()
