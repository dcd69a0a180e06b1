"""PDF text, page by page, so every chunk knows the page a citation should open.

Encrypted files get one try with the empty password (many "protected" PDFs only restrict
printing); pages without a text layer are counted, and a file where no page has text is
reported as scanned, since OCR is out of scope. The outline (bookmarks), when present, gives
each page its heading path.
"""

from __future__ import annotations

import logging
import re
from collections.abc import Callable, Iterator
from pathlib import Path

from fireside.assistant.documents.types import Block, LoadError

_HYPHEN_BREAK = re.compile(r"(\w)-\n([a-z])")


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


def load_pdf(path: Path, warn: Callable[[str], None]) -> Iterator[Block]:
    reader, n_pages = _open(path)
    if n_pages == 0:
        raise LoadError("empty", "the PDF has no pages")
    headings = _outline_headings(reader, n_pages)
    blank, failed = 0, 0
    for index in range(n_pages):
        try:
            text = reader.pages[index].extract_text() or ""
        except Exception as exc:
            failed += 1
            if failed == 1:
                warn(f"page {index + 1}: text could not be extracted ({_short(exc)})")
            continue
        if len(text.strip()) < 3:
            blank += 1
            continue
        yield from _page_blocks(text, index + 1, headings[index])
    if blank + failed == n_pages:
        if failed:
            raise LoadError("corrupt", "no page of the PDF could be read")
        raise LoadError("scanned", "no text layer (scanned or image-only PDF; OCR is not done)")
    if blank:
        warn(f"{blank} of {n_pages} pages have no text layer (scanned images are not read)")
    if failed > 1:
        warn(f"{failed} of {n_pages} pages could not be read")


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
