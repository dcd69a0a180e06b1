"""The model worker dies mid-reply: the window stays, the reply shows why, the next works."""

from __future__ import annotations

import os
import signal

import pytest

from tests.desktop.helpers import fast_settings, type_and_send, wait_idle, wait_loaded

pytestmark = pytest.mark.slow


def test_a_killed_worker_marks_the_reply_and_the_next_message_works(
    qtbot, core, smollm_path, make_window
):
    fast_settings(core, str(smollm_path), max_tokens=400)
    window = make_window(core)
    wait_loaded(qtbot, window)
    backend = core.models.current
    pid = backend.pid
    type_and_send(qtbot, window, "Count from 1 to 300, separated by commas.")
    qtbot.waitUntil(lambda: len("".join(window.panel.controller.text_so_far)) > 5, timeout=60_000)
    os.kill(pid, signal.SIGKILL)
    wait_idle(qtbot, window)

    assert window.isVisible()
    user, reply = window.panel.model.items()
    assert user.text == "Count from 1 to 300, separated by commas."
    assert reply.status == "error" and reply.text  # the partial reply stays on screen
    assert "SIGKILL" in reply.error and "memory" in reply.error
    assert window.panel.error_notice.isVisible()
    stored = core.history.thread(window.panel.conversation_id)[-1]
    assert stored.role == "assistant" and stored.status == "error"
    assert stored.content == reply.text
    assert "SIGKILL" in stored.timings["error"]

    fast_settings(core, str(smollm_path), max_tokens=8)
    type_and_send(qtbot, window, "Say hi.")
    wait_idle(qtbot, window)
    items = window.panel.model.items()
    assert [i.role for i in items] == ["user", "assistant", "user", "assistant"]
    assert items[-1].status == "complete" and items[-1].text.strip()
    assert items[1].status == "error"  # the failed reply keeps its mark
    assert backend.pid != pid and backend.running  # a fresh worker
    assert window.status.device_label.text() == "CPU"
