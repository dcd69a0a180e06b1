"""Conversations and messages as plain data; the history store reads and writes these."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field


@dataclass
class Message:
    """One message in the conversation tree.

    ``parent_id`` links a message to the one it answers or follows; regenerations and edits
    are siblings (same parent), so earlier versions are never overwritten.
    """

    id: int
    conversation_id: int
    parent_id: int | None
    role: str  # "system", "user", "assistant", "tool"
    content: str
    status: str = "complete"  # "complete", "streaming", "stopped", "error", "interrupted"
    model: str | None = None
    backend: str | None = None  # "llama.cpp", "remote", ...: the engine that wrote it
    settings: dict = field(default_factory=dict)
    prompt_tokens: int | None = None
    completion_tokens: int | None = None
    timings: dict = field(default_factory=dict)
    tool_calls: list = field(default_factory=list)
    citations: list = field(default_factory=list)
    created_at: str = ""
    rating: str | None = None  # "up" or "down": the user's feedback on a reply
    rating_reason: str | None = None
    # files the message came with: name, mime_type, size, file (under the data folder's
    # attachments/, None when the export did not hold it), origin (the id it had there)
    attachments: list = field(default_factory=list)
    images: list = field(default_factory=list)  # pictures it carries (ChatImage dicts)
    support: list = field(default_factory=list)  # SentenceCheck dicts (replies from documents)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Conversation:
    id: int
    title: str
    created_at: str
    updated_at: str
    model: str | None = None
    system_prompt: str | None = None
    current_leaf_id: int | None = None
    collections: list[str] = field(default_factory=list)  # documents it answers from
    uid: str | None = None  # lasting identity: exports carry it, imports skip a known one
    assistant: str | None = None  # the assistant this chat uses (its name)

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchHit:
    conversation_id: int
    conversation_title: str
    message_id: int
    role: str
    snippet: str
