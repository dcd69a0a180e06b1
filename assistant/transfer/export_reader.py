"""Reads an export one conversation at a time, so a file of any size costs the memory of one
conversation, not of the file.

An export is a JSON file or a zip (ChatGPT's data export: ``conversations.json``, or
``conversations-000.json``, ``-001``... in newer ones, plus the files the chats used;
Claude's: ``conversations.json``). What it holds is told from its first conversation
(ChatGPT's have a ``mapping``, Claude's ``chat_messages``) or, for Fireside's own export,
from its ``format``. ``ijson`` parses the file as a stream; a file that ends early or breaks
off in the middle gives the conversations before the break and then ``Damaged``.
"""

from __future__ import annotations

import io
import re
import zipfile
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path, PurePosixPath
from typing import BinaryIO

import ijson
from fireside.assistant.transfer.fireside_format import FORMAT

from fireside.errors import BadFileError

CHATGPT, CLAUDE, FIRESIDE = "chatgpt", "claude", "fireside"
_CONVERSATIONS = re.compile(r"(^|/)conversations(-\d+)?\.json$")
_FILE_ID = re.compile(r"^(file[-_][A-Za-z0-9]+)")
_SNIFF = 64


class Counting(io.RawIOBase):
    """A binary stream that counts what was read from it (for progress)."""

    def __init__(self, inner: BinaryIO, counter: list[int]) -> None:
        self.inner = inner
        self.counter = counter

    def readable(self) -> bool:
        return True

    def readinto(self, buffer) -> int:
        data = self.inner.read(len(buffer))
        buffer[: len(data)] = data
        self.counter[0] += len(data)
        return len(data)

    def close(self) -> None:
        self.inner.close()
        super().close()


@dataclass
class Part:
    """One JSON file of the export: a plain file, or a member of the zip."""

    name: str
    size: int
    open: Callable[[], BinaryIO]


@dataclass
class Damaged:
    """Where the stream broke off: conversations after it could not be read."""

    part: str
    after: int  # conversations read before the break
    reason: str


class ExportFile:
    """An export on disk: its JSON parts, what kind they are, and its files (zip only)."""

    def __init__(self, path: str | Path) -> None:
        self.path = Path(path)
        if not self.path.is_file():
            raise BadFileError(f"{self.path}: no such file")
        self._zip: zipfile.ZipFile | None = None
        self._files: dict[str, str] = {}
        if zipfile.is_zipfile(self.path):
            self._open_zip()
        else:
            size = self.path.stat().st_size
            self.parts = [Part(self.path.name, size, lambda: open(self.path, "rb"))]  # noqa: SIM115
        self.kind, self.prefix = self._sniff(self.parts[0])
        self.read_bytes = [0]

    def _open_zip(self) -> None:
        try:
            self._zip = zipfile.ZipFile(self.path)
            infos = self._zip.infolist()
        except (zipfile.BadZipFile, OSError) as exc:
            raise BadFileError(f"{self.path.name} is a damaged zip file ({exc})") from None
        members = sorted(
            (i for i in infos if _CONVERSATIONS.search(i.filename)), key=lambda i: i.filename
        )
        if not members:
            raise BadFileError(
                f"{self.path.name} holds no conversations.json: it is not a ChatGPT or Claude "
                "data export"
            )
        self.parts = [Part(i.filename, i.file_size, lambda i=i: self._zip.open(i)) for i in members]
        for info in infos:  # ChatGPT keeps a chat's files as "file-<id>-<name>"
            match = _FILE_ID.match(PurePosixPath(info.filename).name)
            if match and not info.is_dir():
                self._files.setdefault(match.group(1), info.filename)

    @property
    def total_bytes(self) -> int:
        return sum(p.size for p in self.parts)

    def close(self) -> None:
        if self._zip is not None:
            self._zip.close()

    def __enter__(self) -> ExportFile:
        return self

    def __exit__(self, *exc) -> None:
        self.close()

    # -- files --------------------------------------------------------------------------------
    def lookup(self, origin: str) -> tuple[str, bytes] | None:
        """The file a chat refers to by ``origin`` (``file-Ab12``), when the zip holds it."""
        member = self._files.get(origin)
        if member is None or self._zip is None:
            return None
        name = PurePosixPath(member).name
        return name[len(origin) :].lstrip("-_") or name, self._zip.read(member)

    # -- what it is ---------------------------------------------------------------------------
    def _sniff(self, part: Part) -> tuple[str, str]:
        """(kind, ijson prefix of the conversations) from the start of ``part``."""
        with part.open() as fh:
            head = fh.read(_SNIFF).lstrip(b"\xef\xbb\xbf \t\r\n")
        if head[:1] not in (b"[", b"{"):
            raise BadFileError(f"{self.path.name} is not JSON (nor a zip of JSON files)")
        try:
            with part.open() as fh:
                if head[:1] == b"[":
                    first = next(ijson.items(fh, "item", use_float=True), None)
                    return _kind_of(first, self.path.name), "item"
                return self._object_kind(fh)
        except ijson.JSONError as exc:
            raise BadFileError(f"{self.path.name} is not valid JSON ({exc})") from None

    def _object_kind(self, fh) -> tuple[str, str]:
        """A top-level object: Fireside's export (``format`` first), or one conversation."""
        for prefix, event, value in ijson.parse(fh, use_float=True):
            if prefix != "" or event != "map_key":
                continue
            if value == "format":
                return self._fireside_format(), "conversations.item"
            if value == "mapping":
                return CHATGPT, ""
            if value == "chat_messages":
                return CLAUDE, ""
        raise BadFileError(_not_an_export(self.path.name))

    def _fireside_format(self) -> str:
        with self.parts[0].open() as fh:
            fmt = next(ijson.items(fh, "format"), None)
        if fmt != FORMAT:
            raise BadFileError(f"{self.path.name} is a JSON file of format {fmt!r}, not {FORMAT}")
        return FIRESIDE

    # -- reading ------------------------------------------------------------------------------
    def items(self) -> Iterator[dict | Damaged]:
        """Every conversation of every part, as dicts; a break yields ``Damaged`` and ends."""
        for part in self.parts:
            count = 0
            with part.open() as raw:
                stream = io.BufferedReader(Counting(raw, self.read_bytes), 1 << 16)
                try:
                    for item in ijson.items(stream, self.prefix, use_float=True):
                        count += 1
                        yield item
                except ijson.JSONError as exc:
                    yield Damaged(part.name, count, _reason(exc))
                    return
                except (OSError, EOFError, zipfile.BadZipFile) as exc:
                    yield Damaged(part.name, count, str(exc) or type(exc).__name__)
                    return


def _kind_of(first, name: str) -> str:
    if first is None:
        return CHATGPT  # an empty list: nothing to import, whatever it was
    if isinstance(first, dict) and "mapping" in first:
        return CHATGPT
    if isinstance(first, dict) and "chat_messages" in first:
        return CLAUDE
    raise BadFileError(_not_an_export(name))


def _not_an_export(name: str) -> str:
    return (
        f"{name} is JSON, but not a ChatGPT, Claude or Fireside export (its conversations "
        "have neither 'mapping' nor 'chat_messages')"
    )


def _reason(exc: Exception) -> str:
    text = str(exc)
    if isinstance(exc, ijson.IncompleteJSONError) and "premature" in text.lower():
        return "the file ends early"
    return text.splitlines()[0] if text else "the JSON is damaged"
