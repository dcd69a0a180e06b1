"""Pictures in the window: pasted, attached or dropped on a chat, sent with the message,
shown as thumbnails that open full size; a scanned page's OCR lines marked in the viewer."""

from __future__ import annotations

import pytest
from fireside.desktop.source_viewer import SourceViewer
from PySide6.QtCore import QMimeData, Qt, QUrl
from PySide6.QtGui import QImage, QTextDocument

from tests.desktop.helpers import wait_idle, wait_loaded
from tests.desktop.test_source_viewer import link_point, wait_shown
from tests.scans.scans import image_pdf, png_bytes, scanned, text_page

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

WORDS = ["Platform 7 for the night train", "Departure 23:40"]


@pytest.fixture(scope="module")
def ticket_png() -> bytes:
    return png_bytes(text_page(WORDS, height=240))


def test_a_pasted_picture_goes_with_the_message_and_shows_as_a_thumbnail(qtbot, window, ticket_png):
    wait_loaded(qtbot, window)
    panel = window.panel
    mime = QMimeData()
    mime.setImageData(QImage.fromData(ticket_png))
    panel.composer.box.insertFromMimeData(mime)  # what Ctrl+V does
    assert len(panel.composer.attachments.images) == 1
    assert panel.composer.attachments.isVisible()
    panel.composer.box.setPlainText("Which platform?")
    panel.composer.submit()
    assert panel.composer.attachments.images == []  # sent: the strip empties
    wait_idle(qtbot, window)
    assert not panel.error_notice.isVisible(), panel.error_notice.text()
    user_row = next(r for r in range(panel.model.rowCount()) if panel.model.item(r).role == "user")
    item = panel.model.item(user_row)
    assert item.text == "Which platform?"  # the user's words stay as typed
    (picture,) = item.images
    assert picture["given_as"] == "text" and "Platform 7" in picture["text"]
    doc = panel.docs.document(item)
    thumb = doc.resource(
        QTextDocument.ResourceType.ImageResource, QUrl(f"fireside-thumb:{picture['sha256']}")
    )
    assert thumb is not None and not QImage(thumb).isNull()
    assert "cannot see pictures" in doc.toPlainText()
    assert "cannot see pictures" in panel.info_notice.text()
    # the thumbnail opens the picture at full size
    point = link_point(qtbot, panel, user_row, "fireside-image:0")
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    viewer = panel.findChild(SourceViewer)
    assert viewer is not None and viewer.isVisible()
    wait_shown(qtbot, viewer, viewer.scroll)
    assert viewer.windowTitle().startswith("pasted picture")
    qtbot.waitUntil(lambda: not viewer.busy)
    viewer.close()


def test_dropped_pictures_are_attached_and_other_files_indexed(qtbot, window, ticket_png, tmp_path):
    wait_loaded(qtbot, window)
    picture = tmp_path / "ticket.png"
    picture.write_bytes(ticket_png)
    broken = tmp_path / "broken.jpg"
    broken.write_bytes(b"\xff\xd8\xff\xe0 not really")
    window.handle_dropped([picture, broken])
    strip = window.panel.composer.attachments
    qtbot.waitUntil(lambda: not strip.busy, timeout=10_000)
    assert [i.name for i in strip.images] == ["ticket.png"]
    assert "broken.jpg" in window.panel.error_notice.text()  # one line says why
    assert not window.documents.busy  # pictures are not sent to the indexer
    strip.take()


def test_the_viewer_marks_the_ocr_lines_of_a_scanned_page(qtbot, core, tmp_path):
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.models.embedder import HashEmbedder

    scan = image_pdf([scanned(text_page(WORDS, height=500))], tmp_path / "ticket-scan.pdf")
    store = core.documents_store
    collection = store.collection("scans", model="hash-384")
    result = IndexJob(store, collection, [scan], embedder=HashEmbedder(384), registry=core.loaders)
    assert result.run().files[0].status == "indexed"
    text, start, end = store.conn.execute(
        "SELECT text, line_start, line_end FROM chunks LIMIT 1"
    ).fetchone()
    viewer = SourceViewer(None, lambda path, page: store.ocr_result_at(path, page))
    qtbot.addWidget(viewer)
    viewer.show()
    viewer.show_citation(
        {"document": str(scan), "page": 1, "text": text, "line_start": start, "line_end": end}
    )
    wait_shown(qtbot, viewer, viewer.scroll)
    assert len(viewer.page_view.highlights) == end - start + 1
    qtbot.waitUntil(lambda: not viewer.busy)
    viewer.close()
