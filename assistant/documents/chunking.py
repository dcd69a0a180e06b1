"""Blocks -> chunks sized for the embedder, cut where the document's own structure is.

A chunk never spans two pages or two headings, so its page and heading are exact and a
citation opens the right place. Inside one section, paragraphs are packed up to
``target_chars``; a paragraph too long for one chunk is cut at sentences, then words. Each
chunk repeats the last sentence or so of the previous one (``overlap_chars``) so a fact split
across a boundary is still found whole.

Chunking is deterministic: the same file gives the same chunks, which is what lets an
interrupted indexing job resume at the chunk where it stopped.
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Iterator
from dataclasses import dataclass

from fireside.assistant.documents.types import Block, Chunk

_SENTENCE_END = re.compile(r"(?<=[.!?。！？])\s+|\n")
_WS_RUNS = re.compile(r"(?<=\S)[ \t\f\v\xa0]{2,}|[\f\v\xa0]")
_BLANK_RUNS = re.compile(r"\n{3,}")


@dataclass(frozen=True)
class ChunkingOptions:
    target_chars: int = 1000
    overlap_chars: int = 150
    min_chars: int = 40  # a trailing piece shorter than this joins the previous chunk

    @property
    def version(self) -> str:
        """Stored per document: changing the options re-chunks files on the next index run."""
        return f"c1-{self.target_chars}-{self.overlap_chars}-{self.min_chars}"


@dataclass
class _Piece:
    text: str
    line_start: int | None
    line_end: int | None
    joiner: str  # text placed before this piece when joined to the previous one


def _clean(text: str) -> str:
    text = _WS_RUNS.sub(" ", text.replace("\r", ""))
    lines = "\n".join(line.rstrip() for line in text.split("\n"))
    return _BLANK_RUNS.sub("\n\n", lines).strip("\n")


def _split_long(block: Block, text: str, limit: int) -> list[_Piece]:
    """Cut a block longer than ``limit`` into sentence-aligned pieces with line spans."""
    sentences, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        sentences.append((pos, text[pos : m.start()]))
        pos = m.end()
    sentences.append((pos, text[pos:]))
    pieces: list[_Piece] = []
    for offset, sentence in sentences:
        while sentence:
            part = sentence
            if len(part) > limit:  # no sentence end: cut at the last space before the limit
                cut = part.rfind(" ", 0, limit)
                part = part[: cut if cut > limit // 2 else limit]
            first = block.line_start
            if first is not None:
                first += text.count("\n", 0, offset)
                last = first + part.count("\n")
            else:
                last = None
            pieces.append(_Piece(part.strip(), first, last, " "))
            offset += len(part)
            sentence = sentence[len(part) :].lstrip()
    return [p for p in pieces if p.text]


def _tail(piece: _Piece, limit: int) -> _Piece | None:
    """The last sentences of ``piece`` that fit in ``limit`` (else its last words)."""
    text = piece.text
    cut = None
    for m in _SENTENCE_END.finditer(text):
        if len(text) - m.end() <= limit:
            cut = m.end()
            break
    if cut is None:
        space = text.find(" ", len(text) - limit)
        cut = space + 1 if space > 0 else len(text) - limit
    suffix = text[cut:].strip()
    if not suffix:
        return None
    end = piece.line_end
    start = end - suffix.count("\n") if end is not None else None
    return _Piece(suffix, start, end, piece.joiner)


class _Section:
    """Pieces under one (page, heading); emits chunks as they fill."""

    def __init__(self, opts: ChunkingOptions, page: int | None, heading: str | None) -> None:
        self.opts, self.page, self.heading = opts, page, heading
        self.pieces: list[_Piece] = []
        self.size = 0
        self.overlap = 0

    def add(self, piece: _Piece) -> Chunk | None:
        out = None
        if self.size and self.size + len(piece.text) > self.opts.target_chars:
            out = self.emit(keep_overlap=True)
        if self.pieces:
            self.size += len(piece.joiner)
        self.pieces.append(piece)
        self.size += len(piece.text)
        return out

    def emit(self, keep_overlap: bool = False) -> Chunk | None:
        if not self.pieces or self.size <= self.overlap:
            return None
        text = self.pieces[0].text + "".join(p.joiner + p.text for p in self.pieces[1:])
        starts = [p.line_start for p in self.pieces if p.line_start is not None]
        ends = [p.line_end for p in self.pieces if p.line_end is not None]
        chunk = Chunk(
            0,
            text,
            self.page,
            min(starts) if starts else None,
            max(ends) if ends else None,
            self.heading,
            self.overlap,
        )
        tail: list[_Piece] = []
        if keep_overlap and self.opts.overlap_chars > 0:
            size = 0
            for p in reversed(self.pieces):
                if size + len(p.text) > self.opts.overlap_chars:
                    if not tail:  # last piece too long to repeat whole: repeat its end
                        part = _tail(p, self.opts.overlap_chars)
                        tail = [part] if part else []
                    break
                tail.insert(0, p)
                size += len(p.text) + len(p.joiner)
        self.pieces = tail
        self.size = (
            len(tail[0].text) + sum(len(p.joiner) + len(p.text) for p in tail[1:]) if tail else 0
        )
        self.overlap = self.size
        return chunk


def chunk_blocks(blocks: Iterable[Block], opts: ChunkingOptions | None = None) -> Iterator[Chunk]:
    """Chunks in document order, numbered from 0."""
    opts = opts or ChunkingOptions()
    ordinal = 0
    section: _Section | None = None
    pending: Chunk | None = None

    def number(chunk: Chunk) -> Chunk:
        nonlocal ordinal
        chunk.ordinal = ordinal
        ordinal += 1
        return chunk

    for block in blocks:
        text = _clean(block.text)
        if not text:
            continue
        heading = " > ".join(" ".join(h.split()) for h in block.heading if h.strip()) or None
        if section is None or (block.page, heading) != (section.page, section.heading):
            if section is not None and (last := section.emit()) is not None:
                if pending is not None:
                    yield number(pending)
                pending = last
            section = _Section(opts, block.page, heading)
        if len(text) > opts.target_chars:
            pieces = _split_long(block, text, opts.target_chars)
            pieces[0].joiner = "\n\n"
        else:
            pieces = [_Piece(text, block.line_start, block.line_end, "\n\n")]
        for piece in pieces:
            if (out := section.add(piece)) is not None:
                if pending is not None:
                    yield number(pending)
                pending = out
    if section is not None and (last := section.emit()) is not None:
        if pending is not None and _mergeable(pending, last, opts):
            pending = _merge(pending, last)
        elif pending is not None:
            yield number(pending)
            pending = last
        else:
            pending = last
    if pending is not None:
        yield number(pending)


def _mergeable(a: Chunk, b: Chunk, opts: ChunkingOptions) -> bool:
    new = len(b.text) - b.overlap
    return (a.page, a.heading) == (b.page, b.heading) and new < opts.min_chars


def _merge(a: Chunk, b: Chunk) -> Chunk:
    a.text = a.text + b.text[b.overlap :]
    a.line_end = b.line_end if b.line_end is not None else a.line_end
    return a
