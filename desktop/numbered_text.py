"""Read-only lines of a file with its own line numbers in a gutter and a span highlighted."""

from __future__ import annotations

from fireside.assistant.documents.source_preview import TextWindow
from PySide6.QtCore import QRect, QRectF, QSize, Qt
from PySide6.QtGui import QColor, QFont, QFontDatabase, QPainter, QTextCursor, QTextFormat
from PySide6.QtWidgets import QPlainTextEdit, QTextEdit, QWidget

HIGHLIGHT = QColor(255, 214, 0, 110)  # a highlighter's yellow, readable on light and dark


class _Gutter(QWidget):
    def __init__(self, editor: NumberedText) -> None:
        super().__init__(editor)
        self.editor = editor

    def sizeHint(self) -> QSize:
        return QSize(self.editor.gutter_width(), 0)

    def paintEvent(self, event) -> None:
        self.editor.paint_gutter(event.rect())


class NumberedText(QPlainTextEdit):
    """Read-only lines with the file's own line numbers in a gutter (not in the text, so
    copying a passage copies just the passage)."""

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.first_line = 1
        self.span = (0, 0)  # block numbers of the cited lines, end exclusive
        self.setReadOnly(True)
        self.setLineWrapMode(QPlainTextEdit.LineWrapMode.NoWrap)
        self.setFont(QFontDatabase.systemFont(QFontDatabase.SystemFont.FixedFont))
        self.gutter = _Gutter(self)
        self.blockCountChanged.connect(self._update_margins)
        self.updateRequest.connect(self._on_update_request)
        self._update_margins()

    def gutter_width(self) -> int:
        last = self.first_line + max(1, self.blockCount()) - 1
        return 16 + self.fontMetrics().horizontalAdvance("9") * len(str(last))

    def show_window(self, window: TextWindow) -> None:
        self.first_line = window.first_line
        self.span = (window.span_start, window.span_end)
        self.setPlainText(window.text)
        self._update_margins()
        selections = []
        block = self.document().findBlockByNumber(window.span_start)
        while block.isValid() and block.blockNumber() < window.span_end:
            sel = QTextEdit.ExtraSelection()
            sel.format.setBackground(HIGHLIGHT)
            sel.format.setProperty(QTextFormat.Property.FullWidthSelection, True)
            sel.cursor = QTextCursor(block)
            selections.append(sel)
            block = block.next()
        self.setExtraSelections(selections)
        self.setTextCursor(QTextCursor(self.document().findBlockByNumber(window.span_start)))
        self.centre_on_span()

    def centre_on_span(self) -> None:
        self.centerCursor()
        self.gutter.update()

    def _update_margins(self) -> None:
        self.setViewportMargins(self.gutter_width(), 0, 0, 0)

    def _on_update_request(self, rect: QRect, dy: int) -> None:
        if dy:
            self.gutter.scroll(0, dy)
        else:
            self.gutter.update(0, rect.y(), self.gutter.width(), rect.height())

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        cr = self.contentsRect()
        self.gutter.setGeometry(QRect(cr.left(), cr.top(), self.gutter_width(), cr.height()))

    def paint_gutter(self, area: QRect) -> None:
        painter = QPainter(self.gutter)
        palette = self.palette()
        painter.fillRect(area, palette.alternateBase())
        dim, bold = palette.placeholderText().color(), QFont(self.font())
        bold.setBold(True)
        height = self.fontMetrics().height()
        block = self.firstVisibleBlock()
        top = self.blockBoundingGeometry(block).translated(self.contentOffset()).top()
        while block.isValid() and top <= area.bottom():
            bottom = top + self.blockBoundingRect(block).height()
            if bottom >= area.top():
                number = block.blockNumber()
                cited = self.span[0] <= number < self.span[1]
                painter.setFont(bold if cited else self.font())
                painter.setPen(palette.text().color() if cited else dim)
                painter.drawText(
                    QRectF(0, top, self.gutter.width() - 8, height),
                    Qt.AlignmentFlag.AlignRight | Qt.AlignmentFlag.AlignVCenter,
                    str(self.first_line + number),
                )
            block, top = block.next(), bottom
        painter.end()
