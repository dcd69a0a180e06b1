"""``--image PATH`` for ``fireside chat`` and ``fireside ask``: pictures sent with a message."""

from __future__ import annotations

import argparse

from fireside.assistant.chat_images import ImageInput


def add_image_option(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--image",
        action="append",
        metavar="PATH",
        help="send a picture with the message (repeatable): a vision model sees it, any "
        "other model gets the text read from it",
    )


def read_images(paths: list[str] | None) -> list[ImageInput]:
    """The files' bytes; a missing or unreadable file is an ``ImageError`` (one line)."""
    return [ImageInput.from_path(p) for p in paths or ()]


def question_images(app, reply_id: int | None) -> dict:
    """``{"images": [...]}``: what the model got of each picture of the question (for
    ``--json``), or nothing when the question carried none."""
    if reply_id is None:
        return {}
    reply = app.history.get_message(reply_id)
    if reply.parent_id is None:
        return {}
    images = app.history.get_message(reply.parent_id).images
    return {"images": images} if images else {}
