"""Chunks follow the document's structure, overlap, and come out the same every time."""

from __future__ import annotations

from fireside.assistant.documents.chunking import ChunkingOptions, chunk_blocks
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.types import Block

REG = LoaderRegistry()


def chunks_of(path, opts=None):
    return list(chunk_blocks(REG.load(path), opts))


def test_chunks_never_span_pages(data):
    chunks = chunks_of(data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf")
    assert [c.ordinal for c in chunks] == list(range(len(chunks)))
    pages = [c.page for c in chunks]
    assert pages == sorted(pages) and set(pages) == {1, 2, 3, 4, 5, 6}
    fact = [c for c in chunks if "Cannister shot is a tin cylinder" in c.text]
    assert fact and fact[0].page == 3


def test_chunks_never_span_headings(data):
    chunks = chunks_of(data / "html" / "basic-defs.en.html")
    by_heading = {}
    for c in chunks:
        by_heading.setdefault(c.heading, []).append(c.ordinal)
    for ordinals in by_heading.values():  # each section's chunks are contiguous
        assert ordinals == list(range(ordinals[0], ordinals[0] + len(ordinals)))


def test_size_and_overlap():
    opts = ChunkingOptions(target_chars=300, overlap_chars=80)
    sentences = [f"Sentence number {i} says something about topic {i % 7}." for i in range(60)]
    blocks = [Block(" ".join(sentences[i : i + 3]), None, i + 1, i + 1) for i in range(0, 60, 3)]
    chunks = list(chunk_blocks(blocks, opts))
    assert len(chunks) > 5
    assert all(len(c.text) <= 300 + 80 for c in chunks)
    for prev, cur in zip(chunks, chunks[1:], strict=False):
        assert cur.overlap > 0
        assert prev.text.endswith(cur.text[: cur.overlap])
    # reading back without the overlaps gives every sentence exactly once
    joined = " ".join(c.text[c.overlap :].strip() for c in chunks)
    assert [s for s in sentences if s in joined] == sentences
    assert all(joined.count(s) == 1 for s in sentences[10:])


def test_long_paragraph_split_at_sentences_with_line_spans():
    text = "\n".join(f"Line {i} ends here." for i in range(1, 201))
    (block,) = [Block(text, None, 10, 209)]
    chunks = list(chunk_blocks([block], ChunkingOptions(target_chars=400, overlap_chars=0)))
    assert len(chunks) > 5
    for c in chunks:
        first = int(c.text.split()[1])
        assert c.line_start == first + 9  # block starts at line 10


def test_deterministic(data):
    path = data / "text" / "debian-faq.en.txt"
    assert chunks_of(path) == chunks_of(path)


def test_version_changes_with_options():
    assert ChunkingOptions().version != ChunkingOptions(target_chars=500).version


def test_small_tail_is_merged():
    blocks = [Block("a" * 950), Block("tail.")]
    chunks = list(chunk_blocks(blocks))
    assert len(chunks) == 1 and chunks[0].text.endswith("tail.")
