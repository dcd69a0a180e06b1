"""Real turns through the window with the bundled model: send, stop, regenerate."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.desktop.helpers import (
    click_action,
    fast_settings,
    type_and_send,
    wait_idle,
    wait_loaded,
)

pytestmark = pytest.mark.slow


def _assistant_rows(window):
    return [i for i in window.panel.model.items() if i.role == "assistant"]


def test_enter_sends_and_the_streamed_reply_is_shown_and_stored(qtbot, window):
    batches = []
    window.panel.controller.text_ready.connect(batches.append)
    type_and_send(qtbot, window, "Hello! Who are you?")
    assert window.panel.composer.box.toPlainText() == ""  # Enter sent it, no newline left
    wait_idle(qtbot, window)

    items = window.panel.model.items()
    assert [i.role for i in items] == ["user", "assistant"]
    assert items[0].text == "Hello! Who are you?"
    reply = items[1]
    assert reply.text.strip() and not reply.live and reply.status == "complete"
    assert "".join(batches) == reply.text  # it arrived streamed, in batches

    conversation_id = window.panel.conversation_id
    thread = window.app.history.thread(conversation_id)
    assert [m.role for m in thread] == ["user", "assistant"]
    assert thread[1].content == reply.text and thread[1].status == "complete"
    # the sidebar shows the new chat, selected; the status bar has the numbers
    assert window.sidebar.model.ids() == [conversation_id]
    assert "tok/s" in window.status.speed_label.text()
    assert window.status.context_label.text().startswith("context ")
    assert "/ 1,024" in window.status.context_label.text()
    assert (
        window.status.device_label.text() in ("CPU",) or "GPU" in window.status.device_label.text()
    )


def test_stop_keeps_the_partial_reply_marked_stopped(qtbot, core, smollm_path, make_window):
    fast_settings(core, str(smollm_path), max_tokens=400)
    window = make_window(core)
    wait_loaded(qtbot, window)
    type_and_send(qtbot, window, "Count from 1 to 300, separated by commas.")
    qtbot.waitUntil(lambda: len("".join(window.panel.controller.text_so_far)) > 5, timeout=60_000)
    qtbot.keyClick(window.panel.composer.box, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not window.panel.controller.busy, timeout=3000)

    reply = _assistant_rows(window)[-1]
    assert reply.status == "stopped" and reply.text
    stored = window.app.history.get_message(reply.message_id)
    assert stored.status == "stopped"
    assert stored.content == reply.text
    assert window.panel.composer.button.text() == "Send"


def test_regenerate_keeps_both_versions_and_pages_between_them(qtbot, window):
    type_and_send(qtbot, window, "Name a colour.")
    wait_idle(qtbot, window)
    first = _assistant_rows(window)[0]

    click_action(qtbot, window, 1, "regenerate")
    wait_idle(qtbot, window)
    model = window.panel.model
    assert model.rowCount() == 2
    second = model.item(1)
    assert second.message_id != first.message_id and second.status == "complete"
    assert model.versions(1) == (2, 2)  # shown as ‹ 2/2 ›
    siblings = window.app.history.siblings(second.message_id)
    assert [m.id for m in siblings] == [first.message_id, second.message_id]

    click_action(qtbot, window, 1, "prev")
    qtbot.waitUntil(lambda: model.item(1).message_id == first.message_id)
    assert model.versions(1) == (1, 2)
    assert window.app.history.thread(window.panel.conversation_id)[-1].id == first.message_id
    click_action(qtbot, window, 1, "next")
    qtbot.waitUntil(lambda: model.item(1).message_id == second.message_id)


def test_shift_enter_inserts_a_newline_instead_of_sending(qtbot, window):
    box = window.panel.composer.box
    qtbot.keyClicks(box, "line one")
    qtbot.keyClick(box, Qt.Key.Key_Return, Qt.KeyboardModifier.ShiftModifier)
    qtbot.keyClicks(box, "line two")
    assert box.toPlainText() == "line one\nline two"
    assert window.panel.model.rowCount() == 0
