"""Look at a file's first bytes to tell what it really is, whatever its name says.

A PDF renamed ``.txt`` would otherwise be indexed as pages of binary noise, and a text file
renamed ``.pdf`` would fail with a parser error that says nothing useful. Sniffing the head
turns both into a clear "misnamed" report. It also picks the text encoding.
"""

from __future__ import annotations

import codecs
from pathlib import Path

HEAD_BYTES = 64 * 1024

_MAGIC = [
    (b"%PDF-", "pdf"),
    (b"PK\x03\x04", "zip"),
    (b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1", "ole"),  # legacy .doc/.xls
    (b"\x89PNG", "image"),
    (b"\xff\xd8\xff", "image"),
    (b"GIF8", "image"),
    (b"II*\x00", "image"),  # TIFF, little-endian
    (b"MM\x00*", "image"),  # TIFF, big-endian
    (b"\x1f\x8b", "gzip"),
    (b"\x7fELF", "binary"),
    (b"SQLite format 3\x00", "binary"),
]

_BOMS = [
    (codecs.BOM_UTF8, "utf-8-sig"),
    (codecs.BOM_UTF32_LE, "utf-32"),
    (codecs.BOM_UTF32_BE, "utf-32"),
    (codecs.BOM_UTF16_LE, "utf-16"),
    (codecs.BOM_UTF16_BE, "utf-16"),
]


def read_head(path: Path, n: int = HEAD_BYTES) -> bytes:
    with path.open("rb") as fh:
        return fh.read(n)


def sniff_kind(head: bytes) -> str:
    """ "pdf", "zip", "ole", "image", "gzip", "binary" or "text"."""
    stripped = head.lstrip(b"\x00\t\r\n ")
    for magic, kind in _MAGIC:
        if head.startswith(magic) or (kind == "pdf" and magic in head[:1024]):
            return kind
    if stripped.startswith(b"%PDF-"):
        return "pdf"
    if _is_webp(head) or _is_bmp(head):
        return "image"
    if text_encoding(head) is None:
        return "binary"
    return "text"


def _is_webp(head: bytes) -> bool:
    return head[:4] == b"RIFF" and head[8:12] == b"WEBP"


def _is_bmp(head: bytes) -> bool:
    """ "BM" and a known header size: a text file starting with "BM" is not taken for one."""
    if len(head) < 26 or not head.startswith(b"BM"):
        return False
    return int.from_bytes(head[14:18], "little") in (12, 40, 52, 56, 64, 108, 124)


def text_encoding(head: bytes) -> str | None:
    """The encoding to read a text file with, or None when the bytes are not text."""
    for bom, name in _BOMS:
        if head.startswith(bom):
            return name
    if b"\x00" in head:
        return None
    decoder = codecs.getincrementaldecoder("utf-8")()
    try:
        decoder.decode(head, final=False)  # a character cut at the end of head is fine
        return "utf-8"
    except UnicodeDecodeError:
        pass
    # Not UTF-8: accept a legacy 8-bit encoding if control characters are rare.
    controls = sum(1 for b in head if b < 32 and b not in (9, 10, 12, 13))
    if controls > len(head) * 0.01:
        return None
    return "cp1252"
