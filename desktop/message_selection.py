"""Selecting part of a message: a double-click puts a selectable copy over the message.

Painted rows are pictures, so text cannot be selected in them. Double-clicking a message
opens a read-only text view with the same document exactly over it; selecting, Ctrl+C and
links work there, and it goes away when it loses focus or on Esc (the list view's usual
editor life cycle). Only one exists at a time, so long chats stay cheap.
"""

from __future__ import annotations

from fireside.desktop.message_docs import DocumentCache
from fireside.desktop.transcript_model import TranscriptItem
from PySide6.QtCore import Qt, QUrl, Signal
from PySide6.QtWidgets import QFrame, QTextBrowser, QWidget


class SelectableMessage(QTextBrowser):
    link_activated = Signal(str)

    def __init__(self, parent: QWidget, docs: DocumentCache, item: TranscriptItem) -> None:
        super().__init__(parent)
        self.setObjectName("SelectableMessage")
        self.setFrameShape(QFrame.Shape.NoFrame)
        self.setReadOnly(True)
        self.setOpenLinks(False)
        self.setVerticalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setTextInteractionFlags(Qt.TextInteractionFlag.TextBrowserInteraction)
        self.viewport().setAutoFillBackground(False)
        self.setStyleSheet("QTextBrowser { background: transparent; }")
        # the same document the row paints, so the text lands exactly where it was
        self.setDocument(docs.document(item).clone(self))
        self.anchorClicked.connect(self._on_anchor)

    def _on_anchor(self, url: QUrl) -> None:
        self.link_activated.emit(url.toString())
