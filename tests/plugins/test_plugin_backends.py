"""Chat backends from plugins (``register_backends``): found by id, used by the real engine,
the model manager and the local API, and never more than one line when they break."""

from __future__ import annotations

import json

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import TextDelta, TurnDone, TurnError
from fireside.assistant.turn_request import TurnRequest
from fireside.cli.main import main
from fireside.models.backend import ChatBackend
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken
from fireside.models.sampling import SamplingParams
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.manager import PluginManager

from tests.plugins.echo_plugin import Echo, EchoPlugin


class BrokenFactoryPlugin:
    @hookimpl
    def register_backends(self, register):
        register("broken/model", self.factory)
        register("broken/nothing", lambda model_id: object())

    def factory(self, model_id):
        raise OSError("weights.bin: no such file")


def app_with(*plugins, disabled=()):
    app = build_app()
    app.plugins.disabled.update(disabled)
    for name, plugin in plugins:
        app.plugins.add_plugin(name, plugin)
    return app


def run_turn(app, text, model, **kw):
    return list(app.engine.run(TurnRequest(text, model=model, tools=None, **kw)))


def test_ids_go_to_the_plugin_that_offers_them():
    manager = PluginManager()
    manager.add_plugin("echo", EchoPlugin())
    assert manager.failures == []
    assert manager.backend_offer("test/echo").model_id == "test/echo"
    assert manager.backend_offer("test/x-anything").prefix
    assert manager.backend_offer("test/x-") is None  # a prefix alone names no model
    assert manager.backend_offer("test/nope") is None
    assert [o.model_id for o in manager.backends()] == ["test/echo", "test/flaky", "test/x-"]


def test_a_plugin_model_answers_through_the_engine_and_is_saved():
    plugin = EchoPlugin()
    app = app_with(("echo", plugin))
    try:
        assert app.models.resolve_path("test/echo") == "test/echo"
        events = run_turn(app, "hello plugin world", "test/echo")
        done = events[-1]
        assert isinstance(done, TurnDone), events
        assert done.text == "hello plugin world"
        assert done.model == "test/echo"
        assert "".join(e.text for e in events if isinstance(e, TextDelta)) == done.text
        reply = app.history.get_message(done.message_id)
        assert (reply.content, reply.model, reply.status) == (done.text, "test/echo", "complete")
        assert isinstance(app.models.get("test/echo"), ChatBackend)
        assert len(plugin.opened) == 1  # opened once, then kept
        app.models.get("test/x-one")
        assert [b.model_id for b in plugin.opened] == ["test/echo", "test/x-one"]
    finally:
        app.close()
    assert all(b.closed for b in plugin.opened)


def test_listing_shows_exact_ids_and_what_a_prefix_lists():
    app = app_with(("echo", EchoPlugin()))
    try:
        models = {m.id: m for m in app.models.plugin_models()}
        # "other/y" does not start with the prefix: not the plugin's to list
        assert sorted(models) == ["test/echo", "test/flaky", "test/x-one"]
        assert models["test/echo"].plugin == "echo"
        assert models["test/echo"].description == "echoes your message"
    finally:
        app.close()


def test_files_and_remote_ids_never_load_plugins(tmp_path):
    app = build_app()
    try:
        model = tmp_path / "test" / "echo"
        model.parent.mkdir()
        model.write_bytes(b"not a model")
        app.models.resolve_path(str(model))
        app.models.resolve_path(str(tmp_path / "missing.gguf"))
        app.models.describe("test/echo")
        assert "plugins" not in app.__dict__  # the cached plugin manager was never built
        app.models.resolve_path("test/echo")
        assert "plugins" in app.__dict__
    finally:
        app.close()


def test_max_tokens_and_cancel_reach_the_plugin():
    app = app_with(("echo", EchoPlugin()))
    try:
        params = SamplingParams(max_tokens=2)
        done = run_turn(app, "one two three four", "test/echo", params=params)[-1]
        assert (done.text, done.finish_reason) == ("one two", "stop")
        cancel = CancelToken()
        cancel.cancel()
        done = run_turn(app, "one two three", "test/echo", cancel=cancel)[-1]
        assert (done.text, done.finish_reason) == ("", "cancelled")
    finally:
        app.close()


def test_a_factory_that_raises_is_one_line_naming_the_plugin():
    app = app_with(("broken", BrokenFactoryPlugin()))
    try:
        with pytest.raises(ModelError) as raised:
            app.models.get("broken/model")
        message = str(raised.value)
        assert message == (
            "broken/model: the plugin 'broken' failed while opening the model: "
            "OSError: weights.bin: no such file"
        )
        with pytest.raises(ModelError, match="plugin 'broken' returned a object, not a chat"):
            app.models.get("broken/nothing")
    finally:
        app.close()


def test_a_reply_that_raises_is_kept_and_reported_in_one_line():
    app = app_with(("echo", EchoPlugin()))
    try:
        events = run_turn(app, "one two three four", "test/flaky")
        error = events[-1]
        assert isinstance(error, TurnError)
        assert error.message == (
            "test/flaky: the plugin 'echo' failed while replying: "
            "RuntimeError: the echo chamber collapsed"
        )
        reply = app.history.thread(error.conversation_id)[-1]
        assert (reply.content, reply.status) == ("one two", "error")  # what came is kept
    finally:
        app.close()


def test_a_disabled_plugin_s_models_disappear():
    plugin = EchoPlugin()
    app = app_with(("echo", plugin))
    try:
        assert run_turn(app, "hi", "test/echo")[-1].text == "hi"
        app.plugins.disable("echo")
        assert not app.models.is_plugin("test/echo")
        assert plugin.opened[0].closed  # the open backend was closed on the next look-up
        assert app.models.plugin_models() == []
        with pytest.raises(ModelError, match="file not found"):
            app.models.get("test/echo")
    finally:
        app.close()
    app = app_with(("echo", EchoPlugin()), disabled=["echo"])
    try:
        assert not app.models.is_plugin("test/echo")
    finally:
        app.close()


def test_model_ids_are_checked_when_the_plugin_loads():
    class Clash:
        @hookimpl
        def register_backends(self, register):
            register("test/echo", Echo)

    class Blank:
        @hookimpl
        def register_backends(self, register):
            register("test/has space", Echo)

    manager = PluginManager()
    manager.add_plugin("echo", EchoPlugin())
    manager.add_plugin("clash", Clash())
    manager.add_plugin("blank", Blank())
    failures = dict(manager.failures)
    assert failures["clash"] == (
        "register_backends failed: ValueError: model 'test/echo' is already provided by "
        "plugin 'echo'"
    )
    assert "white space" in failures["blank"]
    assert [o.plugin for o in manager.backends()] == ["echo"] * 3


PLUGIN_DIST = """
from fireside.models.backend import ModelDescription
from fireside.models.generation import GenerationStats, TextChunk
from fireside.plugins.hookspecs import hookimpl


class Shout:
    def __init__(self, model_id):
        if model_id.endswith("broken"):
            raise ValueError("no such voice")
        self.model_id = model_id

    description = property(lambda self: ModelDescription(self.model_id, "shout", "t", 512, "-"))
    count_tokens = lambda self, messages: 1
    count_text = lambda self, text: 1

    def stream(self, messages, params=None, cancel=None, *, grammar=None, tools=None):
        yield messages[-1]["content"].upper()  # a plain string is taken as text

    complete = stream
    close = lambda self: None


@hookimpl
def register_backends(register):
    register("shout/", Shout, prefix=True, models=lambda: ["shout/loud"])
"""


def test_the_command_line_chats_with_a_plugin_model(make_dist, capsys):
    make_dist({"shout": PLUGIN_DIST})
    assert main(["chat", "--model", "shout/loud", "hello there"]) == 0
    out = capsys.readouterr()
    assert out.out.strip() == "HELLO THERE"
    assert main(["models", "use", "shout/loud"]) == 0
    assert main(["chat", "again"]) == 0  # the default model now
    assert capsys.readouterr().out.strip() == "AGAIN"
    assert main(["models", "list", "--json"]) == 0
    listed = {m["path"]: m for m in json.loads(capsys.readouterr().out)}
    assert listed["shout/loud"]["where"] == "plugin shout" and listed["shout/loud"]["default"]


def test_the_command_line_reports_a_broken_plugin_model_in_one_line(make_dist, capsys):
    make_dist({"shout": PLUGIN_DIST})
    assert main(["chat", "--model", "shout/broken", "hello"]) == 2
    err = capsys.readouterr().err
    assert err == (
        "fireside: error: shout/broken: the plugin 'shout' failed while opening the model: "
        "ValueError: no such voice\n"
    )
    assert "Traceback" not in err


def test_the_local_api_serves_a_plugin_model():
    from fireside.api.services import ApiServices

    from tests.api.helpers import KEY, client, start

    app = app_with(("echo", EchoPlugin()))
    server = start(ApiServices.from_app(app, key=lambda: KEY))
    try:
        api = client(server)
        owners = {m.id: m.owned_by for m in api.models.list().data}
        assert owners["test/echo"] == "echo"
        reply = api.chat.completions.create(
            model="test/echo", messages=[{"role": "user", "content": "over the wire"}]
        )
        assert reply.choices[0].message.content == "over the wire"
        assert reply.model == "test/echo"
    finally:
        server.stop()
        app.close()


def test_plugin_ids_never_shadow_a_file(tmp_path, monkeypatch):
    monkeypatch.chdir(tmp_path)
    (tmp_path / "test").mkdir()
    (tmp_path / "test" / "echo").write_text("a local file")
    app = app_with(("echo", EchoPlugin()))
    try:
        assert not app.models.is_plugin("test/echo")
        assert app.models.resolve_path("test/echo") == "test/echo"
        with pytest.raises(ModelError, match="not a GGUF"):
            app.models.get("test/echo")  # the file, which is not a model
    finally:
        app.close()
