"""The conversation list: newest first, filtered as you type, renamed in place, deleted.

The list model adapts ``HistoryStore.list_conversations`` directly; renaming writes through
``HistoryStore.rename``. Searching is debounced a little so typing a word runs one query,
not one per key.
"""

from __future__ import annotations

from fireside.assistant.conversation import Conversation
from fireside.assistant.history import HistoryStore
from PySide6.QtCore import QAbstractListModel, QEvent, QModelIndex, QPoint, Qt, QTimer, Signal
from PySide6.QtGui import QContextMenuEvent, QFontMetrics
from PySide6.QtWidgets import (
    QAbstractItemView,
    QLabel,
    QLineEdit,
    QListView,
    QMenu,
    QMessageBox,
    QPushButton,
    QVBoxLayout,
    QWidget,
)

SEARCH_DELAY_MS = 120


class ConversationListModel(QAbstractListModel):
    IdRole = Qt.ItemDataRole.UserRole + 1

    def __init__(self, history: HistoryStore, parent=None) -> None:
        super().__init__(parent)
        self._history = history
        self._rows: list[Conversation] = []
        self.query = ""

    def refresh(self, query: str | None = None) -> None:
        if query is not None:
            self.query = query
        self.beginResetModel()
        self._rows = self._history.list_conversations(self.query.strip() or None)
        self.endResetModel()

    def rowCount(self, parent=QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid():
            return None
        conv = self._rows[index.row()]
        if role in (Qt.ItemDataRole.DisplayRole, Qt.ItemDataRole.EditRole):
            return conv.title
        if role == Qt.ItemDataRole.ToolTipRole:
            return f"{conv.title}\n{conv.updated_at[:16].replace('T', ' ')} UTC"
        if role == self.IdRole:
            return conv.id
        return None

    def flags(self, index) -> Qt.ItemFlag:
        return super().flags(index) | Qt.ItemFlag.ItemIsEditable

    def setData(self, index, value, role: int = Qt.ItemDataRole.EditRole) -> bool:
        title = str(value).strip()
        if role != Qt.ItemDataRole.EditRole or not title:
            return False
        conv = self._rows[index.row()]
        self._history.rename(conv.id, title)
        conv.title = title
        self.dataChanged.emit(index, index)
        return True

    def row_of(self, conversation_id: int | None) -> int:
        for row, conv in enumerate(self._rows):
            if conv.id == conversation_id:
                return row
        return -1

    def ids(self) -> list[int]:
        return [c.id for c in self._rows]

    def titles(self) -> list[str]:
        return [c.title for c in self._rows]


class ChatList(QListView):
    """The list of chats. The right button only opens the context menu: it neither selects
    nor starts a rename (the menu's Rename does, and F2).

    The menu opens when the button is released, not pressed: opened on the press it sits
    under the pointer, and a release a few pixels lower chooses its first item.
    """

    menu_requested = Signal(QPoint)  # where, in the viewport

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._right_down = False

    def mousePressEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            self._right_down = True
            event.accept()
            return
        super().mousePressEvent(event)

    def mouseReleaseEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            if self._right_down:
                self._right_down = False
                self.menu_requested.emit(event.position().toPoint())
            return
        super().mouseReleaseEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        if event.button() == Qt.MouseButton.RightButton:
            event.accept()
            return
        super().mouseDoubleClickEvent(event)

    def contextMenuEvent(self, event: QContextMenuEvent) -> None:
        event.accept()
        if event.reason() == QContextMenuEvent.Reason.Mouse:
            return  # the mouse's menu opens on the release (above)
        index = self.currentIndex()  # the keyboard's menu key: the current chat's menu
        if index.isValid():
            self.menu_requested.emit(self.visualRect(index).center())


class Sidebar(QWidget):
    conversation_selected = Signal(int)
    new_chat_requested = Signal()
    conversation_deleted = Signal(int)
    refused = Signal(str)
    export_requested = Signal(list)  # conversation ids

    def __init__(self, history: HistoryStore, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("Sidebar")
        self.setAttribute(Qt.WidgetAttribute.WA_StyledBackground, True)
        self.history = history
        self.model = ConversationListModel(history, self)
        self.new_button = QPushButton("＋  " + self.tr("New chat"))
        self.new_button.setToolTip(self.tr("New chat (Ctrl+N)"))
        self.search = QLineEdit(
            placeholderText=self.tr("Search chats  (Ctrl+K)"), clearButtonEnabled=True
        )
        # the sidebar is never so narrow that the hint is cut: room for it, the clear button
        # and the frame
        hint = QFontMetrics(self.search.font()).horizontalAdvance(self.search.placeholderText())
        self.search.setMinimumWidth(hint + 40)
        self.list = ChatList()
        self.list.setModel(self.model)
        self.list.setEditTriggers(QAbstractItemView.EditTrigger.EditKeyPressed)
        # Ctrl/Shift-click selects several chats to export together
        self.list.setSelectionMode(QAbstractItemView.SelectionMode.ExtendedSelection)
        self.list.setUniformItemSizes(True)
        self.list.setTextElideMode(Qt.TextElideMode.ElideRight)
        self.list.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(10, 10, 10, 10)
        layout.addWidget(self.new_button)
        layout.addWidget(self.search)
        self.no_match = QLabel()
        self.no_match.setWordWrap(True)
        self.no_match.setObjectName("Hint")
        self.no_match.hide()
        layout.addWidget(self.no_match)
        layout.addWidget(self.list, 1)
        self.search.installEventFilter(self)
        self._debounce = QTimer(
            self, singleShot=True, interval=SEARCH_DELAY_MS, timeout=self._run_search
        )
        self.search.textChanged.connect(lambda _text: self._debounce.start())
        self.new_button.clicked.connect(self.new_chat_requested)
        self.list.clicked.connect(self._on_clicked)
        self.list.menu_requested.connect(self._context_menu)
        self.current_id: int | None = None
        self.protected_id: int | None = None  # the chat a reply is being written into
        self.model.refresh()

    def refresh(self) -> None:
        self.model.refresh()
        self.select(self.current_id)

    def _run_search(self) -> None:
        query = self.search.text()
        self.model.refresh(query)
        self.select(self.current_id)
        empty = bool(query.strip()) and self.model.rowCount() == 0
        self.no_match.setText(
            self.tr("No chats match “{query}”. Esc clears the search.").format(query=query.strip())
        )
        self.no_match.setVisible(empty)

    def eventFilter(self, watched, event) -> bool:
        """Esc in a search with text clears it (and wins over the window's Esc, Stop)."""
        if watched is self.search and self.search.text():
            is_esc = event.type() in (QEvent.Type.ShortcutOverride, QEvent.Type.KeyPress) and (
                event.key() == Qt.Key.Key_Escape
            )
            if is_esc:
                event.accept()
                if event.type() == QEvent.Type.KeyPress:
                    self.search.clear()
                return event.type() == QEvent.Type.KeyPress
        return super().eventFilter(watched, event)

    def select(self, conversation_id: int | None) -> None:
        self.current_id = conversation_id
        row = self.model.row_of(conversation_id)
        if row >= 0:
            self.list.setCurrentIndex(self.model.index(row))
        else:
            self.list.clearSelection()

    def _on_clicked(self, index) -> None:
        conversation_id = index.data(ConversationListModel.IdRole)
        if conversation_id is not None and conversation_id != self.current_id:
            self.conversation_selected.emit(conversation_id)

    def _context_menu(self, pos) -> None:
        index = self.list.indexAt(pos)
        if not index.isValid():
            return
        conversation_id = index.data(ConversationListModel.IdRole)
        menu = QMenu(self)
        rename = menu.addAction(self.tr("Rename"))
        export = menu.addAction(self.tr("Export…"))
        delete = menu.addAction(self.tr("Delete…"))
        chosen = menu.exec(self.list.viewport().mapToGlobal(pos))
        # acted on once the menu is closed: an editor opened while it closes would lose the
        # focus to the list, and Esc would then not reach it
        if chosen is rename:
            self.rename(conversation_id)
        elif chosen is export:
            self.export_requested.emit(self._chosen(index))
        elif chosen is delete:
            self.delete(conversation_id)

    def rename(self, conversation_id: int) -> None:
        """Edit the chat's title in place: Enter keeps the new title, Esc the old one."""
        row = self.model.row_of(conversation_id)
        if row >= 0:
            index = self.model.index(row)
            self.list.setFocus()
            self.list.edit(index)

    def _chosen(self, index) -> list[int]:
        """The selected chats when the clicked one is among them, else the clicked one."""
        selected = [i.data(ConversationListModel.IdRole) for i in self.list.selectedIndexes()]
        clicked = index.data(ConversationListModel.IdRole)
        return selected if clicked in selected else [clicked]

    def delete(self, conversation_id: int, confirm: bool = True) -> bool:
        if conversation_id == self.protected_id:
            self.refused.emit(
                self.tr(
                    "This chat is still generating a reply; stop it first, then delete the chat."
                )
            )
            return False
        if confirm:
            answer = QMessageBox.question(
                self,
                self.tr("Delete chat"),
                self.tr("Delete this chat and all its messages? This cannot be undone."),
            )
            if answer != QMessageBox.StandardButton.Yes:
                return False
        self.history.delete_conversation(conversation_id)
        self.conversation_deleted.emit(conversation_id)
        self.refresh()
        return True

    def keyPressEvent(self, event) -> None:
        index = self.list.currentIndex()
        if event.key() == Qt.Key.Key_Delete and index.isValid():
            self.delete(index.data(ConversationListModel.IdRole))
            return
        super().keyPressEvent(event)
