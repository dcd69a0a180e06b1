"""Word documents: paragraphs and tables in body order, headings from the paragraph styles.

A .docx has no fixed pages; Word records where it last broke pages
(``w:lastRenderedPageBreak``) and explicit page breaks are in the XML, so pages are counted
from those when the file has any, and left unknown otherwise rather than guessed.
"""

from __future__ import annotations

import re
import zipfile
from collections.abc import Callable, Iterator
from pathlib import Path

from fireside.assistant.documents.types import Block, LoadError

_HEADING_STYLE = re.compile(r"^(?:heading|überschrift|titre)\s*(\d)$", re.IGNORECASE)


def _open(path: Path):
    import docx
    from docx.opc.exceptions import PackageNotFoundError

    try:
        return docx.Document(str(path))
    except (PackageNotFoundError, zipfile.BadZipFile, KeyError, ValueError) as exc:
        raise LoadError("corrupt", f"not a readable .docx file ({exc})") from None
    except Exception as exc:  # lxml errors on damaged XML
        raise LoadError("corrupt", f"damaged .docx file ({type(exc).__name__})") from None


def _level(paragraph) -> int | None:
    try:
        name = paragraph.style.name or ""
    except Exception:
        return None
    if name.lower() == "title":
        return 0
    m = _HEADING_STYLE.match(name)
    return int(m.group(1)) if m else None


def _page_breaks(paragraph) -> int:
    n = len(paragraph.rendered_page_breaks)
    if not n and paragraph.contains_page_break:
        n = 1
    return n


def load_docx(path: Path, warn: Callable[[str], None]) -> Iterator[Block]:
    from docx.table import Table

    document = _open(path)
    body = document.element.body
    paged = bool(body.xpath(".//w:lastRenderedPageBreak | .//w:br[@w:type='page']"))
    page = 1 if paged else None
    stack: list[tuple[int, str]] = []
    ordinal = 0
    for item in document.iter_inner_content():
        ordinal += 1
        heading = tuple(t for _, t in stack)
        if isinstance(item, Table):
            rows = []
            for row in item.rows:
                cells = [c.text.strip() for c in row.cells]
                # merged cells repeat; keep each distinct cell once
                rows.append(" | ".join(dict.fromkeys(c for c in cells if c)))
            text = "\n".join(r for r in rows if r)
            if text:
                yield Block(text, page, None, None, heading)
            continue
        text = item.text.strip()
        level = _level(item)
        if level is not None and text:
            stack = [(lv, t) for lv, t in stack if lv < level] + [(level, text)]
        elif text:
            yield Block(text, page, None, None, heading)
        if page is not None:
            page += _page_breaks(item)
