"""Pictures through the local API (the official ``openai`` client) and to a remote engine."""

from __future__ import annotations

import base64

import openai
import pytest
from fireside.assistant.chat_images import ImageInput
from fireside.assistant.turn_request import TurnRequest
from fireside.models.remote.backend import RemoteBackend
from fireside.models.remote.client import Endpoint

from tests.api.helpers import client, real_services, scripted_services, start
from tests.remote.recording_server import start_recorder
from tests.scans.scans import png_bytes, text_page
from tests.scripted_backend import FixedModel, ScriptedBackend


@pytest.fixture(scope="module")
def picture() -> bytes:
    return png_bytes(text_page(["Gate B12 closes at 9:40"], height=200))


def data_url(data: bytes) -> str:
    return "data:image/png;base64," + base64.b64encode(data).decode()


def image_message(text: str, url: str) -> list[dict]:
    return [
        {
            "role": "user",
            "content": [
                {"type": "text", "text": text},
                {"type": "image_url", "image_url": {"url": url}},
            ],
        }
    ]


@pytest.fixture
def scripted(tmp_path):
    backend = ScriptedBackend(tokens=["B12."])
    server = start(scripted_services(tmp_path, backend))
    yield server, backend
    server.stop()


def test_the_api_reads_a_picture_for_a_model_that_cannot_see(scripted, picture):
    server, backend = scripted
    reply = client(server).chat.completions.create(
        model="default", messages=image_message("Which gate?", data_url(picture))
    )
    assert reply.choices[0].message.content == "B12."
    prompt = backend.calls[-1][-1]["content"]
    assert prompt.startswith("Which gate?") and "Text read by OCR" in prompt
    assert "B12" in prompt.split("Text read by OCR", 1)[1]


def test_the_api_refuses_pictures_on_the_web_in_one_clear_line(scripted):
    server, backend = scripted
    with pytest.raises(openai.BadRequestError) as err:
        client(server).chat.completions.create(
            model="default", messages=image_message("What is it?", "https://example.com/a.png")
        )
    message = err.value.body["message"]
    assert "not fetched" in message and "data URL" in message and "\n" not in message
    assert err.value.body["param"] == "messages[0].content"
    with pytest.raises(openai.BadRequestError) as err:
        client(server).chat.completions.create(
            model="default", messages=image_message("What is it?", "data:image/png;base64,@@@")
        )
    assert "base64" in err.value.body["message"]
    assert backend.calls == []  # nothing reached the model


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_api_with_the_bundled_model_and_a_picture(tmp_path, smollm_path, picture):
    services = real_services(tmp_path, smollm_path, max_tokens=8)
    server = start(services)
    try:
        reply = client(server).chat.completions.create(
            model="default", messages=image_message("Which gate?", data_url(picture))
        )
        assert reply.choices[0].finish_reason in ("stop", "length")
        assert reply.usage.prompt_tokens > 25  # the picture's text is in the prompt
    finally:
        server.stop()
        services.models.close()


@pytest.fixture
def recorder(tmp_path):
    rec = start_recorder(tmp_path)
    yield rec
    rec.stop()


def test_a_remote_engine_gets_openai_image_parts(recorder, tmp_path, picture, fireside_home):
    from fireside.assistant.app import build_app

    backend = RemoteBackend.connect(Endpoint("box", recorder.url), "seer")
    app = build_app()
    try:
        app.models = FixedModel(backend)
        app.engine.models = app.models
        request = TurnRequest("What does it say?", images=[ImageInput(picture, "gate.png")])
        events = list(app.engine.run(request))
        assert events[-1].text == "I see a picture."
        (sent,) = [r for r in recorder.requests() if r["path"] == "/v1/chat/completions"]
        user = [m for m in sent["body"]["messages"] if m["role"] == "user"][-1]
        assert user["content"][0] == {"type": "text", "text": "What does it say?"}
        url = user["content"][1]["image_url"]["url"]
        assert base64.b64decode(url.split(",", 1)[1]) == picture
        question = app.history.thread(events[-1].conversation_id)[0]
        assert question.images[0]["given_as"] == "image"
    finally:
        backend.close()
        app.close()
