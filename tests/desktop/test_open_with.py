"""A GGUF handed to the app by the desktop ("Open With", a double-click) becomes the model."""

from __future__ import annotations

from fireside.desktop.file_open import FileOpenFilter
from PySide6.QtGui import QFileOpenEvent
from PySide6.QtWidgets import QApplication

from fireside.launcher import opens_model
from tests.desktop.helpers import copy_model_to, wait_loaded


def test_the_launcher_sends_a_lone_gguf_to_the_window_and_the_rest_to_the_command_line():
    assert opens_model(["/models/Qwen2.5-7B-Instruct-Q4_K_M.GGUF"])
    assert not opens_model([])
    assert not opens_model(["chat", "hello"])
    assert not opens_model(["models", "show", "a.gguf"])


def test_a_window_started_with_a_model_loads_it_instead_of_the_last_one(
    qtbot, scripted, make_window, smollm_path, tmp_path
):
    chosen = copy_model_to(smollm_path, tmp_path / "opened")
    window = make_window(scripted, start=False)
    window.start(str(chosen))
    qtbot.waitUntil(lambda: window.models.good_path == str(chosen), timeout=10_000)
    assert window.app.settings.model.recent[0] == str(chosen)


def test_a_file_open_event_loads_the_model_in_the_running_window(
    qtbot, scripted, make_window, smollm_path, tmp_path
):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    chosen = copy_model_to(smollm_path, tmp_path / "finder")
    qt_app = QApplication.instance()
    file_open = FileOpenFilter(window.handle_dropped, window)
    qt_app.installEventFilter(file_open)
    try:
        QApplication.sendEvent(qt_app, QFileOpenEvent(str(chosen)))
        qtbot.waitUntil(lambda: window.models.good_path == str(chosen), timeout=10_000)
    finally:
        qt_app.removeEventFilter(file_open)
