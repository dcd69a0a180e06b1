"""OCR while indexing: which pages to read, the per-page cache, progress and blocks.

The loaders of scanned PDFs and pictures get a ``PageOcr`` for the file being indexed. It
looks each page up in the documents store first (keyed by the file's content, so
re-indexing, moving or adding the file to another collection reads nothing again), and only
renders and reads the pages it has not seen. Pages are rendered one at a time and dropped
after reading, so a 300-page scan costs the memory of one page. Each page counts for the
progress bar, and cancel or pause take effect between pages.

OCR lines become blocks the chunker already understands: a paragraph is a run of lines
without a tall gap, and its line numbers are the OCR lines of the page (1-based), which the
source viewer turns back into boxes on the page picture.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

from fireside.assistant.documents.types import Block, LoadError
from fireside.models.ocr import OcrEngine, OcrPage, OcrUnavailable
from fireside.models.ocr_worker import OcrFailed

PARAGRAPH_GAP = 0.9  # a gap taller than this many line heights starts a paragraph


@dataclass
class PageOcr:
    """OCR for one file: ``engine`` None means OCR is off for its collection."""

    engine: OcrEngine | None
    sha256: str = ""
    store: object | None = None  # DocumentStore: the per-page cache (None: no cache)
    checkpoint: Callable[[], None] = lambda: None  # raises Cancelled; waits while paused
    on_pages: Callable[[int, int], None] = lambda _done, _total: None
    pages_read: int = 0  # pages OCR'd in this run (not from the cache)
    pages_cached: int = 0
    off_reason: str = "OCR is off for this collection"
    _ready: bool = field(default=False, repr=False)

    @property
    def enabled(self) -> bool:
        return self.engine is not None

    def require(self, what: str) -> None:
        """Raise the ``LoadError`` that says why ``what`` cannot be read without OCR."""
        if self.engine is None:
            raise LoadError("scanned", f"{what}; {self.off_reason}")
        if not self._ready and not self.engine.available:
            raise LoadError(
                "scanned", f"{what}; OCR is not available (rapidocr-onnxruntime is not installed)"
            )
        self._ready = True

    def read(self, page: int, render: Callable[[], object]) -> OcrPage:
        """Page ``page`` (1-based) of the file: from the cache, else ``render()`` and read."""
        engine = self.engine
        if engine is None:
            raise LoadError("scanned", self.off_reason)
        if self.store is not None and self.sha256:
            cached = self.store.ocr_result(self.sha256, page, engine.engine_id)
            if cached is not None:
                self.pages_cached += 1
                return cached
        self.checkpoint()
        image = render()
        try:
            result = engine.read(image)
        except OcrUnavailable as exc:
            raise LoadError("scanned", str(exc)) from None
        except OcrFailed as exc:
            raise LoadError("unreadable", f"page {page}: {exc}") from None
        finally:
            close = getattr(image, "close", None)
            if close is not None:
                close()
        self.pages_read += 1
        if self.store is not None and self.sha256:
            self.store.put_ocr_result(self.sha256, page, engine.engine_id, result)
        return result

    def progress(self, done: int, total: int) -> None:
        self.on_pages(done, total)


def ocr_blocks(result: OcrPage, page: int, heading: tuple[str, ...] = ()) -> Iterator[Block]:
    """Paragraphs of an OCR'd page, with the page's OCR line numbers."""
    lines = result.lines
    if not lines:
        return
    heights = sorted(max(1.0, line.box[3] - line.box[1]) for line in lines)
    typical = heights[len(heights) // 2]
    start, buf = 1, [lines[0].text]
    for number in range(2, len(lines) + 1):
        above, line = lines[number - 2], lines[number - 1]
        gap = line.box[1] - above.box[3]
        if gap > PARAGRAPH_GAP * typical:
            yield Block("\n".join(buf), page, start, number - 1, heading)
            start, buf = number, []
        buf.append(line.text)
    yield Block("\n".join(buf), page, start, len(lines), heading)
