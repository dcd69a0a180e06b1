"""An assistant is a setting of the one turn pipeline: chosen in the window, with
``fireside chat --assistant`` or with the API's ``"fireside": {"assistant": ...}``, the same
question reaches the real model as the same prompt with the same sampling."""

from __future__ import annotations

import pytest
from fireside.api.server import ApiServer
from fireside.api.services import ApiConfig, ApiServices
from PySide6.QtCore import Qt

from tests.api.helpers import client
from tests.desktop.helpers import wait_idle, wait_loaded

pytestmark = pytest.mark.slow
QUESTION = "今天的天气很好，我们去公园散步吧。"


class Recorder:
    """The app's model source, recording the messages and sampling of every reply."""

    def __init__(self, models, seen: list) -> None:
        self.inner = models
        self.seen = seen

    def __getattr__(self, name):
        return getattr(self.inner, name)

    def get(self, path=None, options=None):
        backend = self.inner.get(path) if options is None else self.inner.get(path, options)
        return _Recording(backend, self.seen)


class _Recording:
    def __init__(self, backend, seen: list) -> None:
        self.backend = backend
        self.seen = seen

    def __getattr__(self, name):
        return getattr(self.backend, name)

    def stream(self, messages, params=None, cancel=None, **kw):
        self.seen.append(([dict(m) for m in messages], params))
        return self.backend.stream(messages, params, cancel, **kw)


def test_window_cli_and_api_send_the_same_prompt_for_an_assistant(
    qtbot, core, make_window, monkeypatch
):
    seen: list = []
    core.models = Recorder(core.models, seen)
    window = make_window(core)
    wait_loaded(qtbot, window)
    window.new_chat_with("translator")
    box = window.panel.composer.box
    box.setPlainText(QUESTION)
    qtbot.keyClick(box, Qt.Key.Key_Return)
    wait_idle(qtbot, window)
    from_window = seen[-1]

    import fireside.cli.chat_cmd as chat_cmd
    from fireside.cli.main import main

    real_build = chat_cmd.build_app

    def recorded_app():
        app = real_build()
        app.models = Recorder(app.models, seen)
        return app

    monkeypatch.setattr(chat_cmd, "build_app", recorded_app)
    assert main(["chat", QUESTION, "--assistant", "translator", "--json"]) == 0
    from_cli = seen[-1]

    server = ApiServer(ApiServices.from_app(core, key=lambda: "k"), ApiConfig(port=0))
    server.start()
    try:
        reply = client(server, api_key="k").chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": QUESTION}],
            extra_body={"fireside": {"assistant": "translator"}},
        )
    finally:
        server.stop()
    from_api = seen[-1]
    assert reply.choices[0].message.content

    messages, params = from_window
    assert [m["role"] for m in messages] == ["system", "user"]
    assert messages[0]["content"].startswith("You are a translator between Chinese and English")
    assert "简体中文" not in messages[0]["content"]  # no "answer in Chinese" for a translator
    assert messages[1]["content"] == QUESTION
    assert params.temperature == 0.2  # the assistant's, over the model's saved 0.0
    assert from_cli[0] == messages and from_api[0] == messages
    assert from_cli[1] == params and from_api[1] == params
    # the window's and the CLI's turns are saved with the assistant; the API's is not saved
    chats = core.history.list_conversations()
    assert len(chats) == 2 and {c.assistant for c in chats} == {"translator"}
