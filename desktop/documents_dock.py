"""The documents side panel, with a switch that adds its collection to the current chat.

A dock beside the chat: the collection list and indexing controls (``DocumentsPanel``),
plus one check box, "Use in this chat", which adds the selected collection to the chats's
own choice of collections (the same choice as the picker beside the message box) or takes
it out. The box follows the chat: opening another chat shows that chat's choice.
"""

from __future__ import annotations

from fireside.assistant.app import App
from fireside.desktop.chat_panel import ChatPanel
from PySide6.QtWidgets import QCheckBox, QDockWidget, QVBoxLayout, QWidget


class DocumentsDock(QDockWidget):
    def __init__(self, app: App, chat: ChatPanel, parent=None) -> None:
        super().__init__(parent)
        self.setWindowTitle(self.tr("Documents"))
        self.app = app
        self.chat = chat
        self.panel = None  # built on first show: opening the store is disk work
        self.use_in_chat = QCheckBox(
            self.tr("Use this collection in the current chat (with sources)")
        )
        self.setMinimumWidth(380)  # file names, statuses and counts need the room
        body = QWidget()
        self._layout = QVBoxLayout(body)
        self._layout.addWidget(self.use_in_chat)
        self.setWidget(body)
        self.use_in_chat.toggled.connect(self._apply)
        self.visibilityChanged.connect(self._on_visible)
        self._chat_names: list[str] = list(chat.collections)
        chat.collections_changed.connect(self._on_chat_collections)
        chat.picker.manage_requested.connect(self._show)

    def _on_visible(self, visible: bool) -> None:
        if visible and self.panel is not None and not self.panel.busy:
            self.panel.refresh_collections()  # collections made elsewhere while it was hidden
            self._sync()
        if visible and self.panel is None:
            from fireside.desktop.documents_panel import DocumentsPanel

            app = self.app
            self.panel = DocumentsPanel(lambda: app.documents_store, registry=app.loaders)
            self.panel.collection_changed.connect(lambda _name: self._sync())
            self._layout.addWidget(self.panel, 1)
            self._sync()

    def _on_chat_collections(self, names: list[str]) -> None:
        """A collection just chosen for the chat (beside the message box) is shown here, even
        one made a moment ago by ``fireside docs add``."""
        added = [n for n in names if n not in self._chat_names]
        self._chat_names = list(names)
        if self.panel is not None and self.isVisible() and not self.panel.busy:
            if added:
                self.panel.select_collection(added[-1])
            else:
                self.panel.refresh_collections()
        self._sync()

    def _show(self) -> None:
        self.show()
        self.raise_()

    def _sync(self) -> None:
        """The box shows whether the current chat uses the selected collection (and is off
        while there is no collection to use)."""
        exists = self.panel is not None and self.panel.has_collections()
        self.use_in_chat.setEnabled(exists)
        on = exists and self.panel.selected_collection() in self.chat.collections
        self.use_in_chat.blockSignals(True)
        self.use_in_chat.setChecked(on)
        self.use_in_chat.blockSignals(False)

    def _apply(self, on: bool) -> None:
        if self.panel is None:
            return
        name = self.panel.selected_collection()
        names = [n for n in self.chat.collections if n != name] + ([name] if on else [])
        self.chat.set_collections(names)

    def refresh(self) -> None:
        if self.panel is not None:
            self.panel.refresh_collections()

    def shutdown(self) -> None:
        if self.panel is not None:
            self.panel.shutdown()
