"""Scans made at test time from real PDFs and rendered Chinese text, so the truth is known.

Pages of PDFs with a text layer are rendered to pictures, given a little noise and a small
rotation (as a flatbed scanner would), and wrapped as image-only PDFs or saved as picture
files. Nothing large is committed: everything is built from the small sample files.
"""

from __future__ import annotations

import io
import random
from pathlib import Path

from tests.documents.helpers import DATA

FONT = Path("/usr/share/fonts/truetype/wqy/wqy-microhei.ttc")
DPI = 150

SIMPLIFIED = [
    "离线阅读扫描文件",
    "保修期为两年，自购买之日起计算。",
    "退货必须在三十天内提出申请。",
]
TRADITIONAL = [
    "離線閱讀掃描文件",
    "保修期為兩年，自購買之日起計算。",
    "退貨必須在三十天內提出申請。",
]


def render_pdf_page(pdf: Path, index: int, dpi: int = DPI):
    """Page ``index`` (0-based) of a real PDF as an RGB picture, and its text layer."""
    import pypdfium2 as pdfium

    doc = pdfium.PdfDocument(str(pdf))
    try:
        page = doc[index]
        image = page.render(scale=dpi / 72).to_pil().convert("RGB")
        textpage = page.get_textpage()
        text = textpage.get_text_range()
        textpage.close()
        page.close()
    finally:
        doc.close()
    return image, text


def scanned(image, *, angle: float = 0.7, noise: float = 0.02, seed: int = 1):
    """``image`` as a scanner would give it back: a little turned, with speckles."""
    from PIL import Image

    rng = random.Random(seed)
    turned = image.rotate(angle, resample=Image.Resampling.BICUBIC, expand=True, fillcolor="white")
    pixels = turned.load()
    width, height = turned.size
    for _ in range(int(width * height * noise)):
        x, y = rng.randrange(width), rng.randrange(height)
        shade = rng.choice((0, 90, 255))
        pixels[x, y] = (shade, shade, shade)
    return turned


def text_page(lines: list[str], *, size: int = 28, width: int = 1240, height: int = 1754):
    """An A4 page at 150 dpi with ``lines`` written in the CJK font."""
    from PIL import Image, ImageDraw, ImageFont

    font = ImageFont.truetype(str(FONT), size)
    image = Image.new("RGB", (width, height), "white")
    draw = ImageDraw.Draw(image)
    y = 150
    for line in lines:
        draw.text((120, y), line, fill="black", font=font)
        y += int(size * 2.2)
    return image


def image_pdf(pages, path: Path, dpi: int = DPI) -> Path:
    """An image-only PDF (no text layer) of ``pages``."""
    first, *rest = pages
    first.save(path, "PDF", resolution=dpi, save_all=True, append_images=rest)
    return path


def png_bytes(image) -> bytes:
    out = io.BytesIO()
    image.save(out, "PNG")
    return out.getvalue()


VICKSBURG = DATA / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"


def chinese_lines_pdf(path: Path) -> Path:
    """A one-page image-only PDF of a few Chinese lines (small, quick to read)."""
    return image_pdf([scanned(text_page(SIMPLIFIED[:2], height=400), angle=0.3)], path)
