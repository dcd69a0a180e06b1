"""What a front end asks of the engine for one chat turn, in one object.

The window, ``fireside chat``, ``fireside ask`` and the API server all build a
``TurnRequest`` and read the events ``ChatEngine.run`` yields; none of them needs to know
whether documents, tools or a map-reduce pass over whole documents took part. What differs
between them is a field, not a code path: the API carries its own conversation
(``messages``), is not written to the history (``save``), may offer functions the caller
runs (``functions``) and may ask for JSON (``response_format``).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING

from fireside.models.generation import CancelToken
from fireside.models.sampling import SamplingParams

if TYPE_CHECKING:
    from fireside.assistant.chat_images import ImageInput
    from fireside.assistant.client_functions import ClientFunctions
    from fireside.plugins.tools import Tool

AFTER_CURRENT = -1  # parent_id default: continue after the conversation's current leaf


@dataclass
class ToolPolicy:
    """What tools may do in this turn.

    ``offer``: None offers tools to models able to use them (the user's setting decides),
    True offers them to any model, False never (slash commands typed by the user still run).
    ``approve`` is asked before a network or file-system tool runs; None means "no".
    ``always_allowed``: tools that run without asking; None takes the user's settings.
    ``routing``: run an obviously requested tool (a sum, the weather, the date) before the
    model answers; None takes the user's settings.
    ``only``: the names of the tools this turn may use (None: every enabled tool).
    ``refusal_hint``: said with a refused call when nobody could be asked (how to allow it).
    ``web``: offer the web tools (search, read a page); None takes the user's settings
    (``web.enabled``, off unless turned on). They still ask before each network call.
    """

    offer: bool | None = None
    approve: Callable[[Tool, dict], bool] | None = None
    always_allowed: Sequence[str] | None = None
    routing: bool | None = None
    only: Sequence[str] | None = None
    refusal_hint: str | None = None
    web: bool | None = None


@dataclass
class RetrievalOptions:
    """How a turn with document collections reads them."""

    k: int = 6  # excerpts given to the model
    threshold: float | None = None  # cosine similarity; None: the embedder's own default
    whole_document: bool | None = None  # None: decided from the wording of the question
    max_parts: int = 8  # map-reduce reads at most this many context-sized parts per document
    search: object | None = None  # documents.retrieval.SearchOptions; None: its defaults


@dataclass
class TurnRequest:
    """One turn: a new message, a new version of a reply, or an edited question.

    ``text`` is the message (for an edit, the new text). ``regenerate`` is a message id: a
    new version of that reply (or of the reply to that user message) is written. ``edit``
    is a user message id: ``text`` becomes its sibling, the original is kept.

    ``collections``: the document collections to answer from. None keeps the ones the
    conversation remembers; a list (even empty) is the new choice and is remembered.
    ``tools``: None for no tools and no slash commands at all.

    ``messages``: the whole conversation as the caller keeps it (OpenAI chat messages); the
    history is not read, and the last user message is the question. ``save``: False writes
    nothing to the history (with ``messages`` and True, they become a new conversation).
    ``functions``: functions the caller runs itself; calls to them end the turn as
    ``ClientCall`` events. ``response_format``: OpenAI's ``json_object``/``json_schema``,
    enforced with a grammar. ``assistant``: an assistant's name; its system prompt, model,
    sampling, tools and collections apply where the request gives none of its own. None
    keeps the conversation's assistant, "" chats without one (and the chat forgets it).
    ``images``: pictures sent with the message (``text``); a model that sees pictures gets
    them, any other the text OCR reads on them.

    ``language``: the language the front end speaks to the user (``language.ENGLISH``,
    ``SIMPLIFIED``, ``TRADITIONAL``; the window's language). A system prompt the user has not
    changed is used in it; None: in the language of the question.
    """

    text: str = ""
    conversation_id: int | None = None
    regenerate: int | None = None
    edit: int | None = None
    parent_id: int | None = AFTER_CURRENT
    collections: Sequence[str] | None = None
    documents: Sequence[int] | None = None
    retrieval: RetrievalOptions = field(default_factory=RetrievalOptions)
    tools: ToolPolicy | None = field(default_factory=ToolPolicy)
    params: SamplingParams | None = None
    model: str | None = None
    system: str | None = None
    cancel: CancelToken | None = None
    messages: Sequence[dict] | None = None
    save: bool = True
    functions: ClientFunctions | None = None
    response_format: dict | None = None
    assistant: str | None = None
    language: str | None = None
    images: Sequence[ImageInput] = ()
