"""Tools > Local API server: switched on, a real request answered by the window's model, off."""

from __future__ import annotations

import socket
from pathlib import Path

import httpx
import pytest
from fireside.desktop.api_server_dialog import ApiServerDialog
from PySide6.QtGui import QGuiApplication

from tests.desktop.helpers import TURN_TIMEOUT_MS, wait_loaded

pytestmark = pytest.mark.slow


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return s.getsockname()[1]


def test_switch_on_request_answered_switch_off(qtbot, window, monkeypatch):
    monkeypatch.delenv("FIRESIDE_API_KEY", raising=False)
    wait_loaded(qtbot, window)
    control = window.api_server
    dialog = ApiServerDialog(control, window)
    qtbot.addWidget(dialog)
    dialog.show()
    qtbot.waitUntil(lambda: bool(control.key), timeout=10_000)
    assert dialog.key.text() == control.key and control.key not in dialog.python.toPlainText()
    dialog.show_key.click()
    assert control.key in dialog.python.toPlainText()
    dialog.copy_python.click()
    assert control.key in QGuiApplication.clipboard().text()
    port = free_port()
    dialog.port.setValue(port)
    dialog.switch.click()
    qtbot.waitUntil(lambda: control.running, timeout=20_000)
    assert f"127.0.0.1:{port}" in dialog.state.text()
    assert f"http://127.0.0.1:{port}/v1" in dialog.curl.toPlainText()

    reply = httpx.post(
        f"http://127.0.0.1:{port}/v1/chat/completions",
        headers={"Authorization": f"Bearer {control.key}"},
        json={"model": "default", "messages": [{"role": "user", "content": "Say hello"}]},
        timeout=TURN_TIMEOUT_MS / 1000,
    )
    assert reply.status_code == 200, reply.text
    assert reply.json()["choices"][0]["message"]["content"].strip()
    assert window.app.models.current is not None  # the window's own model answered
    models = httpx.get(
        f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": f"Bearer {control.key}"}
    ).json()["data"]
    loaded = window.app.models.current.description.id
    assert [m["id"] for m in models if m["type"] == "chat"] == [
        Path(loaded).name.removesuffix(".gguf")
    ]
    assert "all-MiniLM-L6-v2" in [m["id"] for m in models if m["type"] == "embedding"]
    qtbot.waitUntil(lambda: dialog.served.text() == "1", timeout=5_000)
    wrong = httpx.get(f"http://127.0.0.1:{port}/v1/models", headers={"Authorization": "Bearer x"})
    assert wrong.status_code == 401

    dialog.switch.click()
    qtbot.waitUntil(lambda: not control.running and not control.busy, timeout=20_000)
    assert dialog.state.text() == "Off"
    with pytest.raises(httpx.ConnectError):
        httpx.get(f"http://127.0.0.1:{port}/v1/models", timeout=2)
    api = window.app.settings.api
    assert (api.enabled, api.port) == (False, port)


def test_port_in_use_shows_the_error(qtbot, window):
    control = window.api_server
    dialog = ApiServerDialog(control, window)
    qtbot.addWidget(dialog)
    with socket.socket() as taken:
        taken.bind(("127.0.0.1", 0))
        taken.listen(1)
        dialog.port.setValue(taken.getsockname()[1])
        dialog.switch.click()
        qtbot.waitUntil(lambda: "already in use" in dialog.error.text(), timeout=20_000)
    qtbot.waitUntil(lambda: not control.busy, timeout=5_000)
    assert not control.running and not dialog.switch.isChecked()


def test_network_tools_are_off_for_the_api_until_ticked(qtbot, window):
    control = window.api_server
    dialog = ApiServerDialog(control, window)
    qtbot.addWidget(dialog)
    box = dialog.tool_boxes["weather"]
    assert not box.isChecked() and "weather" not in control.config.allowed_tools
    box.click()
    assert control.config.allowed_tools == ["weather"]
    box.click()
    assert control.config.allowed_tools == []
