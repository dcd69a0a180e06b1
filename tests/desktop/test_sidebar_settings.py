"""Conversation list (search, rename, delete) and settings that survive a restart."""

from __future__ import annotations

import time

from fireside.assistant.app import build_app
from fireside.desktop.settings_dialog import SettingsDialog
from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication

from tests.desktop.helpers import type_and_send, wait_idle, wait_loaded


def _seed(history):
    ids = {}
    for title, text in [
        ("Pasta recipes", "How long to boil spaghetti?"),
        ("Trip to Lisbon", "Where to eat pastel de nata"),
        ("Python help", "How do I reverse a list?"),
    ]:
        conv = history.create_conversation(title)
        history.add_message(conv.id, "user", text)
        ids[title] = conv.id
        time.sleep(0.01)  # distinct updated_at (millisecond timestamps) for a stable order
    return ids


def test_search_filters_the_sidebar_as_you_type(qtbot, scripted, make_window):
    _seed(scripted.history)
    window = make_window(scripted)
    sidebar = window.sidebar
    assert sidebar.model.titles() == ["Python help", "Trip to Lisbon", "Pasta recipes"]
    qtbot.keyClicks(sidebar.search, "lisb")
    qtbot.waitUntil(lambda: sidebar.model.titles() == ["Trip to Lisbon"])
    sidebar.search.clear()
    qtbot.keyClicks(sidebar.search, "spaghetti")  # message text matches too
    qtbot.waitUntil(lambda: sidebar.model.titles() == ["Pasta recipes"])
    sidebar.search.clear()
    qtbot.waitUntil(lambda: len(sidebar.model.titles()) == 3)


def test_open_rename_and_delete_conversations(qtbot, scripted, make_window):
    ids = _seed(scripted.history)
    window = make_window(scripted)
    sidebar = window.sidebar
    row = sidebar.model.row_of(ids["Trip to Lisbon"])
    qtbot.mouseClick(
        sidebar.list.viewport(),
        Qt.MouseButton.LeftButton,
        pos=sidebar.list.visualRect(sidebar.model.index(row)).center(),
    )
    assert window.panel.conversation_id == ids["Trip to Lisbon"]
    assert [i.text for i in window.panel.model.items()] == ["Where to eat pastel de nata"]
    assert window.windowTitle().startswith("Trip to Lisbon")

    assert sidebar.model.setData(sidebar.model.index(row), "Lisbon, May")
    assert scripted.history.get_conversation(ids["Trip to Lisbon"]).title == "Lisbon, May"

    assert sidebar.delete(ids["Trip to Lisbon"], confirm=False)
    assert "Lisbon, May" not in sidebar.model.titles()
    assert window.panel.conversation_id is None  # the open chat was deleted


def test_a_new_chat_appears_first_in_the_sidebar(qtbot, scripted, make_window):
    _seed(scripted.history)
    window = make_window(scripted)
    type_and_send(qtbot, window, "A brand new question")
    wait_idle(qtbot, window)
    assert window.sidebar.model.titles()[0] == "A brand new question"
    assert window.sidebar.list.currentIndex().row() == 0


def _edit_settings(dialog: SettingsDialog) -> None:
    dialog.system_prompt.setPlainText("You answer like a pirate.")
    dialog.temperature.setValue(0.3)
    dialog.top_p.setValue(0.8)
    dialog.top_k.setValue(20)
    dialog.max_tokens.setValue(300)
    dialog.n_ctx.setValue(2048)
    dialog.threads.setValue(1)
    dialog.idle_unload.setValue(15)
    dialog.gpu_auto.setChecked(False)
    dialog.gpu_layers.setValue(0)
    dialog.theme.setCurrentIndex(dialog.theme.findData("dark"))
    dialog.accept()


def _when_dialog_opens(action) -> None:
    def poll():
        dialog = QApplication.activeModalWidget()
        if isinstance(dialog, SettingsDialog):
            action(dialog)
        else:
            QTimer.singleShot(20, poll)

    QTimer.singleShot(20, poll)


def test_settings_persist_across_a_restart_of_the_window(qtbot, scripted, make_window, smollm_path):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    _when_dialog_opens(_edit_settings)
    window.open_settings()  # Ctrl+, ; modal until the dialog is accepted
    assert window.colors.name == "dark"
    qtbot.waitUntil(lambda: not window.models.loader.busy)  # reloaded for the new context
    window.close()

    again = build_app()  # a fresh start reads settings.json
    try:
        assert again.settings.chat.system_prompt == "You answer like a pirate."
        assert again.settings.window.theme == "dark" and again.settings.model.n_threads == 1
        assert again.settings.model.idle_unload_minutes == 15
        ms = again.settings.model_settings(str(smollm_path))
        assert (ms.n_ctx, ms.n_gpu_layers) == (2048, 0)
        assert (
            ms.sampling.temperature,
            ms.sampling.top_p,
            ms.sampling.top_k,
            ms.sampling.max_tokens,
        ) == (0.3, 0.8, 20, 300)
        second = make_window(again, start=False)
        assert second.colors.name == "dark"
        seen = {}

        def read(dialog: SettingsDialog) -> None:
            seen.update(
                temperature=dialog.temperature.value(),
                n_ctx=dialog.n_ctx.value(),
                theme=dialog.theme.currentData(),
                prompt=dialog.system_prompt.toPlainText(),
            )
            dialog.reject()

        _when_dialog_opens(read)
        second.open_settings()
        assert seen == {
            "temperature": 0.3,
            "n_ctx": 2048,
            "theme": "dark",
            "prompt": "You answer like a pirate.",
        }
    finally:
        again.close()


def test_settings_shortcut_opens_the_dialog(qtbot, scripted, make_window):
    window = make_window(scripted, start=False)
    opened = []
    _when_dialog_opens(lambda dialog: (opened.append(True), dialog.reject()))
    qtbot.keyClick(window, Qt.Key.Key_Comma, Qt.KeyboardModifier.ControlModifier)
    assert opened


def test_a_search_with_no_match_says_so_and_esc_clears_it(qtbot, scripted, make_window):
    from PySide6.QtCore import Qt

    window = make_window(scripted, start=False)
    sidebar = window.sidebar
    scripted.history.create_conversation("Shopping list")
    sidebar.refresh()
    window.focus_search()
    qtbot.keyClicks(sidebar.search, "zebra")
    qtbot.waitUntil(lambda: sidebar.no_match.isVisible())
    assert "zebra" in sidebar.no_match.text() and sidebar.model.rowCount() == 0
    qtbot.keyClick(sidebar.search, Qt.Key.Key_Escape)
    assert sidebar.search.text() == ""
    qtbot.waitUntil(lambda: sidebar.model.rowCount() == 1)
    assert not sidebar.no_match.isVisible()


def _right_click(qtbot, sidebar, row: int, on_menu, drag_to_first: bool = False) -> None:
    """A right-click as X11 delivers it: the press, then the context menu event; while a
    menu is open the popup has the mouse, so the release (after a drag of ``drag_to_first``
    onto its first item, as a shaky hand does) goes to the menu, else to the list. A menu
    that opens is handed to ``on_menu``."""
    from PySide6.QtGui import QContextMenuEvent

    viewport = sidebar.list.viewport()
    pos = sidebar.list.visualRect(sidebar.model.index(row)).center()
    released = []

    def look() -> None:
        menu = QApplication.activePopupWidget()
        if menu is None:
            QTimer.singleShot(20, look)
            return
        if not released:  # opened by the press: the button is still down
            released.append(True)
            if drag_to_first:
                first = menu.actionGeometry(menu.actions()[0]).center()
                qtbot.mouseMove(menu, first)
                qtbot.mouseRelease(menu, Qt.MouseButton.RightButton, pos=first)
                return
        on_menu(menu)

    QTimer.singleShot(0, look)
    qtbot.mousePress(viewport, Qt.MouseButton.RightButton, pos=pos)
    QApplication.sendEvent(
        viewport,
        QContextMenuEvent(QContextMenuEvent.Reason.Mouse, pos, viewport.mapToGlobal(pos)),
    )
    if not released:
        released.append(True)
        qtbot.mouseRelease(viewport, Qt.MouseButton.RightButton, pos=pos)


def test_right_click_opens_only_the_menu_and_esc_cancels_a_rename(qtbot, scripted, make_window):
    from PySide6.QtWidgets import QAbstractItemView, QLineEdit

    ids = _seed(scripted.history)
    window = make_window(scripted, start=False)
    sidebar = window.sidebar
    window.open_conversation(ids["Trip to Lisbon"])
    row = sidebar.model.row_of(ids["Trip to Lisbon"])
    assert sidebar.list.currentIndex().row() == row  # the selected chat
    menus = []

    def close_menu(menu) -> None:
        menus.append(sidebar.list.state())
        qtbot.keyClick(menu, Qt.Key.Key_Escape)

    # a right-click whose release lands a little further down (on "Rename") only opens
    # the menu: the menu opens on the release, so the release cannot choose from it
    _right_click(qtbot, sidebar, row, close_menu, drag_to_first=True)
    qtbot.wait(100)
    assert sidebar.list.state() == QAbstractItemView.State.NoState  # no rename
    assert menus == [QAbstractItemView.State.NoState]  # the menu opened, and only it
    assert not sidebar.list.findChildren(QLineEdit)
    assert window.panel.conversation_id == ids["Trip to Lisbon"]

    # Rename from the menu: the editor has the focus, and Esc gives the old title back
    def choose_rename(menu) -> None:
        qtbot.keyClick(menu, Qt.Key.Key_Down)
        qtbot.keyClick(menu, Qt.Key.Key_Return)

    _right_click(qtbot, sidebar, row, choose_rename)
    qtbot.waitUntil(lambda: sidebar.list.state() == QAbstractItemView.State.EditingState)
    window.activateWindow()  # a window manager does it when the menu closes; offscreen not
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    assert editor.text() == "Trip to Lisbon"
    editor.selectAll()
    qtbot.keyClicks(editor, "Lisbon, May")
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: sidebar.list.state() == QAbstractItemView.State.NoState)
    assert scripted.history.get_conversation(ids["Trip to Lisbon"]).title == "Trip to Lisbon"
    assert sidebar.model.titles()[row] == "Trip to Lisbon"

    # Enter keeps a new title
    sidebar.rename(ids["Trip to Lisbon"])
    qtbot.waitUntil(lambda: isinstance(QApplication.focusWidget(), QLineEdit))
    editor = QApplication.focusWidget()
    editor.selectAll()
    qtbot.keyClicks(editor, "Lisbon, May")
    qtbot.keyClick(editor, Qt.Key.Key_Return)
    qtbot.waitUntil(
        lambda: scripted.history.get_conversation(ids["Trip to Lisbon"]).title == "Lisbon, May"
    )
