"""The chat itself: transcript, notices and input, and what each user action does.

Every turn (send, regenerate, edit-and-resend) follows one pattern: show the user's side
at once, add a live row, and start the engine's generator in the controller's worker.
Rows are updated from the controller's signals; the history store stays the source of
truth, so a finished reply is re-read from it. A reply keeps streaming if the user opens
another chat meanwhile; coming back re-attaches the live row.
"""

from __future__ import annotations

from fireside.assistant import language as lang
from fireside.assistant.app import App
from fireside.assistant.events import ToolCall, ToolResult, TurnDone, TurnNotice, TurnStarted
from fireside.assistant.turn_request import ToolPolicy, TurnRequest
from fireside.desktop.assistant_bar import AssistantBar
from fireside.desktop.chat_controller import ChatController
from fireside.desktop.collection_picker import CollectionPicker
from fireside.desktop.i18n.translators import window_language
from fireside.desktop.input_box import Composer
from fireside.desktop.markdown_render import COPY_CODE_SCHEME, MarkdownRenderer
from fireside.desktop.message_docs import DocumentCache
from fireside.desktop.message_extras import (
    IMAGE_SCHEME,
    SOURCE_SCHEME,
    TOGGLE_TOOLS_LINK,
    citation_for_link,
    display_text,
    picture_for_link,
)
from fireside.desktop.model_names import model_label
from fireside.desktop.notice import Notice
from fireside.desktop.theme import ChatColors, document_css
from fireside.desktop.tool_call_text import format_tool_call
from fireside.desktop.transcript_delegate import MessageDelegate
from fireside.desktop.transcript_model import TranscriptModel
from fireside.desktop.transcript_view import TranscriptView
from fireside.desktop.web_toggle import WebToggle
from PySide6.QtCore import QUrl, Signal
from PySide6.QtGui import QDesktopServices, QGuiApplication
from PySide6.QtWidgets import QInputDialog, QVBoxLayout, QWidget


class ChatPanel(QWidget):
    conversation_created = Signal(int)
    turn_done = Signal(object)  # TurnDone
    history_changed = Signal()
    context_used = Signal(object)  # tokens in context, or None
    status_message = Signal(str)
    collections_changed = Signal(list)  # the current chat's document collections

    def __init__(self, app: App, colors: ChatColors, parent=None) -> None:
        super().__init__(parent)
        self.app = app
        self.model_path: str | None = None
        self.approve = None  # asks the user before a network/file tool runs (the window sets it)
        self.collections: list[str] = []  # this chat answers from these document collections
        self.assistant: str | None = None  # the chat's assistant (a setting of every turn)
        # the window's language (set by the window): assistants' titles, and a default system
        # prompt is used in it
        self.language = window_language()
        self._calls: dict[str, ToolCall] = {}
        self._expanded_tools: set[int] = set()
        self._sent_images: list = []  # pictures of the message being sent
        self.controller = ChatController(self)
        self.model = TranscriptModel(app.history, self)
        self.docs = DocumentCache(MarkdownRenderer(), QGuiApplication.font())
        self.delegate = MessageDelegate(
            self.docs, colors, lambda path: model_label(app.models, path), self
        )
        self.view = TranscriptView(self.model, self.delegate, self.docs, self)
        self.info_notice = Notice(self)
        self.error_notice = Notice(self)
        self.composer = Composer(self)
        self.picker = CollectionPicker(lambda: collection_names(app), self)
        self.composer.add_accessory(self.picker)
        self.web_toggle = WebToggle(self)  # off unless the user turns the web on
        self.web_toggle.setChecked(app.settings.web.enabled)
        self.composer.add_accessory(self.web_toggle)
        layout = QVBoxLayout(self)
        layout.setContentsMargins(0, 0, 0, 0)
        layout.setSpacing(0)
        for notice in (self.info_notice, self.error_notice):
            holder = QVBoxLayout()
            holder.setContentsMargins(16, 8, 16, 0)
            holder.addWidget(notice)
            layout.addLayout(holder)
        self.assistant_bar = AssistantBar(self)
        layout.addWidget(self.assistant_bar)
        layout.addWidget(self.view, 1)
        layout.addWidget(self.composer)
        self.set_colors(colors)

        c = self.controller
        c.started.connect(self._on_started)
        c.text_ready.connect(self._on_text)
        c.finished.connect(self._on_done)
        c.failed.connect(self._on_failed)
        c.event.connect(self._on_event)
        self.picker.changed.connect(self.set_collections)
        c.busy_changed.connect(self.composer.set_busy)
        self.composer.send_requested.connect(self.send)
        self.composer.edit_submitted.connect(self.resend_edited)
        self.composer.stop_requested.connect(self.stop)
        self.composer.edit_last_requested.connect(self.edit_last)
        self.composer.box.page_key.connect(lambda ev: self.view.keyPressEvent(ev))
        self.composer.attachments.failed.connect(
            lambda text: self.error_notice.show_message(text, "error")
        )
        self.view.action_triggered.connect(self.on_action)
        self.view.link_activated.connect(self.on_link)
        self.assistant_bar.cleared.connect(lambda: self.set_assistant(None))
        self.assistant_bar.starter_chosen.connect(self._use_starter)

    # -- appearance -------------------------------------------------------------------------
    def set_colors(self, colors: ChatColors) -> None:
        self.delegate.colors = colors
        self.docs.set_css(document_css(colors))
        self.delegate.estimated.clear()
        self.view.scheduleDelayedItemsLayout()
        self.view.viewport().update()

    # -- conversations ----------------------------------------------------------------------
    @property
    def conversation_id(self) -> int | None:
        return self.model.conversation_id

    def _showing_turn(self) -> bool:
        return self.controller.busy and self.controller.conversation_id == self.conversation_id

    def open_conversation(self, conversation_id: int | None) -> None:
        self.composer.cancel_edit()
        messages = self.app.history.thread(conversation_id) if conversation_id else []
        if (
            self._showing_turn_for(conversation_id)
            and messages
            and messages[-1].status == "streaming"
        ):
            messages = messages[:-1]
        self.model.load(conversation_id, messages)
        conv = self.app.history.get_conversation(conversation_id) if conversation_id else None
        self._show_collections(conv.collections if conv else [])
        name = conv.assistant if conv else None
        # one deleted since is dropped by the next turn (it sends "": no assistant)
        self.assistant = name if name and self.app.assistants.exists(name) else None
        self._show_assistant()
        if self._showing_turn_for(conversation_id):
            self.model.begin_live("".join(self.controller.text_so_far), self.model_path)
        self.view.scroll_to_end()
        used = next(
            (
                (m.prompt_tokens or 0) + (m.completion_tokens or 0)
                for m in reversed(messages)
                if m.prompt_tokens
            ),
            None,
        )
        self.context_used.emit(used)
        self.composer.box.setFocus()

    def _showing_turn_for(self, conversation_id: int | None) -> bool:
        return (
            self.controller.busy
            and conversation_id is not None
            and self.controller.conversation_id == conversation_id
        )

    def new_chat(self) -> None:
        self.open_conversation(None)
        self.web_toggle.setChecked(self.app.settings.web.enabled)  # the default, per chat

    # -- assistants -------------------------------------------------------------------------
    def set_assistant(self, name: str | None) -> None:
        """This chat's assistant from the next turn on; a new chat takes its collections."""
        self.assistant = name or None
        if self.conversation_id is not None:
            self.app.history.set_assistant(self.conversation_id, self.assistant)
        elif self.assistant is not None:
            found = self._assistant()
            if found is not None and found.collections:
                self._show_collections(found.collections)
        self._show_assistant()

    def _assistant(self):
        if not self.assistant or not self.app.assistants.exists(self.assistant):
            return None
        return self.app.assistants.get(self.assistant).shown(self.language)

    def _show_assistant(self) -> None:
        self.assistant_bar.show_assistant(self._assistant(), self.model.rowCount() == 0)

    def _use_starter(self, text: str) -> None:
        self.composer.box.setPlainText(text)
        self.composer.box.setFocus()

    # -- documents --------------------------------------------------------------------------
    def set_collections(self, names: list[str]) -> None:
        """The user's choice for this chat; a chat not yet saved keeps it until it is."""
        self._show_collections(names)
        if self.conversation_id is not None:
            self.app.history.set_collections(self.conversation_id, self.collections)
        self.status_message.emit(
            self.tr("This chat answers from {names}, with sources").format(
                names=", ".join(self.collections)
            )
            if self.collections
            else self.tr("This chat no longer answers from documents")
        )

    def _show_collections(self, names: list[str]) -> None:
        self.collections = list(dict.fromkeys(names))
        self.picker.set_selected(self.collections)
        self.collections_changed.emit(list(self.collections))

    # -- turns ------------------------------------------------------------------------------
    def _start(self, **turn) -> bool:
        """Show the live row and run the turn; the window never chooses between a document
        turn and a plain one: the request carries the chat's collections either way."""
        self.error_notice.hide()
        self.model.begin_live(model=self.model_path)
        self.view.scroll_to_end()
        request = TurnRequest(
            collections=list(self.collections),
            model=self.model_path,
            tools=ToolPolicy(approve=self.approve, web=self.web_toggle.isChecked()),
            assistant=self.assistant or "",
            language=lang.from_locale(self.language),
            **turn,
        )
        if self.assistant_bar.isVisible():
            self.assistant_bar.show_assistant(self.assistant_bar.shown, False)
        return self.controller.run_turn(self.app.engine, request)

    def send(self, text: str) -> bool:
        images = self.composer.attachments.images
        if self.controller.busy or not (text.strip() or images):
            return False
        images = self.composer.attachments.take()
        self._sent_images = images  # put back if the message cannot be sent
        self.model.add_pending_user(text)
        return self._start(text=text, conversation_id=self.conversation_id, images=images)

    def regenerate(self, row: int) -> bool:
        if self.controller.busy:
            return False
        item = self.model.item(row)
        message_id = item.message_id
        if message_id is None and row > 0:  # a failed reply never stored: retry its question
            message_id = self.model.item(row - 1).message_id
        if message_id is None:
            return False
        keep = row + 1 if item.role == "user" else row
        self.model.truncate(keep)
        return self._start(regenerate=message_id, conversation_id=self.conversation_id)

    def edit_last(self) -> None:
        row = self.model.last_user_row()
        if row is not None and not self.controller.busy:
            item = self.model.item(row)
            self.composer.begin_edit(item.message_id, item.text)

    def resend_edited(self, message_id: int, text: str) -> bool:
        if self.controller.busy:
            return False
        rows = [r for r, it in enumerate(self.model.items()) if it.message_id == message_id]
        if not rows:
            return self.send(text)
        self.model.truncate(rows[0])
        self.model.add_pending_user(text)
        return self._start(text=text, edit=message_id, conversation_id=self.conversation_id)

    def toggle_tool_details(self, row: int) -> None:
        """Collapse or expand the tool calls shown above a stored reply."""
        item = self.model.item(row)
        if item.message_id is None:
            return
        message = self.app.history.get_message(item.message_id)
        expanded = item.message_id not in self._expanded_tools
        self._expanded_tools.symmetric_difference_update({item.message_id})
        item.parts[:] = [display_text(message, expanded)]
        item.revision += 1
        self.model.refresh_row(row)

    def _on_event(self, event) -> None:
        """Tool calls appear inline in the live reply as they happen."""
        if isinstance(event, TurnNotice) and self._showing_turn():
            self.info_notice.show_message(event.text)
        elif isinstance(event, ToolCall):
            self._calls[event.call_id] = event
        elif isinstance(event, ToolResult) and self._showing_turn():
            call = self._calls.pop(event.call_id, None)
            args = call.arguments if call is not None else {}
            line = format_tool_call(
                event.name, args, event.output, event.is_error, event.duration_s
            )
            self.model.append_live(line + "\n\n")

    def stop(self) -> None:
        self.controller.stop()

    def _on_started(self, event: TurnStarted) -> None:
        if self.conversation_id is None and self.model.live_row() is not None:
            self.model.conversation_id = event.conversation_id
            self.conversation_created.emit(event.conversation_id)
        if self.conversation_id == event.conversation_id:
            self.model.set_user_id(event.user_message_id)
            if self._sent_images and event.user_message_id is not None:
                # the stored question carries its pictures' thumbnails: show them now
                self.model.replace_user(self.app.history.get_message(event.user_message_id))
        self._sent_images = []
        self.history_changed.emit()

    def _on_text(self, text: str) -> None:
        if self._showing_turn():
            self.model.append_live(text)

    def _on_done(self, done: TurnDone) -> None:
        if self.conversation_id == done.conversation_id:
            try:
                self.model.finish_live(self.app.history.get_message(done.message_id))
                # collections deleted since were dropped by the turn: show what remains
                conv = self.app.history.get_conversation(done.conversation_id)
                if conv.collections != self.collections:
                    self._show_collections(conv.collections)
            except KeyError:  # the chat was deleted meanwhile
                self.model.fail_live(self.tr("this reply was not saved"))
            self.context_used.emit(done.usage.prompt_tokens + done.usage.completion_tokens)
        self.turn_done.emit(done)
        self.history_changed.emit()

    def _on_failed(self, message: str) -> None:
        here = self.conversation_id == self.controller.conversation_id
        if here and self.model.live_row() is not None:
            restored = self.model.remove_pending()  # the message was never stored
            if restored is None:
                self.model.fail_live(message)
            elif not self.composer.box.toPlainText():
                self.composer.box.setPlainText(restored)
            if restored is not None and self._sent_images:
                self.composer.attachments.restore(self._sent_images)
        self._sent_images = []
        self.error_notice.show_message(message, "error")
        self.history_changed.emit()

    # -- per-message actions ----------------------------------------------------------------
    def on_action(self, key: str, row: int) -> None:
        item = self.model.item(row)
        if key == "copy":
            QGuiApplication.clipboard().setText(item.text)
            self.status_message.emit(self.tr("Message copied"))
        elif key == "regenerate":
            self.regenerate(row)
        elif key == "edit" and item.message_id is not None and not self.controller.busy:
            self.composer.begin_edit(item.message_id, item.text)
        elif key in ("prev", "next"):
            self.show_version(row, -1 if key == "prev" else 1)
        elif key in ("rate_up", "rate_down"):
            self.rate(row, key.removeprefix("rate_"))

    def rate(self, row: int, rating: str, reason: str | None = None, ask: bool = True) -> bool:
        """Thumbs up or down on a reply; the same again clears it. A thumbs down asks why
        (the reason is optional) unless ``reason`` is given."""
        item = self.model.item(row)
        if item.message_id is None or item.role != "assistant" or item.live:
            return False
        new = None if item.rating == rating else rating
        if new == "down" and reason is None and ask:
            reason, ok = QInputDialog.getText(
                self, self.tr("Rate reply"), self.tr("What was wrong with it? (optional)")
            )
            if not ok:
                return False
        message = self.app.history.rate(item.message_id, new, reason)
        item.rating, item.rating_reason = message.rating, message.rating_reason
        self.model.refresh_row(row)
        if new is not None:
            self.status_message.emit(self.tr("Thanks: the rating is saved with the reply"))
        return True

    def show_version(self, row: int, step: int) -> bool:
        """Page to another version of the message in ``row`` (and the thread below it)."""
        if self._showing_turn():
            return False
        sibling = self.model.sibling_id(row, step)
        if sibling is None:
            return False
        visible = [
            m for m in self.app.history.select_branch(sibling) if m.role in ("user", "assistant")
        ]
        self.model.replace_from(row, visible[row + self.model.offset :])
        return True

    def on_link(self, href: str, row: int) -> None:
        if href.startswith(COPY_CODE_SCHEME):
            blocks = self.docs.rendered(self.model.item(row)).code_blocks
            number = int(href[len(COPY_CODE_SCHEME) :])
            if number < len(blocks):
                QGuiApplication.clipboard().setText(blocks[number])
                self.status_message.emit(self.tr("Code copied"))
        elif href == TOGGLE_TOOLS_LINK:
            self.toggle_tool_details(row)
        elif href.startswith(IMAGE_SCHEME):
            self.open_picture(row, href)
        elif href.startswith(SOURCE_SCHEME):
            item = self.model.item(row)
            if item.message_id is None:
                return
            message = self.app.history.get_message(item.message_id)
            citation = citation_for_link(href, message.citations)
            if citation is not None:
                from fireside.desktop.source_viewer import open_citation  # loaded on first use

                store = lambda: self.app.documents_store  # noqa: E731  (opened on the worker)
                open_citation(self, citation, lambda path, page: store().ocr_result_at(path, page))
        elif href.startswith(("http://", "https://")):
            QDesktopServices.openUrl(QUrl(href))

    def open_picture(self, row: int, href: str) -> None:
        """A message's picture at full size, in the source viewer (read on its worker)."""
        item = self.model.item(row)
        image = picture_for_link(href, item.images)
        if image is None:
            return
        from fireside.desktop.source_viewer import open_citation  # loaded on first use

        path = self.app.history.images.path(image["sha256"], image["mime"])
        open_citation(self, {"document": str(path), "page": 1, "title": image.get("name")})


def collection_names(app) -> list[str]:
    """Worker side: the names of the document collections, for the picker."""
    return [c.name for c in app.documents_store.collections(counts=False)]
