"""The source viewer: a citation opens at its page or lines, with the passage marked."""

from __future__ import annotations

from pathlib import Path

import pytest
from fireside.desktop.source_viewer import SourceViewer, open_citation
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget

from tests.desktop.helpers import link_point

DATA = Path(__file__).resolve().parents[1] / "data" / "documents"
OUTLINE = DATA / "pdf" / "pdflatex-outline.pdf"  # 4 pages; "2 Bar" is a section on page 2
ON_PAGE_2 = "2 Bar Hello, here is some text without a meaning."
FAQ = DATA / "text" / "debian-faq.en.txt"


def citation(path: Path, **fields) -> dict:
    return {
        "document": str(path),
        "page": None,
        "line_start": None,
        "line_end": None,
        "text": "",
        "heading": None,
        "score": 0.5,
        **fields,
    }


@pytest.fixture
def viewer(qtbot):
    v = SourceViewer()
    qtbot.addWidget(v)
    v.show()
    qtbot.waitExposed(v)
    yield v
    qtbot.waitUntil(lambda: not v.busy)


def wait_shown(qtbot, viewer, widget) -> None:
    qtbot.waitUntil(lambda: viewer.stack.currentWidget() is widget, timeout=10_000)


def test_a_pdf_citation_opens_at_its_page_with_the_passage_marked(qtbot, viewer):
    viewer.show_citation(citation(OUTLINE, page=2, line_start=26, line_end=29, text=ON_PAGE_2))
    assert viewer.stack.currentWidget() is viewer.loading  # nothing read on the UI thread
    assert viewer.location() == "page 2"
    wait_shown(qtbot, viewer, viewer.scroll)
    assert viewer.location() == "page 2 of 4"
    page = viewer.page_view
    assert not page.image.isNull() and page.width() >= 300
    assert page.highlights
    assert all(page.rect().contains(r.toRect().center()) for r in page.highlights)
    assert viewer.prev_button.isEnabled() and viewer.next_button.isEnabled()

    def first_highlight_visible() -> bool:
        top_left = page.mapTo(viewer.scroll.viewport(), page.highlights[0].center().toPoint())
        return viewer.scroll.viewport().rect().contains(top_left)

    bar = viewer.scroll.verticalScrollBar()
    # scrolled down to "2 Bar", which is below the first screenful
    qtbot.waitUntil(lambda: bar.value() > 0 and first_highlight_visible())

    qtbot.mouseClick(viewer.next_button, Qt.MouseButton.LeftButton)
    wait_shown(qtbot, viewer, viewer.loading)
    wait_shown(qtbot, viewer, viewer.scroll)
    assert viewer.location() == "page 3 of 4"
    assert not page.highlights  # the passage is on page 2 only


def test_a_wider_window_renders_the_page_wider_without_losing_the_place(qtbot, viewer):
    viewer.resize(600, 700)
    viewer.show_citation(citation(OUTLINE, page=2, text=ON_PAGE_2))
    wait_shown(qtbot, viewer, viewer.scroll)
    page, bar = viewer.page_view, viewer.scroll.verticalScrollBar()
    qtbot.waitUntil(lambda: bar.value() > 0)
    narrow, before = page.width(), bar.value() / page.height()
    shown = []
    viewer.stack.currentChanged.connect(shown.append)
    viewer.resize(1000, 700)
    qtbot.waitUntil(lambda: page.width() > narrow + 300, timeout=10_000)
    assert shown == []  # the old page stayed up while the new one was rendered
    assert page.highlights and viewer.location() == "page 2 of 4"
    qtbot.waitUntil(lambda: abs(bar.value() / page.height() - before) < 0.02)


def test_a_text_citation_opens_at_the_cited_lines(qtbot, viewer):
    viewer.show_citation(citation(FAQ, line_start=3000, line_end=3004, text="edit the file"))
    wait_shown(qtbot, viewer, viewer.text_view)
    view = viewer.text_view
    assert viewer.location() == "lines 3000–3004"
    assert not viewer.prev_button.isVisible() and not viewer.next_button.isVisible()
    cursor = view.textCursor()
    assert view.first_line + cursor.blockNumber() == 3000
    assert "edit the /etc/apt/sources.list file" in cursor.block().text()
    assert len(view.extraSelections()) == 5  # lines 3000..3004
    assert view.extraSelections()[0].cursor.blockNumber() == cursor.blockNumber()

    def centred() -> bool:
        rect, height = view.cursorRect(), view.viewport().height()
        return view.viewport().rect().contains(rect) and abs(rect.center().y() - height / 2) < 40

    qtbot.waitUntil(centred)
    assert view.firstVisibleBlock().blockNumber() > 0  # scrolled down to it, not at the top
    assert view.isReadOnly() and viewer.open_button.isEnabled()


def test_a_moved_file_shows_the_reason_and_the_cited_passage(qtbot, viewer, tmp_path):
    passage = "The budget for 2024 was approved in March."
    viewer.show_citation(citation(tmp_path / "report.pdf", page=3, text=passage))
    wait_shown(qtbot, viewer, viewer.passage)
    assert "report.pdf was moved or deleted since it was indexed" in viewer.message
    assert viewer.notice.isVisible()
    assert not viewer.prev_button.isEnabled()  # no pages to turn in a missing file
    assert passage in viewer.passage.toPlainText()
    assert not viewer.open_button.isEnabled() and not viewer.folder_button.isEnabled()


def test_an_encrypted_pdf_says_so_and_can_still_be_opened_elsewhere(qtbot, viewer):
    path = DATA / "pdf" / "libreoffice-writer-password.pdf"
    viewer.show_citation(citation(path, page=1, text="secret text"))
    wait_shown(qtbot, viewer, viewer.passage)
    assert "encrypted" in viewer.message and "password" in viewer.message
    assert "libreoffice-writer-password.pdf" in viewer.message
    assert "secret text" in viewer.passage.toPlainText()
    assert viewer.open_button.isEnabled()


def test_a_word_document_shows_the_passage(qtbot, viewer):
    path = DATA / "docx" / "test.docx"
    viewer.show_citation(citation(path, page=1, text="A paragraph from Word."))
    wait_shown(qtbot, viewer, viewer.passage)
    assert "DOCX files cannot be shown here" in viewer.message
    assert viewer.location() == "page 1"
    assert not viewer.prev_button.isVisible()
    assert viewer.open_button.isEnabled()


def test_one_viewer_per_parent_shows_the_latest_citation(qtbot):
    parent = QWidget()
    qtbot.addWidget(parent)
    first = open_citation(parent, citation(FAQ, line_start=10, line_end=12))
    second = open_citation(parent, citation(FAQ, line_start=20, line_end=20))
    assert first is second and second.isVisible() and not second.isModal()
    wait_shown(qtbot, second, second.text_view)
    view = second.text_view
    assert view.first_line + view.textCursor().blockNumber() == 20
    assert second.location() == "line 20"
    qtbot.waitUntil(lambda: not second.busy)
    second.close()


def test_clicking_a_citation_link_in_the_chat_opens_the_viewer(qtbot, scripted, make_window):
    history = scripted.history
    conv = history.create_conversation("Sources")
    question = history.add_message(conv.id, "user", "What is in section 2?")
    answer = history.add_message(conv.id, "assistant", "Section 2 is filler [1].", question.id)
    cited = citation(OUTLINE, page=2, line_start=26, line_end=29, text=ON_PAGE_2)
    history.update_message(answer.id, citations=[citation(FAQ, line_start=5), cited])
    window = make_window(scripted, start=False)
    window.open_conversation(conv.id)
    panel = window.panel
    row = panel.model.rowCount() - 1
    assert 'href="fireside-source:1"' in panel.docs.rendered(panel.model.item(row)).html
    point = link_point(qtbot, panel, row, "fireside-source:1")
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    viewer = panel.findChild(SourceViewer)
    assert viewer is not None and viewer.isVisible()
    wait_shown(qtbot, viewer, viewer.scroll)
    assert viewer.location() == "page 2 of 4" and viewer.page_view.highlights
    assert viewer.path == OUTLINE
    qtbot.waitUntil(lambda: not viewer.busy)
    viewer.close()


def test_a_cited_excerpt_is_labelled_with_the_lines_the_viewer_marks(
    qtbot, scripted, make_window, tmp_path
):
    """The chunk the answer cites spans several lines: the link under the answer names them
    all, and the viewer opens with the same span in its header and marked."""
    from dataclasses import asdict

    from fireside.assistant.events import Citation
    from fireside.desktop.message_extras import citation_link

    from tests.documents.helpers import index

    notes = tmp_path / "warranty.txt"
    notes.write_text(
        "\n".join(
            f"Clause {n}: the warranty covers part {n} of the machine for two years, "
            "unless it was opened by someone other than an approved repairer."
            for n in range(1, 40)
        )
        + "\n"
    )
    store = scripted.documents_store
    index(store, [notes], collection="warranty")
    document = store.documents(store.collection("warranty").id)[0]
    chunk = next(store.chunks_of(document.id))
    start, end = chunk["line_start"], chunk["line_end"]
    assert start == 1 and end > start  # the excerpt is several lines long
    cited = Citation(str(notes), None, chunk["text"], 0.5, start, end)

    history = scripted.history
    conv = history.create_conversation("Warranty")
    question = history.add_message(conv.id, "user", "How long is the warranty?")
    answer = history.add_message(conv.id, "assistant", "Two years [1].", question.id)
    history.update_message(answer.id, citations=[asdict(cited)])
    window = make_window(scripted, start=False)
    window.open_conversation(conv.id)
    panel = window.panel
    row = panel.model.rowCount() - 1
    shown = panel.docs.document(panel.model.item(row)).toPlainText()
    assert f"warranty.txt, lines {start}–{end}" in shown
    assert f"line {start} " not in shown and f"line {start}—" not in shown

    point = link_point(qtbot, panel, row, citation_link(0))
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    viewer = panel.findChild(SourceViewer)
    wait_shown(qtbot, viewer, viewer.text_view)
    view = viewer.text_view
    assert viewer.location() == f"lines {start}–{end}"
    marked = [view.first_line + s.cursor.blockNumber() for s in view.extraSelections()]
    assert marked == list(range(start, end + 1))
    qtbot.waitUntil(lambda: not viewer.busy)
    viewer.close()
