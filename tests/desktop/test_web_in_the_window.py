"""The web in the window: the globe beside the message box turns it on for one chat, each
network call is put to the user, the answer lists the pages, and a page opens in the source
viewer from its saved text (open in the browser, add to the documents)."""

from __future__ import annotations

from PySide6.QtCore import Qt

from tests.desktop.helpers import type_and_send, wait_idle, wait_loaded
from tests.web.conftest import point_at
from tests.web.site import Site


def test_the_globe_turns_the_web_on_and_the_answer_lists_the_pages(qtbot, scripted, make_window):
    scripted.models.tokens = ["Read", " the", " pages", "."]
    with Site() as site:
        point_at(scripted, site)
        window = make_window(scripted)
        wait_loaded(qtbot, window)
        globe = window.panel.web_toggle
        assert globe.isVisible() and not globe.isChecked()  # off unless turned on
        qtbot.mouseClick(globe, Qt.MouseButton.LeftButton)
        assert globe.isChecked()
        asked = []

        def allow(dialog) -> None:  # each network call is put to the user; allow it once
            asked.append(dialog.text())
            qtbot.mouseClick(dialog.allow_once_button, Qt.MouseButton.LeftButton)

        window.approvals.dialog_shown.connect(allow)
        type_and_send(qtbot, window, "search the web for Debian kernel")
        wait_idle(qtbot, window)
        assert len(asked) == 3 and "web_search" in asked[0] and "read_page" in asked[1]
        stored = scripted.history.thread(window.panel.conversation_id)[-1]
        urls = [c["url"] for c in stored.citations]
        assert site.url("/debian/kernel") in urls
        item_text = window.panel.model.item(window.panel.model.rowCount() - 1).text
        assert "Sources" in item_text and site.url("/debian/kernel") in item_text
        window.panel.new_chat()
        assert not globe.isChecked()  # a new chat starts from the setting again


def test_a_web_page_opens_from_its_saved_text_with_browser_and_documents_buttons(qtbot, scripted):
    from fireside.desktop.source_viewer import SourceViewer

    with Site() as site:
        point_at(scripted, site)
        outcome = scripted.web.read_output(site.url("/zh/kernel"))
    source = outcome.sources[0]
    citation = {
        "document": source.file,
        "page": None,
        "text": source.text,
        "score": 0.0,
        "line_start": source.line_start,
        "line_end": source.line_end,
        "heading": None,
        "url": source.url,
        "title": source.title,
    }
    viewer = SourceViewer()
    qtbot.addWidget(viewer)
    viewer.show()
    added = []
    viewer.add_to_documents.connect(added.append)
    viewer.show_citation(citation)
    qtbot.waitUntil(lambda: viewer.stack.currentWidget() is viewer.text_view, timeout=10_000)
    assert viewer.windowTitle().startswith("第 10 章 Debian 和内核")
    assert viewer.open_button.text() == "Open in browser" and viewer.open_button.isEnabled()
    assert not viewer.folder_button.isVisible()
    assert viewer.collect_button.isVisible() and viewer.collect_button.isEnabled()
    qtbot.mouseClick(viewer.collect_button, Qt.MouseButton.LeftButton)
    assert [str(p) for p in added] == [source.file]
    # a search result that was never read: its snippet, and the way to the page
    viewer.show_citation(
        {
            **citation,
            "document": source.url,
            "line_start": None,
            "line_end": None,
            "text": "a snippet",
        }
    )
    qtbot.waitUntil(lambda: viewer.stack.currentWidget() is viewer.passage, timeout=10_000)
    assert "search engine" in viewer.message and not viewer.collect_button.isVisible()
    qtbot.waitUntil(lambda: not viewer.busy)
