"""HTML pages: visible text in blocks under their h1..h6 path; scripts, styles and navigation
dropped.

The stdlib parser is fed the file in blocks, so a huge page streams like a text file. Block
elements (p, li, tr, div, ...) end a paragraph; ``<pre>`` keeps its line breaks.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from html.parser import HTMLParser
from pathlib import Path

from fireside.assistant.documents.loaders.text_loader import MAX_BLOCK, READ_BLOCK, open_text
from fireside.assistant.documents.types import Block

_SKIP = {"script", "style", "noscript", "template", "svg", "nav", "head", "select", "button"}
_BLOCK = {
    "p", "div", "li", "ul", "ol", "dl", "dt", "dd", "tr", "table", "section", "article",
    "blockquote", "pre", "br", "hr", "header", "footer", "aside", "main", "form", "figure",
    "figcaption", "caption", "address", "body", "html", "td", "th",
}  # fmt: skip
_HEADINGS = {"h1": 1, "h2": 2, "h3": 3, "h4": 4, "h5": 5, "h6": 6}
_VOID = {"br", "hr", "img", "meta", "link", "input", "area", "base", "col", "source", "wbr"}
_SPACES = re.compile(r"[ \t\r\n\f\v]+")


class _TextExtractor(HTMLParser):
    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.blocks: list[Block] = []
        self.title: str | None = None
        self._skip = 0
        self._pre = 0
        self._parts: list[str] = []
        self._start_line: int | None = None
        self._stack: list[tuple[int, str]] = []
        self._heading_level = 0
        self._heading_parts: list[str] = []
        self._in_title = False
        self._cell = False

    # -- structure ----------------------------------------------------------------------
    def handle_starttag(self, tag: str, attrs) -> None:
        if tag == "title":
            self._in_title = True
        if tag in _SKIP:
            if tag not in _VOID:
                self._skip += 1
            return
        if tag in _HEADINGS:
            self._flush()
            self._heading_level, self._heading_parts = _HEADINGS[tag], []
        elif tag in ("td", "th") and self._cell:
            self._parts.append(" | ")
        elif tag in _BLOCK:
            self._flush()
        if tag == "pre":
            self._pre += 1
        if tag == "tr":
            self._cell = False
        if tag in ("td", "th"):
            self._cell = True

    def handle_endtag(self, tag: str) -> None:
        if tag == "title":
            self._in_title = False
        if tag in _SKIP:
            self._skip = max(0, self._skip - 1)
            return
        if tag in _HEADINGS and self._heading_level:
            title = _SPACES.sub(" ", "".join(self._heading_parts)).strip()
            level = self._heading_level
            self._heading_level = 0
            if title:
                self._stack = [(lv, t) for lv, t in self._stack if lv < level] + [(level, title)]
        elif tag == "pre":
            self._pre = max(0, self._pre - 1)
            self._flush()
        elif tag in _BLOCK and tag not in ("td", "th"):
            self._flush()

    def handle_data(self, data: str) -> None:
        if self._in_title:
            self.title = ((self.title or "") + data).strip()
            return
        if self._skip:
            return
        if self._heading_level:
            self._heading_parts.append(data)
            return
        if not data.strip() and not self._pre:
            if self._parts:
                self._parts.append(" ")
            return
        if self._start_line is None:
            self._start_line = self.getpos()[0]
        self._parts.append(data if self._pre else _SPACES.sub(" ", data))
        if sum(len(p) for p in self._parts) > MAX_BLOCK:
            self._flush()

    def _flush(self) -> None:
        text = "".join(self._parts).strip()
        if text.replace("|", "").strip():
            line = self.getpos()[0]
            heading = tuple(t for _, t in self._stack)
            self.blocks.append(Block(text, None, self._start_line or line, line, heading))
        self._parts, self._start_line = [], None

    def take(self) -> list[Block]:
        out, self.blocks = self.blocks, []
        return out


def load_html(path: Path, warn: Callable[[str], None]) -> Iterator[Block]:
    parser = _TextExtractor()
    with open_text(path) as fh:
        while data := fh.read(READ_BLOCK):
            parser.feed(data)
            yield from parser.take()
    parser.close()
    parser._flush()
    yield from parser.take()
