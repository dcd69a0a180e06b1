"""The one interface every chat model implements: local GGUF (in a worker), or remote.

Everything above the model layer (engine, documents, tools, CLI, window, API server) talks
to a model only through ``ChatBackend``: it never asks which class it holds, never probes
with ``getattr``, and reads what the model is from ``ModelDescription``. A backend streams
``TextChunk``s and ends each reply with exactly one ``GenerationStats`` (usage, cached
prompt tokens, timings, finish reason); failures raise ``fireside.models.errors.ModelError``.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass
from typing import Protocol, runtime_checkable

from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams

StreamItem = TextChunk | GenerationStats


@dataclass
class ModelDescription:
    """What a loaded model is, for the engine's decisions and the user's eyes.

    ``id`` is what the history records and ``--model`` accepts: a file path for a local
    GGUF, ``CONNECTION/MODEL`` for a remote engine. ``tool_format`` is the trained tool-call
    syntax of its chat template (``"prompt"`` when it has none); ``native_tools`` says the
    backend takes OpenAI-style ``tools`` itself (a remote server that supports them).
    ``sees_images``: a user message's content may be a list of ``text`` and ``image_url``
    parts (data URLs); every other backend gets plain text content only.
    """

    id: str
    name: str
    backend: str  # "llama.cpp" or "remote"
    n_ctx: int
    device: str  # "CPU", "GPU (all layers offloaded)", "remote (http://host:port)"
    architecture: str | None = None
    parameter_count: int | None = None
    tool_format: str = "prompt"
    native_tools: bool = False
    leaves_machine: bool = False  # messages are sent to another computer
    load_s: float = 0.0
    sees_images: bool = False  # takes OpenAI ``image_url`` content parts (a vision model)


@runtime_checkable
class ChatBackend(Protocol):
    """A chat model that can be asked for one reply at a time."""

    @property
    def description(self) -> ModelDescription: ...

    def count_tokens(self, messages: list[dict]) -> int:
        """Tokens the rendered conversation takes in the prompt (an estimate for remote)."""
        ...

    def count_text(self, text: str) -> int:
        """Tokens a piece of plain text takes (an estimate for remote engines)."""
        ...

    def stream(
        self,
        messages: list[dict],
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
        tools: list[dict] | None = None,
    ) -> Iterator[StreamItem]:
        """One reply: ``TextChunk``s, then one ``GenerationStats``.

        ``grammar`` is GBNF text constraining the reply; ``tools`` (OpenAI function
        schemas) are passed on only by backends whose description says ``native_tools``.
        ``cancel`` is checked before every token; a cancelled reply still ends with stats.
        """
        ...

    def complete(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
    ) -> Iterator[StreamItem]:
        """Plain text completion of ``prompt`` (no chat template), streamed like ``stream``."""
        ...

    def close(self) -> None:
        """Free the model (a local worker process ends; its memory returns to the system)."""
        ...
