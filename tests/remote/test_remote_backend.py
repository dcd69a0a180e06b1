"""RemoteBackend against a real OpenAI-compatible server (llama-cpp-python's, on 127.0.0.1)."""

from __future__ import annotations

import signal

import httpx
import pytest
from fireside.models.backend import ChatBackend
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.remote import Endpoint, RemoteBackend, RemoteClient
from fireside.models.remote.catalog import list_models
from fireside.models.remote.errors import (
    RemoteAuthError,
    RemoteDisconnectedError,
    RemoteModelNotFoundError,
    RemoteUnreachableError,
)
from fireside.models.sampling import SamplingParams

from tests.remote.conftest import API_KEY
from tests.remote.server import ALIAS, free_port, start_server

pytestmark = pytest.mark.slow

GREEDY = SamplingParams(temperature=0.0, max_tokens=8, seed=1)
HELLO = [{"role": "user", "content": "Say hello to the world."}]


def endpoint(server, key=API_KEY, name="lab") -> Endpoint:
    return Endpoint(name, server.url, key)


@pytest.fixture(scope="module")
def backend(server):
    b = RemoteBackend.connect(endpoint(server), ALIAS)
    yield b
    b.close()


def split(items):
    chunks = [i for i in items if isinstance(i, TextChunk)]
    stats = [i for i in items if isinstance(i, GenerationStats)]
    assert len(stats) == 1 and isinstance(items[-1], GenerationStats)
    return "".join(c.text for c in chunks), chunks, stats[0]


def test_the_model_list_and_the_description(server, backend):
    client = RemoteClient(endpoint(server))
    try:
        assert [m.id for m in list_models(client)] == [ALIAS]
    finally:
        client.close()
    assert isinstance(backend, ChatBackend)
    d = backend.description
    assert (d.id, d.name, d.backend) == (f"lab/{ALIAS}", ALIAS, "remote")
    assert d.device == f"remote (127.0.0.1:{server.port})"
    assert d.leaves_machine is False  # 127.0.0.1: the messages stay on this computer
    assert d.native_tools and d.tool_format == "native"


def test_a_streamed_reply_with_usage_and_timings(backend):
    text, chunks, stats = split(list(backend.stream(HELLO, GREEDY)))
    assert len(chunks) > 1 and text.strip()  # streamed piece by piece, not in one block
    assert stats.finish_reason == "length" and stats.completion_tokens == 8
    assert stats.prompt_tokens > 0 and stats.prompt_eval_tokens <= stats.prompt_tokens
    assert 0 < stats.ttft_s <= stats.generate_s and stats.tokens_per_s > 0
    # Greedy decoding on the same server: the same reply twice.
    again, _, _ = split(list(backend.stream(HELLO, GREEDY)))
    assert again == text


def test_the_same_reply_as_a_plain_openai_client(server, backend):
    """The request carries the messages and the sampling settings as the server expects."""
    answer = httpx.post(
        f"{server.url}/chat/completions",
        headers={"Authorization": f"Bearer {API_KEY}"},
        json={
            "model": ALIAS,
            "messages": HELLO,
            "temperature": 0,
            "max_tokens": 8,
            "seed": 1,
            "top_k": GREEDY.top_k,
            "min_p": GREEDY.min_p,
            "top_p": GREEDY.top_p,
            "repeat_penalty": GREEDY.repeat_penalty,
        },
        timeout=120,
    ).json()
    text, _, _ = split(list(backend.stream(HELLO, GREEDY)))
    assert text == answer["choices"][0]["message"]["content"]


def test_plain_completion(backend):
    params = SamplingParams(temperature=0.0, max_tokens=6)
    text, chunks, stats = split(list(backend.complete("Once upon a time", params)))
    assert text and len(chunks) > 1
    assert stats.finish_reason == "length" and stats.completion_tokens == 6


def test_token_counts_come_from_the_servers_tokenizer(server, backend):
    assert backend.counter.exact  # llama-cpp-python's /extras/tokenize
    text = "The quick brown fox jumps over the lazy dog."
    tokens = httpx.post(
        f"http://127.0.0.1:{server.port}/extras/tokenize",
        headers={"Authorization": f"Bearer {API_KEY}"},
        json={"input": text},
    ).json()["tokens"]
    assert backend.count_text(text) == len(tokens)
    assert backend.count_tokens([{"role": "user", "content": text}]) > len(tokens)


def test_cancel_ends_the_reply_and_the_server_is_free_at_once(backend):
    cancel = CancelToken()
    items = []
    long = SamplingParams(temperature=0.7, max_tokens=400, seed=3)
    story = [{"role": "user", "content": "Write a very long story about a dragon."}]
    for item in backend.stream(story, long, cancel):
        items.append(item)
        if len(items) == 3:
            cancel.cancel()
    text, chunks, stats = split(items)
    assert stats.finish_reason == "cancelled"
    assert len(chunks) == 3 and stats.completion_tokens == 3
    # The server stopped generating when the stream closed: the next request is served now,
    # not after the remaining ~400 tokens (it runs one request at a time).
    _, _, stats2 = split(list(backend.stream(HELLO, SamplingParams(max_tokens=2))))
    assert stats2.finish_reason == "length"


def test_a_wrong_key_is_one_line(server):
    with pytest.raises(RemoteAuthError) as err:
        RemoteBackend.connect(endpoint(server, key="wrong"), ALIAS)
    message = str(err.value)
    assert "\n" not in message and server.url in message and "401" in message
    assert "key" in message


def test_no_key_at_all_is_refused_too(server):
    with pytest.raises(RemoteAuthError):
        RemoteBackend.connect(endpoint(server, key=None), ALIAS)


def test_an_unknown_model_lists_the_known_ones(server):
    with pytest.raises(RemoteModelNotFoundError) as err:
        RemoteBackend.connect(endpoint(server), "llama-70b")
    message = str(err.value)
    assert "'llama-70b'" in message and f"lab/{ALIAS}" in message and "\n" not in message


def test_an_unreachable_url_is_named():
    url = f"http://127.0.0.1:{free_port()}/v1"
    with pytest.raises(RemoteUnreachableError) as err:
        RemoteBackend.connect(Endpoint("gone", url), ALIAS)
    assert url in str(err.value) and "cannot connect" in str(err.value)


def test_the_server_stopping_mid_reply_keeps_what_arrived(smollm_path, tmp_path):
    doomed = start_server(smollm_path, tmp_path)
    try:
        backend = RemoteBackend.connect(Endpoint("doomed", doomed.url), ALIAS)
        story = [{"role": "user", "content": "Write a very long story about a dragon."}]
        received = []
        with pytest.raises(RemoteDisconnectedError) as err:
            for item in backend.stream(story, SamplingParams(max_tokens=1000)):
                received.append(item)
                if len(received) == 3:
                    doomed.stop(signal.SIGKILL)
        assert len(received) >= 3 and all(isinstance(i, TextChunk) for i in received)
        assert doomed.url in str(err.value) and "\n" not in str(err.value)
        backend.close()
    finally:
        doomed.stop(signal.SIGKILL)
