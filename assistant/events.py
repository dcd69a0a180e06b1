"""The typed events a chat turn streams; the CLI, the window and the API consume the same.

A turn yields ``TurnStarted``, then ``TextDelta``s (and, with tools or documents,
``ToolCall``/``ToolResult``/``Citations``; with a caller's own functions, ``ClientCall``;
after a reply from documents, ``SupportChecked``), and ends with exactly one ``TurnDone`` or ``TurnError``. A turn that is not written to the
history (``TurnRequest.save`` false: the local API) carries no conversation or message ids.
"""

from __future__ import annotations

from dataclasses import dataclass, field


@dataclass
class TurnStarted:
    conversation_id: int | None
    user_message_id: int | None
    parent_id: int | None


@dataclass
class TextDelta:
    text: str


@dataclass
class ContextTrimmed:
    """Oldest turns were left out of the prompt so the conversation fits the context."""

    dropped_messages: int
    prompt_tokens: int
    n_ctx: int


@dataclass
class ToolCall:
    call_id: str
    name: str
    arguments: dict
    source: str = "model"  # "model": the model proposed it; "user": a slash command


@dataclass
class ClientCall:
    """A call to one of the caller's own functions: handed back to the caller, not run."""

    call_id: str
    name: str
    arguments: dict


@dataclass
class ToolResult:
    call_id: str
    name: str
    output: str
    is_error: bool = False
    duration_s: float = 0.0
    # plugins.tools.ToolSource: pages or files the result came from (the web tools)
    sources: list = field(default_factory=list, repr=False, compare=False)


@dataclass
class Citation:
    """Where part of an answer came from: a document (``document`` is its path), or a web
    page (``url`` and ``title``; ``document`` is the page's saved text, when it was read)."""

    document: str
    page: int | None
    text: str
    score: float = 0.0
    line_start: int | None = None
    line_end: int | None = None
    heading: str | None = None
    url: str | None = None
    title: str | None = None


@dataclass
class Citations:
    items: list[Citation] = field(default_factory=list)


@dataclass
class SentenceCheck:
    """One sentence of a reply from documents, checked against the passages it was given:
    ``start``/``end`` are offsets in the reply's text; ``source`` is the number of the
    citation that supports it best (1-based), ``evidence`` that passage's closest sentence;
    ``missing`` the numbers and names it states that the passage does not."""

    text: str
    start: int
    end: int
    verdict: str  # "supported", "partial" or "unsupported"
    coverage: float = 0.0
    source: int | None = None
    evidence: str | None = None
    missing: list[str] = field(default_factory=list)


@dataclass
class SupportChecked:
    """After a reply from documents, before ``TurnDone``: how far its sentences are in the
    sources (stored with the reply as ``support``)."""

    sentences: list[SentenceCheck] = field(default_factory=list)
    mostly_unsupported: bool = False


@dataclass
class Usage:
    prompt_tokens: int = 0
    completion_tokens: int = 0
    prompt_eval_tokens: int = 0
    cached_tokens: int = 0


@dataclass
class Timings:
    load_s: float = 0.0
    ttft_s: float = 0.0
    generate_s: float = 0.0
    tokens_per_s: float = 0.0


@dataclass
class TurnDone:
    conversation_id: int | None
    message_id: int | None
    text: str
    model: str
    finish_reason: str  # "stop", "length", "cancelled", "tool_calls" (calls for the caller)
    usage: Usage
    timings: Timings
    dropped_messages: int = 0


@dataclass
class TurnNotice:
    """Something the user should know about this turn that is not part of the reply."""

    text: str


@dataclass
class TurnError:
    message: str
    conversation_id: int | None = None
    # what went wrong, for a front end that answers by kind (the API's status codes)
    error: Exception | None = field(default=None, repr=False, compare=False)


Event = (
    TurnStarted
    | TextDelta
    | ContextTrimmed
    | ToolCall
    | ToolResult
    | ClientCall
    | Citations
    | SupportChecked
    | TurnNotice
    | TurnDone
    | TurnError
)
