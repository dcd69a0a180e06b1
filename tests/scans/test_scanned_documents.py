"""Scanned PDFs and pictures are read with OCR, cited by page, cached and reported."""

from __future__ import annotations

import json
import shutil

import pytest
from fireside.assistant.documents.indexer import IndexOptions
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.retrieval import search
from fireside.assistant.documents.source_preview import ocr_rects, render_pdf_page
from fireside.models.embedder import HashEmbedder

from tests.documents.helpers import DATA, index
from tests.scans.scans import png_bytes, scanned

EMB = {"hash-384": HashEmbedder(384)}


class CountingOcr:
    """The real engine, counting the pages it is asked to read."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.engine_id = inner.engine_id
        self.available = True
        self.pages = 0

    def read(self, image):
        self.pages += 1
        return self.inner.read(image)


@pytest.fixture
def counting(ocr_engine):
    return CountingOcr(ocr_engine)


@pytest.fixture
def registry(counting):
    return LoaderRegistry(ocr=counting)


@pytest.fixture(scope="module")
def shared(tmp_path_factory, ocr_engine):
    """One store, OCR engine and registry for the tests that read the same scan."""
    from fireside.assistant.documents.store import DocumentStore

    store = DocumentStore(tmp_path_factory.mktemp("shared") / "documents.db")
    counting = CountingOcr(ocr_engine)
    yield store, counting, LoaderRegistry(ocr=counting)
    store.close()


@pytest.fixture(scope="module")
def indexed_scan(shared, scan_pdf):
    store, _, registry = shared
    pages = []
    result = index(
        store,
        [scan_pdf],
        collection="scans",
        registry=registry,
        on_progress=lambda p: pages.append((p.pages_done, p.pages_total)),
    )
    return result, pages


def test_an_image_only_pdf_is_read_page_by_page(indexed_scan, shared):
    store, counting, _ = shared
    result, pages = indexed_scan
    (file,) = result.files
    assert file.status == "indexed", file.reason
    assert "2 of 2 pages read with OCR" in file.warnings
    assert counting.pages == 2
    assert (2, 2) in pages and (1, 2) in pages  # progress counts pages
    rows = store.conn.execute("SELECT page, text FROM chunks ORDER BY ordinal").fetchall()
    assert {page for page, _ in rows} == {1, 2}
    page_one = " ".join(text for page, text in rows if page == 1)
    assert "court house at Vicksburg" in page_one


def test_search_finds_the_scanned_page_in_english_and_chinese(indexed_scan, shared):
    store = shared[0]
    hits = search(store, "court house Vicksburg", collections="scans", embedders=EMB)
    assert hits and hits[0].page == 1 and hits[0].document.endswith("scan.pdf")
    for question in ("保修期", "退貨"):  # Simplified finds Traditional and back
        hits = search(store, question, collections="scans", embedders=EMB)
        assert hits and hits[0].page == 2, question


def test_reindexing_reads_nothing_again(indexed_scan, shared, scan_pdf):
    store, counting, registry = shared
    before = counting.pages
    again = index(
        store, [scan_pdf], collection="scans", registry=registry, options=IndexOptions(force=True)
    )
    assert again.files[0].status == "indexed"
    assert counting.pages == before  # every page came from the cache
    other = index(store, [scan_pdf], collection="elsewhere", registry=registry)
    assert other.files[0].status == "indexed" and counting.pages == before


def test_the_viewer_marks_the_cited_ocr_lines(indexed_scan, shared, scan_pdf):
    store = shared[0]
    row = store.conn.execute(
        "SELECT text, line_start, line_end FROM chunks WHERE page = 2 LIMIT 1"
    ).fetchone()
    ocr = store.ocr_result_at(str(scan_pdf), 2)
    assert ocr is not None and ocr.lines
    image = render_pdf_page(scan_pdf, 2, fit_width=620, highlight=row[0], ocr=ocr)
    assert image.highlights
    scale = image.width / ocr.width
    first = ocr.lines[row[1] - 1].box
    top = image.highlights[0]
    assert abs(top.left - first[0] * scale) < 2 and abs(top.top - first[1] * scale) < 2
    # the marks are where the ink is: darker than the page around them
    inside = _mean_gray(image, top)
    assert inside < 250


def _mean_gray(image, rect) -> float:
    total = count = 0
    for y in range(int(rect.top), int(rect.top + rect.height)):
        for x in range(int(rect.left), int(rect.left + rect.width), 3):
            offset = y * image.stride + x * 4
            total += sum(image.data[offset : offset + 3]) / 3
            count += 1
    return total / max(1, count)


def test_ocr_rects_fall_back_to_the_line_numbers(indexed_scan, shared, scan_pdf):
    store = shared[0]
    ocr = store.ocr_result_at(str(scan_pdf), 1)
    rects = ocr_rects(ocr, "text that is nowhere", (2, 3), ocr.width, ocr.height)
    assert len(rects) == 2 and rects[0].top == pytest.approx(ocr.lines[1].box[1])


def test_a_mixed_pdf_reads_only_the_pages_without_text(tmp_path, store, registry, counting):
    import pypdf

    from tests.scans.scans import chinese_lines_pdf

    writer = pypdf.PdfWriter()
    writer.append(str(DATA / "pdf" / "pdflatex-outline.pdf"))
    writer.append(str(chinese_lines_pdf(tmp_path / "zh.pdf")))
    mixed = tmp_path / "mixed.pdf"
    with mixed.open("wb") as fh:
        writer.write(fh)
    result = index(store, [mixed], collection="mixed", registry=registry)
    (file,) = result.files
    assert file.status == "indexed", file.reason
    assert counting.pages == 1  # only the scanned page
    pages = {r[0] for r in store.conn.execute("SELECT page FROM chunks")}
    assert {1, 5} <= pages


def test_ocr_off_reports_scans_and_on_reads_them(tmp_path, store, scan_pdf, registry, counting):
    col = store.collection("quiet", model="hash-384")
    store.set_ocr(col.id, False)
    off = index(store, [scan_pdf], collection="quiet", registry=registry)
    assert off.files[0].status == "skipped" and off.files[0].kind == "scanned"
    assert "OCR is off for the collection 'quiet'" in off.files[0].reason
    assert counting.pages == 0
    store.set_ocr(col.id, True)
    on = index(store, [scan_pdf], collection="quiet", registry=registry)
    assert on.files[0].status == "indexed"  # the failure is not remembered once OCR is on


def test_pictures_of_every_format_are_read(tmp_path, store, registry, book_page, chinese_page):
    from PIL import Image

    folder = tmp_path / "pictures"
    folder.mkdir()
    zh = scanned(chinese_page, angle=0.4)
    zh.save(folder / "page.png")
    zh.save(folder / "page.jpg", quality=90)
    zh.save(folder / "page.webp", quality=90)
    zh.save(folder / "page.bmp")
    frames = [zh.convert("P"), Image.new("P", zh.size, 0)]
    frames[0].save(folder / "anim.gif", save_all=True, append_images=frames[1:], duration=100)
    small_book = book_page[0].crop((0, 0, book_page[0].width, book_page[0].height // 2))
    zh.save(folder / "two.tiff", save_all=True, append_images=[small_book])
    result = index(store, [folder], collection="pictures", registry=registry)
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in result.files}
    assert set(by_name) == {"page.png", "page.jpg", "page.webp", "page.bmp", "anim.gif", "two.tiff"}
    for name, f in by_name.items():
        assert f.status == "indexed", (name, f.reason)
    tiff_pages = {
        r[0]
        for r in store.conn.execute(
            "SELECT c.page FROM chunks c JOIN documents d ON d.id = c.document_id "
            "WHERE d.path LIKE '%two.tiff'"
        )
    }
    assert tiff_pages == {1, 2}
    hits = search(store, "离线阅读", collections="pictures", embedders=EMB, k=20)
    assert {h.document.rsplit("/", 1)[-1] for h in hits} >= {"page.png", "anim.gif", "two.tiff"}


def test_bad_pictures_and_pdfs_get_one_line_each(tmp_path, store, registry, scan_pdf):
    from PIL import Image

    folder = tmp_path / "bad"
    folder.mkdir()
    good = png_bytes(Image.new("RGB", (40, 20), "white"))
    (folder / "corrupt.png").write_bytes(good[:30])
    (folder / "noise.jpg").write_bytes(b"\xff\xd8\xff\xe0" + bytes(range(256)) * 4)
    Image.new("1", (20_000, 20_000), 1).save(folder / "huge.png")
    _encrypted_copy(scan_pdf, folder / "locked.pdf")
    shutil.copy(DATA / "csv" / "debian.csv", folder / "good.csv")
    result = index(store, [folder], collection="bad", registry=registry)
    by_name = {f.path.rsplit("/", 1)[-1]: f for f in result.files}
    assert by_name["good.csv"].status == "indexed"
    expected = {
        "corrupt.png": "corrupt",
        "noise.jpg": "corrupt",
        "huge.png": "too_large",
        "locked.pdf": "encrypted",
    }
    for name, kind in expected.items():
        f = by_name[name]
        assert f.status == "skipped" and f.kind == kind, (name, f.kind, f.reason)
        assert "\n" not in f.reason and len(f.reason) < 200
    assert "20,000 x 20,000 pixels" in by_name["huge.png"].reason


def _encrypted_copy(source, target) -> None:
    import pypdf

    writer = pypdf.PdfWriter(clone_from=str(source))
    writer.encrypt("secret", algorithm="AES-128")
    with target.open("wb") as fh:
        writer.write(fh)


@pytest.mark.slow
@pytest.mark.timeout(1200)  # OCR and the model in one process, on two cores
def test_ask_cites_the_scanned_page(tmp_path, fireside_home, scan_pdf, capsys):
    from fireside.cli.main import main

    assert main(["docs", "ocr", "scans"]) == 2  # no such collection yet: one line
    assert "no collection named 'scans'" in capsys.readouterr().err
    assert main(["docs", "add", str(scan_pdf), "-C", "scans", "--embedding-model", "hash-384"]) == 0
    assert "1 indexed" in capsys.readouterr().err
    assert main(["docs", "ocr", "scans"]) == 0
    assert capsys.readouterr().out.strip() == "scans: OCR on"
    question = "What does the book say about the court house at Vicksburg?"
    assert main(["ask", question, "-C", "scans", "--json", "-n", "8", "--threads", "2"]) == 0
    out = json.loads(capsys.readouterr().out)
    cited = [c for c in out["citations"] if c["document"] == str(scan_pdf)]
    assert cited and cited[0]["page"] == 1 and "court house" in cited[0]["text"]
    assert main(["docs", "ocr", "scans", "off"]) == 0
    assert capsys.readouterr().out.strip() == "scans: OCR off"
    assert main(["docs", "list"]) == 0
    assert "OCR off" in capsys.readouterr().out


class QuickOcr:
    """Stands in for the engine (beside the real-engine tests above) so a 300-page scan runs
    in seconds: it reports one line per page, naming the page by the picture's size."""

    engine_id = "quick-test-engine"
    available = True

    def __init__(self, cancel_after: int | None = None, job=None) -> None:
        self.pages = 0
        self.largest = 0
        self.cancel_after = cancel_after
        self.job = job

    def read(self, image):
        from fireside.models.ocr import OcrLine, OcrPage

        self.pages += 1
        self.largest = max(self.largest, image.width * image.height)
        if self.cancel_after and self.pages == self.cancel_after:
            self.job.cancel()
        box = (10.0, 10.0, image.width - 10.0, 30.0)
        return OcrPage(image.width, image.height, [OcrLine(f"scanned page {self.pages}", box)])


def test_a_300_page_scan_is_read_page_by_page_and_resumes_after_cancel(tmp_path, store):
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.models.embedder import HashEmbedder
    from PIL import Image

    pages = [Image.new("L", (200, 280), 255) for _ in range(300)]
    scan = tmp_path / "long-scan.pdf"
    pages[0].save(scan, "PDF", resolution=20, save_all=True, append_images=pages[1:])
    col = store.collection("long", model="hash-384")
    quick = QuickOcr(cancel_after=120)
    seen = []
    job = IndexJob(
        store,
        col,
        [scan],
        embedder=HashEmbedder(384),
        registry=LoaderRegistry(ocr=quick),
        on_progress=lambda p: seen.append((p.pages_done, p.pages_total)),
    )
    quick.job = job
    first = job.run()
    assert first.cancelled and quick.pages == 120
    assert max(seen)[1] == 300 and max(seen)[0] < 300
    again = QuickOcr()
    result = index(store, [scan], collection="long", registry=LoaderRegistry(ocr=again))
    (file,) = result.files
    assert file.status == "indexed", file.reason
    assert again.pages == 180  # the first 120 pages came from the cache
    assert "300 of 300 pages read with OCR" in file.warnings
    pages_indexed = {r[0] for r in store.conn.execute("SELECT page FROM chunks")}
    assert pages_indexed == set(range(1, 301))
    # each page was rendered on its own, at the OCR resolution (never the whole file at once)
    assert again.largest <= (200 * 150 / 20 + 1) * (280 * 150 / 20 + 1)
