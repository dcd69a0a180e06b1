"""Tools and documents in the real window: approval, inline calls, answers with sources."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from tests.desktop.helpers import type_and_send, wait_idle, wait_loaded


def test_weather_call_waits_for_the_users_approval(qtbot, scripted, make_window):
    # offer tools even to the small scripted model
    scripted.settings_store.set("chat.tools_enabled", True)
    scripted.models.tokens = ['{"tool": "weather", ', '"arguments": {"place": "Oslo"}}']
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    shown = []
    window.approvals.dialog_shown.connect(shown.append)
    type_and_send(qtbot, window, "Weather in Oslo?")
    qtbot.waitUntil(lambda: bool(shown), timeout=30_000)
    dialog = shown[0]
    text = dialog.text()
    assert "weather" in text and "Oslo" in text and "network" in text
    qtbot.mouseClick(dialog.deny_button, Qt.MouseButton.LeftButton)
    wait_idle(qtbot, window)
    cid = window.panel.conversation_id
    reply = scripted.history.thread(cid)[-1]
    assert reply.tool_calls and reply.tool_calls[0]["name"] == "weather"
    assert reply.tool_calls[0]["is_error"]
    assert reply.tool_calls[0]["output"].startswith("the user declined")
    # the call is shown in the transcript with its result
    item_text = window.panel.model.item(window.panel.model.rowCount() - 1).text
    assert "weather" in item_text and "declined" in item_text


@pytest.mark.slow
def test_slash_command_result_is_shown_inline_with_the_real_model(qtbot, core, make_window):
    window = make_window(core)
    wait_loaded(qtbot, window)
    type_and_send(qtbot, window, "/calc 17*23")
    wait_idle(qtbot, window)
    item_text = window.panel.model.item(window.panel.model.rowCount() - 1).text
    assert "calculator" in item_text and "391" in item_text
    stored = core.history.thread(window.panel.conversation_id)[-1]
    assert stored.tool_calls[0]["output"] == "391"


@pytest.mark.slow
def test_answer_from_a_collection_cites_its_source(qtbot, core, make_window, tmp_path):
    from pathlib import Path

    source = Path(__file__).parents[1] / "data" / "documents" / "csv" / "debian.csv"
    window = make_window(core)
    wait_loaded(qtbot, window)
    window.toggle_documents()
    qtbot.waitUntil(lambda: window.docs_dock.panel is not None, timeout=10_000)
    panel = window.docs_dock.panel
    assert panel.add_paths([source])
    qtbot.waitUntil(lambda: not panel.busy, timeout=180_000)
    assert any(status.startswith("indexed") for _name, status in panel.rows())
    window.docs_dock.use_in_chat.setChecked(True)
    assert window.panel.collections == [panel.selected_collection()]
    first_line = source.read_text(encoding="utf-8").splitlines()[1]
    word = next(w for w in first_line.replace(",", " ").split() if len(w) > 4)
    type_and_send(qtbot, window, f"What does the table say about {word}?")
    wait_idle(qtbot, window)
    stored = core.history.thread(window.panel.conversation_id)[-1]
    assert stored.role == "assistant"
    assert stored.citations and stored.citations[0]["document"].endswith("debian.csv")
    item_text = window.panel.model.item(window.panel.model.rowCount() - 1).text
    assert "Sources" in item_text and "debian.csv" in item_text
    window.docs_dock.shutdown()


def test_tool_calls_are_collapsed_and_expand_on_click(qtbot, scripted, make_window):
    long_output = "line one of a long result\n" + "more detail " * 40
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    type_and_send(qtbot, window, "Hello")
    wait_idle(qtbot, window)
    cid = window.panel.conversation_id
    reply = scripted.history.thread(cid)[-1]
    scripted.history.update_message(
        reply.id,
        tool_calls=[
            {
                "name": "lookup",
                "arguments": {"q": "x"},
                "output": long_output,
                "is_error": False,
                "duration_s": 0.2,
            }
        ],
    )
    window.panel.open_conversation(cid)
    row = window.panel.model.rowCount() - 1
    collapsed = window.panel.model.item(row).text
    assert "lookup" in collapsed and "show tool details" in collapsed
    assert "more detail more detail" not in collapsed
    window.panel.on_link("fireside-tools:toggle", row)
    expanded = window.panel.model.item(row).text
    assert "more detail more detail" in expanded and "hide tool details" in expanded
    window.panel.on_link("fireside-tools:toggle", row)
    assert window.panel.model.item(row).text == collapsed


def test_show_tool_details_shows_each_arguments_name_and_the_whole_result(
    qtbot, scripted, make_window
):
    """Clicked in the transcript, the link changes what is on screen, even for a call whose
    one-line summary already showed its short result."""
    from fireside.desktop.message_extras import TOGGLE_TOOLS_LINK

    from tests.desktop.helpers import link_point

    history = scripted.history
    conv = history.create_conversation("Sums")
    question = history.add_message(conv.id, "user", "What is 17*23?")
    answer = history.add_message(conv.id, "assistant", "17 times 23 is 391.", question.id)
    history.update_message(
        answer.id,
        tool_calls=[
            {
                "name": "calculator",
                "arguments": {"expression": "17*23"},
                "output": "391",
                "is_error": False,
                "duration_s": 0.01,
            }
        ],
    )
    window = make_window(scripted, start=False)
    window.open_conversation(conv.id)
    panel = window.panel
    row = panel.model.rowCount() - 1
    index = panel.model.index(row)

    def shown() -> str:
        return panel.docs.document(panel.model.item(row)).toPlainText()

    collapsed = shown()
    assert "calculator" in collapsed and "391" in collapsed and "expression" not in collapsed
    collapsed_height = panel.view.visualRect(index).height()

    point = link_point(qtbot, panel, row, TOGGLE_TOOLS_LINK)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    expanded = shown()
    assert "hide tool details" in expanded
    assert '"expression": "17*23"' in expanded  # the argument by name, in full
    assert "Result" in expanded and "391" in expanded
    qtbot.waitUntil(lambda: panel.view.visualRect(index).height() > collapsed_height + 40)

    point = link_point(qtbot, panel, row, TOGGLE_TOOLS_LINK)
    qtbot.mouseClick(panel.view.viewport(), Qt.MouseButton.LeftButton, pos=point)
    assert shown() == collapsed
    qtbot.waitUntil(lambda: panel.view.visualRect(index).height() == collapsed_height)
