"""The window as a new user meets it: every menu action and every button, in three languages.

A fresh data folder, then the walk (``tests/desktop/walk.py``): each action of the menu bar
is triggered, each dialog it opens is walked (every enabled button pressed once, with the
input ``INPUTS`` gives it: a real MCP server for Add…, a real OpenAI-compatible server on
127.0.0.1 for the remote connections, a name for a new collection, real files to index),
and every window seen is checked for text that does not fit. No exception may reach the log.

Each language is walked twice: at 1280x800 with a new user's data, and at the smallest size
the window allows with long names where names are shown (a chat title, a document
collection, a model file: the user's own data, which no translation keeps short).
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
from fireside.desktop.i18n.translators import (
    ENGLISH,
    SIMPLIFIED,
    TRADITIONAL,
    install_translators,
)
from PySide6.QtCore import QObject, QUrl, Slot
from PySide6.QtGui import QDesktopServices
from PySide6.QtWidgets import QApplication, QWidget

from tests.desktop.helpers import fast_settings
from tests.desktop.walk import Walk, choose_file, fill_input_dialog, process
from tests.documents.helpers import index
from tests.remote.server import start_server

pytestmark = pytest.mark.slow

ROOT = Path(__file__).resolve().parents[2]
TEXT_FILE = ROOT / "tests" / "data" / "documents" / "csv" / "debian.csv"
FLOOR = 0.9  # of the actions and enabled buttons seen, at least this share is pressed
LARGE = (1280, 800)  # the README's pictures
# user data as long as people make it, in the window's language where it is words
LONG_CHAT = {
    ENGLISH: "Planning the family trip to Lisbon, Porto and the Algarve with the grandparents",
    SIMPLIFIED: "和爷爷奶奶一起去里斯本、波尔图和阿尔加维的家庭旅行计划与预算安排",
    TRADITIONAL: "和爺爺奶奶一起去里斯本、波爾圖和阿爾加維的家庭旅行計畫與預算安排",
}
LONG_COLLECTION = {
    ENGLISH: "Quarterly financial reports and board meeting minutes 2019-2024 (scanned)",
    SIMPLIFIED: "2019至2024年季度财务报告与董事会会议纪要（扫描件，含附件与补充说明）",
    TRADITIONAL: "2019至2024年季度財務報告與董事會會議紀要（掃描件，含附件與補充說明）",
}
LONG_MODEL = "Meta-Llama-3.1-8B-Instruct-abliterated-uncensored-imatrix-Q4_K_M-00001-of-00001.gguf"


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


def long_names(core, language: str, smollm_path: Path, folder: Path) -> int:
    """A chat, a document collection and a model file with long names; the chat answers
    from the collection and the model is the one in use. Returns the chat's id."""
    folder.mkdir()
    model = folder / LONG_MODEL
    model.symlink_to(smollm_path)
    fast_settings(core, str(model))
    core.settings_store.set("model.path", str(model))
    index(core.documents_store, [TEXT_FILE], collection=LONG_COLLECTION[language])
    chat = core.history.create_conversation(LONG_CHAT[language])
    core.history.add_message(chat.id, "user", "Where do we stay in Porto?")
    core.history.set_collections(chat.id, [LONG_COLLECTION[language]])
    return chat.id


@pytest.mark.parametrize(
    ("language", "smallest"),
    [
        pytest.param(language, smallest, id=f"{language}-{'smallest' if smallest else '1280x800'}")
        for smallest in (False, True)
        for language in (ENGLISH, SIMPLIFIED, TRADITIONAL)
    ],
)
def test_every_action_and_button_works_and_every_text_fits(
    language,
    smallest,
    qapp,
    qtbot,
    core,
    make_window,
    smollm_path,
    tmp_path,
    remote_server,
    url_sink,
    caplog,
    capsys,
):
    installed = install_translators(qapp, language)
    caplog.set_level(logging.WARNING)
    shots = os.environ.get("FIRESIDE_WALK_SHOTS")
    walk = Walk(
        inputs=inputs(tmp_path, remote_server.url),
        shots=Path(shots) if shots else None,
        shot_prefix=f"{language}-{'smallest-' if smallest else ''}",
    )
    chat = long_names(core, language, smollm_path, tmp_path / "long") if smallest else None
    try:
        window = make_window(core)
        if smallest:
            window.resize(window.minimumSize())
            window.open_conversation(chat)
        else:
            window.resize(*LARGE)
        process(200)
        size = f"{window.width()}x{window.height()}"
        walk.check(window, "MainWindow")
        # the window's own buttons first (Send makes a chat for the chat actions)
        walk.walk_buttons(window)
        qtbot.waitUntil(lambda: not window.panel.controller.busy, timeout=60_000)
        walk.walk_menus(window, last=("Ctrl+Q",))
    finally:
        installed.remove()
    with capsys.disabled():
        print(f"\n[{language} {size}{' long names' if smallest else ''}] {walk.report()}")
    errors = [r for r in caplog.records if r.levelno >= logging.ERROR]
    assert not errors, [r.getMessage() for r in errors]
    assert not walk.problems, "\n".join(walk.problems)
    done, seen = walk.coverage()
    assert done / seen >= FLOOR, walk.report()
    assert {"AddServerDialog", "McpServersDialog", "RemoteConnectionsDialog"} <= set(walk.windows)
    assert not [w for w in QApplication.topLevelWidgets() if w.isVisible() and w is not window]


def test_the_walk_sees_text_that_does_not_fit(qtbot):
    """The checks the walk makes, on widgets built to fail them (and to pass them)."""
    from fireside.desktop.eliding_combo import ElidingComboBox
    from PySide6.QtWidgets import (
        QComboBox,
        QLineEdit,
        QPlainTextEdit,
        QStatusBar,
        QTreeWidget,
        QTreeWidgetItem,
        QVBoxLayout,
    )

    from tests.desktop.walk import cut_texts

    long = "weather [network] — The current weather and a three-day forecast for a place"
    root = QWidget()
    layout = QVBoxLayout(root)
    tree = QTreeWidget()
    tree.setHeaderHidden(True)
    cut_item = QTreeWidgetItem([long])
    hovered = QTreeWidgetItem([long.upper()])
    hovered.setToolTip(0, long.upper())  # elided, but whole one hover away: allowed
    tree.addTopLevelItems([cut_item, hovered])
    box = QPlainTextEdit(placeholderText=" ".join(["a hint that wraps"] * 8))
    box.setFixedHeight(30)
    search = QLineEdit(placeholderText="Search every chat you ever had  (Ctrl+K)")
    plain = QComboBox()
    plain.addItem(long)
    elided = ElidingComboBox()
    elided.addItem(long)
    for combo in (plain, elided):  # as narrow as the window, whatever their text
        combo.setSizeAdjustPolicy(QComboBox.SizeAdjustPolicy.AdjustToMinimumContentsLengthWithIcon)
        combo.setMinimumContentsLength(8)
    status = QStatusBar()
    for widget in (tree, box, search, plain, elided, status):
        layout.addWidget(widget)
    qtbot.addWidget(root)
    root.resize(240, 400)
    root.show()
    qtbot.waitExposed(root)
    status.showMessage(long)
    qtbot.wait(50)
    cut = {(c.where.split(" > ")[-1], c.text) for c in cut_texts(root)}
    assert cut == {
        ("QTreeWidget item", long),
        ("QPlainTextEdit", box.placeholderText()),
        ("QLineEdit", search.placeholderText()),
        ("QComboBox", long),
        ("QStatusBar message", long),
    }
    root.resize(900, 400)
    box.setFixedHeight(120)
    qtbot.wait(50)
    assert [c for c in cut_texts(root) if "QStatusBar" not in c.where] == []
