"""Message content that may hold pictures: OpenAI's list of ``text`` and ``image_url`` parts.

Only backends whose description says ``sees_images`` get list content; these helpers let
them count and render it without each one knowing the part shapes.
"""

from __future__ import annotations

IMAGE_TOKENS = 576  # a picture's share of the context, for budgeting (SigLIP/Qwen-VL range)


def text_of(content) -> str:
    """The text of ``content`` (a string, or the text parts of a list)."""
    if isinstance(content, list):
        return "".join(
            p.get("text") or "" for p in content if isinstance(p, dict) and p.get("type") == "text"
        )
    return content or ""


def image_urls(content) -> list[str]:
    """The ``image_url`` URLs of list content, in order (none for a string)."""
    if not isinstance(content, list):
        return []
    urls = []
    for part in content:
        if isinstance(part, dict) and part.get("type") == "image_url":
            url = part.get("image_url")
            url = url.get("url") if isinstance(url, dict) else url
            if isinstance(url, str):
                urls.append(url)
    return urls


def has_images(messages: list[dict]) -> bool:
    return any(image_urls(m.get("content")) for m in messages)


def as_text_messages(messages: list[dict], marker: str = "") -> list[dict]:
    """The messages with list content flattened to text, each picture as ``marker``."""
    out = []
    for m in messages:
        content = m.get("content")
        if isinstance(content, list):
            pictures = marker * len(image_urls(content))
            m = {**m, "content": pictures + text_of(content)}
        out.append(m)
    return out
