"""Pictures waiting to be sent with the next message: attached, pasted or dropped.

A strip of thumbnails above the message box; clicking one removes it. Files are read and
checked on a worker thread (the UI thread never waits on the disk); a pasted picture is
already in memory and is encoded as PNG here. What cannot be used (a damaged file, a picture
too large) is said in one line and nothing is attached. The engine checks again when the
message is sent, so every front end gets the same rules.
"""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.chat_images import MAX_IMAGES, ImageInput
from fireside.desktop.workers import Worker
from fireside.models.image_files import IMAGE_EXTENSIONS, thumbnail_png
from PySide6.QtCore import QBuffer, QByteArray, QIODevice, QSize, Qt, Signal
from PySide6.QtGui import QIcon, QImage, QPixmap
from PySide6.QtWidgets import QHBoxLayout, QToolButton, QWidget

THUMB = 56  # pixels


def is_picture_file(path: Path) -> bool:
    return path.suffix.lower() in IMAGE_EXTENSIONS


def read_picture(path: str) -> tuple[ImageInput, bytes]:
    """Worker side: the file and a thumbnail; ``ImageError``/``ImageFileError`` say why not."""
    image = ImageInput.from_path(path)
    return image, thumbnail_png(image.data, THUMB * 2, image.name)


def png_of(image: QImage) -> bytes:
    data = QByteArray()
    buffer = QBuffer(data)
    buffer.open(QIODevice.OpenModeFlag.WriteOnly)
    image.save(buffer, "PNG")
    buffer.close()
    return bytes(data.data())


class AttachmentStrip(QWidget):
    """The pictures of the message being written."""

    changed = Signal()
    failed = Signal(str)

    def __init__(self, parent: QWidget | None = None) -> None:
        super().__init__(parent)
        self.setObjectName("AttachmentStrip")
        self.images: list[ImageInput] = []
        self._buttons: list[QToolButton] = []
        self._workers: set[Worker] = set()
        self._layout = QHBoxLayout(self)
        self._layout.setContentsMargins(0, 0, 0, 4)
        self._layout.addStretch(1)
        self.hide()

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    def add_files(self, paths: list[str]) -> None:
        for path in paths:
            worker = Worker(read_picture, path)
            worker.returned.connect(lambda result: self._add(*result))
            worker.errored.connect(lambda exc: self.failed.emit(str(exc)))
            worker.finished.connect(lambda w=worker: self._workers.discard(w))
            self._workers.add(worker)
            worker.start()

    def restore(self, images: list[ImageInput]) -> None:
        """Put back the pictures of a message that could not be sent."""
        for image in images:
            worker = Worker(lambda i=image: (i, thumbnail_png(i.data, THUMB * 2, i.name)))
            worker.returned.connect(lambda result: self._add(*result))
            worker.errored.connect(lambda exc: self.failed.emit(str(exc)))
            worker.finished.connect(lambda w=worker: self._workers.discard(w))
            self._workers.add(worker)
            worker.start()

    def add_image(self, image: QImage, name: str) -> None:
        """A pasted picture (already decoded by Qt)."""
        if image.isNull():
            return
        thumb = image.scaled(
            THUMB * 2,
            THUMB * 2,
            Qt.AspectRatioMode.KeepAspectRatio,
            Qt.TransformationMode.SmoothTransformation,
        )
        self._add(ImageInput(png_of(image), name), png_of(thumb))

    def _add(self, image: ImageInput, thumb: bytes) -> None:
        if len(self.images) >= MAX_IMAGES:
            self.failed.emit(
                self.tr("At most {count} pictures go with one message.").format(count=MAX_IMAGES)
            )
            return
        button = QToolButton(self)
        button.setIcon(QIcon(QPixmap.fromImage(QImage.fromData(thumb))))
        button.setIconSize(QSize(THUMB, THUMB))
        button.setAutoRaise(True)
        button.setToolTip(self.tr("{name} — click to remove").format(name=image.name))
        button.setAccessibleName(image.name)
        button.clicked.connect(lambda: self._remove(button))
        self._layout.insertWidget(len(self._buttons), button)
        self._buttons.append(button)
        self.images.append(image)
        self.show()
        self.changed.emit()

    def _remove(self, button: QToolButton) -> None:
        index = self._buttons.index(button)
        self._buttons.pop(index)
        self.images.pop(index)
        button.deleteLater()
        self.setVisible(bool(self.images))
        self.changed.emit()

    def take(self) -> list[ImageInput]:
        """The pictures, for the message being sent; the strip empties."""
        images = list(self.images)
        for button in self._buttons:
            button.deleteLater()
        self._buttons.clear()
        self.images.clear()
        self.hide()
        self.changed.emit()
        return images
