"""The window follows settings changed by other processes, and loses none of its own.

A real window over a real ``App`` (``build_app``); the other process is a real ``fireside``
command started while the window runs. What is checked is what the widgets show.
"""

from __future__ import annotations

import json
import os
import subprocess
import threading
import time

from fireside.assistant.settings_store import SettingsStore
from fireside.desktop.plugins_page import PluginsPage
from fireside.desktop.settings_dialog import SettingsDialog
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.cli.test_settings_cli import command
from tests.desktop.helpers import copy_model_to, wait_loaded

WAIT_MS = 60_000


def start(*args: str) -> subprocess.Popen:
    return subprocess.Popen(
        [*command(), *args],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=os.environ.copy(),
    )


def finished(qtbot, *procs: subprocess.Popen) -> None:
    """Wait for the processes with the event loop running (the window keeps working)."""
    qtbot.waitUntil(lambda: all(p.poll() is not None for p in procs), timeout=WAIT_MS)
    for proc in procs:
        assert proc.returncode == 0, proc.stderr.read()


def on_disk(app):
    return SettingsStore(app.paths.settings_file).settings


def picker_texts(window) -> list[str]:
    return [window.picker.itemText(i) for i in range(window.picker.count())]


def test_changes_from_the_command_line_show_and_the_windows_own_are_kept(qtbot, core, make_window):
    window = make_window(core, start=False)
    assert window.colors.name != "dark"
    page = PluginsPage(core.plugins, window.settings_bridge)
    qtbot.addWidget(page)
    procs = [
        start("settings", "set", "window.theme", "dark"),
        start("models", "remote", "add", "lab", "http://127.0.0.1:9/v1", "--no-check"),
        start("settings", "set", "chat.system_prompt", "Answer like a lighthouse keeper."),
    ]
    # meanwhile, in the window: untick a plugin (saved in the background, as they write)
    page.item("weather").setCheckState(0, Qt.CheckState.Unchecked)
    finished(qtbot, *procs)

    qtbot.waitUntil(lambda: window.colors.name == "dark", timeout=WAIT_MS)
    bg = window.palette().color(window.backgroundRole()).name()
    assert bg == window.colors.window
    qtbot.waitUntil(
        lambda: any(t.startswith("lab —") for t in picker_texts(window)), timeout=WAIT_MS
    )  # the new connection, listed (its server is not running)
    qtbot.waitUntil(
        lambda: core.settings.chat.system_prompt == "Answer like a lighthouse keeper.",
        timeout=WAIT_MS,
    )
    assert page.item("weather").checkState(0) == Qt.CheckState.Unchecked
    qtbot.waitUntil(lambda: not window.settings_bridge.busy, timeout=WAIT_MS)
    saved = json.loads(core.paths.settings_file.read_text())
    assert saved["window"]["theme"] == "dark"
    assert [c["name"] for c in saved["remote"]["connections"]] == ["lab"]
    assert saved["chat"]["system_prompt"] == "Answer like a lighthouse keeper."
    assert saved["plugins"]["disabled"] == ["weather"]  # the window's change, kept
    assert saved["model"]["n_threads"] == 1  # and what was there before


def test_the_open_settings_dialog_follows_and_saves_only_what_was_edited(
    qtbot, core, make_window, smollm_path
):
    window = make_window(core, start=False)
    prompt = "Written by fireside settings set."
    seen: dict = {}

    def edit_while_another_process_writes(dialog: SettingsDialog) -> None:
        dialog.top_k.setValue(20)  # the user's edit
        proc = start("settings", "set", "chat.system_prompt", prompt)
        began = time.monotonic()

        def check() -> None:
            if dialog.system_prompt.toPlainText() == prompt and proc.poll() is not None:
                seen["shown"] = True
                dialog.accept()
            elif time.monotonic() - began > WAIT_MS / 1000:
                seen["shown"] = False
                dialog.reject()
            else:
                QTimer.singleShot(50, check)

        QTimer.singleShot(50, check)

    when_dialog_opens(edit_while_another_process_writes)
    window.open_settings()
    assert seen == {"shown": True}
    qtbot.waitUntil(lambda: not window.settings_bridge.busy, timeout=WAIT_MS)
    after = on_disk(core)
    assert after.chat.system_prompt == prompt  # theirs, kept
    assert after.model_settings(str(smollm_path)).sampling.top_k == 20  # ours, saved
    assert after.model_settings(str(smollm_path)).n_ctx == 1024  # untouched, as it was


def test_plugins_and_always_allowed_tools_follow(qtbot, core, make_window):
    window = make_window(core, start=False)
    page = PluginsPage(core.plugins, window.settings_bridge)
    qtbot.addWidget(page)
    weather = next(t for t in core.plugins.tools() if t.name == "weather")
    answers: list[bool] = []
    asking = threading.Thread(
        target=lambda: answers.append(window.approvals.approve(weather, {"place": "Oslo"}))
    )
    asking.start()
    qtbot.waitUntil(lambda: window.approvals.current_dialog is not None, timeout=WAIT_MS)

    finished(qtbot, start("settings", "set", "chat.always_allowed_tools", "weather"))
    qtbot.waitUntil(lambda: answers == [True], timeout=WAIT_MS)  # the open question, answered
    asking.join(5)
    assert window.approvals.current_dialog is None

    finished(qtbot, start("settings", "set", "plugins.disabled", "weather"))
    qtbot.waitUntil(
        lambda: page.item("weather").checkState(0) == Qt.CheckState.Unchecked, timeout=WAIT_MS
    )
    assert "weather" not in {t.name for t in core.plugins.tools()}
    finished(qtbot, start("settings", "reset", "plugins.disabled"))
    qtbot.waitUntil(
        lambda: page.item("weather").checkState(0) == Qt.CheckState.Checked, timeout=WAIT_MS
    )
    assert "weather" in {t.name for t in core.plugins.tools()}


def test_a_new_default_model_is_loaded(qtbot, scripted, make_window, smollm_path, tmp_path):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    other = copy_model_to(smollm_path, tmp_path / "other")
    finished(qtbot, start("models", "use", str(other)))
    qtbot.waitUntil(lambda: window.models.good_path == str(other), timeout=WAIT_MS)
    assert window.picker.current_path() == str(other)
    assert window.picker.currentText() == other.name


def when_dialog_opens(action) -> None:
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SettingsDialog):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)
