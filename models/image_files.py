"""Opening pictures safely: formats, size limits and frames, before anything decodes them.

A picture is read in two steps so that a hostile or huge file costs nothing: the header
gives the format and the size in pixels (cheap, whatever the file), and only a picture
within ``MAX_PIXELS`` is decoded. A 20,000 x 20,000 scan is refused in one line instead of
taking 1.6 GB of memory; a corrupt file is named as corrupt. TIFF files give every page
(frame); animated GIFs and WebPs give their first frame only.
"""

from __future__ import annotations

import io
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from fireside.errors import FiresideError

MAX_PIXELS = 60_000_000  # an A3 page at 600 dpi fits; 20,000 x 20,000 does not
MAX_FRAMES = 2000  # a TIFF with more pages than this is read up to here

IMAGE_EXTENSIONS = (".png", ".jpg", ".jpeg", ".webp", ".tif", ".tiff", ".bmp", ".gif")
_MIME = {
    "PNG": "image/png",
    "JPEG": "image/jpeg",
    "WEBP": "image/webp",
    "TIFF": "image/tiff",
    "BMP": "image/bmp",
    "GIF": "image/gif",
    "MPO": "image/jpeg",  # a JPEG with extra frames (phone cameras)
}
_ALL_FRAMES = ("TIFF",)


class ImageFileError(FiresideError):
    """A picture that cannot be used; ``kind`` is corrupt, too_large or unsupported."""

    def __init__(self, kind: str, message: str) -> None:
        super().__init__(message)
        self.kind = kind
        self.message = message


@dataclass
class ImageInfo:
    """What the header says: format (PIL's name), MIME type, size and page count."""

    format: str
    mime: str
    width: int
    height: int
    frames: int = 1


def _pil():
    from PIL import Image

    Image.MAX_IMAGE_PIXELS = None  # our own limit (MAX_PIXELS) applies, with our own words
    return Image


def _open(source: Path | bytes, name: str):
    Image = _pil()
    from PIL import UnidentifiedImageError

    try:
        return Image.open(io.BytesIO(source) if isinstance(source, bytes) else Path(source))
    except UnidentifiedImageError:
        raise ImageFileError("corrupt", f"{name} is not a picture Fireside can read") from None
    except OSError as exc:
        if isinstance(source, bytes) or exc.errno is None:  # PIL's own "broken data" errors
            raise ImageFileError(
                "corrupt", f"{name} is a damaged picture ({_short(exc)})"
            ) from None
        raise ImageFileError("corrupt", f"{name} cannot be read ({exc.strerror or exc})") from None
    except Exception as exc:  # truncated headers raise assorted errors inside PIL
        raise ImageFileError("corrupt", f"{name} is a damaged picture ({_short(exc)})") from None


def _short(exc: BaseException) -> str:
    text = str(exc).strip().splitlines()[0] if str(exc).strip() else type(exc).__name__
    return text[:120]


def _check(image, name: str, max_pixels: int) -> ImageInfo:
    fmt = (image.format or "").upper()
    mime = _MIME.get(fmt)
    if mime is None:
        raise ImageFileError("unsupported", f"{name}: pictures of type {fmt or '?'} are not read")
    width, height = image.size
    if width <= 0 or height <= 0:
        raise ImageFileError("corrupt", f"{name} is a damaged picture (no pixels)")
    if width * height > max_pixels:
        raise ImageFileError(
            "too_large",
            f"{name} is too large: {width:,} x {height:,} pixels "
            f"(the limit is {max_pixels / 1e6:.0f} megapixels)",
        )
    frames = int(getattr(image, "n_frames", 1) or 1) if fmt in _ALL_FRAMES else 1
    return ImageInfo(fmt, mime, width, height, min(frames, MAX_FRAMES))


def image_info(source: Path | bytes, name: str = "the picture", max_pixels: int = MAX_PIXELS):
    """Format and size from the header alone; raises ``ImageFileError``."""
    image = _open(source, name)
    try:
        return _check(image, name, max_pixels)
    finally:
        image.close()


def iter_frames(
    source: Path | bytes, name: str = "the picture", max_pixels: int = MAX_PIXELS
) -> Iterator:
    """Each page of the picture as an RGB ``PIL.Image`` (every page of a TIFF, the first
    frame of anything animated); one page is decoded at a time."""
    image = _open(source, name)
    try:
        info = _check(image, name, max_pixels)
        for index in range(info.frames):
            try:
                if index:
                    image.seek(index)
                frame = image.convert("RGB")
            except EOFError:
                return
            except Exception as exc:
                raise ImageFileError(
                    "corrupt", f"{name} is a damaged picture ({_short(exc)})"
                ) from None
            if frame.width * frame.height > max_pixels:  # a later TIFF page can be larger
                raise ImageFileError("too_large", f"{name}: page {index + 1} is too large")
            yield frame
    finally:
        image.close()


def thumbnail_png(source: Path | bytes, size: int = 256, name: str = "the picture") -> bytes:
    """A small PNG of the first page, for lists and transcripts."""
    frame = next(iter_frames(source, name))
    frame.thumbnail((size, size))
    out = io.BytesIO()
    frame.save(out, "PNG")
    return out.getvalue()


def to_png(source: Path | bytes, name: str = "the picture", max_side: int = 0) -> bytes:
    """The first page as PNG bytes (a BMP or TIFF for a model that takes PNG and JPEG),
    scaled so its longer side is at most ``max_side`` when that is set."""
    frame = next(iter_frames(source, name))
    if max_side and max(frame.size) > max_side:
        frame.thumbnail((max_side, max_side))
    out = io.BytesIO()
    frame.save(out, "PNG")
    return out.getvalue()
