"""Where the user types: Enter sends, Shift+Enter breaks the line, Up edits the last message.

The same box edits an earlier message: ``begin_edit`` fills it and shows an "Editing" bar;
Enter then resends as a new version (the original is kept) and Esc cancels. The Send button
turns into Stop while a reply streams.
"""

from __future__ import annotations

from pathlib import Path

from fireside.desktop.image_attachments import AttachmentStrip, is_picture_file
from fireside.models.image_files import IMAGE_EXTENSIONS
from PySide6.QtCore import QEvent, QMimeData, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QFontMetrics, QImage, QKeyEvent
from PySide6.QtWidgets import (
    QFileDialog,
    QHBoxLayout,
    QLabel,
    QPlainTextEdit,
    QPushButton,
    QToolButton,
    QVBoxLayout,
    QWidget,
)

MAX_LINES = 8


class InputBox(QPlainTextEdit):
    submitted = Signal()
    up_in_empty = Signal()
    escape_pressed = Signal()
    page_key = Signal(QKeyEvent)
    image_pasted = Signal(QImage)
    pictures_pasted = Signal(list)  # paths of picture files (pasted or dropped on the box)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("InputBox")
        self.setPlaceholderText(
            self.tr("Message the assistant — Enter to send, Shift+Enter for a new line")
        )
        self.setTabChangesFocus(True)
        self.document().contentsChanged.connect(self._fit_height)
        self._fit_height()

    def keyPressEvent(self, event: QKeyEvent) -> None:
        key, mods = event.key(), event.modifiers()
        if key in (Qt.Key.Key_Return, Qt.Key.Key_Enter):
            if mods & Qt.KeyboardModifier.ShiftModifier:
                self.insertPlainText("\n")
            else:
                self.submitted.emit()
            return
        if key == Qt.Key.Key_Up and not self.toPlainText():
            self.up_in_empty.emit()
            return
        if key == Qt.Key.Key_Escape:
            self.escape_pressed.emit()
            return
        if key in (Qt.Key.Key_PageUp, Qt.Key.Key_PageDown):
            self.page_key.emit(event)
            return
        super().keyPressEvent(event)

    # -- pictures: pasted (Ctrl+V) or dropped on the box go with the message -------------------
    def canInsertFromMimeData(self, source: QMimeData) -> bool:  # noqa: N802 - Qt's name
        return source.hasImage() or bool(_pictures(source)) or super().canInsertFromMimeData(source)

    def insertFromMimeData(self, source: QMimeData) -> None:  # noqa: N802 - Qt's name
        pictures = _pictures(source)
        if pictures:
            self.pictures_pasted.emit(pictures)
        elif source.hasImage():
            self.image_pasted.emit(QImage(source.imageData()))
        else:
            super().insertFromMimeData(source)

    def _fit_height(self) -> None:
        """Grow with the text up to ``MAX_LINES`` lines, then scroll.

        An empty box is as tall as its placeholder: in a narrow window (the documents panel
        open, a long Chinese hint) the hint wraps, and a one-line box would show half of it.
        """
        line = QFontMetrics(self.font()).lineSpacing()
        text = int(self.document().size().height()) * line
        if self.document().isEmpty():
            text = max(text, self.placeholder_height())
        text = max(line, min(MAX_LINES * line, text))
        chrome = max(0, self.height() - self.viewport().height())  # frame, padding, border
        self.setFixedHeight(text + 2 * int(self.document().documentMargin()) + chrome + 2)

    def placeholder_height(self) -> int:
        """The height of the placeholder as Qt draws it: wrapped at words to the box's width,
        Chinese in a fallback font that may be taller than the box's own."""
        text = self.placeholderText()
        if not text:
            return 0
        margin = int(self.document().documentMargin())
        width = max(1, self.viewport().width() - 2 * margin)
        metrics = QFontMetrics(self.font())
        bound = QRect(0, 0, width, 100 * metrics.lineSpacing())
        return metrics.boundingRect(bound, Qt.TextFlag.TextWordWrap, text).height()

    def resizeEvent(self, event) -> None:
        super().resizeEvent(event)
        if event.size().width() != event.oldSize().width():
            # the placeholder wraps differently at another width; sized again once this
            # resize is over (a resize inside a resize leaves the viewport at its old height)
            QTimer.singleShot(0, self, self._fit_height)

    def event(self, event) -> bool:
        # the stylesheet's padding is known only once polished: size again then
        if event.type() in (QEvent.Type.Polish, QEvent.Type.StyleChange, QEvent.Type.Show):
            QTimer.singleShot(0, self, self._fit_height)  # dropped if the box is gone
        return super().event(event)


def _pictures(source: QMimeData) -> list[str]:
    paths = [Path(u.toLocalFile()) for u in source.urls() if u.isLocalFile()]
    return [str(p) for p in paths if is_picture_file(p)]


class Composer(QWidget):
    """The input box, the Send/Stop button, the editing bar and the pictures to send."""

    send_requested = Signal(str)
    edit_submitted = Signal(int, str)  # message id, new text
    stop_requested = Signal()
    edit_last_requested = Signal()

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Composer")
        self.box = InputBox()
        self.button = QPushButton(self.tr("Send"))
        self.button.setObjectName("SendButton")
        self.button.setCursor(Qt.CursorShape.PointingHandCursor)
        self.edit_bar = QLabel()
        self.edit_bar.setObjectName("EditBar")
        self.edit_bar.hide()
        self.attachments = AttachmentStrip(self)
        self.attach_button = QToolButton()
        self.attach_button.setObjectName("AttachButton")
        self.attach_button.setText(self.tr("Picture…"))
        self.attach_button.setToolTip(
            self.tr("Send a picture with the message (or paste one, or drop it on the chat)")
        )
        self.attach_button.clicked.connect(self.choose_pictures)
        self.row = row = QHBoxLayout()
        row.addWidget(self.attach_button, 0, Qt.AlignmentFlag.AlignBottom)
        row.addWidget(self.box, 1)
        row.addWidget(self.button, 0, Qt.AlignmentFlag.AlignBottom)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(16, 8, 16, 12)
        layout.addWidget(self.edit_bar)
        layout.addWidget(self.attachments)
        layout.addLayout(row)
        self.busy = False
        self.editing_id: int | None = None
        self.box.submitted.connect(self.submit)
        self.box.up_in_empty.connect(self.edit_last_requested)
        self.box.escape_pressed.connect(self._on_escape)
        self.box.image_pasted.connect(
            lambda image: self.attachments.add_image(image, self.tr("pasted picture"))
        )
        self.box.pictures_pasted.connect(self.attachments.add_files)
        self.button.clicked.connect(self._on_button)

    def choose_pictures(self) -> None:
        patterns = " ".join(f"*{ext}" for ext in IMAGE_EXTENSIONS)
        paths, _ = QFileDialog.getOpenFileNames(
            self,
            self.tr("Send pictures"),
            "",
            self.tr("Pictures ({patterns})").format(patterns=patterns),
        )
        if paths:
            self.attachments.add_files(paths)

    def add_accessory(self, widget: QWidget) -> None:
        """A control beside the box, at its bottom left (e.g. the documents picker)."""
        self.row.insertWidget(0, widget, 0, Qt.AlignmentFlag.AlignBottom)

    def set_busy(self, busy: bool) -> None:
        self.busy = busy
        self.button.setText(self.tr("Stop") if busy else self.tr("Send"))
        self.button.setToolTip(self.tr("Stop the reply (Esc)") if busy else self.tr("Send (Enter)"))

    def begin_edit(self, message_id: int, text: str) -> None:
        self.editing_id = message_id
        self.edit_bar.setText(
            self.tr(
                "Editing your message — Enter resends it as a new version "
                "(the original is kept), Esc cancels"
            )
        )
        self.edit_bar.show()
        self.box.setPlainText(text)
        self.box.moveCursor(self.box.textCursor().MoveOperation.End)
        self.box.setFocus()

    def cancel_edit(self) -> None:
        if self.editing_id is not None:
            self.editing_id = None
            self.edit_bar.hide()
            self.box.clear()

    def submit(self) -> None:
        text = self.box.toPlainText().strip()
        pictures = self.editing_id is None and bool(self.attachments.images)
        if (not text and not pictures) or self.busy:
            return
        self.box.clear()
        if self.editing_id is not None:
            message_id, self.editing_id = self.editing_id, None
            self.edit_bar.hide()
            self.edit_submitted.emit(message_id, text)
        else:
            self.send_requested.emit(text)

    def _on_button(self) -> None:
        if self.busy:
            self.stop_requested.emit()
        else:
            self.submit()

    def _on_escape(self) -> None:
        if self.busy:
            self.stop_requested.emit()
        else:
            self.cancel_edit()
