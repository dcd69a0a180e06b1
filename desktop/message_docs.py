"""Text documents for messages: rendered on demand, kept in a bounded cache, measured once.

A 1,000-message conversation must open instantly, so a row's height starts as an estimate
from its text length and becomes exact when the row is first painted or measured in the
background. Exact heights are kept per width (cheap numbers); laid-out documents are kept
only for recently painted rows. The live reply has its own plain-text document that grows
by appending at its end: a new token re-lays out only the last paragraph.
"""

from __future__ import annotations

import base64
import html
import math
from collections import OrderedDict

from fireside.desktop.markdown_render import MarkdownRenderer, Rendered
from fireside.desktop.message_extras import THUMB_SCHEME, pictures_html
from fireside.desktop.transcript_model import TranscriptItem
from PySide6.QtCore import QCoreApplication, QUrl
from PySide6.QtGui import (
    QFont,
    QFontMetricsF,
    QImage,
    QTextCharFormat,
    QTextCursor,
    QTextDocument,
)


class DocumentCache:
    """Documents and heights for the transcript at one text width."""

    def __init__(self, renderer: MarkdownRenderer, font: QFont, max_docs: int = 300) -> None:
        self.renderer = renderer
        self.font = font
        self.css = ""
        self.width = 600
        self._max_docs = max_docs
        self._docs: OrderedDict[tuple[int, int], QTextDocument] = OrderedDict()
        self._heights: dict[tuple[int, int], int] = {}
        self._metrics = QFontMetricsF(font)
        self._live: QTextDocument | None = None
        self._live_key: int | None = None
        self._live_height: int | None = None

    # -- configuration ----------------------------------------------------------------------
    def set_css(self, css: str) -> None:
        self.css = css
        self.clear()

    def set_width(self, width: int) -> bool:
        """Returns True when the width changed (every known height is then void)."""
        width = max(120, int(width))
        if width == self.width:
            return False
        self.width = width
        self._heights.clear()
        for doc in self._docs.values():
            doc.setTextWidth(width)
        if self._live is not None:
            self._live.setTextWidth(width)
            self._live_height = None
        return True

    def clear(self) -> None:
        self._docs.clear()
        self._heights.clear()
        self._live = None
        self._live_key = None

    # -- documents --------------------------------------------------------------------------
    def _new_document(self) -> QTextDocument:
        doc = QTextDocument()
        doc.setDefaultFont(self.font)
        doc.setDocumentMargin(0)
        doc.setDefaultStyleSheet(self.css)
        doc.setTextWidth(self.width)
        return doc

    def rendered(self, item: TranscriptItem) -> Rendered:
        return self.renderer.render(item.text)

    def document(self, item: TranscriptItem) -> QTextDocument:
        if item.live:
            return self._live_document(item)
        key = (item.key, item.revision)
        doc = self._docs.get(key)
        if doc is not None:
            self._docs.move_to_end(key)
            return doc
        doc = self._new_document()
        body = self.rendered(item).html if item.text else ""
        if item.images:
            self._add_thumbnails(doc, item.images)
            body += pictures_html(item.images)
        if item.error:
            body += f'<p class="error">{html.escape(item.error)}</p>'
        doc.setHtml(body)
        mark_unsupported(doc, item.support)
        self._docs[key] = doc
        if len(self._docs) > self._max_docs:
            self._docs.popitem(last=False)
        return doc

    @staticmethod
    def _add_thumbnails(doc: QTextDocument, images: list[dict]) -> None:
        """The thumbnails are kept with the message: no file is read to show them."""
        for image in images:
            if image.get("thumb"):
                picture = QImage.fromData(base64.b64decode(image["thumb"]))
                url = QUrl(f"{THUMB_SCHEME}{image['sha256']}")
                doc.addResource(QTextDocument.ResourceType.ImageResource, url, picture)

    def _live_document(self, item: TranscriptItem) -> QTextDocument:
        if self._live is None or self._live_key != item.key:
            self._live = self._new_document()
            self._live.setPlainText(item.text)
            self._live_key = item.key
            self._live_height = None
        return self._live

    def append_live(self, item: TranscriptItem, text: str) -> float:
        """Insert at the end of the live document: cost grows with ``text``, not the reply.

        Returns the height (in document coordinates) above which nothing changed, so the
        view repaints only the last lines.
        """
        if self._live is None or self._live_key != item.key:
            self._live_document(item)  # builds it from the whole text, once
            return 0.0
        cursor = QTextCursor(self._live)
        cursor.movePosition(QTextCursor.MoveOperation.End)
        top = self._live.documentLayout().blockBoundingRect(cursor.block()).top()
        cursor.insertText(text)
        self._live_height = None
        return top

    def live_height(self) -> int:
        """Height of the live document, computed once per change (it is asked per frame)."""
        if self._live is None:
            return 0
        if self._live_height is None:
            self._live_height = math.ceil(self._live.size().height())
        return self._live_height

    # -- heights ----------------------------------------------------------------------------
    def known_height(self, item: TranscriptItem) -> int | None:
        if item.live:
            return self.live_height() if self._live_key == item.key else None
        return self._heights.get((item.key, item.revision))

    def measure(self, item: TranscriptItem) -> int:
        height = math.ceil(self.document(item).size().height())
        if not item.live:
            self._heights[(item.key, item.revision)] = height
        return height

    def estimate(self, item: TranscriptItem) -> int:
        """A guess from the text alone (no layout): characters per line times lines."""
        line_h = self._metrics.lineSpacing()
        per_line = max(10, int(self.width / max(1.0, self._metrics.averageCharWidth())))
        text = item.error or item.text
        lines = sum(max(1, math.ceil(len(line) / per_line)) for line in text.split("\n"))
        extra = text.count("```") // 2 * 3 * line_h  # code block header and padding
        return int(lines * line_h * 1.15 + extra)


def mark_unsupported(doc: QTextDocument, support: list[dict]) -> None:
    """A dotted underline under each sentence the sources do not back, with a tooltip
    saying so (and what the source says instead, when one comes close). Quiet on purpose:
    the reply stays readable; the mark is there for whoever checks."""
    for verdict in support:
        if verdict.get("verdict") != "unsupported":
            continue
        text = " ".join(str(verdict.get("text", "")).split())
        if len(text) < 4:
            continue
        cursor = doc.find(text)
        if cursor.isNull():  # Markdown changed the text (emphasis, list marks): its start
            cursor = doc.find(text[: max(4, len(text) // 2)])
        if cursor.isNull():
            continue
        fmt = QTextCharFormat()
        fmt.setUnderlineStyle(QTextCharFormat.UnderlineStyle.DotLine)
        fmt.setToolTip(unsupported_tip(verdict))
        cursor.mergeCharFormat(fmt)


def unsupported_tip(verdict: dict) -> str:
    tip = QCoreApplication.translate("MessageDocs", "Not found in the cited sources.")
    missing = verdict.get("missing") or []
    if missing:
        names = ", ".join(str(m) for m in missing)
        tip += " " + QCoreApplication.translate(
            "MessageDocs", "The sources do not say: {names}"
        ).format(names=names)
    source, evidence = verdict.get("source"), verdict.get("evidence")
    if source and evidence:
        tip += "\n" + QCoreApplication.translate("MessageDocs", "Source [{n}]: {text}").format(
            n=source, text=evidence
        )
    return tip
