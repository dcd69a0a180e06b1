"""The transcript: Markdown rendering, long conversations, the document drop."""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.settings_store import setting
from fireside.desktop import documents_drop
from fireside.desktop.markdown_render import MarkdownRenderer
from PySide6.QtCore import QPoint

from tests.desktop.helpers import wait_idle

MARKDOWN = """# Title

Some **bold** and `inline code`.

- one
- two

| a | b |
|---|---|
| 1 | 2 |

```python
def add(a, b):
    return a + b
```
"""


def test_markdown_renders_headings_lists_tables_and_highlighted_code():
    rendered = MarkdownRenderer().render(MARKDOWN)
    html = rendered.html
    assert "<h1>Title</h1>" in html and "<strong>bold</strong>" in html
    assert "<li>one</li>" in html and '<table class="md"' in html
    assert 'class="code"' in html and 'href="copy-code:0"' in html
    assert '<span class="k">def</span>' in html  # Pygments token classes
    assert rendered.code_blocks == ("def add(a, b):\n    return a + b\n",)


def test_raw_html_from_the_model_is_shown_as_text():
    html = MarkdownRenderer().render("<script>alert(1)</script> <b>x</b>").html
    assert "<script>" not in html and "&lt;script&gt;" in html


def test_a_long_conversation_opens_with_few_documents(qtbot, scripted, make_window):
    history = scripted.history
    conv = history.create_conversation("Long")
    parent = None
    for i in range(600):
        parent = history.add_message(conv.id, "user", f"Question {i}: why?", parent).id
        parent = history.add_message(conv.id, "assistant", MARKDOWN + f"\nAnswer {i}.", parent).id
    window = make_window(scripted, start=False)
    window.open_conversation(conv.id)
    view, docs, model = window.panel.view, window.panel.docs, window.panel.model
    assert model.rowCount() + model.offset == 1200
    assert model.rowCount() <= 200  # the newest messages first; the rest join on scrolling
    assert len(docs._docs) < 60  # only what is on screen was laid out
    qtbot.wait(50)
    bottom = view.indexAt(QPoint(view.viewport().width() // 2, view.viewport().height() - 30))
    assert model.item(bottom.row()).text.endswith("Answer 599.")  # the newest shows

    # scrolling to the top brings earlier messages in, without moving what is on screen
    while model.offset:
        qtbot.waitUntil(lambda: not view.measuring, timeout=30_000)
        before = model.offset
        view.verticalScrollBar().setValue(0)
        key = model.item(view.indexAt(QPoint(10, 10)).row()).key  # loading is deferred
        qtbot.waitUntil(lambda before=before: model.offset < before, timeout=5000)
        qtbot.wait(30)
        shown = [
            model.item(view.indexAt(QPoint(10, y)).row()).key
            for y in range(5, view.viewport().height(), 40)
            if view.indexAt(QPoint(10, y)).isValid()
        ]
        assert key in shown, "the row that was at the top is still on screen"
    assert model.rowCount() == 1200
    qtbot.waitUntil(lambda: not view.measuring, timeout=30_000)
    assert len(docs._docs) <= docs._max_docs
    view.verticalScrollBar().setValue(0)
    qtbot.wait(50)
    assert model.item(view.indexAt(QPoint(10, 10)).row()).text == "Question 0: why?"
    view.viewport().repaint()


def test_dropped_documents_without_an_indexer_say_so(
    qtbot, scripted, make_window, tmp_path, monkeypatch
):
    monkeypatch.setattr(documents_drop, "indexing_available", lambda: False)
    window = make_window(scripted, start=False)
    note = tmp_path / "notes.txt"
    note.write_text("hello")
    window.handle_dropped([note])
    assert window.panel.info_notice.isVisible()
    assert "Document chat is not available yet" in window.panel.info_notice.text()
    assert "notes.txt" in window.panel.info_notice.text()


def test_dropped_documents_are_indexed_off_the_ui_thread(qtbot, scripted, make_window, tmp_path):
    if not documents_drop.indexing_available():
        return  # covered by the test above
    from fireside.assistant.documents.store import DocumentStore

    store = DocumentStore(scripted.paths.documents_db)  # a fast embedder for the test
    store.collection(documents_drop.FALLBACK_COLLECTION, model="hash-64")
    store.close()
    window = make_window(scripted, start=False)
    folder = tmp_path / "docs"
    folder.mkdir()
    (folder / "a.md").write_text("# Alpha\n\nThe alpha document talks about apples.\n")
    (folder / "b.txt").write_text("Bananas are yellow.\n")
    messages = []
    window.documents.message.connect(lambda text, kind: messages.append((kind, text)))
    window.handle_dropped([folder])
    assert window.documents.busy
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=30_000)
    assert messages[-1][0] == "info", messages
    assert "Indexed 2 of 2 file(s)" in messages[-1][1]
    # the files were dropped on this (new) chat: it answers from them from now on
    assert window.panel.collections == [documents_drop.FALLBACK_COLLECTION]


def test_the_dark_theme_repaints_the_transcript(qtbot, scripted, make_window):
    scripted.models.tokens = ["```python\n", "x = 1\n", "```\n"]
    window = make_window(scripted)
    window.panel.composer.box.setPlainText("code")
    window.panel.composer.submit()
    wait_idle(qtbot, window)
    window.settings_bridge.update(setting("window.theme", "dark"))
    assert window.colors.name == "dark"
    assert window.palette().color(window.backgroundRole()).name() == window.colors.window
    image = window.grab().toImage()
    assert image.pixelColor(image.width() // 2, image.height() // 2).lightness() < 128


def test_paths_are_kept_as_given(tmp_path):
    assert documents_drop._names([Path("/a/b.txt"), Path("/c/d.pdf")]) == "b.txt, d.pdf"


def test_a_long_code_line_wraps_inside_the_view_and_keeps_its_copy_link(
    qtbot, scripted, make_window
):
    from fireside.desktop.markdown_render import COPY_CODE_SCHEME

    from tests.desktop.helpers import link_point

    long_line = "# " + " ".join(["a long comment in a code block"] * 12)
    history = scripted.history
    conv = history.create_conversation("Code")
    question = history.add_message(conv.id, "user", "Some code?")
    history.add_message(conv.id, "assistant", f"```python\n{long_line}\nx = 1\n```", question.id)
    window = make_window(scripted, start=False)
    window.resize(900, 700)
    window.open_conversation(conv.id)
    panel = window.panel
    row = panel.model.rowCount() - 1
    doc = panel.docs.document(panel.model.item(row))
    assert doc.idealWidth() <= panel.docs.width + 1  # wrapped, not wider than the view
    assert long_line in doc.toPlainText().replace("\u2028", " ").replace("\n", " ")
    link_point(qtbot, panel, row, f"{COPY_CODE_SCHEME}0")  # the Copy link is on screen
