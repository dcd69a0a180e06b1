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

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class SearchHit:
    conversation_id: int
    conversation_title: str
    message_id: int
    role: str
    snippet: str
