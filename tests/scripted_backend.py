"""One scripted model implementing ``ChatBackend``, for tests that need exact replies.

Only generation is scripted; everything above it (engine, history, tools, documents) is
real. Beside the tests that use this, the same paths run with the bundled GGUF.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Iterator

from fireside.models.backend import ModelDescription
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams


class ScriptedBackend:
    """Replies with ``tokens`` (or ``reply_for(messages)``), recording every prompt.

    ``fail_after`` raises a ``ModelError`` after that many tokens; ``delay_s`` sleeps before
    each token, ``tokens_per_s`` keeps a steady schedule instead (benchmarks).
    The defaults describe a small model without a trained tool-call syntax.
    """

    def __init__(
        self,
        model_id: str = "scripted.gguf",
        tokens: list[str] | None = None,
        *,
        delay_s: float = 0.0,
        tokens_per_s: float | None = None,
        fail_after: int | None = None,
        n_ctx: int = 2048,
        parameter_count: int = 135_000_000,
        tool_format: str = "prompt",
        reply_for: Callable[[list[dict]], str] | None = None,
    ) -> None:
        self.model_id = model_id
        self.tokens = list(tokens) if tokens is not None else ["Hello", " there", "!"]
        self.delay_s = delay_s
        self.tokens_per_s = tokens_per_s
        self.fail_after = fail_after
        self.n_ctx = n_ctx
        self.parameter_count = parameter_count
        self.tool_format = tool_format
        self.reply_for = reply_for
        self.calls: list[list[dict]] = []
        self.grammars: list[str | None] = []
        self.emitted = 0  # tokens yielded so far, over all replies
        self.closed = False

    @property
    def description(self) -> ModelDescription:
        return ModelDescription(
            id=self.model_id,
            name=self.model_id,
            backend="scripted",
            n_ctx=self.n_ctx,
            device="CPU",
            architecture="llama",
            parameter_count=self.parameter_count,
            tool_format=self.tool_format,
            load_s=0.01,
        )

    def count_tokens(self, messages: list[dict]) -> int:
        return sum(len(m.get("content") or "") // 4 + 4 for m in messages)

    def count_text(self, text: str) -> int:
        return len(text) // 4 + 1

    def stream(
        self,
        messages: list[dict],
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
        tools: list[dict] | None = None,
    ) -> Iterator[TextChunk | GenerationStats]:
        self.calls.append(messages)
        self.grammars.append(grammar)
        tokens = [self.reply_for(messages)] if self.reply_for else self.tokens
        yield from self._emit(tokens, cancel)

    def complete(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
    ) -> Iterator[TextChunk | GenerationStats]:
        yield from self._emit(self.tokens, cancel)

    def _emit(self, tokens: list[str], cancel: CancelToken | None):
        t0 = time.perf_counter()
        finish, n = "stop", 0
        for token in tokens:
            if cancel is not None and cancel.cancelled:
                finish = "cancelled"
                break
            if self.fail_after is not None and n >= self.fail_after:
                raise ModelError(self.model_id, "the scripted model broke down mid-reply")
            if self.delay_s:
                time.sleep(self.delay_s)
            if self.tokens_per_s:
                ahead = t0 + n / self.tokens_per_s - time.perf_counter()
                if ahead > 0:
                    time.sleep(ahead)
            n += 1
            self.emitted += 1
            yield TextChunk(token)
        elapsed = time.perf_counter() - t0
        yield GenerationStats(finish, 10, 10, 0, n, min(0.001, elapsed), elapsed)

    def close(self) -> None:
        self.closed = True


class FixedModel:
    """A model source that always hands out one backend (a scripted one), in place of the
    app's model manager."""

    def __init__(self, backend) -> None:
        self.backend = backend
        self.current = backend

    def get(self, path: str | None = None, options=None):
        return self.backend

    def plugin_models(self) -> list:
        return []

    def close(self) -> None:
        pass
