"""The app reads pictures in an OCR worker process: same results, replaced when it dies,
ended with the app."""

from __future__ import annotations

import pytest
from fireside.models.ocr_worker import OcrWorker

from tests.scans.scans import text_page

pytestmark = pytest.mark.timeout(900)


def test_the_worker_reads_like_the_engine_and_is_replaced_when_it_dies(ocr_engine):
    page = text_page(["Gate B12 closes at 9:40", "保修期为两年"], height=220)
    worker = OcrWorker(threads=2)
    try:
        read = worker.read(page)
        assert read.to_dict() == ocr_engine.read(page).to_dict()
        assert worker.starts == 1
        worker._process.kill()  # as the out-of-memory killer would
        worker._process.join()
        again = worker.read(page)
        assert again.text == read.text and worker.starts == 2
    finally:
        worker.shutdown()
    assert worker._process is None


def test_the_app_ends_its_ocr_worker(fireside_home):
    from fireside.assistant.app import build_app

    app = build_app()
    app.ocr.read(text_page(["hello"], height=120))
    process = app.ocr._process
    assert process.is_alive()
    app.close()
    assert not process.is_alive()
