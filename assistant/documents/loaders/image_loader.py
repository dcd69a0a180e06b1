"""Pictures (PNG, JPEG, WebP, TIFF, BMP, GIF) indexed by the text OCR reads on them.

Each page of a TIFF is a page of the document (citations name it); other formats have one
page, an animated GIF or WebP its first frame. The header is checked before anything is
decoded, so a corrupt file or a 20,000 x 20,000 picture is one line in the report and
costs no memory; frames are decoded one at a time and only when the cache lacks them.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from pathlib import Path

from fireside.assistant.documents.ocr_pages import PageOcr, ocr_blocks
from fireside.assistant.documents.types import Block, LoadError
from fireside.models.image_files import ImageFileError, image_info, iter_frames


def load_image(path: Path, warn: Callable[[str], None], ocr: PageOcr | None = None):
    """Blocks of text read from the picture's pages; raises ``LoadError``."""
    try:
        info = image_info(path, path.name)
    except ImageFileError as exc:
        raise LoadError(exc.kind, exc.message) from None
    ocr = ocr or PageOcr(None)
    ocr.require("a picture has text only through OCR")
    return _blocks(path, info.frames, warn, ocr)


def _blocks(path: Path, pages: int, warn: Callable[[str], None], ocr: PageOcr) -> Iterator[Block]:
    frames = None  # opened on the first page the cache does not have
    found = 0
    try:
        for page in range(1, pages + 1):

            def render(page=page):
                nonlocal frames
                if frames is None:
                    frames = _Frames(path)
                return frames.get(page)

            result = ocr.read(page, render)
            ocr.progress(page, pages)
            blocks = list(ocr_blocks(result, page))
            found += len(blocks)
            yield from blocks
    except ImageFileError as exc:
        raise LoadError(exc.kind, exc.message) from None
    finally:
        if frames is not None:
            frames.close()
    if not found:
        raise LoadError("empty", "no text found in the picture")
    if pages > 1:
        warn(f"{pages} pages read with OCR")


class _Frames:
    """Pages of one picture in order, decoded one at a time."""

    def __init__(self, path: Path) -> None:
        self._iter = iter_frames(path, path.name)
        self._next = 1

    def get(self, page: int):
        frame = None
        while self._next <= page:
            frame = next(self._iter, None)
            if frame is None:
                raise ImageFileError("corrupt", f"{page} pages were expected, fewer were found")
            self._next += 1
            if self._next <= page:
                frame.close()
        return frame

    def close(self) -> None:
        self._iter.close()
