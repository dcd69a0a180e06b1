"""The window and the local API are two front ends over one turn pipeline: the same question
with the same documents and plugin hooks reaches the model as the same prompt."""

from __future__ import annotations

import re
from pathlib import Path

from fireside.api.server import ApiServer
from fireside.api.services import ApiConfig, ApiServices
from fireside.plugins.hookspecs import hookimpl

from tests.api.helpers import client
from tests.desktop.helpers import type_and_send, wait_idle, wait_loaded

DATA = Path(__file__).resolve().parents[1] / "data" / "documents"
QUESTION = "How do I install a package with apt?"


class Recorder:
    """The app's model source, recording the messages of every reply asked for."""

    def __init__(self, models) -> None:
        self.inner = models
        self.prompts: list[list[dict]] = []

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def get(self, path=None, options=None):
        backend = self.inner.get(path) if options is None else self.inner.get(path, options)
        return _Recording(backend, self.prompts)


class _Recording:
    def __init__(self, backend, prompts: list) -> None:
        self.backend = backend
        self.prompts = prompts

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def stream(self, messages, params=None, cancel=None, **kw):
        self.prompts.append([dict(m) for m in messages])
        return self.backend.stream(messages, params, cancel, **kw)


def _without_nonce(messages: list[dict]) -> list[dict]:
    """The excerpts' markers carry a fresh random code in every prompt (so a document cannot
    forge one): compare the prompts with that code blanked out."""
    system = messages[0]["content"]
    code = re.search(r"carry the code (\w+)", system).group(1)
    return [{**m, "content": m["content"].replace(code, "CODE")} for m in messages]


class Hooks:
    @hookimpl
    def before_prompt(self, messages):
        return f"A plugin's note: the chat has {len(messages)} messages so far."


def test_the_window_and_the_api_send_the_model_the_same_prompt(qtbot, core, make_window):
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.models.embedder import HashEmbedder

    store = core.documents_store
    embedder = HashEmbedder(64)  # fast; MiniLM and e5 are covered by the documents tests
    faq = store.collection("faq", model=embedder.name)
    IndexJob(store, faq, [DATA / "text" / "debian-faq.en.txt"], embedder=embedder).run()
    core.plugins.add_plugin("hooks", Hooks())
    recorder = core.models = Recorder(core.models)

    window = make_window(core)
    wait_loaded(qtbot, window)
    picker = window.panel.picker
    picker.refresh()
    qtbot.waitUntil(lambda: picker.available == ["faq"], timeout=10_000)
    picker._on_menu()
    [choice] = [a for a in picker.menu().actions() if a.text() == "faq"]
    choice.trigger()
    type_and_send(qtbot, window, QUESTION)
    wait_idle(qtbot, window)
    from_window = recorder.prompts[-1]

    server = ApiServer(ApiServices.from_app(core, key=lambda: "k"), ApiConfig(port=0))
    server.start()
    try:
        reply = client(server, api_key="k").chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": QUESTION}],
            extra_body={"fireside": {"collections": ["faq"]}},
        )
    finally:
        server.stop()
    from_api = recorder.prompts[-1]
    assert reply.choices[0].message.content
    assert reply.model_extra["citations"]  # answered from the documents, with sources
    system = from_window[0]["content"]
    assert "debian-faq.en.txt" in system and "A plugin's note" in system
    assert _without_nonce(from_api) == _without_nonce(from_window)
    assert [m["role"] for m in from_window] == ["system", "user"]
    # the API's turn is not in the history; the window's is
    assert len(core.history.list_conversations()) == 1
