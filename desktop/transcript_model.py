"""The visible thread of one conversation as a Qt list model, including the live reply.

Rows are cheap plain records (``TranscriptItem``); the delegate turns them into painted
documents only when they are on screen. A long chat opens with its newest ``WINDOW``
messages; earlier ones join (``load_earlier``) as the user scrolls up, so the list that is
relaid out while a reply grows stays short. The streaming reply is one row whose text grows by
appending (``append_live``) — nothing is re-rendered per token; listeners get just the new
piece through ``live_appended``. Version counts (``< 2/3 >``) are asked of the history store
lazily, for rows that are actually painted.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from fireside.assistant.conversation import Message
from fireside.assistant.history import HistoryStore
from fireside.desktop.message_extras import display_text
from PySide6.QtCore import (
    QAbstractListModel,
    QCoreApplication,
    QModelIndex,
    QPersistentModelIndex,
    Qt,
    Signal,
)

ItemRole = Qt.ItemDataRole.UserRole + 1
WINDOW = 200  # messages shown at first; more join in steps of this size


@dataclass
class TranscriptItem:
    """One row. ``key`` identifies it for caches; ``revision`` bumps when its text changes."""

    role: str
    message_id: int | None = None
    status: str = "complete"
    model: str | None = None
    live: bool = False
    error: str | None = None
    tokens_per_s: float | None = None
    parts: list[str] = field(default_factory=list)
    revision: int = 0
    versions: tuple[int, int] | None = None  # (1-based index, count), filled lazily
    key: int = 0  # the message id; negative for rows not stored yet
    rating: str | None = None  # the user's "up" or "down" on a reply
    rating_reason: str | None = None
    images: list[dict] = field(default_factory=list)  # a question's pictures (thumbnails)
    support: list = field(default_factory=list)  # sentence verdicts of a reply from documents

    @property
    def text(self) -> str:
        if len(self.parts) > 1:
            self.parts[:] = ["".join(self.parts)]
        return self.parts[0] if self.parts else ""

    @classmethod
    def from_message(cls, msg: Message) -> TranscriptItem:
        tps = (msg.timings or {}).get("tokens_per_s")
        error = None
        if msg.status == "error":
            reason = (msg.timings or {}).get("error")
            if reason:
                error = reason
            elif not msg.content:
                error = QCoreApplication.translate(
                    "TranscriptModel", "This reply failed; Retry asks again."
                )
        return cls(
            role=msg.role,
            message_id=msg.id,
            status=msg.status,
            model=msg.model,
            parts=[display_text(msg)],
            tokens_per_s=tps,
            key=msg.id,
            error=error,
            rating=msg.rating,
            rating_reason=msg.rating_reason,
            images=list(msg.images or []),
            support=list(msg.support or []) if msg.role == "assistant" else [],
        )


def visible(messages: list[Message]) -> list[Message]:
    return [m for m in messages if m.role in ("user", "assistant")]


class TranscriptModel(QAbstractListModel):
    """Rows of the current thread; the chat panel edits it as turns start, stream and end."""

    live_appended = Signal(int, str)  # row, the new text

    def __init__(self, history: HistoryStore, parent=None) -> None:
        super().__init__(parent)
        self._history = history
        self._items: list[TranscriptItem] = []
        self._earlier: list[TranscriptItem] = []  # older rows not in the list yet
        self._last_key = 0
        self.conversation_id: int | None = None

    # -- Qt model API -----------------------------------------------------------------------
    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._items)

    def data(self, index, role: int = Qt.ItemDataRole.DisplayRole):
        if not index.isValid() or index.row() >= len(self._items):
            return None
        item = self._items[index.row()]
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.DisplayRole:
            return item.text
        return None

    def flags(self, index) -> Qt.ItemFlag:
        return (
            Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsEditable
            if index.isValid()
            else Qt.ItemFlag.NoItemFlags
        )

    # -- reading ----------------------------------------------------------------------------
    def item(self, row: int) -> TranscriptItem:
        return self._items[row]

    def items(self) -> list[TranscriptItem]:
        return list(self._items)

    def live_row(self) -> int | None:
        for row in range(len(self._items) - 1, -1, -1):
            if self._items[row].live:
                return row
        return None

    def last_user_row(self) -> int | None:
        for row in range(len(self._items) - 1, -1, -1):
            if self._items[row].role == "user" and self._items[row].message_id is not None:
                return row
        return None

    def versions(self, row: int) -> tuple[int, int]:
        """(index, count) of this message's versions; asked of history once, then kept."""
        item = self._items[row]
        if item.versions is None:
            if item.message_id is None or item.live:
                return (1, 1)
            ids = [m.id for m in self._history.siblings(item.message_id)]
            item.versions = (
                ids.index(item.message_id) + 1 if item.message_id in ids else 1,
                len(ids) or 1,
            )
        return item.versions

    def sibling_id(self, row: int, step: int) -> int | None:
        """The id of the previous (-1) or next (+1) version of the message in ``row``."""
        item = self._items[row]
        if item.message_id is None:
            return None
        ids = [m.id for m in self._history.siblings(item.message_id)]
        pos = ids.index(item.message_id) + step
        return ids[pos] if 0 <= pos < len(ids) else None

    # -- changing ---------------------------------------------------------------------------
    def _new_key(self) -> int:
        self._last_key -= 1
        return self._last_key

    def load(self, conversation_id: int | None, messages: list[Message]) -> None:
        items = [TranscriptItem.from_message(m) for m in visible(messages)]
        split = max(0, len(items) - WINDOW)
        self.beginResetModel()
        self.conversation_id = conversation_id
        self._earlier, self._items = items[:split], items[split:]
        self.endResetModel()

    @property
    def offset(self) -> int:
        """How many earlier messages of the thread are not rows (yet)."""
        return len(self._earlier)

    def load_earlier(self, count: int = WINDOW) -> int:
        """Put up to ``count`` earlier messages at the top; returns how many."""
        n = min(count, len(self._earlier))
        if n:
            batch = self._earlier[-n:]
            del self._earlier[-n:]
            self.beginInsertRows(QModelIndex(), 0, n - 1)
            self._items[0:0] = batch
            self.endInsertRows()
        return n

    def replace_from(self, row: int, messages: list[Message]) -> None:
        """Drop rows from ``row`` on and append ``messages`` (a branch switch, a resend)."""
        self.truncate(row)
        self.append_items([TranscriptItem.from_message(m) for m in visible(messages)])

    def truncate(self, row: int) -> None:
        if row < len(self._items):
            self.beginRemoveRows(QModelIndex(), row, len(self._items) - 1)
            del self._items[row:]
            self.endRemoveRows()

    def append_items(self, items: list[TranscriptItem]) -> int:
        if items:
            first = len(self._items)
            self.beginInsertRows(QModelIndex(), first, first + len(items) - 1)
            self._items.extend(items)
            self.endInsertRows()
        return len(self._items) - 1

    def add_pending_user(self, text: str) -> int:
        """Show the user's words at once; the id arrives with ``TurnStarted``."""
        return self.append_items([TranscriptItem(role="user", parts=[text], key=self._new_key())])

    def begin_live(self, text: str = "", model: str | None = None) -> int:
        return self.append_items(
            [
                TranscriptItem(
                    role="assistant",
                    live=True,
                    status="streaming",
                    key=self._new_key(),
                    parts=[text] if text else [],
                    model=model,
                )
            ]
        )

    def set_user_id(self, message_id: int | None) -> None:
        """Attach the stored id to the newest pending user row (``TurnStarted``)."""
        for row in range(len(self._items) - 1, -1, -1):
            item = self._items[row]
            if item.role == "user" and item.message_id is None:
                item.message_id = message_id
                item.versions = None
                self._changed(row)
                return

    def replace_user(self, message: Message) -> None:
        """Show the stored question (with its pictures) in place of its pending row."""
        for row, item in enumerate(self._items):
            if item.role == "user" and item.message_id == message.id:
                self._items[row] = TranscriptItem.from_message(message)
                self._changed(row)
                return

    def append_live(self, text: str) -> None:
        row = self.live_row()
        if row is None or not text:
            return
        self._items[row].parts.append(text)
        self.live_appended.emit(row, text)

    def finish_live(self, message: Message) -> None:
        """The reply is stored: the row becomes an ordinary message and is rendered once."""
        row = self.live_row()
        if row is None:
            return
        item = TranscriptItem.from_message(message)
        self._items[row] = item
        self._changed(row)

    def fail_live(self, error: str) -> None:
        row = self.live_row()
        if row is None:
            return
        item = self._items[row]
        item.live, item.status, item.error = False, "error", error
        item.revision += 1
        self._changed(row)

    def remove_pending(self) -> str | None:
        """Undo an optimistic user row that was never stored (and its live reply).

        Returns the user's text so it can go back into the input box; None when the user's
        message had been stored (then the rows stay and the reply is marked failed).
        """
        live = self.live_row()
        user_row = live - 1 if live is not None else len(self._items) - 1
        if user_row < 0:
            return None
        item = self._items[user_row]
        if item.role != "user" or item.message_id is not None:
            return None
        self.truncate(user_row)
        return item.text

    def refresh_row(self, row: int) -> None:
        """The row's text changed in place (e.g. tool details expanded): redraw it."""
        self._changed(row)

    def _changed(self, row: int) -> None:
        index = self.index(row)
        self.dataChanged.emit(index, index)
