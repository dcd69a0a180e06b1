"""A reply from documents marks the sentences its sources do not back: a dotted underline
and a tooltip, in a real transcript view over a real history file."""

from __future__ import annotations

from fireside.assistant.history import HistoryStore
from fireside.desktop.markdown_render import MarkdownRenderer
from fireside.desktop.message_docs import DocumentCache
from fireside.desktop.theme import LIGHT, document_css
from fireside.desktop.transcript_delegate import MessageDelegate
from fireside.desktop.transcript_model import TranscriptModel, visible
from fireside.desktop.transcript_view import TranscriptView
from PySide6.QtGui import QGuiApplication, QTextCharFormat, QTextCursor

SUPPORTED = "Canister shot is a tin cylinder filled with balls."
INVENTED = "It was invented by Napoleon in 1790."


def _view(qtbot, tmp_path):
    history = HistoryStore(tmp_path / "history.db")
    conv = history.create_conversation("c")
    user = history.add_message(conv.id, "user", "What is canister shot?")
    reply = history.add_message(conv.id, "assistant", f"{SUPPORTED} {INVENTED}", user.id)
    start = len(SUPPORTED) + 1
    history.update_message(
        reply.id,
        support=[
            {
                "text": SUPPORTED,
                "start": 0,
                "end": len(SUPPORTED),
                "verdict": "supported",
                "coverage": 1.0,
                "source": 1,
                "evidence": SUPPORTED,
                "missing": [],
            },
            {
                "text": INVENTED,
                "start": start,
                "end": start + len(INVENTED),
                "verdict": "unsupported",
                "coverage": 0.2,
                "source": None,
                "evidence": None,
                "missing": ["Napoleon", "1790"],
            },
        ],
    )
    model = TranscriptModel(history)
    model.load(conv.id, visible(history.thread(conv.id)))
    docs = DocumentCache(MarkdownRenderer(), QGuiApplication.font())
    docs.set_css(document_css(LIGHT))
    delegate = MessageDelegate(docs, LIGHT, str)
    view = TranscriptView(model, delegate, docs)
    qtbot.addWidget(view)
    view.resize(700, 400)
    view.show()
    return view, model, docs, delegate


def _format_of(doc, sentence: str) -> QTextCharFormat:
    cursor = doc.find(sentence)
    assert not cursor.isNull()
    probe = QTextCursor(doc)
    probe.setPosition(cursor.selectionStart() + 2)
    return probe.charFormat()


def test_unsupported_sentence_is_underlined_with_a_tooltip(qtbot, tmp_path):
    view, model, docs, delegate = _view(qtbot, tmp_path)
    reply = model.item(1)
    assert reply.support and reply.support[1]["verdict"] == "unsupported"
    doc = docs.document(reply)
    marked = _format_of(doc, INVENTED)
    assert marked.underlineStyle() == QTextCharFormat.UnderlineStyle.DotLine
    assert "Napoleon" in marked.toolTip() and "1790" in marked.toolTip()
    plain = _format_of(doc, SUPPORTED)
    assert plain.underlineStyle() != QTextCharFormat.UnderlineStyle.DotLine
    assert plain.toolTip() == ""


def test_the_view_finds_the_tooltip_under_the_mouse(qtbot, tmp_path):
    view, model, docs, delegate = _view(qtbot, tmp_path)
    index = model.index(1, 0)
    rect = view.visualRect(index)
    doc = docs.document(model.item(1))
    cursor = doc.find(INVENTED)
    line = doc.documentLayout().blockBoundingRect(cursor.block())
    body = delegate.body_rect(rect, model.item(1))
    # walk along the reply's text line until the marked sentence is under the point
    tips = {
        delegate.tooltip_at(
            index, rect, body.topLeft() + type(body.topLeft())(x, int(line.top()) + 4)
        )
        for x in range(0, body.width(), 6)
    }
    assert any("Napoleon" in t for t in tips)
    assert "" in tips  # the supported sentence has none
