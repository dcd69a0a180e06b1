"""A fetched page as readable text: the main content, its title, date and language.

Boilerplate (menus, footers, cookie banners, "related articles") would cost a small model's
context and mislead it, so HTML goes through trafilatura's main-content extractor, with its
plain baseline as the fallback for pages too small or odd for it. Bytes become text by the
charset the server declared, else the page's own ``<meta>``, else UTF-8, else a detector
(charset-normalizer), so GBK and Big5 pages read as Chinese, not mojibake. PDFs go through
the app's document loaders, like a PDF added to a collection.
"""

from __future__ import annotations

import codecs
import re
import tempfile
from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fireside.plugins.builtin.web.errors import WebError
from fireside.plugins.builtin.web.fetch import Fetched

HTML_TYPES = ("text/html", "application/xhtml+xml", "application/xml", "text/xml")
TEXT_TYPES = ("text/plain", "text/markdown")
_META_CHARSET = re.compile(rb"""<meta[^>]+charset\s*=\s*["']?\s*([A-Za-z0-9_.:-]+)""", re.I)
_HTML_LANG = re.compile(
    r"""<html[^>]*\blang\s*=\s*["']?([A-Za-z]{2,3}(?:[-_][A-Za-z0-9]{2,8})*)""", re.I
)
_CJK = re.compile(r"[\u3400-\u9fff]")


@dataclass
class Extracted:
    title: str
    text: str
    date: str | None
    language: str
    kind: str  # "html", "pdf", "text"


def _known(charset: str | None) -> str | None:
    if not charset:
        return None
    try:
        name = codecs.lookup(charset).name
    except LookupError:
        return None
    # Pages labelled gb2312 are nearly always GBK in practice (browsers do the same).
    return "gb18030" if name in ("gb2312", "gbk") else name


def decode(body: bytes, declared: str | None) -> str:
    """The page's text; the declared charset first, then ``<meta>``, UTF-8, a detector."""
    if body.startswith(codecs.BOM_UTF8):
        return body[3:].decode("utf-8", errors="replace")
    for charset in (_known(declared), _meta_charset(body)):
        if charset:
            try:
                return body.decode(charset)
            except UnicodeDecodeError:
                continue
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        pass
    from charset_normalizer import from_bytes

    best = from_bytes(body).best()
    if best is not None and best.encoding:
        return body.decode(_known(best.encoding) or best.encoding, errors="replace")
    return body.decode("utf-8", errors="replace")


def _meta_charset(body: bytes) -> str | None:
    match = _META_CHARSET.search(body[:4096])
    return _known(match.group(1).decode("ascii", "ignore")) if match else None


def guess_language(text: str, html_lang: str | None = None) -> str:
    """The page's language tag: as the page declares it, else "zh" for mostly Chinese text."""
    if html_lang:
        return html_lang.replace("_", "-")
    sample = text[:2000]
    letters = sum(ch.isalpha() for ch in sample) or 1
    return "zh" if len(_CJK.findall(sample)) / letters > 0.3 else ""


def extract_html(html: str, url: str) -> Extracted:
    import trafilatura

    match = _HTML_LANG.search(html[:4096])
    html_lang = match.group(1) if match else None
    doc = None
    try:
        doc = trafilatura.bare_extraction(
            html,
            url=url,
            with_metadata=True,
            include_comments=False,
            include_tables=True,
            favor_recall=True,
        )
    except Exception:  # noqa: BLE001 - a page the extractor chokes on gets the baseline
        doc = None
    title = (getattr(doc, "title", None) or "").strip()
    text = (getattr(doc, "text", None) or "").strip()
    date = getattr(doc, "date", None) or None
    if len(text) < 80:  # nothing found as an article: take the visible text instead
        try:
            _tree, baseline_text, _length = trafilatura.baseline(html)
        except Exception:  # noqa: BLE001
            baseline_text = ""
        if len(baseline_text.strip()) > len(text):
            text = baseline_text.strip()
    if not title:
        found = re.search(r"<title[^>]*>(.*?)</title>", html[:20000], re.I | re.S)
        title = " ".join(found.group(1).split()) if found else ""
    if not text:
        raise WebError(f"no readable text on the page {url[:200]}")
    return Extracted(title or url, text, date, guess_language(text, html_lang), "html")


def extract(fetched: Fetched, read_document: Callable[[Path], str] | None = None) -> Extracted:
    """Text of any page kind Fireside reads; ``WebError`` naming the type otherwise."""
    kind = fetched.content_type
    body = fetched.body
    if kind == "application/pdf" or (not kind and body.startswith(b"%PDF-")):
        return _extract_pdf(fetched, read_document)
    if kind in HTML_TYPES or (not kind and b"<html" in body[:2048].lower()):
        return extract_html(decode(body, fetched.charset), fetched.url)
    if kind in TEXT_TYPES:
        text = decode(body, fetched.charset).strip()
        if not text:
            raise WebError(f"the page is empty: {fetched.url[:200]}")
        title = text.splitlines()[0][:120]
        return Extracted(title, text, None, guess_language(text), "text")
    raise WebError(
        f"{fetched.url[:200]} is not a web page or a PDF ({kind or 'unknown type'}); not read"
    )


def _extract_pdf(fetched: Fetched, read_document: Callable[[Path], str] | None) -> Extracted:
    if read_document is None:
        raise WebError("PDFs cannot be read here (no document loaders)")
    with tempfile.TemporaryDirectory(prefix="fireside-web-") as folder:
        path = Path(folder) / "page.pdf"
        path.write_bytes(fetched.body)
        try:
            text = read_document(path).strip()
        except Exception as exc:  # noqa: BLE001 - a LoadError says why in words
            raise WebError(f"the PDF {fetched.url[:200]} cannot be read: {exc}") from None
    if not text:
        raise WebError(f"the PDF {fetched.url[:200]} has no text (a scan?)")
    name = fetched.url.rstrip("/").rsplit("/", 1)[-1] or fetched.url
    return Extracted(name, text, None, guess_language(text), "pdf")
