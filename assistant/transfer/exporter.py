"""Export conversations to a file (or a stream): Markdown, HTML or Fireside's JSON.

Every id is checked before anything is written, and a file is written under a temporary
name and renamed when complete, so a failed export never leaves half a file where the old
one was. Conversations are read one at a time, so exporting thousands costs the memory of
one.
"""

from __future__ import annotations

import contextlib
import json
import os
import tempfile
from collections.abc import Iterator, Sequence
from pathlib import Path
from typing import TextIO

from fireside.assistant.history import HistoryStore
from fireside.assistant.transfer import fireside_format
from fireside.assistant.transfer.export_view import ShownChat, shown_chat
from fireside.assistant.transfer.html_export import write_html
from fireside.assistant.transfer.markdown_export import write_markdown

from fireside.errors import FiresideError

FORMATS = ("md", "html", "json")
SUFFIXES = {"md": ".md", "html": ".html", "json": ".json"}


@contextlib.contextmanager
def atomic_text(path: str | Path) -> Iterator[TextIO]:
    """A text file that appears at ``path`` whole when the block ends, or not at all."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w", encoding="utf-8", newline="\n") as fh:
            yield fh
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):
            os.chmod(tmp, 0o644)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise


def checked_ids(history: HistoryStore, ids: Sequence[int] | None) -> list[int]:
    """The conversations to export (None: all of them); an unknown id fails here, first."""
    if ids is None:
        return history.conversation_ids()
    for cid in ids:
        history.get_conversation(cid)  # NotFoundError names it
    return list(dict.fromkeys(ids))


def write_json(history: HistoryStore, ids: list[int], data_dir: Path, out: TextIO) -> int:
    """Fireside's JSON: the header, then one conversation per line."""
    head = json.dumps(fireside_format.header(), ensure_ascii=False)[:-1]
    out.write(head + ', "conversations": [')
    for n, cid in enumerate(ids):
        chat = fireside_format.chat_to_dict(history, cid, data_dir)
        out.write(("\n" if n == 0 else ",\n") + json.dumps(chat, ensure_ascii=False, default=str))
    out.write("\n]}\n")
    return len(ids)


def export_to(
    history: HistoryStore,
    data_dir: Path,
    ids: Sequence[int] | None,
    fmt: str,
    out: TextIO,
    language: str = "en",
) -> int:
    """Write the conversations to ``out``; returns how many."""
    if fmt not in FORMATS:
        raise FiresideError(f"unknown export format {fmt!r} (formats: {', '.join(FORMATS)})")
    chosen = checked_ids(history, ids)
    if fmt == "json":
        return write_json(history, chosen, data_dir, out)

    def chats() -> Iterator[ShownChat]:
        for cid in chosen:
            yield shown_chat(history, cid, data_dir)

    if fmt == "md":
        return write_markdown(chats(), out, language)
    titles = []
    for cid in chosen:
        conv = history.get_conversation(cid)
        titles.append((conv.uid or str(conv.id), conv.title))
    return write_html(chats(), out, language, titles)


def export_file(
    history: HistoryStore,
    data_dir: Path,
    ids: Sequence[int] | None,
    fmt: str,
    path: str | Path,
    language: str = "en",
) -> int:
    """``export_to`` a file, written whole or not at all."""
    checked_ids(history, ids)  # before the file is touched
    with atomic_text(path) as out:
        return export_to(history, data_dir, ids, fmt, out, language)
