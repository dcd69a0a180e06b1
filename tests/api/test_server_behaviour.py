"""Failures, the queue, cancellation and the guards, against the real server.

A scripted model (``tests/scripted_backend.py``) makes failures and timings exact; the same
paths run with the bundled model in ``test_openai_client.py``.
"""

from __future__ import annotations

import threading
import time

import httpx
import openai
import pytest
from fireside.api.api_key import ENV_KEY, ApiKeys
from fireside.api.server import ApiServer, ServerError
from fireside.api.services import ApiConfig, ApiServices
from fireside.plugins.hookspecs import hookimpl

from fireside.secret_store import IN_KEYRING, SecretStore
from tests.api.helpers import (
    KEY,
    TimedBackend,
    client,
    paths_in,
    scripted_app,
    scripted_services,
    start,
)
from tests.keyrings import MemoryKeyring
from tests.scripted_backend import ScriptedBackend

HEADERS = {"Authorization": f"Bearer {KEY}"}
CHAT = {"model": "default", "messages": [{"role": "user", "content": "hi"}]}


@pytest.fixture
def serve(tmp_path):
    servers: list[ApiServer] = []

    def run(backend, **config) -> ApiServer:
        server = start(scripted_services(tmp_path / f"s{len(servers)}", backend), **config)
        servers.append(server)
        return server

    yield run
    for server in servers:
        server.stop()


def test_model_failure_is_500_before_and_during_a_stream(serve):
    server = serve(ScriptedBackend(tokens=["a", "b", "c"], fail_after=0))
    c = client(server)
    with pytest.raises(openai.InternalServerError) as err:
        c.chat.completions.create(**CHAT)
    assert err.value.status_code == 500 and "broke down" in err.value.message
    assert err.value.body["type"] == "server_error"
    with pytest.raises(openai.InternalServerError):
        list(c.chat.completions.create(**CHAT, stream=True))
    # a model that dies after the stream started: an error event ends the stream
    server2 = serve(ScriptedBackend(tokens=["a", "b", "c"], fail_after=2))
    stream = client(server2).chat.completions.create(**CHAT, stream=True)
    got = []
    with pytest.raises(openai.APIError) as err:
        for chunk in stream:
            got.append(chunk.choices[0].delta.content if chunk.choices else None)
    assert "broke down" in str(err.value)
    assert "".join(g or "" for g in got) == "ab"  # what was said before the failure arrived
    assert server.stats.failed == 2 and "broke down" in server.stats.last_error


def test_full_queue_answers_503_with_retry_after(serve):
    slow = ScriptedBackend(tokens=["x"] * 40, delay_s=0.05)
    server = serve(slow, max_queue=1)
    results: list = []

    def ask():
        with httpx.Client(timeout=30) as h:
            results.append(h.post(f"{server.url}/chat/completions", json=CHAT, headers=HEADERS))

    threads = [threading.Thread(target=ask) for _ in range(2)]  # one runs, one waits
    for t in threads:
        t.start()
        time.sleep(0.3)
    with pytest.raises(openai.APIStatusError) as err:
        client(server).chat.completions.create(**CHAT)
    assert err.value.status_code == 503
    assert err.value.response.headers["Retry-After"] == "5"
    assert err.value.body["code"] == "server_busy"
    for t in threads:
        t.join(30)
    assert [r.status_code for r in results] == [200, 200]
    client(server).chat.completions.create(**CHAT)  # room again


def test_disconnect_cancels_within_one_token(serve):
    backend = TimedBackend(ScriptedBackend(tokens=[f"t{i} " for i in range(400)], delay_s=0.02))
    server = serve(backend)
    with (
        httpx.Client(timeout=30) as h,
        h.stream(
            "POST", f"{server.url}/chat/completions", json={**CHAT, "stream": True}, headers=HEADERS
        ) as response,
    ):
        lines = 0
        for line in response.iter_lines():
            lines += line.startswith("data:")
            if lines >= 5:
                break
    assert backend.done.wait(10), "the generation did not stop"
    assert backend.finish == "cancelled"
    assert backend.cancelled_at is not None
    assert backend.tokens_after_cancel() <= 1
    assert len(backend.token_times) < 100


def test_disconnect_while_queued_skips_the_work(serve):
    backend = TimedBackend(ScriptedBackend(tokens=["x"] * 30, delay_s=0.05))
    server = serve(backend)
    first = threading.Thread(
        target=lambda: httpx.post(
            f"{server.url}/chat/completions", json=CHAT, headers=HEADERS, timeout=30
        )
    )
    first.start()
    assert backend.started.wait(10)
    with pytest.raises(httpx.ReadTimeout):  # gives up while waiting behind the first
        httpx.post(f"{server.url}/chat/completions", json=CHAT, headers=HEADERS, timeout=0.3)
    first.join(30)
    time.sleep(0.5)
    assert len(backend.token_times) == 30  # the second request never generated


def test_key_host_and_cors_guards(serve):
    server = serve(ScriptedBackend())
    base = server.url
    assert httpx.get(f"{base}/models").status_code == 401
    wrong = httpx.get(f"{base}/models", headers={"Authorization": "Bearer nope"})
    assert wrong.status_code == 401 and wrong.json()["error"]["code"] == "invalid_api_key"
    assert httpx.get(f"{base}/models", headers=HEADERS).status_code == 200
    # DNS rebinding: a page on evil.example re-pointed at 127.0.0.1 sends its own Host
    rebound = httpx.get(f"{base}/models", headers={**HEADERS, "Host": "evil.example:8765"})
    assert rebound.status_code == 400 and rebound.json()["error"]["code"] == "invalid_host"
    for host in ("localhost:1234", "127.0.0.1", "[::1]:80"):
        assert httpx.get(f"{base}/models", headers={**HEADERS, "Host": host}).status_code == 200
    # CORS is off by default: no browser origin gets an allow header
    origin = {"Origin": "https://example.com"}
    plain = httpx.get(f"{base}/models", headers={**HEADERS, **origin})
    assert "access-control-allow-origin" not in plain.headers
    listed = serve(ScriptedBackend(), cors_origins=["https://example.com"], allowed_hosts=["box"])
    pre = httpx.options(
        f"{listed.url}/chat/completions",
        headers={
            **origin,
            "Access-Control-Request-Method": "POST",
            "Access-Control-Request-Headers": "authorization,content-type",
        },
    )
    assert pre.status_code == 200
    assert pre.headers["access-control-allow-origin"] == "https://example.com"
    named = httpx.get(f"{listed.url}/models", headers={**HEADERS, "Host": "box:1"})
    assert named.status_code == 200


def test_bad_bodies_and_unknown_urls(serve):
    server = serve(ScriptedBackend())
    url = f"{server.url}/chat/completions"
    r = httpx.post(url, content=b"{not json", headers=HEADERS)
    assert r.status_code == 400 and "JSON" in r.json()["error"]["message"]
    r = httpx.post(url, json={"model": "default"}, headers=HEADERS)
    assert r.status_code == 400 and r.json()["error"]["param"] == "messages"
    r = httpx.post(url, json={**CHAT, "functions": [{"name": "f"}]}, headers=HEADERS)
    assert r.status_code == 400 and r.json()["error"]["param"] == "functions"
    bad_part = {"type": "image_url", "image_url": {"url": "data:,"}}
    r = httpx.post(
        url,
        json={**CHAT, "messages": [{"role": "user", "content": [bad_part]}]},
        headers=HEADERS,
    )
    assert r.status_code == 400 and "image_url" in r.json()["error"]["message"]
    r = httpx.post(url, json={**CHAT, "tool_choice": "required"}, headers=HEADERS)
    assert r.status_code == 400 and r.json()["error"]["param"] == "tool_choice"
    r = httpx.get(f"{server.url}/nothing-here", headers=HEADERS)
    assert r.status_code == 404 and r.json()["error"]["code"] == "unknown_url"
    # chunked upload over the limit, with no Content-Length to refuse it early
    small = serve(ScriptedBackend(), max_body_bytes=1000)

    def body():
        for _ in range(10):
            yield b"x" * 500

    r = httpx.post(f"{small.url}/chat/completions", content=body(), headers=HEADERS)
    assert r.status_code == 413


def test_port_in_use_is_one_clear_error(serve, tmp_path):
    server = serve(ScriptedBackend())
    other = ApiServer(
        scripted_services(tmp_path / "other", ScriptedBackend()), ApiConfig(port=server.port)
    )
    with pytest.raises(ServerError, match="already in use"):
        other.start()


def test_the_api_key_is_generated_once_rotated_and_the_environment_wins(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    secrets = SecretStore(paths_in(tmp_path).config_dir, use_keyring=False)
    keys = ApiKeys(secrets)
    first = keys.get()
    assert first.value.startswith("fs-") and len(first.value) > 30
    assert first.where == str(secrets.file)
    assert keys.get().value == first.value
    assert (secrets.file.stat().st_mode & 0o777) == 0o600
    rotated = keys.rotate()
    assert rotated.value != first.value and keys.get().value == rotated.value
    monkeypatch.setenv(ENV_KEY, "from-env")
    assert keys.get().value == "from-env" and ENV_KEY in keys.get().where
    assert secrets.get("api-key") == rotated.value  # the override is never written


def test_the_api_key_goes_to_a_working_keyring(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    ring = MemoryKeyring()
    keys = ApiKeys(SecretStore(tmp_path / "config", keyring=ring))
    key = keys.get()
    assert key.where == IN_KEYRING and list(ring.items.values()) == [key.value]
    assert keys.get().value == key.value and not (tmp_path / "config").exists()


def test_the_key_an_earlier_release_stored_still_works(tmp_path, monkeypatch):
    monkeypatch.delenv(ENV_KEY, raising=False)
    config = paths_in(tmp_path).config_dir
    (config / "api-key").write_text("fs-earlier\n")
    keys = ApiKeys(SecretStore(config, use_keyring=False))
    assert (keys.get().value, keys.get().where) == ("fs-earlier", str(config / "api-key"))
    rotated = keys.rotate()  # a new key replaces it, in the one secrets file
    assert keys.get().value == rotated.value and not (config / "api-key").exists()


class _Tools:
    """A plugin offering a local tool and a network tool, counting what ran."""

    def __init__(self, ran: list) -> None:
        self.ran = ran

    @hookimpl
    def register_tools(self, register):
        ran = self.ran

        def add(a: int, b: int) -> int:
            """Add two numbers."""
            ran.append("add")
            return a + b

        def fetch(url: str) -> str:
            """Fetch a web page."""
            ran.append("fetch")
            return "<html>"

        register(add)
        register(fetch, network=True)


def test_fireside_tools_run_here_but_network_tools_need_permission(serve, tmp_path):
    ran: list = []
    replies = {
        "add": '{"tool": "add", "arguments": {"a": 2, "b": 3}}',
        "fetch": '{"tool": "fetch", "arguments": {"url": "http://example.com"}}',
    }

    def reply_for(messages):
        last = messages[-1]["content"]
        if last.startswith("Tool"):
            return "Done."
        return replies["add" if "add" in last else "fetch"]

    def server_with(allowed):
        app = scripted_app(tmp_path / f"t{len(allowed)}", ScriptedBackend(reply_for=reply_for))
        app.plugins.add_plugin("test-tools", _Tools(ran))
        services = ApiServices.from_app(app, key=lambda: KEY)
        server = ApiServer(services, ApiConfig(port=0, allowed_tools=allowed))
        server.start()
        return server

    server = server_with([])
    try:
        c = client(server)
        reply = c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "add 2 and 3"}],
            extra_body={"fireside": {"tools": ["add", "fetch"]}},
        )
        runs = reply.model_extra["tool_runs"]
        assert runs[0]["name"] == "add" and runs[0]["output"] == "5" and ran == ["add"]
        assert reply.choices[0].message.content == "Done."
        assert not reply.choices[0].message.tool_calls
        stream = list(
            c.chat.completions.create(
                model="default",
                messages=[{"role": "user", "content": "fetch the page"}],
                stream=True,
                extra_body={"fireside": {"tools": ["add", "fetch"]}},
            )
        )
        runs = stream[-1].model_extra["tool_runs"]
        assert runs[0]["name"] == "fetch" and runs[0]["is_error"]
        assert "not allowed for API requests" in runs[0]["output"]
        assert ran == ["add"]  # the network tool never ran
        with pytest.raises(openai.BadRequestError) as err:
            c.chat.completions.create(
                model="default",
                messages=[{"role": "user", "content": "x"}],
                extra_body={"fireside": {"tools": ["rm"]}},
            )
        assert err.value.body["param"] == "fireside.tools"
    finally:
        server.stop()
    allowed = server_with(["fetch"])
    try:
        reply = client(allowed).chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "fetch the page"}],
            extra_body={"fireside": {"tools": ["fetch"]}},
        )
        assert reply.model_extra["tool_runs"][0]["output"] == "<html>"
        assert ran == ["add", "fetch"]
    finally:
        allowed.stop()


def test_the_listening_socket_is_tcp_so_replies_are_not_held_back(serve):
    """asyncio turns Nagle's algorithm off only on sockets that name IPPROTO_TCP; without it
    a kept-alive client waited ~40 ms per request for its delayed ACK."""
    import socket

    server = serve(ScriptedBackend())
    probe = ApiServer(server.services, ApiConfig(port=0))._bind()
    try:
        assert probe.proto == socket.IPPROTO_TCP
    finally:
        probe.close()
    with httpx.Client(base_url=server.url, headers=HEADERS) as http:  # one kept-alive client
        assert all(http.get("/models").status_code == 200 for _ in range(5))


def test_embeddings_stop_at_their_time_limit_and_lookups_queue(serve, monkeypatch):
    import fireside.api.embeddings_route as embeddings

    server = serve(ScriptedBackend(tokens=["x"]))
    with httpx.Client(base_url=server.url, headers=HEADERS, timeout=120) as h:
        assert h.post("/embeddings", json={"input": ["warm"]}).status_code == 200
        monkeypatch.setattr(embeddings, "MAX_SECONDS", -1.0)  # every batch is too late
        slow = h.post("/embeddings", json={"input": ["a text"] * 40})
    assert slow.status_code == 503, slow.text
    assert slow.json()["error"]["code"] == "timeout" and slow.json()["error"]["param"] == "input"
    # the lookups queue is free again (its slot is given back as the answer goes out)
    lookups = server.app.state.lookups
    deadline = time.monotonic() + 30
    while lookups.pending and time.monotonic() < deadline:
        time.sleep(0.05)
    assert lookups.pending == 0
