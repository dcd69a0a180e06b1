"""Tools > MCP servers over a real app and a real MCP server (mcp-server-time)."""

from __future__ import annotations

import json
import sys

from fireside.assistant.mcp.config import ServerConfig
from fireside.desktop.mcp_dialog import ERROR_COLOR, AddServerDialog, McpServersDialog
from PySide6.QtCore import Qt

TIME = ServerConfig("time", command=sys.executable, args=["-m", "mcp_server_time"])


def open_dialog(qtbot, app) -> McpServersDialog:
    dialog = McpServersDialog(app.mcp)
    qtbot.addWidget(dialog)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    return dialog


def children(row):
    return [
        (row.child(i).text(0), row.child(i).text(1), row.child(i).text(2))
        for i in range(row.childCount())
    ]


def test_servers_their_tools_and_errors_are_shown(qtbot, core, fireside_home):
    core.mcp.config.save([TIME, ServerConfig("broken", command="/nonexistent/server")])
    dialog = open_dialog(qtbot, core)
    time_row = dialog.item("time")
    assert time_row.text(1) == "running, 2 tools"
    assert time_row.checkState(0) == Qt.CheckState.Checked
    assert {c[0] for c in children(time_row)} == {"get_current_time", "convert_time"}
    broken = dialog.item("broken")
    assert broken.text(1) == "failed"
    (error,) = children(broken)
    assert error[2] == "command not found: /nonexistent/server"
    assert broken.child(0).foreground(2).color() == ERROR_COLOR
    assert dialog.status.text() == "1 of 2 servers running"


def test_disable_add_and_remove_are_saved(qtbot, core, fireside_home):
    core.mcp.config.save([TIME])
    dialog = open_dialog(qtbot, core)
    dialog.item("time").setCheckState(0, Qt.CheckState.Unchecked)
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    saved = json.loads((fireside_home / "config" / "mcp.json").read_text())
    assert saved["mcpServers"]["time"]["disabled"] is True
    assert dialog.item("time").text(1) == "disabled"

    form = AddServerDialog()
    qtbot.addWidget(form)
    form.name.setText("utc")
    form.command.setText(f'"{sys.executable}" -m mcp_server_time --local-timezone UTC')
    form.pairs.setPlainText("TZ=UTC")
    dialog.add_server(form.build())
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert dialog.item("utc").text(1) == "running, 2 tools"
    saved = json.loads((fireside_home / "config" / "mcp.json").read_text())
    assert saved["mcpServers"]["utc"]["env"] == {"TZ": "UTC"}

    dialog.tree.setCurrentItem(dialog.item("utc"))
    dialog.remove_selected()
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert dialog.item("utc") is None


def test_the_add_form_refuses_bad_input(qtbot):
    form = AddServerDialog()
    qtbot.addWidget(form)
    form.name.setText("web")
    form.kind.setCurrentIndex(1)
    form.url.setText("ftp://example")
    form._accept()
    assert "url must start with http(s)://" in form.error.text()
    assert form.server is None


def test_the_menu_opens_it(qtbot, core, make_window, monkeypatch):
    window = make_window(core, start=False)
    opened = []
    monkeypatch.setattr(McpServersDialog, "exec", lambda self: opened.append(self) or 0)
    actions = {a.text(): a for menu in window.menuBar().actions() for a in menu.menu().actions()}
    actions["MCP servers…"].trigger()
    assert len(opened) == 1
    qtbot.waitUntil(lambda: not opened[0].busy, timeout=60000)


def test_routing_can_be_turned_off_in_the_plugins_page(qtbot, fireside_home):
    from fireside.assistant.app import build_app
    from fireside.assistant.settings_store import SettingsStore
    from fireside.desktop.plugins_page import PluginsPage
    from fireside.desktop.settings_bridge import SettingsBridge

    app = build_app()
    try:
        bridge = SettingsBridge(app.settings_store)
        page = PluginsPage(app.plugins, bridge)
        qtbot.addWidget(page)
        assert page.routing.isChecked()
        page.routing.setChecked(False)
        assert app.settings.chat.routing_enabled is False
        qtbot.waitUntil(lambda: not bridge.busy)
        assert SettingsStore(app.paths.settings_file).settings.chat.routing_enabled is False
    finally:
        app.close()


def test_add_button_adds_a_server_through_the_form(qtbot, core, fireside_home):
    """Tools > MCP servers > Add…: the button, the form, OK; the server is saved and runs."""
    from PySide6.QtCore import QTimer
    from PySide6.QtWidgets import QApplication, QDialogButtonBox

    dialog = open_dialog(qtbot, core)
    errors = []
    tries = iter(range(500))  # about ten seconds

    def fill_in() -> None:
        form = QApplication.activeModalWidget()
        if not isinstance(form, AddServerDialog):
            if next(tries, None) is not None:
                QTimer.singleShot(20, fill_in)
            return
        form.name.setText("clock")
        form.command.setText(f'"{sys.executable}" -m mcp_server_time --local-timezone UTC')
        ok = form.findChild(QDialogButtonBox).button(QDialogButtonBox.StandardButton.Ok)
        qtbot.mouseClick(ok, Qt.MouseButton.LeftButton)
        errors.append(form.error.text())

    QTimer.singleShot(20, fill_in)
    qtbot.mouseClick(dialog.add_button, Qt.MouseButton.LeftButton)  # modal until OK
    assert errors == [""]
    qtbot.waitUntil(lambda: not dialog.busy, timeout=60000)
    assert "bool" not in dialog.status.text()
    assert dialog.item("clock").text(1) == "running, 2 tools"
    saved = json.loads((fireside_home / "config" / "mcp.json").read_text())
    assert saved["mcpServers"]["clock"]["args"][-2:] == ["--local-timezone", "UTC"]
