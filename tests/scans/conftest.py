"""Fixtures for the scan tests: one real OCR engine per session and scans built once.

OCR takes seconds a page on two cores, so the pages are small (a third of a book page, a
few Chinese lines) and the scans are made once per session.
"""

from __future__ import annotations

import pytest
from fireside.models.ocr import OcrEngine

from tests.scans.scans import (
    SIMPLIFIED,
    TRADITIONAL,
    VICKSBURG,
    image_pdf,
    render_pdf_page,
    scanned,
    text_page,
)


@pytest.fixture(scope="session")
def ocr_engine() -> OcrEngine:
    return OcrEngine()


@pytest.fixture(scope="session")
def book_page():
    """The top third of page 3 of a real book (with its text layer as the truth)."""
    image, text = render_pdf_page(VICKSBURG, 2)
    top = image.crop((0, 0, image.width, image.height // 3))
    return top, text


@pytest.fixture(scope="session")
def chinese_page():
    return text_page(SIMPLIFIED + TRADITIONAL, height=600)


@pytest.fixture(scope="session")
def scan_pdf(tmp_path_factory, book_page, chinese_page):
    """An image-only PDF: the book page scanned (noise, 0.7 degrees), then Chinese text."""
    folder = tmp_path_factory.mktemp("scans")
    pages = [scanned(book_page[0]), scanned(chinese_page, angle=-0.5, seed=2)]
    return image_pdf(pages, folder / "scan.pdf")


@pytest.fixture
def store(tmp_path):
    from fireside.assistant.documents.store import DocumentStore

    s = DocumentStore(tmp_path / "documents.db")
    yield s
    s.close()
