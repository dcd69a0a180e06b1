"""Plain text, source code and Markdown, read as a stream so file size never sets memory.

The file is decoded in 1 MiB blocks; a line longer than ``MAX_LINE`` (a 1 GB file with no
newline at all) is cut into pieces, and a paragraph is emitted once it reaches
``MAX_BLOCK`` characters even without a blank line, so no structure in the input can make a
block grow without bound.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterator
from pathlib import Path

from fireside.assistant.documents.loaders.sniff import read_head, text_encoding
from fireside.assistant.documents.types import Block, LoadError

READ_BLOCK = 1 << 20
MAX_LINE = 8192
MAX_BLOCK = 4000

Warn = Callable[[str], None]


def open_text(path: Path):
    encoding = text_encoding(read_head(path))
    if encoding is None:
        raise LoadError("misnamed", "binary content, not text (the file name suggests text)")
    return path.open("r", encoding=encoding, errors="replace", newline=None)


def iter_lines(path: Path) -> Iterator[tuple[int, str]]:
    """(line number, text without newline); over-long lines come back in pieces."""
    lineno = 0
    carry = ""
    with open_text(path) as fh:
        while True:
            data = fh.read(READ_BLOCK)
            if not data:
                break
            data = carry + data
            lines = data.split("\n")
            carry = lines.pop()
            for line in lines:
                lineno += 1
                yield from _pieces(lineno, line)
            while len(carry) > MAX_LINE:  # no newline in sight: emit pieces now
                yield lineno + 1, carry[:MAX_LINE]
                carry = carry[MAX_LINE:]
    if carry:
        yield from _pieces(lineno + 1, carry)


def _pieces(lineno: int, line: str) -> Iterator[tuple[int, str]]:
    if len(line) <= MAX_LINE:
        yield lineno, line
        return
    for i in range(0, len(line), MAX_LINE):
        yield lineno, line[i : i + MAX_LINE]


class _Paragraphs:
    """Collects lines into blocks, cut at blank lines, headings and ``MAX_BLOCK``."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.size = 0
        self.start = 0
        self.end = 0
        self.heading: tuple[str, ...] = ()

    def add(self, lineno: int, line: str) -> Block | None:
        out = None
        if self.size + len(line) > MAX_BLOCK:
            out = self.flush()
        if not self.lines:
            self.start = lineno
        self.lines.append(line)
        self.size += len(line) + 1
        self.end = lineno
        return out

    def take(self, lineno: int, line: str) -> Iterator[Block]:
        """A body line: a blank one ends the paragraph, any other joins it."""
        block = self.flush() if not line.strip() else self.add(lineno, line)
        if block is not None:
            yield block

    def flush(self) -> Block | None:
        if not self.lines:
            return None
        text = "\n".join(self.lines).strip("\n")
        block = Block(text, None, self.start, self.end, self.heading) if text.strip() else None
        self.lines, self.size = [], 0
        return block


_NUMBERED = re.compile(
    r"^\s{0,3}(?:(?:chapter|part|section|appendix)\s+)?([0-9]+(?:\.[0-9]+)*|[A-Z])\.?\s+\S.{0,90}$",
    re.IGNORECASE,
)


def _numbered_level(line: str) -> int | None:
    """Level of a numbered heading line ("1.2. Title" -> 2, "Chapter 3. Title" -> 1)."""
    m = _NUMBERED.match(line)
    if not m or line.rstrip().endswith((".", ",", ";")):
        return None
    return m.group(1).count(".") + 1


def load_text(path: Path, warn: Warn) -> Iterator[Block]:
    """Paragraphs separated by blank lines. Headings: a short line underlined with ===/---,
    or a numbered line standing alone ("Chapter 1. Overview", "2.3. Installing")."""
    para = _Paragraphs()
    stack: list[tuple[int, str]] = []
    underline = re.compile(r"^\s*([=\-~*#])\1{2,}\s*$")

    def set_heading(level: int, title: str) -> None:
        nonlocal stack
        stack = [(lv, t) for lv, t in stack if lv < level] + [(level, title.strip())]
        para.heading = tuple(t for _, t in stack)
        para.lines, para.size = [], 0

    for lineno, line in iter_lines(path):
        if not line.strip():
            level = _numbered_level(para.lines[0]) if len(para.lines) == 1 else None
            if level is not None:
                set_heading(level, para.lines[0])
            elif (b := para.flush()) is not None:
                yield b
            continue
        if underline.match(line) and len(para.lines) == 1 and len(para.lines[0]) < 100:
            set_heading(1, para.lines[0])
            continue
        if (b := para.add(lineno, line)) is not None:
            yield b
    if (b := para.flush()) is not None:
        yield b


_ATX = re.compile(r"^ {0,3}(#{1,6})\s+(.*?)\s*#*\s*$")
_FENCE = re.compile(r"^ {0,3}(```|~~~)")
_SETEXT = re.compile(r"^ {0,3}(=+|-+)\s*$")


def load_markdown(path: Path, warn: Warn) -> Iterator[Block]:
    """Paragraphs under their heading path; ``#`` inside code fences is not a heading."""
    para = _Paragraphs()
    stack: list[tuple[int, str]] = []
    fence: str | None = None
    for lineno, line in iter_lines(path):
        m = _FENCE.match(line)
        if fence is not None or m:
            if m and fence is None:
                fence = m.group(1)
            elif m and m.group(1) == fence:
                fence = None
            if (b := para.add(lineno, line)) is not None:
                yield b
            continue
        heading = _ATX.match(line)
        setext = _SETEXT.match(line) if len(para.lines) == 1 else None
        if heading or setext:
            if setext:
                level, title = (1 if setext.group(1)[0] == "=" else 2), para.lines[0].strip()
                para.lines, para.size = [], 0
            else:
                level, title = len(heading.group(1)), heading.group(2)
                if (b := para.flush()) is not None:
                    yield b
            stack = [(lvl, t) for lvl, t in stack if lvl < level] + [(level, title)]
            para.heading = tuple(t for _, t in stack)
            continue
        yield from para.take(lineno, line)
    if (b := para.flush()) is not None:
        yield b


_DEFINITION = re.compile(
    r"^(?:export\s+)?(?:async\s+)?(?:def|class|function|func|fn|pub\s+fn|impl|struct|enum|"
    r"interface|trait|module|package|public|private|protected|static|type)\b"
)


def load_code(path: Path, warn: Warn) -> Iterator[Block]:
    """Blank-line separated blocks; the nearest top-level definition is the heading."""
    para = _Paragraphs()
    for lineno, line in iter_lines(path):
        if _DEFINITION.match(line):
            if (b := para.flush()) is not None:
                yield b
            para.heading = (line.strip().rstrip(":{").strip()[:80],)
        yield from para.take(lineno, line)
    if (b := para.flush()) is not None:
        yield b
