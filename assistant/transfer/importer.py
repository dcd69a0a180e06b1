"""Import an export (ChatGPT, Claude or Fireside) into the history, reporting progress.

``import_export`` is a generator: it yields ``ImportProgress`` now and then (the window
shows a bar, the command line a percentage) and returns the ``ImportReport``. A file that
is not an export at all is refused before anything is stored (``BadFileError``). Otherwise
each conversation is stored whole or not at all: one that cannot be read is named in the
report and the others go on; a file that breaks off keeps the conversations before the
break and says where it broke. Conversations already in the history are skipped.
"""

from __future__ import annotations

import time
from collections.abc import Generator
from dataclasses import dataclass, field
from pathlib import Path

from fireside.assistant.history import HistoryStore
from fireside.assistant.transfer import chatgpt_format, claude_format, fireside_format
from fireside.assistant.transfer.chat_writer import ChatWriter
from fireside.assistant.transfer.export_reader import (
    CHATGPT,
    CLAUDE,
    Damaged,
    ExportFile,
)

PROGRESS_EVERY_S = 0.2
_SHAPE_ERRORS = (KeyError, TypeError, ValueError, AttributeError, IndexError)
_NAMES = {CHATGPT: "ChatGPT", CLAUDE: "Claude", "fireside": "Fireside"}


@dataclass
class ImportProgress:
    done_bytes: int
    total_bytes: int
    conversations: int  # read so far (imported, skipped or failed)

    @property
    def fraction(self) -> float:
        return min(1.0, self.done_bytes / self.total_bytes) if self.total_bytes else 1.0


@dataclass
class ImportReport:
    path: str
    kind: str  # "chatgpt", "claude", "fireside"
    conversations: int = 0  # imported now
    messages: int = 0
    branches: int = 0
    files: int = 0  # files stored
    missing_files: int = 0  # referenced, not in the export
    skipped: int = 0  # already in the history
    failed: list[str] = field(default_factory=list)  # "'title' (id): reason"
    damaged: str | None = None  # where the file broke off
    conversation_ids: list[int] = field(default_factory=list)

    @property
    def source(self) -> str:
        return _NAMES.get(self.kind, self.kind)

    @property
    def complete(self) -> bool:
        return not self.failed and self.damaged is None

    def summary(self) -> str:
        """One line of counts, as the command line prints it."""
        text = (
            f"imported {self.conversations} conversations ({self.messages} messages, "
            f"{self.branches} branches) from {self.source} export {Path(self.path).name}"
        )
        if self.files or self.missing_files:
            text += f"; {self.files} files stored, {self.missing_files} not in the export"
        if self.skipped:
            text += f"; {self.skipped} already imported, skipped"
        return text

    def problems(self) -> list[str]:
        """One line per conversation that could not be read, and one for a break."""
        lines = [f"could not read conversation {what}" for what in self.failed]
        if self.damaged:
            lines.append(self.damaged)
        return lines

    def to_dict(self) -> dict:
        return {
            "path": self.path,
            "source": self.kind,
            "conversations": self.conversations,
            "messages": self.messages,
            "branches": self.branches,
            "files": self.files,
            "missing_files": self.missing_files,
            "skipped": self.skipped,
            "failed": self.failed,
            "damaged": self.damaged,
            "conversation_ids": self.conversation_ids,
        }


def _uid(kind: str, item) -> str | None:
    """The uid a conversation will have, read before converting it (a known one is skipped
    without the work)."""
    if not isinstance(item, dict):
        return None
    if kind == CHATGPT:
        return f"chatgpt:{chatgpt_format.conversation_key(item)}"
    if kind == CLAUDE:
        return f"claude:{claude_format.conversation_key(item)}"
    uid = item.get("uid")
    return uid if isinstance(uid, str) else None


def _convert(kind: str, item: dict, export: ExportFile):
    if kind == CHATGPT:
        return chatgpt_format.chat_from_chatgpt(item, export.lookup)
    if kind == CLAUDE:
        return claude_format.chat_from_claude(item)
    return fireside_format.chat_from_dict(item)


def import_export(
    history: HistoryStore, data_dir: Path, path: str | Path
) -> Generator[ImportProgress, None, ImportReport]:
    """Import ``path`` (a JSON file or a zip); see the module docstring."""
    writer = ChatWriter(history, data_dir)
    with ExportFile(path) as export, writer.batch() as flush:
        report = ImportReport(str(path), export.kind)
        total = export.total_bytes
        read = 0
        last = time.monotonic()
        yield ImportProgress(0, total, 0)
        for item in export.items():
            if isinstance(item, Damaged):
                report.damaged = _damaged_line(export, item, read)
                break
            read += 1
            flush()
            try:
                uid = _uid(export.kind, item)
                if uid is not None and writer.known(uid):
                    stored = None
                else:
                    stored = writer.store(_convert(export.kind, item, export))
            except _SHAPE_ERRORS as exc:
                report.failed.append(f"{chatgpt_format.describe(item)}: {_why(exc)}")
                continue
            if stored is None:
                report.skipped += 1
            else:
                report.conversations += 1
                report.messages += stored.messages
                report.branches += stored.branches
                report.files += stored.files
                report.missing_files += stored.missing_files
                report.conversation_ids.append(stored.conversation_id)
            if time.monotonic() - last >= PROGRESS_EVERY_S:
                last = time.monotonic()
                yield ImportProgress(export.read_bytes[0], total, read)
        yield ImportProgress(total, total, read)
    return report


def _damaged_line(export: ExportFile, damaged: Damaged, read: int) -> str:
    where = damaged.part if len(export.parts) > 1 else Path(export.path).name
    return (
        f"{where} breaks off after {read} conversations ({damaged.reason}): those were read, "
        "the rest of the file could not be"
    )


def _why(exc: Exception) -> str:
    if isinstance(exc, KeyError):
        return f"it has no {exc.args[0]!r}"
    return str(exc) or type(exc).__name__


def run_import(history: HistoryStore, data_dir: Path, path: str | Path) -> ImportReport:
    """The whole import, without progress (tests, scripts)."""
    steps = import_export(history, data_dir, path)
    while True:
        try:
            next(steps)
        except StopIteration as done:
            return done.value
