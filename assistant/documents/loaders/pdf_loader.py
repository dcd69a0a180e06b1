"""PDF text, page by page, so every chunk knows the page a citation should open.

Encrypted files get one try with the empty password (many "protected" PDFs only restrict
printing). A page without a text layer, or with almost none over a picture (a scan with a
page number stamped on it), is rendered with PDFium and read with OCR when the collection
allows it; a mixed PDF reads only those pages. Without OCR such pages are counted, and a
file where no page has text is reported as scanned. The outline (bookmarks), when present,
gives each page its heading path.
"""

from __future__ import annotations

import logging
import re
import threading
from collections.abc import Callable, Iterator
from pathlib import Path

from fireside.assistant.documents.ocr_pages import PageOcr, ocr_blocks
from fireside.assistant.documents.types import Block, LoadError

_HYPHEN_BREAK = re.compile(r"(\w)-\n([a-z])")

# PDFium is not thread-safe: the indexer (rendering scans) and the source viewer (rendering
# cited pages) take this lock around every call into it.
PDFIUM_LOCK = threading.Lock()
OCR_DPI = 150  # A4 is 1240 x 1754 pixels: 10-point text is about 20 pixels tall
OCR_MAX_PIXELS = 16_000_000  # a poster-sized page is rendered smaller
ALMOST_NO_TEXT = 20  # characters: fewer over a picture and the page is read with OCR
REOPEN_EVERY = 16  # pages rendered before PDFium's document (and its caches) is reopened


def _open(path: Path):
    import pypdf
    from pypdf.errors import DependencyError, FileNotDecryptedError, PdfReadError

    logging.getLogger("pypdf").setLevel(logging.ERROR)
    try:
        reader = pypdf.PdfReader(str(path), strict=False)
        if reader.is_encrypted:
            try:
                ok = reader.decrypt("")
            except (DependencyError, NotImplementedError):
                ok = 0
            if not ok:
                raise LoadError("encrypted", "encrypted PDF (password protected)")
        n = len(reader.pages)
    except LoadError:
        raise
    except DependencyError:
        raise LoadError("encrypted", "encrypted PDF (AES; cannot be opened here)") from None
    except FileNotDecryptedError:
        raise LoadError("encrypted", "encrypted PDF (password protected)") from None
    except (PdfReadError, ValueError, KeyError, TypeError, AttributeError, OSError) as exc:
        raise LoadError("corrupt", f"corrupt or unreadable PDF ({_short(exc)})") from None
    except Exception as exc:  # pypdf raises many internal errors on damaged files
        raise LoadError("corrupt", f"corrupt or unreadable PDF ({_short(exc)})") from None
    return reader, n


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:160]


def _outline_headings(reader, n_pages: int) -> list[tuple[str, ...]]:
    """Heading path in force at the top of each page (by the outline), or () everywhere."""
    starts: list[tuple[int, tuple[str, ...]]] = []

    def walk(items, path: tuple[str, ...]) -> None:
        last: tuple[str, ...] = path
        for item in items:
            if isinstance(item, list):
                walk(item, last)
                continue
            try:
                page = reader.get_destination_page_number(item)
                title = str(item.title).strip()
            except Exception:
                continue
            last = path + (title,)
            if page is not None and page >= 0 and title:
                starts.append((page, last))

    try:
        walk(reader.outline, ())
    except Exception:
        return [()] * n_pages
    starts.sort(key=lambda s: s[0])
    out, current, i = [], (), 0
    for page in range(n_pages):
        while i < len(starts) and starts[i][0] <= page:
            current = starts[i][1]
            i += 1
        out.append(current)
    return out


def load_pdf(path: Path, warn: Callable[[str], None], ocr: PageOcr | None = None):
    reader, n_pages = _open(path)
    if n_pages == 0:
        raise LoadError("empty", "the PDF has no pages")
    return _pdf_blocks(path, reader, n_pages, warn, ocr or PageOcr(None))


def _pdf_blocks(
    path: Path, reader, n_pages: int, warn: Callable[[str], None], ocr: PageOcr
) -> Iterator[Block]:
    headings = _outline_headings(reader, n_pages)
    blank, failed, scanned, read = 0, 0, 0, 0
    pages = _PdfiumPages(path)
    try:
        for index in range(n_pages):
            ocr.progress(index, n_pages)
            try:
                text = reader.pages[index].extract_text() or ""
            except Exception as exc:
                failed += 1
                if failed == 1:
                    warn(f"page {index + 1}: text could not be extracted ({_short(exc)})")
                continue
            chars = len("".join(text.split()))
            if chars < ALMOST_NO_TEXT and pages.has_picture(index):
                scanned += 1
                if ocr.enabled:
                    ocr.require("a scanned page has text only through OCR")
                    result = ocr.read(index + 1, lambda index=index: pages.render(index))
                    if result.lines:
                        read += 1
                        yield from ocr_blocks(result, index + 1, headings[index])
                        continue
                if chars >= 3:  # keep the little text the page has
                    yield from _page_blocks(text, index + 1, headings[index])
                    continue
                blank += 1
                continue
            if chars < 3:
                blank += 1
                continue
            yield from _page_blocks(text, index + 1, headings[index])
        ocr.progress(n_pages, n_pages)
    finally:
        pages.close()
    if blank + failed == n_pages:
        if failed:
            raise LoadError("corrupt", "no page of the PDF could be read")
        if scanned and not ocr.enabled:
            raise LoadError(
                "scanned", f"no text layer (scanned or image-only PDF; {ocr.off_reason})"
            )
        if scanned:
            raise LoadError("scanned", "no text layer, and OCR found no text on its pages")
        raise LoadError("scanned", "no text layer (and no pictures to read with OCR)")
    if read:
        warn(f"{read} of {n_pages} pages read with OCR")
    if blank:
        why = ocr.off_reason if scanned and not ocr.enabled else "no text found"
        warn(f"{blank} of {n_pages} pages have no text layer ({why})")
    if failed > 1:
        warn(f"{failed} of {n_pages} pages could not be read")


class _PdfiumPages:
    """The same PDF opened in PDFium, only once a page needs a look at its pictures; reopened
    now and then, so the document's caches do not grow with a long scan."""

    def __init__(self, path: Path) -> None:
        self.path = path
        self._doc = None
        self._failed = False
        self._rendered = 0

    def _open(self):
        if self._doc is None and not self._failed:
            import pypdfium2 as pdfium

            try:
                self._doc = pdfium.PdfDocument(str(self.path))
            except Exception:  # pypdf read it; a PDFium failure only means no OCR
                self._failed = True
        return self._doc

    def has_picture(self, index: int) -> bool:
        import pypdfium2.raw as raw

        with PDFIUM_LOCK:
            doc = self._open()
            if doc is None:
                return False
            page = doc[index]
            try:
                kinds = (raw.FPDF_PAGEOBJ_IMAGE,)
                return next(iter(page.get_objects(filter=kinds, max_depth=3)), None) is not None
            finally:
                page.close()

    def render(self, index: int):
        """Page ``index`` (0-based) as an RGB ``PIL.Image`` at ``OCR_DPI``."""
        with PDFIUM_LOCK:
            page = self._open()[index]
            try:
                width, height = page.get_size()
                scale = OCR_DPI / 72
                if width * height * scale * scale > OCR_MAX_PIXELS:
                    scale = (OCR_MAX_PIXELS / (width * height)) ** 0.5
                bitmap = page.render(scale=scale, grayscale=False)
                try:
                    return bitmap.to_pil().convert("RGB")
                finally:
                    bitmap.close()
            finally:
                page.close()
                self._rendered += 1
                if self._rendered % REOPEN_EVERY == 0:
                    self._doc.close()
                    self._doc = None

    def close(self) -> None:
        if self._doc is not None:
            with PDFIUM_LOCK:
                self._doc.close()
            self._doc = None


def _page_blocks(text: str, page: int, heading: tuple[str, ...]) -> Iterator[Block]:
    """Paragraphs of one page (blank-line separated), with line numbers within the page."""
    lines = text.replace("\r\n", "\n").replace("\r", "\n").split("\n")
    start, buf = None, []
    for number, line in enumerate(lines, 1):
        if line.strip():
            if start is None:
                start = number
            buf.append(line.rstrip())
            continue
        if buf:
            yield Block(
                _HYPHEN_BREAK.sub(r"\1\2", "\n".join(buf)), page, start, number - 1, heading
            )
            start, buf = None, []
    if buf:
        yield Block(_HYPHEN_BREAK.sub(r"\1\2", "\n".join(buf)), page, start, len(lines), heading)
