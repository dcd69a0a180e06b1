"""Each format's loader on real files: text comes out with pages, lines and headings."""

from __future__ import annotations

import tracemalloc
from pathlib import Path

import pytest
from fireside.assistant.documents.chunking import chunk_blocks
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.loaders.text_loader import iter_lines
from fireside.assistant.documents.types import Block

REG = LoaderRegistry()


def blocks(path: Path, warnings: list | None = None) -> list[Block]:
    return list(REG.load(path, (warnings if warnings is not None else []).append))


def test_pdf_pages_are_kept(data):
    out = blocks(data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf")
    assert {b.page for b in out} == {1, 2, 3, 4, 5, 6}
    page3 = " ".join(b.text for b in out if b.page == 3)
    assert "Cannister shot is a tin cylinder" in page3
    assert all(b.line_start and b.line_end >= b.line_start for b in out)


def test_pdf_hyphenated_line_breaks_are_joined(data):
    text = " ".join(b.text for b in blocks(data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"))
    assert "conspicuous and dangerous" in text  # printed as "dan-\ngerous"


def test_pdf_outline_gives_headings(data):
    out = blocks(data / "pdf" / "pdflatex-outline.pdf")
    assert ("Foo",) in {b.heading for b in out if b.page == 2}


def test_pdf_cjk_text(data):
    text = "\n".join(b.text for b in blocks(data / "pdf" / "multilang.pdf"))
    assert "你好世界" in text and "こんにちは世界" in text


def test_pdf_with_empty_user_password_is_read(data):
    text = " ".join(b.text for b in blocks(data / "pdf" / "r2-empty-password.pdf"))
    assert "encryption test" in text


def test_docx_headings_tables_and_pages(data):
    test = blocks(data / "docx" / "test.docx")
    assert test[0].text == "python-docx was here too!"
    assert test[0].heading == ("python-docx was here!",)
    tables = blocks(data / "docx" / "blk-paras-and-tables.docx")
    assert any("Text before" in b.text for b in tables)
    paged = blocks(data / "docx" / "par-rendered-page-breaks.docx")
    # a paragraph belongs to the page it starts on; breaks inside it move the next one on
    assert [b.page for b in paged] == [1, 1, 2, 4]


def test_html_headings_and_no_markup(data):
    out = blocks(data / "html" / "basic-defs.en.html")
    text = "\n".join(b.text for b in out)
    assert "<" not in text.replace("<-", "")
    assert any(b.heading and b.heading[-1].startswith("1.2.") for b in out)
    assert any("Debian GNU/Linux is a particular distribution" in b.text for b in out)


def test_html_drops_scripts_and_styles(tmp_path):
    page = tmp_path / "p.html"
    page.write_text(
        "<html><head><title>T</title><style>body{color:red}</style></head><body>"
        "<script>var secret = 1;</script><h1>Top</h1><p>Visible &amp; kept</p>"
        "<noscript>enable js</noscript></body></html>"
    )
    out = blocks(page)
    assert [b.text for b in out] == ["Visible & kept"]
    assert out[0].heading == ("Top",)


def test_markdown_headings_ignore_code_fences(data, tmp_path):
    out = blocks(data / "markdown" / "pypdf-README.md")
    headings = {b.heading for b in out}
    assert ("pypdf", "Installation") in headings
    md = tmp_path / "x.md"
    md.write_text("# A\n\ntext\n\n```\n# not a heading\n```\n\n## B\n\nmore\n")
    got = [(b.heading, b.text) for b in blocks(md)]
    assert got[1] == (("A",), "```\n# not a heading\n```")
    assert got[2] == (("A", "B"), "more")


def test_text_numbered_headings_and_line_numbers(data):
    path = data / "text" / "debian-faq.en.txt"
    out = blocks(path)
    lines = path.read_text(encoding="utf-8").splitlines()
    target = next(b for b in out if "particular distribution of the Linux" in b.text)
    assert " ".join(target.heading[-1].split()) == "1.2. What is Debian GNU/Linux?"
    assert "particular distribution" in lines[target.line_start - 1]


def test_code_definitions_are_headings(data):
    out = blocks(data / "code" / "pagerange.py")
    assert any(b.heading == ("class PageRange",) for b in out)


def test_csv_rows_name_their_columns(data):
    out = blocks(data / "csv" / "debian.csv")
    row = next(b for b in out if "Bookworm" in b.text)
    assert "codename: Bookworm" in row.text and "release: 2023-06-10" in row.text
    assert row.line_start == row.line_end > 1


def test_plugin_loader_from_hook_pairs(tmp_path):
    (tmp_path / "notes.foo").write_text("ignored by the plugin")
    registry = LoaderRegistry(extra=[([".foo"], lambda path: ["first part", "second part"])])
    assert [b.text for b in registry.load(tmp_path / "notes.foo")] == ["first part", "second part"]
    assert ".foo" in registry.extensions


def test_plugin_loader_may_return_dicts_with_pages(tmp_path):
    (tmp_path / "a.bar").write_text("x")
    registry = LoaderRegistry(extra=[([".bar"], lambda p: [{"text": "hello", "page": 2}])])
    (block,) = list(registry.load(tmp_path / "a.bar"))
    assert (block.text, block.page) == ("hello", 2)


def test_huge_line_is_streamed_in_bounded_memory(tmp_path):
    """16 MB with no newline at all: memory must not grow with the file."""
    big = tmp_path / "big.txt"
    word = b"lorem ipsum dolor sit amet "
    with big.open("wb") as fh:
        for _ in range(16 * (1 << 20) // (len(word) * 1000)):
            fh.write(word * 1000)
    tracemalloc.start()
    count = 0
    for chunk in chunk_blocks(REG.load(big)):
        count += 1
        assert len(chunk.text) <= 1200
    _, peak = tracemalloc.get_traced_memory()
    tracemalloc.stop()
    assert count > 10_000
    assert peak < 8 * (1 << 20), f"peak {peak / 2**20:.1f} MiB"


def test_iter_lines_numbers_lines(tmp_path):
    f = tmp_path / "a.txt"
    f.write_bytes(b"one\r\ntwo\n\nfour")
    assert list(iter_lines(f)) == [(1, "one"), (2, "two"), (3, ""), (4, "four")]


@pytest.mark.parametrize("encoding", ["utf-16", "cp1252"])
def test_text_encodings(tmp_path, encoding):
    f = tmp_path / "a.txt"
    f.write_bytes("Café déjà vu".encode(encoding))
    assert blocks(f)[0].text == "Café déjà vu"
