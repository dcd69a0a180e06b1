"""Remote models in the window: listed under their connection, marked, usable, managed."""

from __future__ import annotations

import pytest
from fireside.assistant.settings import ModelSettings
from fireside.desktop.remote_dialog import RemoteConnectionsDialog
from fireside.models.sampling import SamplingParams
from PySide6.QtCore import Qt

from tests.desktop.helpers import TURN_TIMEOUT_MS, type_and_send, wait_idle, wait_loaded
from tests.remote.conftest import API_KEY, server  # noqa: F401 - the shared server fixture
from tests.remote.server import ALIAS, free_port

pytestmark = pytest.mark.slow
REMOTE_ID = f"lab/{ALIAS}"


def picker_items(picker) -> list[tuple[str, object, bool]]:
    model = picker.model()
    return [
        (picker.itemText(i), picker.itemData(i), model.item(i).isEnabled())
        for i in range(picker.count())
    ]


def test_the_picker_lists_each_connections_models_under_its_name(
    qtbot,
    core,
    make_window,
    server,  # noqa: F811
):
    core.models.remotes.add("lab", server.url, api_key=API_KEY)
    down = f"http://127.0.0.1:{free_port()}/v1"
    core.models.remotes.add("down", down)
    sampling = SamplingParams(temperature=0.0, max_tokens=6, seed=1)
    core.settings_store.update(
        lambda s: s.set_model_settings(REMOTE_ID, ModelSettings(sampling=sampling))
    )
    window = make_window(core)
    wait_loaded(qtbot, window)
    picker = window.picker
    qtbot.waitUntil(lambda: picker.findData(REMOTE_ID) >= 0, timeout=TURN_TIMEOUT_MS)
    qtbot.waitUntil(lambda: any("down" in t for t, *_ in picker_items(picker)))
    items = picker_items(picker)
    texts = [t for t, _, _ in items]
    header = next(i for i, (t, data, enabled) in enumerate(items) if t.startswith("lab —"))
    assert not items[header][2] and "remote" in items[header][0]
    assert "on this computer" in items[header][0]  # 127.0.0.1: nothing leaves the machine
    assert items[header + 1][1] == REMOTE_ID and REMOTE_ID in items[header + 1][0]
    assert any(t.startswith("down —") and "not reachable" in t for t in texts)
    assert down in picker.itemData(
        texts.index(next(t for t in texts if t.startswith("down"))), Qt.ItemDataRole.ToolTipRole
    )

    # Choose it: it connects in the background, the status bar marks it remote, it answers.
    index = picker.findData(REMOTE_ID)
    picker.setCurrentIndex(index)
    picker.activated.emit(index)
    qtbot.waitUntil(lambda: window.models.good_path == REMOTE_ID, timeout=TURN_TIMEOUT_MS)
    assert window.status.remote_label.isVisible()
    assert "a server on this computer" in window.panel.view.empty_text
    assert window.status.model_label.text() == REMOTE_ID
    assert window.status.device_label.text().startswith("remote (127.0.0.1:")
    assert window.app.settings.model.path == REMOTE_ID
    type_and_send(qtbot, window, "Say hello.")
    wait_idle(qtbot, window)
    reply = window.panel.model.item(1)
    assert reply.status == "complete" and reply.text
    stored = window.app.history.get_message(reply.message_id)
    assert (stored.model, stored.backend) == (REMOTE_ID, "remote")

    # Back to the local model: the remote mark goes.
    local = picker.itemData(0)
    picker.setCurrentIndex(0)
    picker.activated.emit(0)
    qtbot.waitUntil(lambda: window.models.good_path == local, timeout=TURN_TIMEOUT_MS)
    assert not window.status.remote_label.isVisible()
    assert "local model" in window.panel.view.empty_text


def test_a_server_elsewhere_is_marked_as_leaving_this_computer(qtbot):
    from fireside.desktop.model_picker import ModelPicker, RemoteGroup

    picker = ModelPicker(lambda p: p, is_remote=lambda p: p.startswith("box/"))
    qtbot.addWidget(picker)
    picker.set_remote([RemoteGroup("box", "https://gpu-box:8000/v1", True, ["qwen", "llama"])])
    picker.set_models("/models/bundled.gguf", ["box/qwen"], None)
    texts = [picker.itemText(i) for i in range(picker.count())]
    assert any("box" in t and "leave this computer" in t for t in texts)
    assert [picker.itemData(i) for i in range(picker.count())].count("box/qwen") == 1
    tip = picker.itemData(picker.findData("box/qwen"), Qt.ItemDataRole.ToolTipRole)
    assert "https://gpu-box:8000/v1" in tip


def test_the_connections_dialog_checks_then_adds_and_removes(
    qtbot,
    core,
    make_window,
    server,  # noqa: F811
):
    window = make_window(core)
    wait_loaded(qtbot, window)
    dialog = RemoteConnectionsDialog(core.models.remotes, window.settings_bridge, window)
    qtbot.addWidget(dialog)
    dialog.name.setText("lab")
    dialog.url.setText(server.url)
    dialog.key.setText("wrong")
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TURN_TIMEOUT_MS)
    assert "API key" in dialog.message.text() and core.models.remotes.connections() == []

    dialog.key.setText(API_KEY)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=TURN_TIMEOUT_MS)
    assert "Added lab" in dialog.message.text()
    assert [c.name for c in core.models.remotes.connections()] == ["lab"]
    assert dialog.list.count() == 1 and dialog.key.text() == ""
    qtbot.waitUntil(lambda: window.picker.findData(REMOTE_ID) >= 0, timeout=TURN_TIMEOUT_MS)

    dialog.list.setCurrentRow(0)
    qtbot.mouseClick(dialog.remove_button, Qt.MouseButton.LeftButton)
    assert core.models.remotes.connections() == [] and dialog.list.count() == 0
    qtbot.waitUntil(lambda: window.picker.findData(REMOTE_ID) < 0, timeout=TURN_TIMEOUT_MS)
    dialog.close()
