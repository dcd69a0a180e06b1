"""What a citation points at, read back from the file: a rendered PDF page or a few lines.

A citation names a file and a page (PDFs) or a line span (text, code, CSV, HTML source).
The desktop shows that place inside the app instead of asking the system viewer, which
often ignores the page. Everything here is plain data and blocking I/O, meant to run off
the UI thread; failures the user can act on (the file was moved, it needs a password) are
``SourceError`` with words for them.

PDF pages are rendered with PDFium, which also knows where each character sits on the page,
so the cited chunk (extracted earlier by pypdf, with its own idea of spacing and
hyphenation) is found again by comparing text with whitespace and hyphens left out. A
scanned page has no characters for PDFium to find: there the lines OCR read when the file
was indexed (their boxes were kept) are marked instead, and so on a picture file.
"""

from __future__ import annotations

import unicodedata
from collections import deque
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import NamedTuple

from fireside.assistant.documents.loaders.pdf_loader import PDFIUM_LOCK
from fireside.assistant.documents.loaders.text_loader import iter_lines
from fireside.assistant.documents.types import LoadError
from fireside.models.image_files import IMAGE_EXTENSIONS, ImageFileError, iter_frames
from fireside.models.ocr import OcrPage

from fireside.errors import FiresideError

DEFAULT_SCALE = 1.5  # pixels per PDF point: readable on a 96 dpi screen
MAX_PIXELS = 40_000_000  # a poster-sized page is rendered smaller rather than exhausting memory
MIN_SCALE, MAX_SCALE = 0.25, 8.0
SEARCH_WORDS = 8  # how many words identify a passage when the whole chunk is not found
SEARCH_TRIES = 4  # windows of SEARCH_WORDS tried, from the start of the chunk onwards
MIN_SEARCH_CHARS = 12  # a shorter run of words is too common to point at one place
DEFAULT_CONTEXT_LINES = 2000
MAX_LINE_CHARS = 2000  # a minified or binary-ish line is cut for display
MAX_SIDE_CHARS = 1_000_000  # context kept on either side of the cited span, in characters

# PDFium's lock: the library is not thread-safe, and two viewers (or a quick "next page"),
# or a viewer and the indexer reading a scan, may use it at once on different threads.
_PDFIUM = PDFIUM_LOCK

# Left out when comparing text: spacing and line-break hyphens differ between extractors.
# U+FFFE and U+0002 are what PDFium reports for a hyphen it decided was a line break.
_IGNORED = frozenset("-\u00ad\u2010\u2011\ufffe\ufeff\x02")


class SourceError(FiresideError):
    """The cited place cannot be shown; ``message`` says why in words for the user.

    ``kind`` is a stable code: missing, encrypted, corrupt, page, changed, unreadable.
    """

    def __init__(self, message: str, kind: str = "unreadable") -> None:
        super().__init__(message)
        self.message = message
        self.kind = kind


class HighlightRect(NamedTuple):
    """A rectangle in image pixels, origin at the top left."""

    left: float
    top: float
    width: float
    height: float


@dataclass
class PageImage:
    """One rendered page: ``data`` is ``height`` rows of ``stride`` bytes, 4 bytes a pixel
    in R, G, B, x order (Qt's ``Format_RGBX8888``); ``highlights`` cover the cited text."""

    width: int
    height: int
    stride: int
    data: bytes
    page: int  # 1-based
    page_count: int
    scale: float
    highlights: list[HighlightRect] = field(default_factory=list)


@dataclass
class TextWindow:
    """Lines ``first_line``.. of a file around a cited span.

    ``span_start``/``span_end`` are 0-based offsets of the cited lines within ``lines``
    (end exclusive); ``at_end`` is true when the file ends inside the window.
    """

    lines: list[str]
    first_line: int
    span_start: int
    span_end: int
    at_end: bool

    @property
    def text(self) -> str:
        return "\n".join(self.lines)

    @property
    def last_line(self) -> int:
        return self.first_line + len(self.lines) - 1


def require_file(path: str | Path) -> Path:
    """The path as a ``Path`` if it is still a readable file; else why not."""
    p = Path(path)
    try:
        if p.is_file():
            return p
        exists = p.exists()
    except OSError as exc:
        raise SourceError(f"{p.name} cannot be read ({exc.strerror or exc})") from None
    if exists:
        raise SourceError(f"{p.name} is not a file any more", "missing")
    raise SourceError(_missing_message(p), "missing")


# -- PDF ------------------------------------------------------------------------------------


def render_pdf_page(
    path: str | Path,
    page: int,
    *,
    scale: float = DEFAULT_SCALE,
    fit_width: int | None = None,
    highlight: str | None = None,
    ocr: OcrPage | None = None,
    lines: tuple[int, int] | None = None,
) -> PageImage:
    """Render 1-based ``page`` of a PDF, with rectangles over ``highlight`` if found on it.

    ``fit_width`` (pixels) overrides ``scale`` so the page fills a view of that width.
    ``ocr`` is what OCR read on the page when it was indexed: on a scanned page the cited
    OCR lines (``lines``, or the ones holding ``highlight``) are marked. Text that cannot be
    found gives no rectangles rather than an error: the page itself is still the useful part.
    """
    import pypdfium2 as pdfium

    p = require_file(path)
    with _PDFIUM:
        doc = _open_pdf(pdfium, p)
        try:
            count = len(doc)
            if not 1 <= page <= count:
                raise SourceError(
                    f"{p.name} has no page {page} (it has {count}); "
                    "it changed since it was indexed",
                    "page",
                )
            pdf_page = doc[page - 1]
            try:
                width_pt, height_pt = pdf_page.get_size()
                scale = _choose_scale(scale, fit_width, width_pt, height_pt)
                bitmap = pdf_page.render(scale=scale, prefer_bgrx=True, rev_byteorder=True)
                rects = _find_rects(pdf_page, bitmap, highlight) if highlight else []
                if not rects and ocr is not None and (highlight or lines):
                    rects = ocr_rects(ocr, highlight, lines, bitmap.width, bitmap.height)
                image = PageImage(
                    width=bitmap.width,
                    height=bitmap.height,
                    stride=bitmap.stride,
                    data=bytes(bitmap.buffer),
                    page=page,
                    page_count=count,
                    scale=scale,
                    highlights=rects,
                )
                bitmap.close()
                return image
            except pdfium.PdfiumError as exc:
                raise SourceError(
                    f"page {page} of {p.name} cannot be shown ({exc})", "corrupt"
                ) from None
            finally:
                pdf_page.close()
        finally:
            doc.close()


def is_picture(path: str | Path) -> bool:
    return Path(path).suffix.lower() in IMAGE_EXTENSIONS


def render_picture(
    path: str | Path,
    page: int = 1,
    *,
    fit_width: int | None = None,
    highlight: str | None = None,
    ocr: OcrPage | None = None,
    lines: tuple[int, int] | None = None,
) -> PageImage:
    """A picture file's ``page`` (a TIFF's pages, 1 for others), scaled to ``fit_width``,
    with the cited OCR lines marked."""
    p = require_file(path)
    try:
        frames = iter_frames(p, p.name)
        frame, count = None, 0
        for count, current in enumerate(frames, 1):
            if count == page:
                frame = current
            else:
                current.close()
    except ImageFileError as exc:
        raise SourceError(exc.message, "corrupt") from None
    if frame is None:
        raise SourceError(
            f"{p.name} has no page {page} (it has {count}); it changed since it was indexed",
            "page",
        )
    scale = 1.0
    if fit_width and frame.width > fit_width:
        scale = fit_width / frame.width
        frame = frame.resize(
            (max(1, round(frame.width * scale)), max(1, round(frame.height * scale)))
        )
    rgbx = frame.convert("RGBX")
    rects = ocr_rects(ocr, highlight, lines, rgbx.width, rgbx.height) if ocr else []
    return PageImage(
        width=rgbx.width,
        height=rgbx.height,
        stride=rgbx.width * 4,
        data=rgbx.tobytes(),
        page=page,
        page_count=count,
        scale=scale,
        highlights=rects,
    )


def ocr_rects(
    ocr: OcrPage,
    highlight: str | None,
    lines: tuple[int, int] | None,
    width: int,
    height: int,
) -> list[HighlightRect]:
    """Boxes, in a ``width`` x ``height`` rendering of the page, of the OCR lines that hold
    ``highlight`` (found as in ``find_span``), else of lines ``lines`` (1-based, inclusive)."""
    if not ocr.lines or ocr.width <= 0 or ocr.height <= 0:
        return []
    chosen: range | None = None
    if highlight:
        joined, starts = "", []
        for line in ocr.lines:
            starts.append(len(joined))
            joined += line.text + "\n"
        span = find_span(joined, highlight)
        if span is not None:
            first = max(i for i, start in enumerate(starts) if start <= span[0])
            last = max(i for i, start in enumerate(starts) if start <= span[1])
            chosen = range(first, last + 1)
    if chosen is None and lines:
        chosen = range(max(0, lines[0] - 1), min(len(ocr.lines), lines[1]))
    if chosen is None:
        return []
    sx, sy = width / ocr.width, height / ocr.height
    out = []
    for index in chosen:
        left, top, right, bottom = ocr.lines[index].box
        out.append(HighlightRect(left * sx, top * sy, (right - left) * sx, (bottom - top) * sy))
    return out


def _open_pdf(pdfium, path: Path):
    import pypdfium2.raw as raw

    try:
        return pdfium.PdfDocument(str(path))
    except FileNotFoundError:
        raise SourceError(_missing_message(path), "missing") from None
    except OSError as exc:
        raise SourceError(f"{path.name} cannot be read ({exc.strerror or exc})") from None
    except pdfium.PdfiumError as exc:
        code = getattr(exc, "err_code", None)
        if code is None:  # pypdfium2 before 5 says it only in words
            text = str(exc).lower()
            code = next((c for word, c in _ERROR_WORDS if word in text), raw.FPDF_ERR_FORMAT)
        if code == raw.FPDF_ERR_PASSWORD:
            raise SourceError(
                f"{path.name} is encrypted (password protected); "
                "open it in the default app to enter the password",
                "encrypted",
            ) from None
        if code == raw.FPDF_ERR_SECURITY:
            raise SourceError(
                f"{path.name} is encrypted with a scheme that cannot be opened here", "encrypted"
            ) from None
        if code == raw.FPDF_ERR_FILE:
            raise SourceError(f"{path.name} cannot be opened (file error)") from None
        reason = str(exc).rpartition("PDFium: ")[2].rstrip(").") or str(exc)
        raise SourceError(f"{path.name} is damaged or not a PDF ({reason})", "corrupt") from None


_ERROR_WORDS = [("password", 4), ("security", 5), ("file access", 2)]  # FPDF_ERR_* codes


def _missing_message(path: Path) -> str:
    return f"{path.name} was moved or deleted since it was indexed (it was in {path.parent})"


def _choose_scale(scale: float, fit_width: int | None, width_pt: float, height_pt: float) -> float:
    if fit_width and width_pt > 0:
        scale = fit_width / width_pt
    scale = min(max(scale, MIN_SCALE), MAX_SCALE)
    area = width_pt * height_pt * scale * scale
    if area > MAX_PIXELS:
        scale *= (MAX_PIXELS / area) ** 0.5
    return scale


def _find_rects(pdf_page, bitmap, needle: str) -> list[HighlightRect]:
    textpage = pdf_page.get_textpage()
    try:
        count = textpage.count_chars()
        if count <= 0:
            return []
        text = textpage.get_text_range(0, count)
        if len(text) != count:  # characters outside the BMP: go one by one to keep indices
            text = _text_by_char(textpage, count)
        span = find_span(text, needle)
        if span is None:
            return []
        first, last = span
        n = textpage.count_rects(first, last - first + 1)
        rects = []
        for i in range(n):
            left, bottom, right, top = textpage.get_rect(i)
            x0, y0 = _to_bitmap(pdf_page, bitmap, left, top)
            x1, y1 = _to_bitmap(pdf_page, bitmap, right, bottom)
            x, y = min(x0, x1), min(y0, y1)
            rects.append(HighlightRect(x, y, abs(x1 - x0), abs(y1 - y0)))
        return rects
    finally:
        textpage.close()


def _to_bitmap(pdf_page, bitmap, x: float, y: float) -> tuple[int, int]:
    """Page coordinates (points, origin bottom left) to pixels of the rendered bitmap; PDFium
    applies the page's own rotation and crop box, as it did when rendering."""
    import ctypes

    import pypdfium2.raw as raw

    dx, dy = ctypes.c_int(), ctypes.c_int()
    raw.FPDF_PageToDevice(pdf_page.raw, 0, 0, bitmap.width, bitmap.height, 0, x, y, dx, dy)
    return dx.value, dy.value


def _text_by_char(textpage, count: int) -> str:
    import pypdfium2.raw as raw

    return "".join(
        chr(code) if 0 < (code := raw.FPDFText_GetUnicode(textpage.raw, i)) < 0x110000 else " "
        for i in range(count)
    )


def _squash(text: str) -> tuple[str, list[int]]:
    """Text for comparing, and for each of its characters the index it came from."""
    out: list[str] = []
    where: list[int] = []
    for i, ch in enumerate(text):
        if ch.isspace() or ch in _IGNORED:
            continue
        for c in unicodedata.normalize("NFKC", ch).casefold():
            if not c.isspace() and c not in _IGNORED:
                out.append(c)
                where.append(i)
    return "".join(out), where


def find_span(haystack: str, needle: str) -> tuple[int, int] | None:
    """Indices (first, last, inclusive) in ``haystack`` of the text ``needle`` cites.

    Spacing, hyphens, ligatures and case are ignored. The whole needle is tried first (a
    passage that repeats elsewhere on the page is then still found at the right place);
    then its first words, extended to where its last words are, when they follow closely;
    then later runs of words, for a chunk whose start was extracted differently.
    """
    hay, where = _squash(haystack)
    whole, _ = _squash(needle)
    if not hay or not whole:
        return None
    found = hay.find(whole)
    if found >= 0:
        return where[found], where[found + len(whole) - 1]
    words = needle.split()
    if len(words) <= SEARCH_WORDS:  # the whole needle was all there was to look for
        return None
    tail, _ = _squash(" ".join(words[-SEARCH_WORDS:]))
    for start in range(0, len(words) - SEARCH_WORDS + 1, SEARCH_WORDS)[:SEARCH_TRIES]:
        head, _ = _squash(" ".join(words[start : start + SEARCH_WORDS]))
        found = hay.find(head)
        if len(head) < MIN_SEARCH_CHARS or found < 0:
            continue
        end = found + len(head) - 1
        if start == 0:
            t = hay.find(tail, found + len(head))
            if 0 <= t <= found + len(whole) * 2:
                end = t + len(tail) - 1
        return where[found], where[end]
    return None


# -- text -----------------------------------------------------------------------------------


def read_text_window(
    path: str | Path,
    line_start: int,
    line_end: int | None = None,
    *,
    context_lines: int = DEFAULT_CONTEXT_LINES,
) -> TextWindow:
    """Up to ``context_lines`` lines either side of lines ``line_start``..``line_end``.

    The file is streamed with the indexer's own line reader, so line numbers mean what
    they meant when the citation was made, memory stays bounded whatever the file size,
    and reading stops once the lines after the span are collected. The text is decoded as
    the indexer decoded it (UTF-8 unless its first bytes said otherwise), and bytes that do
    not decode become U+FFFD rather than failing.
    """
    p = require_file(path)
    line_start = max(1, int(line_start))
    line_end = max(line_start, int(line_end or line_start))
    before: deque[str] = deque()
    before_chars = 0
    span: list[str] = []
    after: list[str] = []
    after_chars = 0
    last_seen = 0
    at_end = True
    try:
        for number, text in _whole_lines(p):
            last_seen = number
            if number < line_start:
                before.append(text)
                before_chars += len(text)
                while len(before) > context_lines or before_chars > MAX_SIDE_CHARS:
                    before_chars -= len(before.popleft())
            elif number <= line_end:
                span.append(text)
            else:
                if len(after) >= context_lines or after_chars > MAX_SIDE_CHARS:
                    at_end = False
                    break
                after.append(text)
                after_chars += len(text)
    except LoadError as exc:
        why = "it holds binary data now" if exc.kind == "misnamed" else exc.message
        raise SourceError(f"{p.name} cannot be shown as text: {why}", "changed") from None
    except OSError as exc:
        raise SourceError(f"{p.name} cannot be read ({exc.strerror or exc})") from None
    if last_seen < line_start:
        raise SourceError(
            f"{p.name} has no line {line_start} (it has {last_seen}); "
            "it changed since it was indexed",
            "changed",
        )
    lines = [*before, *span, *after]
    first = line_start - len(before)
    return TextWindow(lines, first, len(before), len(before) + len(span), at_end)


def _whole_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(number, text) per line, the pieces of an over-long line joined and cut for display."""
    current, parts, size = 0, [], 0
    for number, piece in iter_lines(path):
        if number != current:
            if current:
                yield current, _joined(parts, size)
            current, parts, size = number, [], 0
        if size < MAX_LINE_CHARS:
            parts.append(piece)
        size += len(piece)
    if current:
        yield current, _joined(parts, size)


def _joined(parts: list[str], size: int) -> str:
    text = "".join(parts)
    return text[:MAX_LINE_CHARS] + " …" if size > MAX_LINE_CHARS else text
