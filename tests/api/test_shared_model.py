"""A model shared by the window and the API server is never freed under a running reply."""

from __future__ import annotations

import threading
import time

import pytest
from fireside.models.generation import TextChunk
from fireside.models.llama_backend import LlamaBackend, LoadOptions
from fireside.models.sampling import SamplingParams

pytestmark = pytest.mark.slow


def test_close_waits_for_a_reply_streaming_on_another_thread(smollm_path):
    backend = LlamaBackend(smollm_path, LoadOptions(n_ctx=1024, n_threads=1))
    backend.load()
    started, finished = threading.Event(), []
    texts: list[str] = []

    def reply() -> None:
        params = SamplingParams(temperature=0, max_tokens=24)
        for item in backend.stream([{"role": "user", "content": "Tell me a story."}], params):
            if isinstance(item, TextChunk):
                texts.append(item.text)
                started.set()
                time.sleep(0.02)  # a slow client
        finished.append(time.monotonic())

    thread = threading.Thread(target=reply)
    thread.start()
    assert started.wait(60)
    backend.close()  # what a model switch in the window does
    closed_at = time.monotonic()
    thread.join(60)
    assert finished and finished[0] <= closed_at
    assert len(texts) > 1
