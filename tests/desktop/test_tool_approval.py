"""Approving tools from a worker thread, and the transcript text for tool calls."""

from __future__ import annotations

import threading

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import ToolCall, ToolResult
from fireside.assistant.settings_store import SettingsStore
from fireside.desktop.tool_approval import ALLOW_ONCE, ApprovalBroker, ToolApprovalDialog
from fireside.desktop.tool_call_text import format_tool_call, format_tool_event
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QDialog


@pytest.fixture
def app(fireside_home):
    app = build_app()
    yield app
    app.close()


@pytest.fixture
def weather(app):
    return next(t for t in app.plugins.tools() if t.name == "weather")


@pytest.fixture
def bridge(qtbot, app):
    from fireside.desktop.settings_bridge import SettingsBridge

    bridge = SettingsBridge(app.settings_store)
    yield bridge
    bridge.wait()
    bridge.close()


@pytest.fixture
def broker(qtbot, bridge):
    broker = ApprovalBroker(bridge)
    yield broker
    broker.shutdown()


def ask_from_worker(broker, tool, arguments):
    """Start a worker that asks; returns (thread, box) where box gets the answer."""
    box: dict = {}
    thread = threading.Thread(target=lambda: box.setdefault("ok", broker.approve(tool, arguments)))
    thread.start()
    return thread, box


def answer(qtbot, broker, button: str) -> ToolApprovalDialog:
    qtbot.waitUntil(lambda: broker.current_dialog is not None, timeout=5000)
    dialog = broker.current_dialog
    qtbot.waitExposed(dialog)
    qtbot.mouseClick(getattr(dialog, button), Qt.MouseButton.LeftButton)
    return dialog


@pytest.mark.parametrize(
    ("button", "expected"), [("allow_once_button", True), ("deny_button", False)]
)
def test_worker_waits_for_the_users_answer(qtbot, broker, weather, app, button, expected):
    thread, box = ask_from_worker(broker, weather, {"place": "Oslo"})
    qtbot.waitUntil(lambda: broker.current_dialog is not None, timeout=5000)
    text = broker.current_dialog.text()
    assert "weather" in text and "Oslo" in text and "network" in text
    assert thread.is_alive() and "ok" not in box  # still waiting for the user
    answer(qtbot, broker, button)
    thread.join(5)
    assert not thread.is_alive()
    assert box["ok"] is expected
    assert app.settings.chat.always_allowed_tools == []


def test_always_allow_is_saved_and_not_asked_again(qtbot, broker, bridge, weather, app):
    thread, box = ask_from_worker(broker, weather, {"place": "Oslo"})
    answer(qtbot, broker, "always_button")
    thread.join(5)
    assert box["ok"] is True
    assert app.settings.chat.always_allowed_tools == ["weather"]
    qtbot.waitUntil(lambda: not bridge.busy, timeout=5000)
    on_disk = SettingsStore(app.paths.settings_file).settings
    assert on_disk.chat.always_allowed_tools == ["weather"]
    assert broker.approve(weather, {"place": "Bergen"}) is True  # no dialog this time
    assert broker.current_dialog is None


def test_closing_the_dialog_or_shutting_down_denies(qtbot, broker, weather):
    thread, box = ask_from_worker(broker, weather, {"place": "Oslo"})
    qtbot.waitUntil(lambda: broker.current_dialog is not None, timeout=5000)
    broker.current_dialog.reject()
    thread.join(5)
    assert box["ok"] is False

    thread, box = ask_from_worker(broker, weather, {"place": "Oslo"})
    qtbot.waitUntil(lambda: broker.current_dialog is not None, timeout=5000)
    broker.shutdown()
    thread.join(5)
    assert box["ok"] is False
    assert broker.approve(weather, {"place": "Oslo"}) is False  # closed: no more questions


def test_on_the_ui_thread_the_dialog_is_shown_directly(qtbot, bridge, weather):
    shown = []

    class AutoAllow(ToolApprovalDialog):
        def exec(self) -> int:
            shown.append(self.text())
            return ALLOW_ONCE

    broker = ApprovalBroker(bridge, dialog_factory=AutoAllow)
    assert broker.approve(weather, {"place": "Oslo"}) is True
    assert "Oslo" in shown[0]
    broker.dialog_factory = lambda tool, args, parent: _Refuse()
    assert broker.approve(weather, {"place": "Oslo"}) is False


class _Refuse(QDialog):
    def exec(self) -> int:
        return QDialog.DialogCode.Rejected.value


def test_tool_call_text():
    assert (
        format_tool_call("calculator", {"expression": "17*23"}, "391", False, 0.0123)
        == "⚙ **calculator**(`17*23`) → `391` · 0.01 s"
    )
    error = format_tool_call("weather", {"place": "Oslo"}, "no network", True, 2.5)
    assert error == "⚠ **weather**(`Oslo`) → error: `no network` · 2.50 s"
    long = format_tool_call("weather", {"place": "Oslo", "days": 3}, "x\n" * 2000, False, 12)
    assert long.startswith("⚙ **weather**(`place=Oslo, days=3`) → output · 12 s\n```text\n")
    assert "(cut; 3999 characters in all)" in long and long.endswith("\n```")
    assert "``a`b``" in format_tool_call("x", {"a": "a`b"}, "", False, 0)
    event = format_tool_event(
        ToolCall("1", "calculator", {"expression": "2+2"}),
        ToolResult("1", "calculator", "4", False, 0.5),
    )
    assert event == "⚙ **calculator**(`2+2`) → `4` · 0.50 s"
