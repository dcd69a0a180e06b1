"""Pictures in a chat: checked once, kept with the chat, and shown to the model it can use.

Every front end hands a turn's pictures over as ``ImageInput`` (bytes and a name) in the
``TurnRequest``; the engine prepares them here, once, for every front end:

- checked from the header before anything decodes them (a corrupt file or a 20,000-pixel
  square is one line, and the turn writes nothing);
- kept as content-addressed files in the data folder (``images/ab/<sha256>.png``), named
  by the message that carries them and deleted with the last chat that uses them;
- for a model that sees pictures (a GGUF with its projector, a remote engine) they go as
  OpenAI ``image_url`` parts; for any other the text OCR reads on them goes instead, marked
  as read from the picture, and the message records that it did.
"""

from __future__ import annotations

import base64
import contextlib
import hashlib
import logging
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from pathlib import Path

from fireside.models.image_files import (
    ImageFileError,
    image_info,
    iter_frames,
    thumbnail_png,
    to_png,
)
from fireside.models.ocr import OcrEngine, OcrUnavailable

from fireside.atomic_write import write_atomic
from fireside.errors import FiresideError

log = logging.getLogger(__name__)

MAX_IMAGE_BYTES = 32 << 20  # a picture larger than this on disk is refused, whatever it is
MAX_IMAGES = 8  # per message
MODEL_MAX_SIDE = 2048  # pictures sent to a model are scaled down to this (pixels)
THUMB_SIDE = 128  # the transcript's thumbnail, kept with the message (a few KB)
_SENT_AS_IS = ("image/png", "image/jpeg", "image/webp", "image/gif")
_EXTENSIONS = {
    "image/png": ".png",
    "image/jpeg": ".jpg",
    "image/webp": ".webp",
    "image/tiff": ".tif",
    "image/bmp": ".bmp",
    "image/gif": ".gif",
}


class ImageError(FiresideError):
    """A picture given with a message cannot be used; the message names it and why."""


@dataclass
class ImageInput:
    """A picture as a front end received it: the file's bytes and a name to show."""

    data: bytes
    name: str = "image"

    @classmethod
    def from_path(cls, path: str | Path) -> ImageInput:
        p = Path(path).expanduser()
        try:
            size = p.stat().st_size
            if size > MAX_IMAGE_BYTES:
                raise ImageError(
                    f"{p.name} is too large ({size >> 20} MiB; the limit is "
                    f"{MAX_IMAGE_BYTES >> 20} MiB)"
                )
            return cls(p.read_bytes(), p.name)
        except FileNotFoundError:
            raise ImageError(f"{path}: no such file") from None
        except IsADirectoryError:
            raise ImageError(f"{path} is a folder, not a picture") from None
        except OSError as exc:
            raise ImageError(f"{path} cannot be read ({exc.strerror or exc})") from None


@dataclass
class ChatImage:
    """A picture of a message, as stored with it (the ``images`` of a history message).

    ``text`` is what OCR read on it (None: not read, because the model saw the picture);
    ``given_as`` says what the model got: "image" or "text" (OCR), or "nothing".
    """

    sha256: str
    mime: str
    width: int
    height: int
    name: str = "image"
    text: str | None = None
    given_as: str = "image"
    thumb: str | None = None  # a small PNG (base64) for the transcript

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict) -> ChatImage:
        fields = {k: data[k] for k in cls.__dataclass_fields__ if k in data}
        return cls(**fields)


class ImageStore:
    """Content-addressed picture files under ``folder``: the same picture is kept once."""

    def __init__(self, folder: str | Path) -> None:
        self.folder = Path(folder)

    def path(self, sha256: str, mime: str) -> Path:
        return self.folder / sha256[:2] / f"{sha256}{_EXTENSIONS.get(mime, '.img')}"

    def put(self, data: bytes, sha256: str, mime: str) -> Path:
        target = self.path(sha256, mime)
        if not target.exists():
            target.parent.mkdir(parents=True, exist_ok=True)
            write_atomic(target, data)
        return target

    def read(self, image: ChatImage) -> bytes:
        try:
            return self.path(image.sha256, image.mime).read_bytes()
        except OSError:
            raise ImageError(f"the picture {image.name} is no longer in the data folder") from None

    def delete(self, sha256: str, mime: str) -> None:
        path = self.path(sha256, mime)
        path.unlink(missing_ok=True)
        with contextlib.suppress(OSError):  # other pictures share the folder
            path.parent.rmdir()


class ChatImages:
    """Prepares a turn's pictures and writes them into the prompt (the engine's helper)."""

    def __init__(self, store: ImageStore | None, ocr: OcrEngine | None) -> None:
        self.store = store
        self.ocr = ocr

    def prepare(
        self, inputs: Sequence[ImageInput], *, sees_images: bool, keep: bool
    ) -> list[ChatImage]:
        """Check, keep (``keep``) and, for a model that cannot see, read each picture."""
        if len(inputs) > MAX_IMAGES:
            raise ImageError(f"{len(inputs)} pictures in one message (the limit is {MAX_IMAGES})")
        out = []
        for item in inputs:
            if len(item.data) > MAX_IMAGE_BYTES:
                raise ImageError(f"{item.name} is too large (the limit is 32 MiB)")
            try:
                info = image_info(item.data, item.name)
                next(iter_frames(item.data, item.name)).close()  # the pixels decode too
            except ImageFileError as exc:
                raise ImageError(exc.message) from None
            sha = hashlib.sha256(item.data).hexdigest()
            image = ChatImage(sha, info.mime, info.width, info.height, item.name)
            if keep and self.store is not None:
                self.store.put(item.data, sha, info.mime)
                thumb = thumbnail_png(item.data, THUMB_SIDE, item.name)
                image.thumb = base64.b64encode(thumb).decode("ascii")
            if not sees_images:
                image.text = self.read_text(item.data, item.name)
                image.given_as = "text" if image.text else "nothing"
            out.append(image)
        return out

    def read_text(self, data: bytes, name: str) -> str | None:
        """What OCR reads on the picture ("" when nothing; None when OCR cannot run)."""
        if self.ocr is None:
            return None
        try:
            frame = next(iter_frames(data, name))
            return self.ocr.read(frame).text
        except OcrUnavailable:
            log.info("OCR is not available for %s", name)
            return None
        except ImageFileError as exc:
            raise ImageError(exc.message) from None

    def data_url(self, image: ChatImage, data: bytes | None = None) -> str:
        """The picture as a ``data:`` URL (scaled down to ``MODEL_MAX_SIDE`` when larger)."""
        data = data if data is not None else self.store.read(image)
        mime = image.mime
        if mime not in _SENT_AS_IS or max(image.width, image.height) > MODEL_MAX_SIDE:
            data, mime = to_png(data, image.name, MODEL_MAX_SIDE), "image/png"
        return f"data:{mime};base64,{base64.b64encode(data).decode('ascii')}"


def read_note(image: ChatImage) -> str | None:
    """The OCR text as the model gets it: marked as read from the picture, never as the
    user's own words."""
    if not image.text:
        return None
    return (
        f'[Text read by OCR from the picture "{image.name}"]\n{image.text}\n[End of picture text]'
    )
