"""The window builds one kind of turn request: documents, tools and slash commands together,
and files dropped on it are read by the same loaders (plugins' included) as the panel's."""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.documents.service import DEFAULT_COLLECTION
from fireside.plugins.hookspecs import hookimpl

from tests.desktop.helpers import type_and_send, wait_idle, wait_loaded
from tests.desktop.test_chat_collections import DATA, _index


def test_a_slash_command_works_in_a_documents_chat(qtbot, scripted, make_window):
    _index(scripted, "releases", DATA / "csv" / "debian.csv")
    scripted.models.tokens = ["It is ", "391."]
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    window.panel.set_collections(["releases"])
    type_and_send(qtbot, window, "/calc 17*23")
    wait_idle(qtbot, window)
    cid = window.panel.conversation_id
    stored = scripted.history.thread(cid)[-1]
    assert stored.tool_calls[0]["output"] == "391" and stored.content == "It is 391."
    assert scripted.history.get_conversation(cid).collections == ["releases"]
    item_text = window.panel.model.item(window.panel.model.rowCount() - 1).text
    assert "calculator" in item_text and "391" in item_text


class UpperCaseNotes:
    """A plugin that reads ``.fsnote`` files (in capitals, so the test can tell)."""

    @hookimpl
    def register_document_loaders(self, register):
        register([".fsnote"], lambda path: Path(path).read_text(encoding="utf-8").upper())


def test_dropped_files_are_read_by_the_loaders_of_plugins(qtbot, scripted, make_window, tmp_path):
    scripted.plugins.add_plugin("notes", UpperCaseNotes())
    store = scripted.documents_store
    collection = store.collection(DEFAULT_COLLECTION, model="hash-64")  # a fast embedder
    note = tmp_path / "minutes.fsnote"
    note.write_text("The board met on Tuesday and chose the blue logo.\n", encoding="utf-8")
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    messages = []
    window.documents.message.connect(lambda text, kind: messages.append(text))
    assert window.documents.add([note])
    qtbot.waitUntil(lambda: not window.documents.busy, timeout=30_000)
    assert any("Indexed 1 of 1" in m for m in messages), messages
    [doc] = store.documents(collection.id)
    assert doc.status == "complete"
    assert [row["text"] for row in store.chunks_of(doc.id)] == [
        "THE BOARD MET ON TUESDAY AND CHOSE THE BLUE LOGO."
    ]
