"""A small in-process plugin with chat models, for tests of ``register_backends``."""

from __future__ import annotations

from fireside.models.backend import ModelDescription
from fireside.models.generation import GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams
from fireside.plugins.hookspecs import hookimpl


class Echo:
    """Answers with the last user message, one word per token."""

    def __init__(self, model_id: str, fail_after: int | None = None) -> None:
        self.model_id = model_id
        self.fail_after = fail_after
        self.closed = False

    @property
    def description(self) -> ModelDescription:
        return ModelDescription(self.model_id, "echo", "test", 2048, "nowhere")

    def count_tokens(self, messages):
        return sum(len(str(m["content"]).split()) for m in messages)

    def count_text(self, text):
        return len(text.split())

    def stream(self, messages, params=None, cancel=None, *, grammar=None, tools=None):
        words = messages[-1]["content"].split()
        limit = (params or SamplingParams()).max_tokens
        sent = 0
        for word in words[:limit]:
            if cancel is not None and cancel.cancelled:
                break
            if self.fail_after is not None and sent == self.fail_after:
                raise RuntimeError("the echo chamber collapsed")
            yield TextChunk(word if not sent else f" {word}")
            sent += 1
        finish = "cancelled" if cancel is not None and cancel.cancelled else "stop"
        yield GenerationStats(finish, 1, 1, 0, sent, 0.0, 0.0)

    def complete(self, prompt, params=None, cancel=None, *, grammar=None):
        yield from self.stream([{"role": "user", "content": prompt}], params, cancel)

    def close(self):
        self.closed = True


class EchoPlugin:
    def __init__(self) -> None:
        self.opened: list[Echo] = []

    def open(self, model_id: str) -> Echo:
        backend = Echo(model_id, fail_after=2 if model_id.endswith("flaky") else None)
        self.opened.append(backend)
        return backend

    @hookimpl
    def register_backends(self, register):
        register("test/echo", self.open, description="echoes your message")
        register("test/flaky", self.open)
        register("test/x-", self.open, prefix=True, models=lambda: ["test/x-one", "other/y"])
