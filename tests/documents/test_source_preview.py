"""Reading a citation's place back from the real sample files: PDF pages and line windows."""

from __future__ import annotations

import shutil

import pytest
from fireside.assistant.documents.chunking import chunk_blocks
from fireside.assistant.documents.loaders.pdf_loader import load_pdf
from fireside.assistant.documents.source_preview import (
    HighlightRect,
    SourceError,
    find_span,
    read_text_window,
    render_pdf_page,
)

OUTLINE = "pdf/pdflatex-outline.pdf"  # 4 A4 pages; sections "2 Bar".."4 Foo" are on page 2
ON_PAGE_2 = "2 Bar Hello, here is some text without a meaning."  # "5 Bar Hello" is page 3's


def _inside(rect: HighlightRect, image) -> bool:
    return (
        rect.left >= 0
        and rect.top >= 0
        and rect.left + rect.width <= image.width
        and rect.top + rect.height <= image.height
        and rect.width > 0
        and rect.height > 0
    )


def _pixel(image, x: int, y: int) -> tuple[int, ...]:
    at = y * image.stride + x * 4
    return tuple(image.data[at : at + 3])


def test_renders_the_cited_page_with_the_phrase_highlighted(data):
    image = render_pdf_page(data / OUTLINE, 2, highlight=ON_PAGE_2)
    assert (image.page, image.page_count) == (2, 4)
    assert image.width == pytest.approx(595.276 * image.scale, abs=1)
    assert len(image.data) == image.stride * image.height
    assert _pixel(image, 5, 5) == (255, 255, 255)  # paper is white, not transparent black
    assert image.highlights and all(_inside(r, image) for r in image.highlights)
    # "2 Bar" is the second section of page 2: well below the top margin, above the bottom
    top = min(r.top for r in image.highlights)
    assert image.height * 0.2 < top < image.height * 0.8
    # and there is ink where the highlight is: the text really is under it
    r = image.highlights[0]
    ink = [
        _pixel(image, int(x), int(y))
        for x in range(int(r.left), int(r.left + r.width))
        for y in range(int(r.top), int(r.top + r.height))
    ]
    assert min(min(p) for p in ink) < 100


def test_the_same_phrase_is_not_found_on_another_page(data):
    image = render_pdf_page(data / OUTLINE, 3, highlight=ON_PAGE_2)
    assert image.page == 3 and image.highlights == []


def test_an_indexed_chunk_is_found_despite_different_spacing(data):
    """pypdf made the chunk text; PDFium's text of the page differs in spacing and hyphens."""
    chunks = [c for c in chunk_blocks(load_pdf(data / OUTLINE, lambda _w: None)) if c.page == 2]
    last = chunks[-1]  # starts with the tail of the previous chunk, which also repeats
    image = render_pdf_page(data / OUTLINE, 2, highlight=last.text)
    assert image.highlights and all(_inside(r, image) for r in image.highlights)
    assert min(r.top for r in image.highlights) > image.height / 2  # the end of the page
    squeezed = "\n".join(ON_PAGE_2.split()).replace("meaning", "mean-\ning")
    assert render_pdf_page(data / OUTLINE, 2, highlight=squeezed).highlights


def test_text_that_is_not_on_the_page_gives_no_rectangles(data):
    image = render_pdf_page(data / OUTLINE, 2, highlight="nothing like this is in the file")
    assert image.highlights == []
    fax = render_pdf_page(data / "pdf" / "imagemagick-CCITTFaxDecode.pdf", 1, highlight="x y")
    assert fax.page_count == 1 and fax.highlights == []  # no text layer at all


def test_non_latin_text_is_found(data):
    image = render_pdf_page(data / "pdf" / "multilang.pdf", 1, highlight="Привет, мир")
    assert image.page_count == 1
    assert len(image.highlights) == 1 and _inside(image.highlights[0], image)


def test_fit_width_sets_the_scale(data):
    image = render_pdf_page(data / OUTLINE, 1, fit_width=600)
    assert abs(image.width - 600) <= 1
    assert image.height == pytest.approx(600 * 841.89 / 595.276, abs=2)


def test_page_out_of_range_says_how_many_pages_there_are(data):
    with pytest.raises(SourceError) as err:
        render_pdf_page(data / OUTLINE, 5)
    assert err.value.kind == "page"
    assert "no page 5" in err.value.message and "4" in err.value.message


def test_encrypted_pdf_is_reported_as_such(data):
    with pytest.raises(SourceError) as err:
        render_pdf_page(data / "pdf" / "libreoffice-writer-password.pdf", 1)
    assert err.value.kind == "encrypted"
    assert "libreoffice-writer-password.pdf" in err.value.message
    assert "encrypted" in err.value.message and "password" in err.value.message


def test_moved_file_names_the_file(data, tmp_path):
    moved = tmp_path / "report.pdf"
    with pytest.raises(SourceError) as err:
        render_pdf_page(moved, 1)
    assert err.value.kind == "missing"
    assert "report.pdf was moved or deleted" in err.value.message


def test_corrupt_pdf_is_reported_as_damaged(data, tmp_path):
    broken = tmp_path / "broken.pdf"
    broken.write_bytes((data / OUTLINE).read_bytes()[:3000])
    with pytest.raises(SourceError) as err:
        render_pdf_page(broken, 1)
    assert err.value.kind == "corrupt" and "broken.pdf is damaged" in err.value.message


def test_find_span_ignores_spacing_case_and_line_break_hyphens():
    page = "Intro\r\nThe quick brown fox jum\ufffeps over\r\nthe lazy dog.\r\nEnd"
    first, last = find_span(page, "the QUICK brown fox jumps  over the lazy dog.")
    assert page[first : last + 1] == "The quick brown fox jum\ufffeps over\r\nthe lazy dog."
    assert find_span(page, "a cat") is None
    assert find_span(page, "") is None


def test_find_span_falls_back_to_the_first_words():
    page = "one two three four five six seven eight nine ten and the rest of it differs"
    first, last = find_span(page, page[:45] + " but this chunk goes on elsewhere entirely")
    assert first == 0 and last >= page.index("eight")


# -- text -----------------------------------------------------------------------------------

FAQ = "text/debian-faq.en.txt"


def test_text_window_holds_the_cited_lines_at_the_reported_offset(data):
    real = (data / FAQ).read_text(encoding="utf-8").split("\n")
    window = read_text_window(data / FAQ, 3000, 3004, context_lines=50)
    assert window.first_line == 2950 and window.last_line == 3054
    assert window.lines[window.span_start : window.span_end] == real[2999:3004]
    assert window.first_line + window.span_start == 3000
    assert window.span_end - window.span_start == 5
    assert "edit the /etc/apt/sources.list file" in window.lines[window.span_start]
    assert not window.at_end


def test_text_window_stops_at_the_edges_of_the_file(data):
    start = read_text_window(data / FAQ, 2, context_lines=10)
    assert start.first_line == 1 and start.span_start == 1
    assert "The Debian GNU/Linux FAQ" in start.lines[1]
    end = read_text_window(data / FAQ, 4140, 4146, context_lines=10)
    assert end.at_end and end.last_line == 4146 and end.span_end == len(end.lines)


def test_text_window_is_bounded_in_a_long_file(tmp_path):
    big = tmp_path / "big.log"
    with big.open("w", encoding="utf-8") as fh:
        for i in range(1, 200_001):
            fh.write(f"entry {i}\n")
    window = read_text_window(big, 100_000, context_lines=100)
    assert len(window.lines) == 201 and window.lines[window.span_start] == "entry 100000"


def test_text_window_cuts_overlong_lines_and_replaces_bad_bytes(tmp_path):
    odd = tmp_path / "odd.txt"
    odd.write_bytes(b"a" * 70_000 + b"\n" + b"caf\xe9 \xff\n" + b"x" * 100_000 + b"\nlast\n")
    window = read_text_window(odd, 2, context_lines=5)
    assert window.lines[window.span_start] == "caf\ufffd \ufffd"
    assert all(len(line) < 2100 for line in window.lines)
    assert window.lines[-1] == "last" and window.last_line == 4


def test_text_window_errors_name_the_problem(data, tmp_path):
    with pytest.raises(SourceError) as err:
        read_text_window(tmp_path / "notes.md", 3)
    assert err.value.kind == "missing" and "notes.md was moved or deleted" in err.value.message
    copy = tmp_path / "faq.txt"
    shutil.copy(data / FAQ, copy)
    with pytest.raises(SourceError) as err:
        read_text_window(copy, 9999)
    assert err.value.kind == "changed" and "no line 9999" in err.value.message
    binary = tmp_path / "image.txt"
    binary.write_bytes(b"\x00\x01\x02" * 100)
    with pytest.raises(SourceError) as err:
        read_text_window(binary, 1)
    assert "image.txt cannot be shown as text" in err.value.message
