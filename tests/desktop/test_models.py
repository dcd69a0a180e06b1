"""Choosing models: inspection before loading, clear refusals, the window stays usable."""

from __future__ import annotations

import pytest
from fireside.assistant.settings_store import setting
from fireside.desktop import model_loader, model_switcher

from tests.desktop.helpers import copy_model_to, type_and_send, wait_idle, wait_loaded


def _choose_in_picker(window, path) -> None:
    window.settings_bridge.update(setting("model.recent", [str(path)]))
    index = window.picker.findData(str(path))
    assert index >= 0, "the picker lists the recent model"
    window.picker.setCurrentIndex(index)
    window.picker.activated.emit(index)


@pytest.mark.slow
@pytest.mark.parametrize("kind", ["truncated", "garbage", "header_only"])
def test_a_broken_gguf_is_refused_with_its_cause_and_the_window_keeps_working(
    qtbot, window, kind, truncated_gguf, not_gguf, header_only_gguf
):
    broken = {"truncated": truncated_gguf, "garbage": not_gguf, "header_only": header_only_gguf}[
        kind
    ]
    wait_loaded(qtbot, window)
    bundled = window.models.good_path
    _choose_in_picker(window, broken)
    qtbot.waitUntil(lambda: window.panel.error_notice.isVisible(), timeout=10_000)
    text = window.panel.error_notice.text()
    assert broken.name in text
    assert {"truncated": "truncated", "garbage": "not a GGUF", "header_only": "GGUF"}[kind] in text
    qtbot.waitUntil(lambda: not window.models.loader.busy)
    assert window.picker.current_path() == bundled  # back to the model that works
    assert window.app.settings.model.path is None  # the broken file was not remembered

    type_and_send(qtbot, window, "Hi")
    wait_idle(qtbot, window)
    assert window.panel.model.item(1).status == "complete" and window.panel.model.item(1).text


def test_what_inspection_found_is_shown_before_loading(
    qtbot, scripted, make_window, smollm_path, tmp_path
):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    copy = copy_model_to(smollm_path, tmp_path)
    shown = []
    window.models.loader.inspected.connect(
        lambda insp: shown.append(window.status.currentMessage())
    )
    _choose_in_picker(window, copy)
    qtbot.waitUntil(lambda: window.models.good_path == str(copy), timeout=10_000)
    assert shown and "Q4_1" in shown[0] and "context" in shown[0] and "needs" in shown[0]
    assert "Q4_1" in window.status.model_label.toolTip()
    assert window.app.settings.model.path == str(copy)
    assert window.app.settings.model.recent[0] == str(copy)
    assert not window.panel.info_notice.isVisible()  # the demo-model note is gone


def test_a_model_too_big_for_memory_is_refused_before_loading(
    qtbot, scripted, make_window, smollm_path, tmp_path, monkeypatch
):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    monkeypatch.setattr(model_loader, "available_memory", lambda: 50 * 2**20)
    copy = copy_model_to(smollm_path, tmp_path)
    _choose_in_picker(window, copy)
    qtbot.waitUntil(lambda: window.panel.error_notice.isVisible(), timeout=10_000)
    text = window.panel.error_notice.text()
    assert "needs about" in text and "only 50 MB is available" in text
    assert window.models.good_path != str(copy)


def test_open_gguf_dialog_and_dropping_a_gguf_choose_the_model(
    qtbot, scripted, make_window, smollm_path, tmp_path, monkeypatch
):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    first = copy_model_to(smollm_path, tmp_path / "a")
    monkeypatch.setattr(model_switcher, "ask_for_gguf", lambda parent, start: str(first))
    window.picker.open_requested.emit()
    qtbot.waitUntil(lambda: window.models.good_path == str(first), timeout=10_000)

    second = copy_model_to(smollm_path, tmp_path / "b")
    window.handle_dropped([second])
    qtbot.waitUntil(lambda: window.models.good_path == str(second), timeout=10_000)
    assert window.app.settings.model.recent[:2] == [str(second), str(first)]


def test_switching_model_while_a_reply_streams_waits_for_the_reply(
    qtbot, scripted, make_window, smollm_path, tmp_path
):
    scripted.models.tokens = [f"{i} " for i in range(100)]
    scripted.models.delay_s = 0.01
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    type_and_send(qtbot, window, "Go")
    qtbot.waitUntil(lambda: bool(window.panel.controller.text_so_far), timeout=10_000)
    assert not window.picker.isEnabled()
    copy = copy_model_to(smollm_path, tmp_path)
    window.handle_dropped([copy])
    assert not window.models.loader.busy  # not while streaming
    wait_idle(qtbot, window)
    qtbot.waitUntil(lambda: window.models.good_path == str(copy), timeout=10_000)
    assert window.picker.isEnabled()


def test_first_run_explains_the_bundled_demo_model(qtbot, scripted, make_window):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    assert window.panel.info_notice.isVisible()
    assert "SmolLM2 135M" in window.panel.info_notice.text()
    assert "Open GGUF" in window.panel.info_notice.text()
    assert "bundled" in window.status.model_label.text()
