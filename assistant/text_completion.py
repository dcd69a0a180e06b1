"""Plain continuation of a prompt (the API's ``/v1/completions``): no chat, no template.

The one generating path that is not a chat turn: there is no conversation, no system prompt,
no documents or tools to gather, so it does not go through the engine. It stays this thin.
"""

from __future__ import annotations

from collections.abc import Iterator
from dataclasses import dataclass

from fireside.assistant.events import TextDelta, Usage
from fireside.models.backend import ChatBackend
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams


@dataclass
class CompletionDone:
    finish_reason: str  # "stop", "length", "cancelled"
    usage: Usage


def run_text_completion(
    backend: ChatBackend,
    prompt: str,
    params: SamplingParams,
    cancel: CancelToken | None = None,
) -> Iterator[TextDelta | CompletionDone]:
    """Continue ``prompt``; text deltas, then the ending with its usage."""
    finish, usage = "stop", Usage()
    for item in backend.complete(prompt, params, cancel):
        if isinstance(item, TextChunk):
            if item.text:
                yield TextDelta(item.text)
        elif isinstance(item, GenerationStats):
            finish = item.finish_reason
            usage = Usage(
                item.prompt_tokens,
                item.completion_tokens,
                item.prompt_eval_tokens,
                item.cached_tokens,
            )
    yield CompletionDone(finish, usage)
