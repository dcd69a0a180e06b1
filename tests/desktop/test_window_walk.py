"""The window as a new user meets it: every menu action and every button, in two languages.

A fresh data folder, then the walk (``tests/desktop/walk.py``): each action of the menu bar
is triggered, each dialog it opens is walked (every enabled button pressed once, with the
input ``INPUTS`` gives it: a real MCP server for Add…, a real OpenAI-compatible server on
127.0.0.1 for the remote connections, a name for a new collection, real files to index),
and every window seen is checked for text that does not fit. No exception may reach the log.
The coverage is printed (``-s``) and must stay above a floor; set ``FIRESIDE_WALK_SHOTS`` to
a folder to keep a picture of each window walked.
"""

from __future__ import annotations

import json
import logging
import os
import sys
from pathlib import Path

import pytest
from fireside.desktop.i18n.translators import ENGLISH, SIMPLIFIED, install_translators
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QWidget

from tests.desktop.walk import Walk, choose_file, fill_input_dialog, process
from tests.remote.server import start_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TEXT_FILE = ROOT / "tests" / "data" / "documents" / "csv" / "debian.csv"
FLOOR = 0.9  # of the actions and enabled buttons seen, at least this share is pressed


@pytest.fixture(scope="module")
def remote_server(smollm_path, tmp_path_factory):
    server = start_server(smollm_path, tmp_path_factory.mktemp("walk-server"))
    yield server
    server.stop()


class UrlSink(QObject):
    """Opening a folder or a file asks the desktop; here the request is only recorded."""

    def __init__(self) -> None:
        super().__init__()
        self.opened: list[str] = []

    @Slot(QUrl)
    def open(self, url: QUrl) -> None:
        self.opened.append(url.toString())


@pytest.fixture
def url_sink():
    sink = UrlSink()
    for scheme in ("file", "http", "https"):
        QDesktopServices.setUrlHandler(scheme, sink, "open")
    yield sink
    for scheme in ("file", "http", "https"):
        QDesktopServices.unsetUrlHandler(scheme)


def _set(attribute: str, value: str):
    def fill(top: QWidget, _button) -> None:
        getattr(top, attribute).setText(value)

    return fill


def _select_first(view_attribute: str):
    """Select the first row of a list, tree or table (what Remove and Restart act on)."""

    def fill(top: QWidget, _button) -> None:
        owner = top
        for name in view_attribute.split("."):
            owner = getattr(owner, name)
        model = owner.model()
        if model is not None and model.rowCount() > 0:
            owner.setCurrentIndex(model.index(0, 0))
            owner.selectionModel().select(
                model.index(0, 0),
                owner.selectionModel().SelectionFlag.ClearAndSelect
                | owner.selectionModel().SelectionFlag.Rows,
            )
        process(50)

    return fill


def inputs(tmp_path: Path, remote_url: str) -> dict:
    """What a button needs before it is pressed, keyed as ``walk.button_key`` names it."""
    imported = tmp_path / "claude_desktop_config.json"
    imported.write_text(
        json.dumps(
            {
                "mcpServers": {
                    "clock": {
                        "command": sys.executable,
                        "args": ["-m", "mcp_server_time", "--local-timezone", "UTC"],
                    }
                }
            }
        )
    )
    folder = tmp_path / "notes"
    folder.mkdir()
    (folder / "notes.md").write_text("# Notes\n\nThe warranty lasts two years.\n")
    time_server = f"{sys.executable} -m mcp_server_time --local-timezone UTC"

    def compose(composer: QWidget, _button) -> None:
        composer.box.setPlainText("Hello there")

    def add_server(top: QWidget, _button) -> None:
        top.name.setText("time")
        top.command.setText(time_server)

    def remote(top: QWidget, _button) -> None:
        top.name.setText("lab")
        top.url.setText(remote_url)

    return {
        # the main window
        "Composer.button": compose,
        # Tools > MCP servers…: Add… with a real stdio server, Import… a Claude Desktop file
        "open:AddServerDialog": add_server,
        "open:McpServersDialog.import_button": choose_file(imported),
        "McpServersDialog.refresh_button": _select_first("tree"),
        "McpServersDialog.remove_button": _select_first("tree"),
        # Model > Remote connections…: a real OpenAI-compatible server on 127.0.0.1
        "RemoteConnectionsDialog.add_button": remote,
        "RemoteConnectionsDialog.remove_button": _select_first("list"),
        # Tools > Documents…: a new collection, a file and a folder indexed into it
        "open:DocumentsPanel.new_button": fill_input_dialog("walk notes"),
        "open:DocumentsPanel.add_files_button": choose_file(TEXT_FILE),
        "open:DocumentsPanel.add_folder_button": choose_file(folder),
        "DocumentsPanel.remove_button": _select_first("table"),
        # Model > Open GGUF…, and folders in the library: cancelled
        "open:QFileDialog": choose_file(None),
    }


@pytest.mark.parametrize("language", [ENGLISH, SIMPLIFIED])
def test_every_action_and_button_works_and_every_text_fits(
    language, qapp, qtbot, core, make_window, tmp_path, remote_server, url_sink, caplog, capsys
):
    installed = install_translators(qapp, language)
    caplog.set_level(logging.WARNING)
    shots = os.environ.get("FIRESIDE_WALK_SHOTS")
    walk = Walk(
        inputs=inputs(tmp_path, remote_server.url),
        shots=Path(shots) if shots else None,
        shot_prefix=f"{language}-",
    )
    try:
        window = make_window(core)
        window.resize(1280, 800)
        process(200)
        walk.check(window, "MainWindow")
        # the window's own buttons first (Send makes a chat for the chat actions)
        walk.walk_buttons(window)
        qtbot.waitUntil(lambda: not window.panel.controller.busy, timeout=60_000)
        walk.walk_menus(window, last=("Ctrl+Q",))
    finally:
        installed.remove()
    with capsys.disabled():
        print(f"\n[{language}] {walk.report()}")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    assert not walk.problems, "\n".join(walk.problems)
    done, seen = walk.coverage()
    assert done / seen >= FLOOR, walk.report()
    assert {"AddServerDialog", "McpServersDialog", "RemoteConnectionsDialog"} <= set(walk.windows)
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]
