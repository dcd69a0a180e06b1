"""The scrolling transcript: a list view that follows the live reply and stays smooth.

What it adds to ``QListView``:
- sticking to the bottom while a reply streams, unless the user scrolled up to read;
- growing the live row by appending to its document, relaying out the list only when the
  row crosses a height step (not per token);
- measuring rows whose height was only estimated, a few milliseconds at a time, keeping the
  first visible row in place when heights above it become exact;
- bringing in earlier messages of a long chat when the user scrolls to the top;
- hover feedback and a context menu for the per-message actions the delegate draws.
"""

from __future__ import annotations

import time

from fireside.desktop.message_docs import DocumentCache
from fireside.desktop.transcript_delegate import MessageDelegate
from fireside.desktop.transcript_model import TranscriptModel
from PySide6.QtCore import QEvent, QPersistentModelIndex, QPoint, QRect, Qt, QTimer, Signal
from PySide6.QtGui import QColor, QCursor, QPainter
from PySide6.QtWidgets import QAbstractItemView, QListView, QMenu, QToolTip

MEASURE_SLICE_S = 0.005


class TranscriptView(QListView):
    action_triggered = Signal(str, int)  # "copy", "regenerate", "edit", "prev", "next"; row
    link_activated = Signal(str, int)

    def __init__(
        self, model: TranscriptModel, delegate: MessageDelegate, docs: DocumentCache, parent=None
    ) -> None:
        super().__init__(parent)
        self._model, self._delegate, self._docs = model, delegate, docs
        self.stick_to_bottom = True
        self.exposed_rect: QRect | None = None
        self.empty_text = self.tr(
            "Ask anything. Replies are written on this computer by a "
            "local model; nothing leaves it."
        )
        self._scan = -1
        self._anchor: tuple[QPersistentModelIndex, int] | None = None
        self._loading_earlier = False
        self._last_relayout = 0.0
        self._measure_timer = QTimer(self, interval=0, timeout=self._measure_some)
        self.setModel(model)
        delegate.model = model
        self.setItemDelegate(delegate)
        self.setObjectName("Transcript")
        self.setVerticalScrollMode(QAbstractItemView.ScrollMode.ScrollPerPixel)
        self.setHorizontalScrollBarPolicy(Qt.ScrollBarPolicy.ScrollBarAlwaysOff)
        self.setSelectionMode(QAbstractItemView.SelectionMode.NoSelection)
        self.setEditTriggers(QAbstractItemView.EditTrigger.NoEditTriggers)
        self.setFocusPolicy(Qt.FocusPolicy.NoFocus)
        self.setFrameShape(QListView.Shape.NoFrame)
        self.setMouseTracking(True)
        self.verticalScrollBar().setSingleStep(24)
        bar = self.verticalScrollBar()
        bar.rangeChanged.connect(self._on_range_changed)
        bar.valueChanged.connect(self._on_scrolled)
        delegate.action_triggered.connect(self.action_triggered)
        delegate.link_activated.connect(self.link_activated)
        model.live_appended.connect(self._on_live_appended)
        model.modelReset.connect(self._restart_measuring)
        model.rowsInserted.connect(self._restart_measuring)
        model.dataChanged.connect(lambda *_: self.scheduleDelayedItemsLayout())

    # -- following the reply ----------------------------------------------------------------
    def _on_scrolled(self, value: int) -> None:
        self.stick_to_bottom = value >= self.verticalScrollBar().maximum() - 4
        if value == 0 and self._model.offset and not self._loading_earlier:
            self._loading_earlier = True
            QTimer.singleShot(0, self, self._load_earlier)  # dropped if the view is gone

    def _load_earlier(self) -> None:
        """Prepend earlier messages, keeping the row the user is looking at in place."""
        anchor = QPersistentModelIndex(self.indexAt(QPoint(4, 4)))
        self._anchor = (anchor, self.visualRect(anchor).top() if anchor.isValid() else 0)
        self._model.load_earlier()
        self.doItemsLayout()
        self._loading_earlier = False

    def _on_range_changed(self, _minimum: int, maximum: int) -> None:
        if self.stick_to_bottom:
            self.verticalScrollBar().setValue(maximum)

    def scroll_to_end(self) -> None:
        self.stick_to_bottom = True
        self.verticalScrollBar().setValue(self.verticalScrollBar().maximum())

    def _on_live_appended(self, row: int, text: str) -> None:
        item = self._model.item(row)
        before, _ = self._delegate.body_height(item)
        unchanged_above = int(self._docs.append_live(item, text))
        after, _ = self._delegate.body_height(item)
        if after != before:
            self.scheduleDelayedItemsLayout()
            return
        body = self._delegate.body_rect(self.visualRect(self._model.index(row)), item)
        top = body.top() + unchanged_above  # only the lines that changed, not the footer
        self.viewport().update(QRect(body.left(), top, body.width(), body.bottom() - top + 1))

    # -- layout -----------------------------------------------------------------------------
    def doItemsLayout(self) -> None:
        """Relayout, keeping the first visible row where it was (or staying at the bottom)."""
        if self._anchor is not None:  # rows were inserted above: the old layout is stale
            (anchor, offset), self._anchor = self._anchor, None
        else:
            anchor = self.indexAt(QPoint(4, 4))
            offset = self.visualRect(anchor).top() if anchor.isValid() else 0
        super().doItemsLayout()
        self._last_relayout = time.perf_counter()
        bar = self.verticalScrollBar()
        if self.stick_to_bottom:
            bar.setValue(bar.maximum())
        elif anchor.isValid():
            bar.setValue(
                bar.value() + self.visualRect(self._model.index(anchor.row())).top() - offset
            )

    def resizeEvent(self, event) -> None:
        if self._docs.set_width(self._delegate.text_width(self.viewport().width())):
            self._delegate.estimated.clear()
            self._restart_measuring()
            self.scheduleDelayedItemsLayout()
        super().resizeEvent(event)

    def _restart_measuring(self, *_args) -> None:
        self._scan = self._model.rowCount() - 1
        self._measure_timer.start()

    def _measure_some(self) -> None:
        """Make estimated heights exact, newest rows first, a few milliseconds per call."""
        deadline = time.perf_counter() + MEASURE_SLICE_S
        changed = False
        while self._scan >= 0 and time.perf_counter() < deadline:
            item = self._model.item(self._scan) if self._scan < self._model.rowCount() else None
            self._scan -= 1
            if item is None or item.live or self._docs.known_height(item) is not None:
                continue
            self._docs.measure(item)
            if item.key in self._delegate.estimated:
                self._delegate.estimated.discard(item.key)
                changed = True
        done = self._scan < 0
        if done:
            self._measure_timer.stop()
        if changed and (done or time.perf_counter() - self._last_relayout > 0.25):
            self.scheduleDelayedItemsLayout()

    @property
    def measuring(self) -> bool:
        return self._measure_timer.isActive()

    def paintEvent(self, event) -> None:
        self.exposed_rect = event.rect()  # the delegate paints only what lies in it
        super().paintEvent(event)
        if self._model.rowCount() == 0 and self.empty_text:
            painter = QPainter(self.viewport())
            painter.setPen(QColor(self._delegate.colors.muted))
            painter.drawText(
                self.viewport().rect().adjusted(40, 0, -40, 0),
                Qt.AlignmentFlag.AlignCenter | Qt.TextFlag.TextWordWrap,
                self.empty_text,
            )
            painter.end()

    # -- mouse ------------------------------------------------------------------------------
    def _hit(self, pos: QPoint):
        index = self.indexAt(pos)
        if not index.isValid():
            return index, None
        return index, self._delegate.hit_test(index, self.visualRect(index), pos)

    def mouseMoveEvent(self, event) -> None:
        index, hit = self._hit(event.position().toPoint())
        hover = (index.row(), hit.value) if hit is not None and hit.kind == "action" else None
        self.viewport().setCursor(
            QCursor(Qt.CursorShape.PointingHandCursor if hit else Qt.CursorShape.ArrowCursor)
        )
        if hover != self._delegate.hover:
            self._delegate.hover = hover
            self.viewport().update()
        super().mouseMoveEvent(event)

    def viewportEvent(self, event) -> bool:
        """Tooltips inside a message: why a sentence is marked as not in the sources."""
        if event.type() == QEvent.Type.ToolTip:
            index = self.indexAt(event.pos())
            tip = self._delegate.tooltip_at(index, self.visualRect(index), event.pos())
            if tip:
                QToolTip.showText(event.globalPos(), tip, self.viewport())
            else:
                QToolTip.hideText()
            return True
        return super().viewportEvent(event)

    def mouseDoubleClickEvent(self, event) -> None:
        """Double-clicking a message's text opens a selectable copy of it over the row."""
        index, hit = self._hit(event.position().toPoint())
        if index.isValid() and hit is None:
            self.edit(index)
            return
        super().mouseDoubleClickEvent(event)

    def leaveEvent(self, event) -> None:
        if self._delegate.hover is not None:
            self._delegate.hover = None
            self.viewport().update()
        super().leaveEvent(event)

    def contextMenuEvent(self, event) -> None:
        index = self.indexAt(event.pos())
        if not index.isValid():
            return
        item = self._model.item(index.row())
        if item.live or item.message_id is None:
            return
        menu = QMenu(self)
        menu.addAction(
            self.tr("Copy message"), lambda: self.action_triggered.emit("copy", index.row())
        )
        if item.role == "assistant":
            menu.addAction(
                self.tr("Regenerate"), lambda: self.action_triggered.emit("regenerate", index.row())
            )
        else:
            menu.addAction(
                self.tr("Edit and resend"), lambda: self.action_triggered.emit("edit", index.row())
            )
        menu.exec(event.globalPos())
