"""OCR speed and accuracy on rendered pages whose text is known.

Pages: real PDFs with a text layer (the test documents' Vicksburg book, the pypdf sdist's
LaTeX outline sample) rendered to pictures, given speckles and a 0.7 degree turn as a scanner
would; and A4 pages of Simplified and Traditional Chinese sentences (hsk-sentences-audio, a
dev dependency) written in the WenQuanYi Micro Hei font. The truth is the text layer or the
sentences themselves.

Reported per language and resolution: seconds per page (RapidOCR on ``--threads`` cores,
models loaded once) and character accuracy: 1 - edit distance / length, over the page's
text with whitespace removed (CJK has none; spacing is scored separately for English as
``words``: the share of the true words found as words). Tesseract (Debian's tesseract-ocr
with chi_sim/chi_tra) is run on the same pictures when it is installed, for comparison.

    python bench/bench_ocr.py [--dpi 150 200] [--threads 2] [--pages 2]
"""

from __future__ import annotations

import argparse
import os
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(ROOT))

from tests.scans.scans import FONT, VICKSBURG, render_pdf_page, scanned  # noqa: E402

OUTLINE = ROOT / "tests" / "data" / "documents" / "pdf" / "pdflatex-outline.pdf"


def edit_distance(a: str, b: str) -> int:
    previous = list(range(len(b) + 1))
    for i, ca in enumerate(a, 1):
        current = [i]
        for j, cb in enumerate(b, 1):
            current.append(min(previous[j] + 1, current[j - 1] + 1, previous[j - 1] + (ca != cb)))
        previous = current
    return previous[-1]


def squash(text: str) -> str:
    return re.sub(r"\s+", "", text.replace("\ufffe", "").replace("-\n", ""))


def char_accuracy(truth: str, read: str) -> float:
    t, r = squash(truth), squash(read)
    return max(0.0, 1 - edit_distance(t, r) / max(1, len(t)))


def word_recall(truth: str, read: str) -> float:
    words = [w.lower() for w in re.findall(r"[A-Za-z]{2,}", truth)]
    found = {w.lower() for w in re.findall(r"[A-Za-z]{2,}", read)}
    return sum(w in found for w in words) / max(1, len(words))


def chinese_pages(script: str, n: int, dpi: int):
    """A4 pages of HSK sentences in ``script`` ("chinese" Simplified, "traditional")."""
    import hsk_sentences_audio as hsk
    from PIL import Image, ImageDraw, ImageFont

    sentences = [s[script] for s in hsk.load_sentences() if len(s.get(script) or "") >= 8]
    width, height = int(8.27 * dpi), int(11.69 * dpi)
    size = int(12 / 72 * dpi)  # 12-point text
    font = ImageFont.truetype(str(FONT), size)
    pages = []
    per_page = int((height - 2 * dpi) / (size * 1.8))
    for p in range(n):
        lines = sentences[p * per_page : (p + 1) * per_page]
        image = Image.new("RGB", (width, height), "white")
        draw = ImageDraw.Draw(image)
        y = dpi
        for line in lines:
            draw.text((dpi, y), line, fill="black", font=font)
            y += int(size * 1.8)
        pages.append((scanned(image, seed=p), "\n".join(lines)))
    return pages


def english_pages(n: int, dpi: int):
    out = []
    sources = [(VICKSBURG, i) for i in range(6)] + [(OUTLINE, i) for i in range(4)]
    for pdf, index in sources[:n]:
        image, text = render_pdf_page(pdf, index, dpi=dpi)
        out.append((scanned(image, seed=index), text))
    return out


def run_rapidocr(engine, pages) -> tuple[float, list[str], list[str]]:
    """Seconds per page, the text as Fireside keeps it, and as the recognizer gave it."""
    from fireside.models.ocr import restore_spaces

    kept, raw, t0 = [], [], time.perf_counter()
    for image, _ in pages:
        lines = [line.text for line in engine.read(image, spaces=False).lines]
        raw.append("\n".join(lines))
        kept.append("\n".join(restore_spaces(line) for line in lines))
    return (time.perf_counter() - t0) / max(1, len(pages)), kept, raw


def run_tesseract(pages, language: str, threads: int) -> tuple[float, list[str]] | None:
    if shutil.which("tesseract") is None:
        return None
    env = {**os.environ, "OMP_THREAD_LIMIT": str(threads)}
    texts, total = [], 0.0
    with tempfile.TemporaryDirectory() as folder:
        for n, (image, _) in enumerate(pages):
            path = Path(folder) / f"{n}.png"
            image.save(path)
            t0 = time.perf_counter()
            done = subprocess.run(
                ["tesseract", str(path), "-", "-l", language],
                capture_output=True,
                text=True,
                env=env,
            )
            total += time.perf_counter() - t0
            if done.returncode != 0:
                return None
            texts.append(done.stdout)
    return total / max(1, len(pages)), texts


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--dpi", type=int, nargs="+", default=[150])
    parser.add_argument("--threads", type=int, default=2)
    parser.add_argument("--pages", type=int, default=2, help="pages per language")
    parser.add_argument("--no-tesseract", action="store_true")
    args = parser.parse_args()

    from fireside.models.ocr import OcrEngine

    engine = OcrEngine(threads=args.threads)
    engine._load()  # the models load once, outside the timings
    print(f"load average: {os.getloadavg()[0]:.2f}; {args.threads} threads; A4 pages")
    header = f"{'language':<12} {'dpi':>4} {'engine':<22} {'s/page':>7} {'chars':>7} {'words':>7}"
    print(header)
    for dpi in args.dpi:
        sets = {
            "English": (english_pages(args.pages, dpi), "eng"),
            "Simplified": (chinese_pages("chinese", args.pages, dpi), "chi_sim"),
            "Traditional": (chinese_pages("traditional", args.pages, dpi), "chi_tra"),
        }
        for name, (pages, tess_lang) in sets.items():
            truths = [t for _, t in pages]
            seconds, texts, raw = run_rapidocr(engine, pages)
            rows = [("rapidocr", texts)]
            if name == "English":
                rows.append(("rapidocr, spaces as read", raw))
            for label, found in rows:
                chars = sum(map(char_accuracy, truths, found)) / len(pages)
                words = sum(map(word_recall, truths, found)) / len(pages)
                shown = f"{words:7.3f}" if name == "English" else "      -"
                timing = f"{seconds:7.2f}" if label == "rapidocr" else "      -"
                print(f"{name:<12} {dpi:>4} {label:<22} {timing} {chars:7.3f} {shown}")
            if not args.no_tesseract:
                tess = run_tesseract(pages, tess_lang, args.threads)
                if tess is None:
                    print(f"{name:<12} {dpi:>4} {'tesseract':<22} not installed ({tess_lang})")
                else:
                    seconds, found = tess
                    chars = sum(map(char_accuracy, truths, found)) / len(pages)
                    words = sum(map(word_recall, truths, found)) / len(pages)
                    shown = f"{words:7.3f}" if name == "English" else "      -"
                    print(
                        f"{name:<12} {dpi:>4} {'tesseract ' + tess_lang:<22} {seconds:7.2f} "
                        f"{chars:7.3f} {shown}"
                    )


if __name__ == "__main__":
    main()
