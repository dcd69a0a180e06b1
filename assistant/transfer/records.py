"""A conversation on its way in: the one shape every importer produces and one writer stores.

Importers know their format and nothing of SQLite; the writer knows SQLite and nothing of
formats. Keys are the format's own message ids (any text); the writer maps them to rows.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class IncomingFile:
    """A file a message referenced: its bytes when the export holds them, else None."""

    name: str
    mime_type: str | None = None
    size: int | None = None
    origin: str | None = None  # its id in the export (ChatGPT "file-…", Claude none)
    data: bytes | None = None
    stored_as: str | None = None  # the file name to keep it under (Fireside's own exports)


@dataclass
class IncomingMessage:
    key: str
    parent: str | None
    role: str  # "user", "assistant", "system", "tool"
    content: str
    created_at: str = ""
    status: str = "complete"
    model: str | None = None
    backend: str | None = None
    settings: dict = field(default_factory=dict)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    timings: dict = field(default_factory=dict)
    tool_calls: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    rating: str | None = None
    rating_reason: str | None = None
    files: list[IncomingFile] = field(default_factory=list)


@dataclass
class IncomingChat:
    """``uid`` says where it came from (``chatgpt:<id>``, ``claude:<uuid>``, or the uid a
    Fireside export carries): a chat whose uid is already in the history is not imported
    again. ``current`` is the key of the message whose path is shown."""

    uid: str
    title: str
    created_at: str
    updated_at: str
    messages: list[IncomingMessage] = field(default_factory=list)
    current: str | None = None
    model: str | None = None
    system_prompt: str | None = None
    collections: list[str] = field(default_factory=list)
    assistant: str | None = None
