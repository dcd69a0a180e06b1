"""A scripted model behind the real engine and history, for window behaviour tests.

Only token generation is scripted: ``ChatEngine`` and ``HistoryStore`` are the real ones,
so versions, edits, stops and errors are stored exactly as with a real model, while the
text, its speed and its failures are chosen by the test.
"""

from __future__ import annotations

import time
from collections.abc import Iterator
from types import SimpleNamespace

from fireside.assistant.app import App, build_app
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.settings import Settings
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.llama_backend import LoadReport


class ScriptedBackend:
    def __init__(self, path: str, tokens: list[str], delay_s: float = 0.0,
                 fail_after: int | None = None) -> None:
        self.path = path
        self.tokens = tokens
        self.delay_s = delay_s
        self.fail_after = fail_after
        self.n_ctx = 2048
        self.report = LoadReport(path, 2048, 1, 0, "cpu", "gguf", 0.01)
        # a small model without a trained tool syntax: tools are not offered to it
        self.template = SimpleNamespace(text="")
        self.info = SimpleNamespace(parameter_count=135_000_000)

    def close(self) -> None:
        pass

    def count_tokens(self, messages: list[dict]) -> int:
        return sum(len(m["content"]) // 4 + 4 for m in messages)

    def stream(self, messages, params, cancel: CancelToken | None = None,
               grammar=None) -> Iterator[TextChunk | GenerationStats]:
        t0 = time.perf_counter()
        finish, n = "stop", 0
        for token in self.tokens:
            if cancel is not None and cancel.cancelled:
                finish = "cancelled"
                break
            if self.fail_after is not None and n >= self.fail_after:
                raise ModelError(self.path, "the scripted model broke down mid-reply")
            if self.delay_s:
                time.sleep(self.delay_s)
            n += 1
            yield TextChunk(token)
        elapsed = time.perf_counter() - t0
        yield GenerationStats(finish, 10, 10, 0, n, min(0.001, elapsed), elapsed)


class ScriptedModels(ModelManager):
    """The real manager (paths, inspection, settings), with ``get`` returning the script."""

    def __init__(self, settings: Settings) -> None:
        super().__init__(settings)
        self.tokens: list[str] = ["Hello", " there", "!"]
        self.delay_s = 0.0
        self.fail_after: int | None = None

    def get(self, path=None, options=None) -> ScriptedBackend:
        resolved = self.resolve_path(path)
        self._backend = ScriptedBackend(resolved, list(self.tokens), self.delay_s,
                                        self.fail_after)
        return self._backend


def scripted_app() -> App:
    """``build_app``, with the scripted model manager in place of the real one."""
    app = build_app()
    models = ScriptedModels(app.settings)
    app.models = models
    app.engine.models = models
    return app
