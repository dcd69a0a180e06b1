"""Reading text from pictures, offline: RapidOCR (PP-OCRv4 on ONNX Runtime), Chinese and
English in one model.

Why RapidOCR: its wheel carries the detection, direction and recognition models (16 MB),
so it installs from PyPI alone on every platform and never downloads anything; the
recognizer reads Simplified and Traditional Chinese and English in the same pass, where
Tesseract needs a system package plus one language pack per script
(``bench/bench_ocr.py`` compares the two).

The engine is built lazily (the first page loads the models, about half a second) and reads
one picture at a time under a lock: ONNX Runtime sessions are thread-safe, but two pages at
once would only split the same cores. Lines come back in reading order with their boxes in
the picture's pixels, so a citation can light up the lines it came from.

opencv-python, which RapidOCR imports, points Qt at its own Qt 5 plugins through
``QT_QPA_PLATFORM_PLUGIN_PATH``; the import here puts those variables back, so a window
started afterwards still finds its own.
"""

from __future__ import annotations

import os
import re
import threading
from dataclasses import asdict, dataclass, field

from fireside.errors import FiresideError

ENGINE_ID = "rapidocr-onnxruntime-ppocrv4"  # cached results name the engine that made them
MIN_SCORE = 0.5  # recognitions below this confidence are noise (speckles, rules)
_QT_VARIABLES = ("QT_QPA_PLATFORM_PLUGIN_PATH", "QT_QPA_FONTDIR", "QT_PLUGIN_PATH")
_GLUED = re.compile(r"[A-Za-z]{7,}")  # a run of letters this long may be several words


class OcrUnavailable(FiresideError):
    """No OCR engine can run here (RapidOCR is not installed for this Python)."""


@dataclass
class OcrLine:
    """One line of text and its box (left, top, right, bottom) in picture pixels."""

    text: str
    box: tuple[float, float, float, float]
    score: float = 1.0


@dataclass
class OcrPage:
    """What OCR read on one picture; ``width``/``height`` are the picture's pixels, so boxes
    can be scaled to any rendering of the same page."""

    width: int
    height: int
    lines: list[OcrLine] = field(default_factory=list)

    @property
    def text(self) -> str:
        return "\n".join(line.text for line in self.lines)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> OcrPage:
        lines = [
            OcrLine(str(d["text"]), tuple(d["box"]), float(d.get("score", 1.0)))
            for d in data.get("lines", [])
        ]
        return cls(int(data["width"]), int(data["height"]), lines)


def ocr_available() -> bool:
    """Whether RapidOCR can be imported (without importing it)."""
    import importlib.util

    return importlib.util.find_spec("rapidocr_onnxruntime") is not None


def _import_rapidocr():
    saved = {name: os.environ.get(name) for name in _QT_VARIABLES}
    try:
        from rapidocr_onnxruntime import RapidOCR
    except ImportError as exc:
        raise OcrUnavailable(
            f"OCR is not available: rapidocr-onnxruntime is not installed ({exc})"
        ) from None
    finally:
        for name, value in saved.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
    return RapidOCR


class OcrEngine:
    """Text and line boxes from RGB pictures; one per process (the composition root's)."""

    engine_id = ENGINE_ID

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._engine = None
        self._lock = threading.Lock()

    @property
    def available(self) -> bool:
        return ocr_available()

    def _load(self):
        if self._engine is None:
            RapidOCR = _import_rapidocr()
            import logging

            logging.getLogger("RapidOCR").setLevel(logging.ERROR)
            logging.getLogger("OrtInferSession").setLevel(logging.ERROR)
            self._engine = RapidOCR(
                intra_op_num_threads=self.threads,
                inter_op_num_threads=1,
                print_verbose=False,
            )
        return self._engine

    def read(self, image, spaces: bool = True) -> OcrPage:
        """OCR an RGB ``PIL.Image`` (or an RGB ``numpy`` array): its lines, top to bottom;
        ``spaces`` puts back the spaces the recognizer drops between English words."""
        import numpy as np

        array = np.asarray(image)
        if array.ndim == 2:
            array = np.stack([array] * 3, axis=-1)
        height, width = array.shape[:2]
        bgr = np.ascontiguousarray(array[:, :, 2::-1])  # OpenCV's channel order
        with self._lock:
            engine = self._load()
            result, _elapsed = engine(bgr)
        lines = []
        for points, text, score in result or []:
            text = str(text).strip()
            if not text or float(score) < MIN_SCORE:
                continue
            xs = [float(p[0]) for p in points]
            ys = [float(p[1]) for p in points]
            box = (min(xs), min(ys), max(xs), max(ys))
            lines.append(OcrLine(restore_spaces(text) if spaces else text, box, float(score)))
        return OcrPage(width, height, reading_order(lines))


def restore_spaces(text: str) -> str:
    """Put back the spaces the recognizer dropped between English words.

    PP-OCR's recognizer was trained mostly on Chinese, where there are no spaces, and often
    reads "It is rumored in" as "Itisrumoredin". Runs of seven letters or more are split
    where English word frequencies say words meet (wordninja); a run that is one known word
    stays as it is, and Chinese text has no such runs.
    """
    if not _GLUED.search(text):
        return text
    try:
        import wordninja
    except ImportError:
        return text
    return _GLUED.sub(lambda m: " ".join(wordninja.split(m.group(0))) or m.group(0), text)


def reading_order(lines: list[OcrLine]) -> list[OcrLine]:
    """Lines top to bottom, left to right within a row (boxes whose middles share a row)."""
    rows: list[list[OcrLine]] = []
    for line in sorted(lines, key=lambda item: (item.box[1] + item.box[3]) / 2):
        middle = (line.box[1] + line.box[3]) / 2
        if rows:
            last = rows[-1][0].box
            if last[1] <= middle <= last[3]:
                rows[-1].append(line)
                continue
        rows.append([line])
    return [line for row in rows for line in sorted(row, key=lambda item: item.box[0])]
