"""Paints one message row and answers what is under the mouse.

A row is: a header ("You" / "Assistant · model"), the body document, and a footer of small
text actions (Copy, Regenerate, Edit, ``‹ 2/3 ›``) plus facts (stopped, tokens/s). Painting
and hit-testing share ``_footer_layout`` so what is drawn is exactly what is clickable, and
no per-row widgets exist: thousands of messages cost only what is on screen. The one
exception is text selection: a double-click opens a selectable copy of one message.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from fireside.desktop.message_docs import DocumentCache
from fireside.desktop.message_selection import SelectableMessage
from fireside.desktop.theme import ChatColors
from fireside.desktop.transcript_model import ItemRole, TranscriptItem
from PySide6.QtCore import QEvent, QPointF, QRect, QRectF, QSize, Qt, Signal
from PySide6.QtGui import (
    QAbstractTextDocumentLayout,
    QColor,
    QFont,
    QFontMetrics,
    QPainter,
    QPalette,
    QTextCursor,
)
from PySide6.QtWidgets import QStyledItemDelegate, QStyleOptionViewItem

PAD_X = 20  # outer margin left and right
GAP = 6  # space above and below a row
PAD = 12  # inside a bubble
MAX_WIDTH = 860  # a readable column on wide windows
LIVE_STEP = 3  # live rows grow in steps of lines: fewer relayouts of the list...
LIVE_STEP_PER_ROWS = 100  # ...one more line per step for every this many rows in the list
MAX_LIVE_STEP = 12


@dataclass(frozen=True)
class Hit:
    """What the mouse is over: a footer action or a link inside the message."""

    kind: str  # "action" or "link"
    value: str


class MessageDelegate(QStyledItemDelegate):
    action_triggered = Signal(str, int)  # action key, row
    link_activated = Signal(str, int)  # href, row

    def __init__(
        self,
        docs: DocumentCache,
        colors: ChatColors,
        model_label: Callable[[str], str],
        parent=None,
    ) -> None:
        super().__init__(parent)
        self.docs = docs
        self.colors = colors
        self.model_label = model_label
        self.hover: tuple[int, str] | None = None
        self.live_placeholder = self.tr("Thinking…")
        self.estimated: set[int] = set()  # keys whose size the view only guessed
        base = QFont(docs.font)
        self.bold = QFont(base)
        self.bold.setBold(True)
        self.small = QFont(base)
        self.small.setPointSizeF(max(7.0, base.pointSizeF() * 0.88))
        self._bold_fm = QFontMetrics(self.bold)
        self._small_fm = QFontMetrics(self.small)
        self._chrome = 2 * GAP + 2 * PAD + self._bold_fm.height() + 6 + self._small_fm.height() + 8
        self.model = None  # the transcript model, set by the view (sizeHint reads it directly)
        self._labels: dict[str, str] = {}  # model path -> label (asking costs file lookups)

    # -- geometry ---------------------------------------------------------------------------
    @staticmethod
    def text_width(viewport_width: int) -> int:
        return min(viewport_width - 2 * PAD_X, MAX_WIDTH) - 2 * PAD

    def _column(self, rect: QRect) -> QRect:
        width = min(rect.width() - 2 * PAD_X, MAX_WIDTH)
        return QRect(rect.x() + (rect.width() - width) // 2, rect.y(), width, rect.height())

    def body_height(self, item: TranscriptItem) -> tuple[int, bool]:
        """(height, exact). Live rows round up so the list relayouts every few lines only
        (every more lines in a longer list, where a relayout costs more)."""
        known = self.docs.known_height(item)
        if item.live:
            rows = self.model.rowCount() if self.model is not None else 0
            lines = min(MAX_LIVE_STEP, LIVE_STEP + rows // LIVE_STEP_PER_ROWS)
            step = int(self.docs._metrics.lineSpacing() * lines)
            height = max(known or 0, step)
            return -(-height // step) * step, True
        if known is not None:
            return known, True
        return self.docs.estimate(item), False

    def sizeHint(self, option: QStyleOptionViewItem, index) -> QSize:
        """Called for every row on each relayout: kept to dictionary lookups."""
        row = index.row()
        items = self.model._items if self.model is not None else None
        item = items[row] if items is not None and row < len(items) else index.data(ItemRole)
        if item is None:
            return QSize(0, 0)
        body, exact = self.body_height(item)
        if not exact:
            self.estimated.add(item.key)
        return QSize(option.rect.width(), body + self._chrome)

    def _rects(self, rect: QRect, item: TranscriptItem) -> tuple[QRect, QRect, QRect, QRect]:
        """(bubble, header, body, footer) rects of a row painted in ``rect``."""
        col = self._column(rect)
        body_h, _ = self.body_height(item)
        header_h = self._bold_fm.height()
        bubble = QRect(col.x(), rect.y() + GAP, col.width(), 2 * PAD + header_h + 6 + body_h)
        header = QRect(bubble.x() + PAD, bubble.y() + PAD, bubble.width() - 2 * PAD, header_h)
        body = QRect(header.x(), header.bottom() + 1 + 6, header.width(), body_h)
        footer = QRect(
            header.x(), bubble.bottom() + 1 + 4, header.width(), self._small_fm.height() + 4
        )
        return bubble, header, body, footer

    def body_rect(self, rect: QRect, item: TranscriptItem) -> QRect:
        return self._rects(rect, item)[2]

    def _footer_layout(
        self, item: TranscriptItem, versions: tuple[int, int], footer: QRect
    ) -> list[tuple[str | None, str, QRect]]:
        """(action key or None for plain facts, label, rect) left to right."""
        parts: list[tuple[str | None, str]] = []
        if item.live:
            parts.append((None, self.tr("generating… (Esc to stop)")))
        elif item.message_id is not None or item.error:
            if item.text:
                parts.append(("copy", self.tr("Copy")))
            if item.role == "assistant":
                parts.append(
                    (
                        "regenerate",
                        self.tr("Retry") if item.status == "error" else self.tr("Regenerate"),
                    )
                )
            elif item.message_id is not None:
                parts.append(("edit", self.tr("Edit")))
            if item.role == "assistant" and item.message_id is not None:
                good, bad = self.tr("Good"), self.tr("Bad")
                parts.append(("rate_up", f"✓ {good}" if item.rating == "up" else good))
                parts.append(("rate_down", f"✓ {bad}" if item.rating == "down" else bad))
            index, count = versions
            if count > 1:
                parts += [("prev", "‹"), ("pager", f"{index}/{count}"), ("next", "›")]
            if item.status == "stopped":
                parts.append((None, self.tr("stopped")))
            elif item.status == "interrupted":
                parts.append((None, self.tr("interrupted")))
            if item.rating_reason:
                reason = item.rating_reason
                parts.append((None, f"“{reason[:40]}…”" if len(reason) > 40 else f"“{reason}”"))
            if item.role == "assistant" and item.tokens_per_s:
                parts.append(
                    (None, self.tr("{speed} tok/s").format(speed=f"{item.tokens_per_s:.1f}"))
                )
        out, x = [], footer.x()
        for key, label in parts:
            width = self._small_fm.horizontalAdvance(label)
            out.append(
                (
                    None if key == "pager" else key,
                    label,
                    QRect(x - 3, footer.y(), width + 6, footer.height()),
                )
            )
            x += width + (6 if key in ("prev", "pager") else 16)
        return out

    # -- painting ---------------------------------------------------------------------------
    def paint(self, painter: QPainter, option: QStyleOptionViewItem, index) -> None:
        item: TranscriptItem = index.data(ItemRole)
        if item is None:
            return
        painter.save()
        try:
            self._paint_row(painter, option, index, item)
        finally:
            painter.restore()

    def _paint_row(
        self, painter: QPainter, option: QStyleOptionViewItem, index, item: TranscriptItem
    ) -> None:
        c = self.colors
        bubble, header, body, footer = self._rects(option.rect, item)
        # While a reply streams only its last lines are repainted: skip what is not exposed.
        exposed = self._exposed(painter, option).toAlignedRect()
        painter.setRenderHint(QPainter.RenderHint.Antialiasing)
        if item.role == "user":
            painter.setPen(Qt.PenStyle.NoPen)
            painter.setBrush(QColor(c.user_bubble))
            painter.drawRoundedRect(QRectF(bubble), 10, 10)
        if exposed.intersects(header):
            self._paint_header(painter, item, header)
        self._paint_body(painter, item, body, option)
        if not exposed.intersects(footer):
            return
        painter.setFont(self.small)
        versions = index.model().versions(index.row()) if not item.live else (1, 1)
        for key, label, rect in self._footer_layout(item, versions, footer):
            hovered = self.hover == (index.row(), key) and key is not None
            rated = key in ("rate_up", "rate_down") and label.startswith("✓")
            painter.setPen(QColor(c.accent if hovered or rated else c.muted))
            painter.drawText(rect, Qt.AlignmentFlag.AlignCenter, label)

    @staticmethod
    def _exposed(painter: QPainter, option: QStyleOptionViewItem) -> QRectF:
        """The part of the viewport being repainted (the view records its paint event)."""
        if painter.hasClipping():
            return painter.clipBoundingRect()
        exposed = getattr(option.widget, "exposed_rect", None)
        return QRectF(exposed if exposed is not None else option.rect)

    def _paint_header(self, painter: QPainter, item: TranscriptItem, header: QRect) -> None:
        painter.setFont(self.bold)
        painter.setPen(QColor(self.colors.text))
        who = self.tr("You") if item.role == "user" else self.tr("Assistant")
        painter.drawText(header, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignVCenter, who)
        if item.role == "assistant" and item.model:
            label = self._labels.get(item.model)
            if label is None:
                label = self._labels[item.model] = self.model_label(item.model)
            painter.setFont(self.small)
            painter.setPen(QColor(self.colors.muted))
            x = header.x() + self._bold_fm.horizontalAdvance(who) + 10
            painter.drawText(
                QRect(x, header.y(), header.right() - x, header.height()),
                Qt.AlignmentFlag.AlignVCenter,
                label,
            )

    def _paint_body(
        self, painter: QPainter, item: TranscriptItem, body: QRect, option: QStyleOptionViewItem
    ) -> None:
        if item.live and not item.parts:
            painter.setPen(QColor(self.colors.muted))
            painter.drawText(
                body, Qt.AlignmentFlag.AlignLeft | Qt.AlignmentFlag.AlignTop, self.live_placeholder
            )
            return
        doc = self.docs.document(item)
        if item.key in self.estimated and not item.live:
            exact = self.docs.measure(item)
            self.estimated.discard(item.key)
            if exact != body.height():
                self.sizeHintChanged.emit(option.index)
        ctx = QAbstractTextDocumentLayout.PaintContext()
        ctx.palette.setColor(QPalette.ColorRole.Text, QColor(self.colors.text))
        # Lay out glyphs only where the view is repainting (the last lines while streaming).
        exposed = self._exposed(painter, option)
        ctx.clip = exposed.translated(-QPointF(body.topLeft())).intersected(
            QRectF(0, 0, body.width(), doc.size().height())
        )
        if ctx.clip.isEmpty():
            return
        painter.save()
        try:
            painter.translate(body.topLeft())
            doc.documentLayout().draw(painter, ctx)
        finally:
            painter.restore()

    # -- mouse ------------------------------------------------------------------------------
    def hit_test(self, index, rect: QRect, pos) -> Hit | None:
        item: TranscriptItem = index.data(ItemRole)
        if item is None:
            return None
        _bubble, _header, body, footer = self._rects(rect, item)
        if footer.contains(pos) and not item.live:
            versions = index.model().versions(index.row())
            for key, _label, r in self._footer_layout(item, versions, footer):
                if key and r.contains(pos):
                    return Hit("action", key)
        if body.contains(pos) and not (item.live and not item.parts):
            doc = self.docs.document(item)
            href = doc.documentLayout().anchorAt(QPointF(pos - body.topLeft()))
            if href:
                return Hit("link", href)
        return None

    def tooltip_at(self, index, rect: QRect, pos) -> str:
        """The tooltip of the text under ``pos`` (an unsupported sentence's), or ""."""
        item: TranscriptItem = index.data(ItemRole)
        if item is None or item.live or not item.support:
            return ""
        body = self._rects(rect, item)[2]
        if not body.contains(pos):
            return ""
        doc = self.docs.document(item)
        where = doc.documentLayout().hitTest(
            QPointF(pos - body.topLeft()), Qt.HitTestAccuracy.ExactHit
        )
        if where < 0:
            return ""
        cursor = QTextCursor(doc)
        cursor.setPosition(min(where + 1, doc.characterCount() - 1))
        return cursor.charFormat().toolTip()

    # -- selecting text: a double-click opens a selectable copy over the body ---------------
    def createEditor(self, parent, option, index):
        item: TranscriptItem = index.data(ItemRole)
        if item is None or item.live or not (item.text or item.error):
            return None
        editor = SelectableMessage(parent, self.docs, item)
        row = index.row()
        editor.link_activated.connect(lambda href: self.link_activated.emit(href, row))
        return editor

    def setEditorData(self, editor, index) -> None:
        pass  # the copy was made when the editor was created; nothing to load

    def setModelData(self, editor, model, index) -> None:
        pass  # read-only: nothing is ever written back

    def updateEditorGeometry(self, editor, option, index) -> None:
        item: TranscriptItem = index.data(ItemRole)
        if item is not None:
            editor.setGeometry(self.body_rect(option.rect, item))

    def editorEvent(self, event, model, option, index) -> bool:
        if (
            event.type() == QEvent.Type.MouseButtonRelease
            and event.button() == Qt.MouseButton.LeftButton
        ):
            hit = self.hit_test(index, option.rect, event.position().toPoint())
            if hit is not None:
                signal = self.action_triggered if hit.kind == "action" else self.link_activated
                signal.emit(hit.value, index.row())
                return True
        return super().editorEvent(event, model, option, index)
