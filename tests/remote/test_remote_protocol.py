"""What real servers do rarely, played by an httpx MockTransport: rate limits, 5xx, native
tool calls, refused options, a stream cut short. The real-server tests cover the common path.
"""

from __future__ import annotations

import json

import httpx
import pytest
from fireside.assistant.events import ToolCall, ToolResult
from fireside.assistant.tool_loop import (
    LoopOptions,
    ToolLoopResult,
    backend_generate,
    run_tool_loop,
)
from fireside.assistant.tool_protocol import openai_tools
from fireside.models.generation import GenerationStats, TextChunk
from fireside.models.remote import Endpoint, RemoteBackend, RemoteClient
from fireside.models.remote.client import normalize_base_url
from fireside.models.remote.errors import (
    RemoteDisconnectedError,
    RemoteRateLimitError,
    RemoteServerError,
    RemoteTimeoutError,
)
from fireside.models.remote.tokens import estimate
from fireside.models.remote.wire import to_wire
from fireside.models.sampling import SamplingParams
from fireside.plugins.builtin.calculator import calculator
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool

URL = "http://gpu-box.example:8000/v1"
MODELS = {"object": "list", "data": [{"id": "qwen", "object": "model", "max_model_len": 32768}]}


def sse(*events, done=True) -> bytes:
    body = "".join(f"data: {json.dumps(e)}\n\n" for e in events)
    return (body + ("data: [DONE]\n\n" if done else "")).encode()


def chunk(text=None, finish=None, tool_calls=None, usage=None):
    delta = {}
    if text is not None:
        delta["content"] = text
    if tool_calls is not None:
        delta["tool_calls"] = tool_calls
    event = {"choices": [{"index": 0, "delta": delta, "finish_reason": finish}]}
    if usage is not None:
        event["usage"] = usage
    return event


class Scripted:
    """A transport answering each POST to chat/completions with the next scripted response."""

    def __init__(self, *responses):
        self.responses = list(responses)
        self.bodies: list[dict] = []

    def __call__(self, request: httpx.Request) -> httpx.Response:
        if request.url.path.endswith("/models"):
            return httpx.Response(200, json=MODELS)
        if request.url.path.endswith("tokenize"):
            return httpx.Response(404, json={"detail": "Not Found"})
        self.bodies.append(json.loads(request.content))
        response = self.responses.pop(0)
        if isinstance(response, Exception):
            raise response
        return response


def make(transport, sleeps=None, **kw) -> RemoteBackend:
    client = RemoteClient(
        Endpoint("box", URL, "k"),
        transport=httpx.MockTransport(transport),
        sleep=(sleeps.append if sleeps is not None else lambda s: None),
        **kw,
    )
    return RemoteBackend.connect(client.endpoint, "qwen", client=client)


def ok_stream(*texts, usage=None):
    events = [chunk(t) for t in texts] + [chunk(finish="stop")]
    if usage:
        events.append({"choices": [], "usage": usage})
    return httpx.Response(200, content=sse(*events), headers={"content-type": "text/event-stream"})


def run(backend, messages=None, **kw):
    return list(backend.stream(messages or [{"role": "user", "content": "hi"}], **kw))


def test_context_size_from_the_model_list_and_the_remote_marker():
    backend = make(Scripted())
    d = backend.description
    assert d.n_ctx == 32768 and d.leaves_machine and d.id == "box/qwen"


def test_usage_from_the_server_is_used_when_sent():
    usage = {
        "prompt_tokens": 21,
        "completion_tokens": 2,
        "prompt_tokens_details": {"cached_tokens": 16},
    }
    transport = Scripted(ok_stream("Hel", "lo", usage=usage))
    items = run(make(transport))
    stats = items[-1]
    assert [i.text for i in items[:-1]] == ["Hel", "lo"]
    assert (stats.prompt_tokens, stats.cached_tokens, stats.prompt_eval_tokens) == (21, 16, 5)
    assert transport.bodies[0]["stream_options"] == {"include_usage": True}
    assert transport.bodies[0]["stream"] is True


def test_without_usage_the_counts_are_estimated():
    items = run(
        make(Scripted(ok_stream("a", "b", "c"))), messages=[{"role": "user", "content": "x" * 40}]
    )
    stats = items[-1]
    assert stats.completion_tokens == 3
    assert stats.prompt_tokens == estimate("x" * 40) + 4 + 2


def test_429_waits_as_retry_after_says_then_succeeds():
    sleeps = []
    transport = Scripted(
        httpx.Response(429, headers={"Retry-After": "3"}, json={"error": {"message": "slow"}}),
        httpx.Response(503, json={"error": "overloaded"}),
        ok_stream("fine"),
    )
    items = run(make(transport, sleeps))
    assert items[0].text == "fine"
    assert sleeps == [3.0, 2.0]  # Retry-After honoured, then exponential backoff (1 s * 2^1)


def test_retries_are_bounded_and_end_in_one_line():
    sleeps = []
    transport = Scripted(*[httpx.Response(502, text="bad gateway")] * 4)
    with pytest.raises(RemoteServerError) as err:
        run(make(transport, sleeps, retries=3))
    assert sleeps == [1.0, 2.0, 4.0] and len(transport.bodies) == 4
    assert "HTTP 502" in str(err.value) and URL in str(err.value) and "\n" not in str(err.value)


def test_a_retry_after_longer_than_the_limit_is_not_waited_for():
    sleeps = []
    transport = Scripted(httpx.Response(429, headers={"Retry-After": "3600"}, json={}))
    with pytest.raises(RemoteRateLimitError) as err:
        run(make(transport, sleeps))
    assert sleeps == [] and "3600 s" in str(err.value)


def test_a_timeout_is_one_line():
    transport = Scripted(httpx.ReadTimeout("timed out"))
    with pytest.raises(RemoteTimeoutError) as err:
        run(make(transport))
    assert URL in str(err.value) and "\n" not in str(err.value)


def test_a_stream_that_ends_without_finishing_is_a_disconnect():
    transport = Scripted(httpx.Response(200, content=sse(chunk("par"), chunk("tial"), done=False)))
    got = []
    with pytest.raises(RemoteDisconnectedError):
        for item in make(transport).stream([{"role": "user", "content": "hi"}]):
            got.append(item)
    assert "".join(i.text for i in got) == "partial"


def test_sampling_options_the_server_refuses_are_dropped_for_good():
    refusal = httpx.Response(
        400, json={"error": {"message": "Unrecognized request argument supplied: top_k"}}
    )
    transport = Scripted(refusal, ok_stream("ok"), ok_stream("again"))
    backend = make(transport)
    assert run(backend)[0].text == "ok"
    assert run(backend)[0].text == "again"
    first, retry, later = transport.bodies
    assert "top_k" in first and "top_k" not in retry and "top_k" not in later


def test_a_server_without_tool_support_falls_back_to_the_prompt_path():
    refusal = httpx.Response(
        400, json={"error": '"auto" tool choice requires --enable-auto-tool-choice'}
    )
    transport = Scripted(refusal, ok_stream("no tools then"))
    backend = make(transport)
    tools = openai_tools(ToolRegistry([Tool.from_function(calculator)]))
    assert run(backend, tools=tools)[0].text == "no tools then"
    assert "tools" in transport.bodies[0] and "tools" not in transport.bodies[1]
    assert backend.description.tool_format == "prompt"  # the next turn describes them instead


def test_native_tool_calls_run_through_the_tool_loop():
    call_deltas = [
        chunk(
            tool_calls=[
                {
                    "index": 0,
                    "id": "call_9",
                    "type": "function",
                    "function": {"name": "calculator", "arguments": ""},
                }
            ]
        ),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '{"expression": '}}]),
        chunk(tool_calls=[{"index": 0, "function": {"arguments": '"17*23"}'}}]),
        chunk(finish="tool_calls"),
    ]
    transport = Scripted(
        httpx.Response(200, content=sse(*call_deltas)),
        ok_stream("17 × 23 = ", "391"),
    )
    backend = make(transport)
    registry = ToolRegistry([Tool.from_function(calculator)])
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "What is 17*23?"},
    ]
    events = list(
        run_tool_loop(
            backend_generate(backend, SamplingParams(), None, openai_tools(registry)),
            messages,
            registry,
            LoopOptions(tool_format=backend.description.tool_format),
        )
    )
    calls = [e for e in events if isinstance(e, ToolCall)]
    results = [e for e in events if isinstance(e, ToolResult)]
    assert [(c.name, c.arguments) for c in calls] == [("calculator", {"expression": "17*23"})]
    assert results[0].output == "391" and not results[0].is_error
    final = events[-1]
    assert isinstance(final, ToolLoopResult) and final.text == "17 × 23 = 391"
    first, second = transport.bodies
    assert first["tools"][0]["function"]["name"] == "calculator"
    assert first["messages"][0]["content"] == "Be brief."  # no tool prompt: the server has them
    # The second request carries the call as tool_calls, answered by a tool message.
    assistant, tool = second["messages"][-2:]
    assert assistant["role"] == "assistant" and assistant["content"] is None
    call = assistant["tool_calls"][0]
    assert call["function"] == {"name": "calculator", "arguments": '{"expression": "17*23"}'}
    assert tool == {"role": "tool", "tool_call_id": call["id"], "content": "391"}


def test_a_tool_message_that_answers_no_call_becomes_user_text():
    wire = to_wire(
        [
            {"role": "assistant", "content": "plain"},
            {"role": "tool", "tool_call_id": "x", "content": "late"},
        ]
    )
    assert wire == [{"role": "assistant", "content": "plain"}, {"role": "user", "content": "late"}]


def test_server_error_events_mid_stream_are_one_line():
    body = sse(chunk("a"), {"error": {"message": "CUDA out of\nmemory"}}, done=False)
    with pytest.raises(RemoteServerError) as err:
        run(make(Scripted(httpx.Response(200, content=body))))
    assert "CUDA out of memory" in str(err.value) and "\n" not in str(err.value)


@pytest.mark.parametrize(
    ("given", "base"),
    [
        ("http://gpu-box:8000", "http://gpu-box:8000/v1"),
        ("http://localhost:11434/v1/", "http://localhost:11434/v1"),
        ("https://api.example.com/openai/v1", "https://api.example.com/openai/v1"),
    ],
)
def test_base_urls(given, base):
    assert normalize_base_url(given) == base


def test_a_non_http_url_is_refused():
    with pytest.raises(ValueError, match="http"):
        normalize_base_url("gpu-box:8000")


def test_stats_are_the_last_item_even_for_a_call_only_reply():
    deltas = [
        chunk(
            tool_calls=[
                {"index": 0, "id": "c", "function": {"name": "calculator", "arguments": "{}"}}
            ]
        ),
        chunk(finish="tool_calls"),
    ]
    items = run(make(Scripted(httpx.Response(200, content=sse(*deltas)))))
    assert isinstance(items[0], TextChunk) and "<tool_call>" in items[0].text
    assert isinstance(items[-1], GenerationStats) and items[-1].finish_reason == "stop"


def test_cancel_shuts_the_connection_while_the_server_is_silent():
    """A server busy with a long prompt sends nothing; Stop must not wait for it."""
    import socket
    import threading

    from fireside.models.generation import CancelToken

    listener = socket.socket()
    listener.bind(("127.0.0.1", 0))
    listener.listen()
    port = listener.getsockname()[1]
    closed, sent_more = threading.Event(), threading.Event()

    def serve():
        conn, _ = listener.accept()
        listener.close()  # nothing else is served: token counts fall back to estimates
        request = b""
        while b"\r\n\r\n" not in request:
            request += conn.recv(65536)
        head, _, body = request.partition(b"\r\n\r\n")
        length = int(head.lower().split(b"content-length:")[1].split(b"\r\n")[0])
        while len(body) < length:
            body += conn.recv(65536)
        head = b"HTTP/1.1 200 OK\r\ncontent-type: text/event-stream\r\nconnection: close\r\n\r\n"
        conn.sendall(head + sse(chunk("a"), done=False))
        conn.settimeout(15)
        try:
            if conn.recv(1) == b"":
                closed.set()  # the client shut the connection down
        except TimeoutError:
            conn.sendall(sse(chunk("b"), chunk(finish="stop")))
            sent_more.set()
        conn.close()

    thread = threading.Thread(target=serve, daemon=True)
    thread.start()
    client = RemoteClient(Endpoint("slow", f"http://127.0.0.1:{port}/v1"))
    backend = RemoteBackend(client, "qwen")
    cancel = CancelToken()
    items = []
    for item in backend.stream([{"role": "user", "content": "hi"}], cancel=cancel):
        items.append(item)
        if len(items) == 1:
            threading.Timer(0.2, cancel.cancel).start()  # Stop, while the read waits
    thread.join(20)
    assert closed.is_set() and not sent_more.is_set()
    assert [i.text for i in items[:-1]] == ["a"] and items[-1].finish_reason == "cancelled"


def test_a_refusal_about_something_else_keeps_the_options_and_says_why():
    refusal = httpx.Response(
        400, json={"error": {"message": "This model's maximum context length is 4096 tokens"}}
    )
    transport = Scripted(refusal)
    with pytest.raises(RemoteServerError) as err:
        run(make(transport))
    assert len(transport.bodies) == 1 and "maximum context length" in str(err.value)
    assert "HTTP 400" in str(err.value)
