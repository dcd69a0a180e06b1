"""A combo box for names the user chose: a long one is shown elided, never cut.

A model file or a document collection may have a name longer than any window is wide.
Qt's combo box clips its text at the edge, mid-letter; this one draws it elided (in the
middle by default, so a file name keeps its quantisation and extension) and puts the whole
name in its tooltip, above the combo box's own hint. The ``elides`` property tells the
window walk in the tests that an elided text here is on purpose.
"""

from __future__ import annotations

from PySide6.QtCore import Qt
from PySide6.QtGui import QFontMetrics, QPalette
from PySide6.QtWidgets import QComboBox, QStyle, QStyleOptionComboBox, QStylePainter, QWidget


class ElidingComboBox(QComboBox):
    def __init__(
        self, parent: QWidget | None = None, mode: Qt.TextElideMode = Qt.TextElideMode.ElideMiddle
    ) -> None:
        super().__init__(parent)
        self.setProperty("elides", True)
        self._mode = mode
        self._hint = ""

    def set_hint(self, text: str) -> None:
        """What the tooltip says under the current name."""
        self._hint = text
        self._update_tip()

    def _update_tip(self) -> None:
        tip = "\n".join(t for t in (self.currentText(), self._hint) if t)
        if tip != self.toolTip():
            self.setToolTip(tip)

    def paintEvent(self, _event) -> None:
        # the items may be refilled with signals blocked: the tooltip follows what is drawn
        self._update_tip()
        painter = QStylePainter(self)
        painter.setPen(self.palette().color(self.foregroundRole()))
        option = QStyleOptionComboBox()
        self.initStyleOption(option)
        if self.currentIndex() < 0 and self.placeholderText():  # as QComboBox draws it
            option.palette.setBrush(QPalette.ColorRole.ButtonText, option.palette.placeholderText())
            option.currentText = self.placeholderText()
        painter.drawComplexControl(QStyle.ComplexControl.CC_ComboBox, option)
        field = self.style().subControlRect(
            QStyle.ComplexControl.CC_ComboBox, option, QStyle.SubControl.SC_ComboBoxEditField, self
        )
        icon = 0 if option.currentIcon.isNull() else option.iconSize.width() + 4
        option.currentText = QFontMetrics(self.font()).elidedText(
            option.currentText, self._mode, max(0, field.width() - icon)
        )
        painter.drawControl(QStyle.ControlElement.CE_ComboBoxLabel, option)
