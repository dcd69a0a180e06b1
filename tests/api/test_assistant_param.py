"""``"fireside": {"assistant": NAME}``: the turn takes the assistant's settings; a wrong
name answers 404 naming it, a wrong type 400, and the request is not saved."""

from __future__ import annotations

import httpx
import pytest
from fireside.api.services import ApiServices

from tests.api.helpers import KEY, paths_in, start
from tests.desktop.fakes import ScriptedModels

HEADERS = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture
def served(tmp_path):
    from fireside.assistant.app import build_app

    app = build_app(paths_in(tmp_path / "home"))
    app.models = app.engine.models = ScriptedModels(app.settings)
    services = ApiServices.from_app(app, key=lambda: KEY)
    server = start(services)
    yield server, app.models, services
    server.stop()
    app.close()


def chat(server, fireside: dict) -> httpx.Response:
    body = {
        "model": "default",
        "messages": [{"role": "user", "content": "早上好"}],
        "fireside": fireside,
    }
    return httpx.post(f"{server.url}/chat/completions", json=body, headers=HEADERS, timeout=30)


def test_an_assistant_gives_the_turn_its_prompt(served):
    server, backend, services = served
    reply = chat(server, {"assistant": "translator"})
    assert reply.status_code == 200, reply.text
    system = backend._backend.calls[-1][0]
    assert system["role"] == "system" and system["content"].startswith("You are a translator")
    assert services.engine.history.list_conversations() == []  # not saved unless asked


def test_a_wrong_assistant_is_named(served):
    server, _backend, _services = served
    reply = chat(server, {"assistant": "nobody"})
    assert reply.status_code == 404
    assert "no assistant named 'nobody'" in reply.json()["error"]["message"]
    reply = chat(server, {"assistant": 7})
    assert reply.status_code == 400
    assert reply.json()["error"]["param"] == "fireside.assistant"
