"""Each chat chooses its own document collections, and finds them again when reopened."""

from __future__ import annotations

from pathlib import Path

from tests.desktop.helpers import type_and_send, wait_idle, wait_loaded

DATA = Path(__file__).parents[1] / "data" / "documents"


def _index(app, name: str, path: Path) -> None:
    """A collection with a fast hashing embedder (MiniLM is covered by the slow tests)."""
    from fireside.assistant.documents.jobs import IndexJob
    from fireside.assistant.documents.store import DocumentStore
    from fireside.models.embedder import HashEmbedder

    store = DocumentStore(app.paths.documents_db)
    embedder = HashEmbedder(64)
    IndexJob(store, store.collection(name, model=embedder.name), [path], embedder=embedder).run()
    store.close()


def _check(picker, name: str) -> None:
    """What a click on ``name`` in the picker's menu does."""
    picker._on_menu()
    [action] = [a for a in picker.menu().actions() if a.text() == name]
    action.trigger()


def test_collections_are_chosen_per_chat(qtbot, scripted, make_window):
    _index(scripted, "releases", DATA / "csv" / "debian.csv")
    _index(scripted, "faq", DATA / "text" / "debian-faq.en.txt")
    scripted.models.tokens = ["Buzz ", "came first [1]."]
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    panel, picker = window.panel, window.panel.picker
    assert picker.text() == "Documents" and panel.collections == []
    picker.refresh()  # the names are read in a worker
    qtbot.waitUntil(
        lambda: (
            picker.available == ["releases", "faq"]
            or sorted(picker.available) == ["faq", "releases"]
        ),
        timeout=10_000,
    )
    _check(picker, "releases")
    assert panel.collections == ["releases"] and "releases" in picker.text()
    type_and_send(qtbot, window, "Which version has the codename Buzz, series buzz?")
    wait_idle(qtbot, window)
    first = panel.conversation_id
    reply = scripted.history.thread(first)[-1]
    assert reply.citations and reply.citations[0]["document"].endswith("debian.csv")
    assert scripted.history.get_conversation(first).collections == ["releases"]

    # a second chat starts plain and answers without sources
    window.new_chat()
    assert panel.collections == [] and picker.text() == "Documents"
    type_and_send(qtbot, window, "Hello there")
    wait_idle(qtbot, window)
    second = panel.conversation_id
    assert second != first
    assert scripted.history.thread(second)[-1].citations == []

    # choosing for an existing chat is saved at once; reopening shows each chat's choice
    _check(picker, "faq")
    assert scripted.history.get_conversation(second).collections == ["faq"]
    window.open_conversation(first)
    assert panel.collections == ["releases"]
    window.open_conversation(second)
    assert panel.collections == ["faq"] and "faq" in picker.text()

    # the documents dock's switch shows and changes the current chat's choice
    window.toggle_documents()
    dock = window.docs_dock
    qtbot.waitUntil(lambda: dock.panel is not None, timeout=10_000)
    dock.panel.refresh_collections(select="faq")
    assert dock.use_in_chat.isChecked()
    dock.use_in_chat.setChecked(False)
    assert panel.collections == [] and scripted.history.get_conversation(second).collections == []
    dock.panel.refresh_collections(select="releases")
    dock.use_in_chat.setChecked(True)
    assert panel.collections == ["releases"]
    dock.shutdown()


def test_a_removed_collection_is_named_in_a_notice(qtbot, scripted, make_window):
    _index(scripted, "releases", DATA / "csv" / "debian.csv")
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    window.panel.set_collections(["old notes", "releases"])
    type_and_send(qtbot, window, "Which version has the codename Rex, series rex?")
    wait_idle(qtbot, window)
    notice = window.panel.info_notice
    assert notice.isVisible() and "old notes" in notice.text()
    cid = window.panel.conversation_id
    assert scripted.history.get_conversation(cid).collections == ["releases"]


def test_regenerate_in_a_documents_chat_keeps_the_sources(qtbot, scripted, make_window):
    _index(scripted, "releases", DATA / "csv" / "debian.csv")
    scripted.models.tokens = ["Rex [1]."]
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    panel = window.panel
    panel.set_collections(["releases"])
    type_and_send(qtbot, window, "Which version has the codename Rex, series rex?")
    wait_idle(qtbot, window)
    row = panel.model.rowCount() - 1
    first = panel.model.item(row).message_id
    assert panel.regenerate(row)
    wait_idle(qtbot, window)
    redo = scripted.history.thread(panel.conversation_id)[-1]
    assert redo.id != first and redo.citations
    assert [m.id for m in scripted.history.siblings(first)] == [first, redo.id]
    assert "Sources" in panel.model.item(panel.model.rowCount() - 1).text


def test_the_documents_panel_sees_collections_made_elsewhere(qtbot, scripted, make_window):
    window = make_window(scripted)
    wait_loaded(qtbot, window)
    dock = window.docs_dock
    window.toggle_documents()
    qtbot.waitUntil(lambda: dock.panel is not None)
    panel = dock.panel
    # a fresh data folder: no collection, and none pretended
    assert panel.combo.count() == 0 and panel.combo.currentIndex() == -1
    assert panel.combo.placeholderText() and not dock.use_in_chat.isEnabled()
    assert scripted.documents_store.collections() == []

    # made by another process (``fireside docs add``) while the panel is open, then reopened
    _index(scripted, "elsewhere", DATA / "csv" / "debian.csv")
    window.toggle_documents()
    window.toggle_documents()
    qtbot.waitUntil(lambda: panel.combo.count() == 1)
    assert [panel.combo.itemData(i) for i in range(panel.combo.count())] == ["elsewhere"]
    assert panel.combo.currentText() == "elsewhere (1 documents)"

    # made elsewhere and chosen beside the message box: the panel shows it, ticked
    _index(scripted, "later", DATA / "text" / "debian-faq.en.txt")
    picker = window.panel.picker
    picker.refresh()
    qtbot.waitUntil(lambda: "later" in picker.available, timeout=10_000)
    _check(picker, "later")
    assert panel.selected_collection() == "later"
    assert dock.use_in_chat.isEnabled() and dock.use_in_chat.isChecked()
