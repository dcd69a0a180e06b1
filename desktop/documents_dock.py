"""The documents side panel and the switch that makes the chat answer from a collection.

A dock beside the chat: the collection list and indexing controls (``DocumentsPanel``),
plus one check box, "Answer from this collection", which routes the next messages through
document retrieval with citations instead of plain chat.
"""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QDockWidget, QVBoxLayout, QWidget

from assistant.app import App
from desktop.chat_panel import ChatPanel


class DocumentsDock(QDockWidget):
    def __init__(self, app: App, chat: ChatPanel, parent=None) -> None:
        super().__init__("Documents", parent)
        self.app = app
        self.chat = chat
        self.panel = None  # built on first show: opening the store is disk work
        self.use_in_chat = QCheckBox("Answer from this collection (with sources)")
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.addWidget(self.use_in_chat)
        self.setWidget(body)
        self.use_in_chat.toggled.connect(self._apply)
        self.visibilityChanged.connect(self._on_visible)

    def _on_visible(self, visible: bool) -> None:
        if visible and self.panel is None:
            from assistant.documents.service import loader_registry, open_store
            from desktop.documents_panel import DocumentsPanel

            app = self.app
            self.panel = DocumentsPanel(
                lambda: open_store(app.paths), registry=loader_registry(app.settings)
            )
            self.panel.collection_changed.connect(lambda _name: self._apply())
            self._layout.addWidget(self.panel, 1)

    def _apply(self, *_args) -> None:
        on = self.use_in_chat.isChecked() and self.panel is not None
        self.chat.collection = self.panel.selected_collection() if on else None
        if on:
            self.chat.status_message.emit(
                f"Answering from the '{self.chat.collection}' collection"
            )

    def refresh(self) -> None:
        if self.panel is not None:
            self.panel.refresh_collections()

    def shutdown(self) -> None:
        if self.panel is not None:
            self.panel.shutdown()
