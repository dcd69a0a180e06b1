"""A real API server on 127.0.0.1 (a free port) over real or scripted models, for tests."""

from __future__ import annotations

import threading
import time
from pathlib import Path

from fireside.api.server import ApiServer
from fireside.api.services import ApiConfig, ApiServices
from fireside.assistant.app import App, build_app
from fireside.assistant.settings import ModelSettings, Paths
from fireside.models.generation import GenerationStats, TextChunk
from fireside.models.sampling import SamplingParams

from tests.scripted_backend import FixedModel

KEY = "test-key-123"


def paths_in(root: Path) -> Paths:
    return Paths.under(root).ensure()


def real_app(root: Path, model_path: Path, max_tokens: int = 24) -> App:
    """The app over the bundled GGUF: one thread, greedy by default."""
    app = build_app(paths_in(root))
    app.settings_store.set("model.n_threads", 1)
    sampling = SamplingParams(temperature=0.0, max_tokens=max_tokens, seed=1)
    app.settings.set_model_settings(str(model_path), ModelSettings(n_ctx=2048, sampling=sampling))
    return app


def real_services(root: Path, model_path: Path, max_tokens: int = 24) -> ApiServices:
    """The API over the app's own parts (``real_app``)."""
    return ApiServices.from_app(real_app(root, model_path, max_tokens), key=lambda: KEY)


def scripted_app(root: Path, backend) -> App:
    """An app whose every model is ``backend``."""
    app = build_app(paths_in(root))
    app.models = FixedModel(backend)
    return app


def scripted_services(root: Path, backend) -> ApiServices:
    """The API over an app whose every model is ``backend``."""
    return ApiServices.from_app(scripted_app(root, backend), key=lambda: KEY)


def start(services: ApiServices, **config) -> ApiServer:
    server = ApiServer(services, ApiConfig(port=0, **config))
    server.start()
    return server


def client(server: ApiServer, **kw):
    import openai

    kw.setdefault("api_key", KEY)
    return openai.OpenAI(base_url=server.url, max_retries=0, timeout=120, **kw)


class TimedBackend:
    """Wraps a backend: when each token left it, when its cancel token was set, how it ended."""

    def __init__(self, inner) -> None:
        self.inner = inner
        self.token_times: list[float] = []
        self.cancelled_at: float | None = None
        self.finish: str | None = None
        self.started = threading.Event()
        self.done = threading.Event()

    @property
    def description(self):
        return self.inner.description

    def count_tokens(self, messages):
        return self.inner.count_tokens(messages)

    def count_text(self, text):
        return self.inner.count_text(text)

    def _watch(self, cancel) -> None:
        def wait() -> None:
            cancel._event.wait()
            self.cancelled_at = time.monotonic()

        threading.Thread(target=wait, daemon=True).start()

    def stream(self, messages, params=None, cancel=None, *, grammar=None, tools=None):
        self.started.set()
        if cancel is not None:
            self._watch(cancel)
        for item in self.inner.stream(messages, params, cancel, grammar=grammar, tools=tools):
            if isinstance(item, TextChunk):
                self.token_times.append(time.monotonic())
            elif isinstance(item, GenerationStats):
                self.finish = item.finish_reason
                self.done.set()
            yield item

    def complete(self, prompt, params=None, cancel=None, *, grammar=None):
        yield from self.inner.complete(prompt, params, cancel, grammar=grammar)

    def close(self):
        self.inner.close()

    def tokens_after_cancel(self) -> int:
        return sum(1 for t in self.token_times if t > (self.cancelled_at or float("inf")))
