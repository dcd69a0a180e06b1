"""Where a turn is written: the history (the window, the command line) or nowhere (the API).

The engine talks to one of these two and nothing else in the pipeline knows whether a turn
is kept. ``HistoryRecord`` commits the user's message before generation starts and writes
the reply as it streams (a checkpoint every couple of seconds), so Stop, Ctrl-C or a killed
process leave the partial reply in the history; its prompt is the thread read back from the
history. ``CallerRecord`` holds a conversation the caller carries (the API's ``messages``)
and writes nothing.
"""

from __future__ import annotations

from dataclasses import asdict
from typing import TYPE_CHECKING

from fireside.assistant import language as lang
from fireside.assistant.client_functions import CallerConversation
from fireside.assistant.conversation import Conversation, Message
from fireside.assistant.events import TurnStarted
from fireside.assistant.history import HistoryStore
from fireside.assistant.turn_request import AFTER_CURRENT
from fireside.models.backend import ModelDescription
from fireside.models.sampling import SamplingParams

if TYPE_CHECKING:
    from fireside.assistant.engine import ResolvedTurn


def title_from(text: str) -> str:
    """A new chat's title: its first message on one line, cut at 60 characters."""
    line = " ".join(text.split())
    return (line[:57] + "…") if len(line) > 60 else (line or "New chat")


class CallerRecord:
    """A turn over the caller's own conversation; nothing is stored."""

    conversation_id: int | None = None
    reply_id: int | None = None

    def __init__(self, caller: CallerConversation, default_system: str) -> None:
        self.caller = caller
        self.default_system = default_system

    def commit(self) -> TurnStarted:
        return TurnStarted(None, None, None)

    def system_prompt(self) -> str:
        """The caller's system messages, else the user's own default (as a new chat has)."""
        return self.caller.system if self.caller.system is not None else self.default_system

    def turns(self) -> list[dict]:
        return [dict(m) for m in self.caller.turns]

    def begin_reply(self, description: ModelDescription, params: SamplingParams) -> None:
        pass

    def checkpoint(self, text: str) -> None:
        pass

    def end(self, text: str, status: str, **fields) -> None:
        pass

    def fixed_reply(self, text: str, model: str) -> None:
        pass

    def failed_prompt(self, description: ModelDescription) -> None:
        pass


class HistoryRecord:
    """A turn written into the history, in the conversation the request names (or a new
    one; with a caller's conversation, a new one holding its messages)."""

    def __init__(
        self, history: HistoryStore, turn: ResolvedTurn, system: str | None, default_system: str
    ) -> None:
        self.history = history
        self.turn = turn
        self.system = system  # the request's system prompt, None to keep the chat's
        self.default_system = default_system
        self.conversation: Conversation | None = turn.conversation
        self.user: Message | None = turn.user
        self.reply_id: int | None = None

    @property
    def conversation_id(self) -> int | None:
        return self.conversation.id if self.conversation else None

    def commit(self) -> TurnStarted:
        """Write the user's message (and the chat, when new): the turn has begun."""
        turn, conv = self.turn, self.conversation
        if conv is not None and self.system not in (None, conv.system_prompt):
            self.history.set_system_prompt(conv.id, self.system)
            conv.system_prompt = self.system
        if conv is None:
            conv = self.conversation = self._new_conversation()
        if turn.remember_collections:
            self.history.set_collections(conv.id, turn.collections)
        if turn.remember_assistant:
            name = turn.assistant.name if turn.assistant is not None else None
            if name != conv.assistant:
                self.history.set_assistant(conv.id, name)
                conv.assistant = name
        if self.user is None:
            parent = conv.current_leaf_id if turn.parent_id == AFTER_CURRENT else turn.parent_id
            images = [image.to_dict() for image in turn.images] or None
            self.user = self.history.add_message(
                conv.id, "user", turn.question, parent, images=images
            )
        return TurnStarted(conv.id, self.user.id, self.user.parent_id)

    def _new_conversation(self) -> Conversation:
        turn = self.turn
        caller = turn.caller
        system = self.system
        if system is None:
            system = caller.system if caller and caller.system is not None else self.default_system
        conv = self.history.create_conversation(
            title_from(turn.question), model=turn.backend.description.id, system_prompt=system
        )
        if caller is not None:  # the caller's earlier turns, in order, before the question
            parent = None
            for message in caller.turns[:-1]:
                parent = self.history.add_message(
                    conv.id,
                    message["role"],
                    message["content"],
                    parent,
                    images=message.get("images"),
                ).id
            conv = self.history.get_conversation(conv.id)
        return conv

    def system_prompt(self) -> str:
        """The chat's own prompt; a default it was given (in whatever language) follows the
        default of this turn, so an older chat speaks the user's language too."""
        stored = self.conversation.system_prompt
        if stored is None or (
            lang.is_default_system_prompt(stored)
            and lang.is_default_system_prompt(self.default_system)
        ):
            return self.default_system
        return stored

    def turns(self) -> list[dict]:
        """The thread up to the question, as role/content messages."""
        return [
            {"role": m.role, "content": m.content, **({"images": m.images} if m.images else {})}
            for m in self.history.thread(self.conversation.id, self.user.id)
            if m.role in ("user", "assistant") and (m.content or m.role == "user")
        ]

    def begin_reply(self, description: ModelDescription, params: SamplingParams) -> None:
        self.reply_id = self.history.add_message(
            self.conversation.id,
            "assistant",
            "",
            self.user.id,
            status="streaming",
            model=description.id,
            backend=description.backend,
            settings=asdict(params),
        ).id

    def checkpoint(self, text: str) -> None:
        self.history.update_message(self.reply_id, content=text)

    def end(self, text: str, status: str, **fields) -> None:
        """The reply's final state: complete, stopped or error, with what goes with it."""
        self.history.update_message(self.reply_id, content=text, status=status, **fields)

    def fixed_reply(self, text: str, model: str) -> None:
        """A reply Fireside writes itself, without asking the model."""
        self.reply_id = self.history.add_message(
            self.conversation.id, "assistant", text, self.user.id, model=model
        ).id

    def failed_prompt(self, description: ModelDescription) -> None:
        """The prompt could not be built (it does not fit): an empty reply marked as error."""
        self.reply_id = self.history.add_message(
            self.conversation.id,
            "assistant",
            "",
            self.user.id,
            status="error",
            model=description.id,
            backend=description.backend,
        ).id
