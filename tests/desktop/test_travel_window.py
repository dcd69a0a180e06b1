"""Conversations that travel, in the window: import with progress, export (in the window's
language), thumbs up and down on a reply, and a new chat with an assistant."""

from __future__ import annotations

from pathlib import Path

from fireside.desktop.sidebar import ConversationListModel
from PySide6.QtCore import QItemSelectionModel
from PySide6.QtWidgets import QInputDialog

from tests.desktop.helpers import click_action, type_and_send, wait_idle

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def wait_transfer(qtbot, window) -> None:
    qtbot.waitUntil(lambda: not window.transfer.busy, timeout=30_000)


def test_import_fills_the_chat_list_and_says_what_it_added(qtbot, scripted, make_window, tmp_path):
    window = make_window(scripted, start=False)
    assert window.transfer.start_import(str(EXPORTS / "chatgpt-logactyl.zip"))
    wait_transfer(qtbot, window)
    titles = window.sidebar.model.titles()
    assert "Synthetic attachment and branch chat" in titles and len(titles) == 3
    notice = window.panel.info_notice.text()
    assert "Imported 3 conversations (9 messages, 4 branches) from the ChatGPT export" in notice
    # the same file again adds nothing
    window.transfer.start_import(str(EXPORTS / "chatgpt-logactyl.zip"))
    wait_transfer(qtbot, window)
    assert "3 were imported before and were skipped" in window.panel.info_notice.text()

    # a file that is no export: one line, nothing added
    notes = tmp_path / "notes.json"
    notes.write_text("my notes")
    window.transfer.start_import(str(notes))
    wait_transfer(qtbot, window)
    assert window.panel.error_notice.text().endswith(
        "notes.json is not JSON (nor a zip of JSON files)"
    )
    assert len(window.sidebar.model.titles()) == 3


def test_export_writes_the_file_in_the_windows_language(qtbot, scripted, make_window, tmp_path):
    window = make_window(scripted, start=False)
    window.transfer.start_import(str(EXPORTS / "claude-declaude.json"))
    wait_transfer(qtbot, window)
    cid = scripted.history.id_for_uid("claude:c-1")
    scripted.settings_store.set("window.language", "zh_CN")
    target = tmp_path / "chat.html"
    assert window.transfer.export([cid], "html", str(target))
    wait_transfer(qtbot, window)
    page = target.read_text(encoding="utf-8")
    assert '<html lang="zh-Hans">' in page and ">你<" in page and ">助手<" in page
    assert "Exported 1 chat" in window.panel.info_notice.text()


def test_the_sidebar_exports_the_selected_chats(qtbot, scripted, make_window):
    window = make_window(scripted, start=False)
    window.transfer.start_import(str(EXPORTS / "claude-declaude.json"))
    wait_transfer(qtbot, window)
    sidebar = window.sidebar
    first, second = sidebar.model.index(0), sidebar.model.index(1)
    selection = sidebar.list.selectionModel()
    selection.select(first, QItemSelectionModel.SelectionFlag.ClearAndSelect)
    selection.select(second, QItemSelectionModel.SelectionFlag.Select)
    ids = [first.data(ConversationListModel.IdRole), second.data(ConversationListModel.IdRole)]
    assert sorted(sidebar._chosen(second)) == sorted(ids)
    assert sidebar._chosen(sidebar.model.index(2)) == [
        sidebar.model.index(2).data(ConversationListModel.IdRole)
    ]
    asked = []
    window.transfer.ask_export = asked.append  # the dialogs themselves are Qt's
    sidebar.export_requested.emit(ids)
    assert asked == [ids]


def test_thumbs_up_and_down_are_stored_with_the_reply(qtbot, scripted, make_window, monkeypatch):
    window = make_window(scripted)
    type_and_send(qtbot, window, "Hello")
    wait_idle(qtbot, window)
    row = 1
    click_action(qtbot, window, row, "rate_up")
    reply = scripted.history.get_message(window.panel.model.item(row).message_id)
    assert reply.rating == "up"
    monkeypatch.setattr(QInputDialog, "getText", lambda *a, **k: ("too short", True))
    click_action(qtbot, window, row, "rate_down")
    reply = scripted.history.get_message(reply.id)
    assert (reply.rating, reply.rating_reason) == ("down", "too short")
    item = window.panel.model.item(row)
    labels = [
        label
        for _k, label, _r in window.panel.delegate._footer_layout(
            item, (1, 1), window.panel.view.visualRect(window.panel.model.index(row))
        )
    ]
    assert "✓ Bad" in labels and "“too short”" in labels
    click_action(qtbot, window, row, "rate_down")  # the same again clears it
    assert scripted.history.get_message(reply.id).rating is None


def test_a_new_chat_with_an_assistant_shows_it_and_uses_it(qtbot, scripted, make_window):
    window = make_window(scripted)
    window.panel.language = "zh_CN"
    window._fill_assistants_menu()
    [translator] = [a for a in window.assistants_menu.actions() if "翻译" in a.text()]
    translator.trigger()
    bar = window.panel.assistant_bar
    assert window.panel.assistant == "translator" and bar.isVisible()
    assert "翻译（中英互译）" in bar.title.text()
    starters = [bar.starters.itemAt(i).widget() for i in range(bar.starters.count())]
    starters = [w for w in starters if w is not None]
    assert len(starters) == 2
    starters[1].click()
    assert window.panel.composer.box.toPlainText().startswith("翻译：")
    window.panel.composer.box.clear()
    type_and_send(qtbot, window, "Good morning")
    wait_idle(qtbot, window)
    cid = window.panel.conversation_id
    assert scripted.history.get_conversation(cid).assistant == "translator"
    prompt = scripted.models._backend.calls[-1]
    assert prompt[0]["content"].startswith("You are a translator")
    window.new_chat()
    assert not bar.isVisible()
    window.open_conversation(cid)
    assert bar.isVisible() and window.panel.assistant == "translator"
    bar.clear_button.click()
    assert scripted.history.get_conversation(cid).assistant is None and not bar.isVisible()
