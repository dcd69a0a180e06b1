"""Models offered by plugins in the window: listed under the plugin, chosen, answering."""

from __future__ import annotations

from dataclasses import replace

from fireside.assistant.app import build_app
from fireside.desktop.model_picker import ModelPicker, RemoteGroup
from fireside.plugins.hookspecs import hookimpl
from PySide6.QtCore import Qt

from tests.desktop.helpers import TURN_TIMEOUT_MS, type_and_send, wait_idle
from tests.plugins.echo_plugin import Echo, EchoPlugin


class FarEcho(Echo):
    """An echo that says it sends the messages to another computer."""

    @property
    def description(self):
        return replace(super().description, leaves_machine=True, device="https://far.example")


class FarPlugin:
    @hookimpl
    def register_backends(self, register):
        register("far/echo", FarEcho)


def items(picker) -> list[tuple[str, object, bool]]:
    model = picker.model()
    return [
        (picker.itemText(i), picker.itemData(i), model.item(i).isEnabled())
        for i in range(picker.count())
    ]


def test_the_picker_lists_a_plugin_s_models_under_its_name(qtbot):
    picker = ModelPicker(lambda p: p)
    qtbot.addWidget(picker)
    picker.set_remote([RemoteGroup("echo", "", False, ["test/echo", "test/x-one"], plugin=True)])
    picker.set_models("/models/bundled.gguf", ["test/echo"], None)
    rows = items(picker)
    header = next(i for i, (text, _, _) in enumerate(rows) if text.startswith("echo —"))
    assert rows[header][0] == "echo — plugin" and not rows[header][2]
    assert [r[1] for r in rows[header + 1 : header + 3]] == ["test/echo", "test/x-one"]
    assert [r[1] for r in rows].count("test/echo") == 1  # the recent one is not listed twice
    tip = picker.itemData(picker.findData("test/echo"), Qt.ItemDataRole.ToolTipRole)
    assert tip == "test/echo is offered by the plugin echo"


def test_a_plugin_model_is_chosen_and_answers_in_the_window(qtbot, make_window, fireside_home):
    app = build_app()
    try:
        app.plugins.add_plugin("echo", EchoPlugin())
        app.plugins.add_plugin("far", FarPlugin())
        app.settings_store.set("model.path", "test/echo")  # the model chosen last time
        window = make_window(app)
        qtbot.waitUntil(lambda: window.models.good_path == "test/echo", timeout=TURN_TIMEOUT_MS)
        qtbot.waitUntil(lambda: window.picker.findData("test/x-one") >= 0, timeout=TURN_TIMEOUT_MS)
        assert window.picker.currentData() == "test/echo"
        assert window.status.model_label.text() == "test/echo"
        assert not window.status.remote_label.isVisible()
        type_and_send(qtbot, window, "hello from the window")
        wait_idle(qtbot, window)
        reply = window.panel.model.item(1)
        assert (reply.status, reply.text) == ("complete", "hello from the window")
        stored = window.app.history.get_message(reply.message_id)
        assert (stored.model, stored.backend) == ("test/echo", "test")

        window.models.request("far/echo")  # a plugin's model that sends messages away
        qtbot.waitUntil(lambda: window.models.good_path == "far/echo", timeout=TURN_TIMEOUT_MS)
        assert window.status.remote_label.isVisible()
        assert "leave this computer" in window.status.remote_label.text()

        app.plugins.disable("echo")  # what unticking it in Tools > Plugins does
        window.models.catalog.refresh()
        qtbot.waitUntil(lambda: window.picker.findData("test/x-one") < 0, timeout=TURN_TIMEOUT_MS)
        window.close()
    finally:
        app.close()
