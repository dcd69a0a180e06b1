"""Window behaviour over the real engine and history with a scripted model.

Scripting the tokens makes these fast and exact: the 5,000-token stream, editing with Up,
switching chats mid-reply, a reply that fails half-way, stopping quickly.
"""

from __future__ import annotations

from fireside.assistant.events import TextDelta, TurnDone, TurnStarted
from PySide6.QtCore import QPoint, Qt

from tests.desktop.helpers import action_point, click_action, type_and_send, wait_idle


def test_five_thousand_tokens_stream_into_the_view_in_a_few_batches(qtbot, scripted, make_window):
    tokens = [f"word{i} " if i % 40 else f"\n\nParagraph {i}: " for i in range(5000)]
    scripted.models.tokens = tokens
    window = make_window(scripted)
    batches = []
    window.panel.controller.text_ready.connect(batches.append)
    type_and_send(qtbot, window, "Stream a lot.")
    wait_idle(qtbot, window)

    reply = window.panel.model.item(1)
    assert reply.text == "".join(tokens) and reply.status == "complete"
    assert "".join(batches) == reply.text
    assert len(batches) < 1000  # coalesced, not one signal per token
    stored = window.app.history.get_message(reply.message_id)
    assert stored.content == reply.text
    window.panel.view.viewport().repaint()  # the finished Markdown paints


def test_tokens_from_a_raw_generator_reach_the_view(qtbot, scripted):
    """The controller and the transcript view alone, fed by a bare event generator."""
    from fireside.desktop.chat_controller import ChatController
    from fireside.desktop.markdown_render import MarkdownRenderer
    from fireside.desktop.message_docs import DocumentCache
    from fireside.desktop.theme import LIGHT, document_css
    from fireside.desktop.transcript_delegate import MessageDelegate
    from fireside.desktop.transcript_model import TranscriptModel
    from fireside.desktop.transcript_view import TranscriptView
    from PySide6.QtGui import QGuiApplication

    model = TranscriptModel(scripted.history)
    docs = DocumentCache(MarkdownRenderer(), QGuiApplication.font())
    docs.set_css(document_css(LIGHT))
    view = TranscriptView(model, MessageDelegate(docs, LIGHT, str), docs)
    qtbot.addWidget(view)
    view.resize(700, 500)
    view.show()
    controller = ChatController()
    controller.text_ready.connect(model.append_live)
    done = []
    controller.finished.connect(done.append)

    def events(cancel):
        yield TurnStarted(1, None, None)
        for i in range(5000):
            yield TextDelta("\n" if i % 50 == 49 else "tok ")
        yield TurnDone(1, 1, "", "m", "stop", None, None)

    model.add_pending_user("go")
    model.begin_live()
    controller.start(events)
    qtbot.waitUntil(lambda: bool(done), timeout=10_000)
    expected = "".join("\n" if i % 50 == 49 else "tok " for i in range(5000))
    assert model.item(1).text == expected
    assert view.stick_to_bottom
    view.viewport().repaint()
    assert controller.wait(5000)


def test_stop_takes_effect_within_one_token(qtbot, scripted, make_window):
    scripted.models.tokens = [f"{i}, " for i in range(2000)]
    scripted.models.delay_s = 0.01
    window = make_window(scripted)
    type_and_send(qtbot, window, "Count.")
    qtbot.waitUntil(lambda: len(window.panel.controller.text_so_far) >= 2, timeout=10_000)
    backend = scripted.models.current
    qtbot.keyClick(window.panel.composer.box, Qt.Key.Key_Escape)
    emitted_at_stop = backend.emitted
    wait_idle(qtbot, window)
    assert backend.emitted - emitted_at_stop <= 1  # the token under way, then nothing
    reply = window.panel.model.item(1)
    assert reply.status == "stopped" and 0 < len(reply.text) < len("".join(scripted.models.tokens))
    assert window.app.history.get_message(reply.message_id).status == "stopped"


def test_up_in_an_empty_box_edits_the_last_message_and_keeps_the_original(
    qtbot, scripted, make_window
):
    window = make_window(scripted)
    type_and_send(qtbot, window, "Say hi.")
    wait_idle(qtbot, window)
    original_id = window.panel.model.item(0).message_id

    box = window.panel.composer.box
    qtbot.keyClick(box, Qt.Key.Key_Up)
    assert box.toPlainText() == "Say hi." and window.panel.composer.editing_id == original_id
    assert window.panel.composer.edit_bar.isVisible()
    box.clear()
    type_and_send(qtbot, window, "Say hello.")
    wait_idle(qtbot, window)

    model = window.panel.model
    assert [model.item(r).text for r in range(model.rowCount())] == ["Say hello.", "Hello there!"]
    assert model.versions(0) == (2, 2)
    versions = window.app.history.siblings(model.item(0).message_id)
    assert [m.content for m in versions] == ["Say hi.", "Say hello."]
    click_action(qtbot, window, 0, "prev")  # page back to the original question
    qtbot.waitUntil(lambda: model.item(0).text == "Say hi.")
    assert model.rowCount() == 2 and model.versions(0) == (1, 2)


def test_edit_action_and_escape_cancels_editing(qtbot, scripted, make_window):
    window = make_window(scripted)
    type_and_send(qtbot, window, "First")
    wait_idle(qtbot, window)
    click_action(qtbot, window, 0, "edit")
    composer = window.panel.composer
    assert composer.editing_id == window.panel.model.item(0).message_id
    qtbot.keyClick(composer.box, Qt.Key.Key_Escape)
    assert composer.editing_id is None and composer.box.toPlainText() == ""


def test_switching_chats_while_streaming_reattaches_the_live_reply(qtbot, scripted, make_window):
    other = scripted.history.create_conversation("Earlier chat")
    scripted.history.add_message(other.id, "user", "old question")
    scripted.models.tokens = [f"t{i} " for i in range(150)]
    scripted.models.delay_s = 0.01
    window = make_window(scripted)
    type_and_send(qtbot, window, "Write a long answer.")
    qtbot.waitUntil(
        lambda: (
            window.panel.conversation_id is not None and bool(window.panel.controller.text_so_far)
        ),
        timeout=10_000,
    )
    chat = window.panel.conversation_id
    window.open_conversation(other.id)
    assert [i.text for i in window.panel.model.items()] == ["old question"]
    qtbot.wait(100)
    window.open_conversation(chat)
    assert window.panel.controller.busy
    live = window.panel.model.item(window.panel.model.rowCount() - 1)
    assert live.live and live.text  # what streamed while away is there
    wait_idle(qtbot, window)
    reply = window.panel.model.item(1)
    assert not reply.live and reply.text == "".join(scripted.models.tokens)
    assert window.sidebar.protected_id is None


def test_a_reply_that_fails_midway_shows_the_cause_and_can_be_retried(qtbot, scripted, make_window):
    scripted.models.tokens = ["partial ", "answer ", "more"]
    scripted.models.fail_after = 2
    window = make_window(scripted)
    type_and_send(qtbot, window, "Break please.")
    wait_idle(qtbot, window)
    panel = window.panel
    assert panel.error_notice.isVisible()
    assert "broke down mid-reply" in panel.error_notice.text()
    # the model finishing its load afterwards clears its own notes, not the failed reply
    window.models.message.emit("", "")
    window.models.message.emit("The bundled model is a small demo.", "info")
    assert panel.error_notice.isVisible()
    row = panel.model.rowCount() - 1
    assert panel.model.item(row).status == "error"

    scripted.models.fail_after = None
    click_action(qtbot, window, row, "regenerate")  # shown as "Retry"
    wait_idle(qtbot, window)
    assert panel.model.item(row).text == "partial answer more"
    assert panel.model.item(row).status == "complete"
    assert not panel.error_notice.isVisible()


def test_hovering_an_action_shows_a_pointing_hand(qtbot, scripted, make_window):
    window = make_window(scripted)
    type_and_send(qtbot, window, "Hi")
    wait_idle(qtbot, window)
    view, delegate = window.panel.view, window.panel.delegate
    qtbot.mouseMove(view.viewport(), action_point(qtbot, window, 1, "copy"))
    qtbot.waitUntil(lambda: delegate.hover == (1, "copy"))
    assert view.viewport().cursor().shape() == Qt.CursorShape.PointingHandCursor
    qtbot.mouseMove(view.viewport(), QPoint(2, 2))
    qtbot.waitUntil(lambda: delegate.hover is None)


def test_copy_actions_put_text_on_the_clipboard(qtbot, scripted, make_window):
    from PySide6.QtGui import QGuiApplication

    scripted.models.tokens = ["Here:\n\n", "```python\n", "print('hi')\n", "```\n"]
    window = make_window(scripted)
    type_and_send(qtbot, window, "Code please")
    wait_idle(qtbot, window)
    click_action(qtbot, window, 1, "copy")
    assert QGuiApplication.clipboard().text() == "".join(scripted.models.tokens)
    window.panel.on_link("copy-code:0", 1)
    assert QGuiApplication.clipboard().text() == "print('hi')\n"


def test_new_chat_and_search_shortcuts(qtbot, scripted, make_window):
    window = make_window(scripted)
    type_and_send(qtbot, window, "Hi")
    wait_idle(qtbot, window)
    assert window.panel.conversation_id is not None
    qtbot.keyClick(window, Qt.Key.Key_N, Qt.KeyboardModifier.ControlModifier)
    assert window.panel.conversation_id is None and window.panel.model.rowCount() == 0
    qtbot.keyClick(window, Qt.Key.Key_K, Qt.KeyboardModifier.ControlModifier)
    assert window.sidebar.search.hasFocus()


def test_double_click_makes_a_message_selectable_and_copyable(qtbot, scripted, make_window):
    from fireside.desktop.message_selection import SelectableMessage
    from PySide6.QtGui import QGuiApplication

    scripted.models.tokens = ["Select ", "**some** ", "of this text."]
    window = make_window(scripted)
    type_and_send(qtbot, window, "Say something")
    wait_idle(qtbot, window)
    view, model = window.panel.view, window.panel.model
    qtbot.wait(60)
    body = window.panel.delegate.body_rect(view.visualRect(model.index(1)), model.item(1))
    qtbot.mouseDClick(view.viewport(), Qt.MouseButton.LeftButton, pos=body.center())
    qtbot.waitUntil(lambda: bool(view.viewport().findChildren(SelectableMessage)))
    editor = view.viewport().findChildren(SelectableMessage)[0]
    assert editor.toPlainText() == "Select some of this text."
    assert editor.geometry() == body  # exactly over the painted text
    editor.selectAll()
    editor.copy()
    assert QGuiApplication.clipboard().text() == "Select some of this text."
    qtbot.keyClick(editor, Qt.Key.Key_Escape)
    qtbot.waitUntil(lambda: not view.viewport().findChildren(SelectableMessage))


def test_the_message_box_shows_its_whole_hint_beside_the_documents_panel(
    qtbot, scripted, make_window
):
    from PySide6.QtGui import QFontMetrics

    window = make_window(scripted, start=False)
    window.resize(1180, 780)
    box = window.panel.composer.box
    line = QFontMetrics(box.font()).lineSpacing()
    margin = int(box.document().documentMargin())

    def whole() -> bool:
        return box.viewport().height() - margin >= box.placeholder_height()

    qtbot.waitUntil(lambda: box.placeholder_height() < 1.5 * line)  # one line
    qtbot.waitUntil(whole)
    one_line = box.height()
    window.toggle_documents()  # the panel takes the room the hint had on one line
    qtbot.waitUntil(lambda: box.placeholder_height() >= 2 * line)
    qtbot.waitUntil(whole)
    assert box.height() > one_line
    qtbot.keyClicks(box, "hi")  # text of one line: the box is one line high again
    qtbot.waitUntil(lambda: box.height() == one_line)
    window.docs_dock.shutdown()
