"""Pictures in a chat: checked, kept with the chat, OCR'd for models that cannot see them,
sent as image parts to those that can; the same for the window, the CLI and the API."""

from __future__ import annotations

import base64
import json
import subprocess
import sys
from dataclasses import replace

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.chat_images import ImageInput
from fireside.assistant.engine import ChatEngine
from fireside.assistant.events import TurnDone, TurnError, TurnNotice
from fireside.assistant.history import HistoryStore
from fireside.assistant.settings import Settings
from fireside.assistant.turn_request import TurnRequest

from tests.scans.scans import png_bytes, text_page
from tests.scripted_backend import ScriptedBackend

INVOICE = ["The invoice number is 4471-B.", "Total due: 312 euros."]


@pytest.fixture(scope="module")
def invoice_png() -> bytes:
    return png_bytes(text_page(INVOICE, height=260))


class Models:
    def __init__(self, backend) -> None:
        self.backend = backend

    def get(self, path=None, options=None):
        return self.backend


class SeeingBackend(ScriptedBackend):
    """A scripted model that takes pictures (as a GGUF with its projector would)."""

    @property
    def description(self):
        return replace(super().description, sees_images=True, name="seer")


@pytest.fixture
def history(tmp_path):
    h = HistoryStore(tmp_path / "history.db")
    yield h
    h.close()


def engine_over(history, backend, ocr_engine):
    from fireside.assistant.chat_images import ChatImages

    return ChatEngine(
        history, Models(backend), Settings(), images=ChatImages(history.images, ocr_engine)
    )


def user_content(backend) -> str | list:
    return [m for m in backend.calls[-1] if m["role"] == "user"][-1]["content"]


def test_a_model_that_cannot_see_gets_the_text_read_from_the_picture(
    history, ocr_engine, invoice_png
):
    backend = ScriptedBackend(tokens=["It is 4471-B."])
    engine = engine_over(history, backend, ocr_engine)
    events = list(
        engine.run(TurnRequest("Which invoice?", images=[ImageInput(invoice_png, "bill.png")]))
    )
    done = events[-1]
    assert isinstance(done, TurnDone), events
    content = user_content(backend)
    assert content.startswith("Which invoice?")
    assert '[Text read by OCR from the picture "bill.png"]' in content
    assert "number is 4471-B" in content and "312" in content
    notices = [e.text for e in events if isinstance(e, TurnNotice)]
    assert any("cannot see pictures" in n and "bill.png" in n for n in notices)
    question = history.get_message(history.get_message(done.message_id).parent_id)
    assert question.content == "Which invoice?"  # the user's words stay theirs
    (stored,) = question.images
    assert stored["given_as"] == "text" and "4471-B" in stored["text"]
    assert history.images.path(stored["sha256"], stored["mime"]).read_bytes() == invoice_png


def test_a_model_that_sees_gets_the_picture_and_again_on_regenerate(
    history, ocr_engine, invoice_png
):
    backend = SeeingBackend(tokens=["A bill."])
    engine = engine_over(history, backend, ocr_engine)
    done = list(engine.run(TurnRequest("What is this?", images=[ImageInput(invoice_png)])))[-1]
    parts = user_content(backend)
    assert parts[0] == {"type": "text", "text": "What is this?"}
    url = parts[1]["image_url"]["url"]
    assert url.startswith("data:image/png;base64,")
    assert base64.b64decode(url.split(",", 1)[1]) == invoice_png
    question = history.get_message(history.get_message(done.message_id).parent_id)
    assert question.images[0]["given_as"] == "image" and question.images[0]["text"] is None
    list(engine.run(TurnRequest(regenerate=done.message_id)))
    assert user_content(backend)[1]["image_url"]["url"] == url
    # the same chat continued with a model that cannot see: the picture is read then
    blind = ScriptedBackend(tokens=["ok"])
    engine.models = Models(blind)
    list(engine.run(TurnRequest("And the total?", conversation_id=done.conversation_id)))
    first_question = [m for m in blind.calls[-1] if m["role"] == "user"][0]["content"]
    assert "312" in first_question and "4471-B" in first_question


def test_an_edited_question_keeps_its_picture(history, ocr_engine, invoice_png):
    backend = SeeingBackend(tokens=["A bill."])
    engine = engine_over(history, backend, ocr_engine)
    done = list(engine.run(TurnRequest("What is this?", images=[ImageInput(invoice_png)])))[-1]
    question_id = history.get_message(done.message_id).parent_id
    list(engine.run(TurnRequest("What is this bill?", edit=question_id)))
    assert user_content(backend)[0]["text"] == "What is this bill?"
    assert len(user_content(backend)) == 2


def test_bad_pictures_are_one_line_and_write_nothing(history, ocr_engine, invoice_png):
    from PIL import Image

    engine = engine_over(history, ScriptedBackend(), ocr_engine)
    huge = png_bytes(Image.new("1", (20_000, 20_000), 1))
    for data, words in (
        (invoice_png[: len(invoice_png) // 2], "damaged"),
        (invoice_png[:40], "not a picture"),
        (b"not a picture at all", "not a picture"),
        (huge, "20,000 x 20,000 pixels"),
    ):
        events = list(engine.run(TurnRequest("look", images=[ImageInput(data, "x.png")])))
        assert isinstance(events[-1], TurnError), events
        assert words in str(events[-1].message) and "\n" not in str(events[-1].message)
    assert history.list_conversations() == []


def test_pictures_are_deleted_with_the_last_chat_that_uses_them(history, ocr_engine, invoice_png):
    engine = engine_over(history, SeeingBackend(), ocr_engine)
    first = list(engine.run(TurnRequest("one", images=[ImageInput(invoice_png)])))[-1]
    second = list(engine.run(TurnRequest("two", images=[ImageInput(invoice_png)])))[-1]
    files = list(history.images.folder.rglob("*.png"))
    assert len(files) == 1  # content-addressed: kept once
    history.delete_conversation(first.conversation_id)
    assert files[0].exists()
    history.delete_conversation(second.conversation_id)
    assert not files[0].exists()


@pytest.mark.slow
@pytest.mark.timeout(1200)
def test_the_bundled_model_reads_a_picture_through_the_cli(tmp_path, fireside_home, invoice_png):
    picture = tmp_path / "invoice.png"
    picture.write_bytes(invoice_png)
    result = subprocess.run(
        [sys.executable, "-m", "fireside.launcher", "chat", "What is the invoice number?",
         "--image", str(picture), "--json", "-n", "8", "--threads", "2", "--seed", "1"],
        capture_output=True, text=True, timeout=600,
    )  # fmt: skip
    assert result.returncode == 0, result.stderr
    out = json.loads(result.stdout)
    (image,) = out["images"]
    assert image["given_as"] == "text" and "4471-B" in image["text"]
    assert "cannot see pictures" in result.stderr
    assert out["usage"]["prompt_tokens"] > 30  # the picture's text went into the prompt
    app = build_app()
    try:
        question = app.history.thread(out["conversation_id"])[0]
        assert question.images[0]["text"] == image["text"]
    finally:
        app.close()
    missing = subprocess.run(
        [sys.executable, "-m", "fireside.launcher", "ask", "hi", "--image", "/no/such.png"],
        capture_output=True, text=True, timeout=120,
    )  # fmt: skip
    assert missing.returncode == 2
    assert missing.stderr.strip().splitlines()[-1] == "fireside: error: /no/such.png: no such file"
