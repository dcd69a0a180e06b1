"""Which document collections a chat answers from, remembered with the conversation.

Users keep several collections (a thesis, the team wiki, tax papers) and want each chat to
answer from its own choice of them, and to find that choice again when they come back to
the chat, in the window or with ``fireside chat -c ID``. The choice is stored on the
conversation row; a collection deleted since then is left out with a note, never an error
that stops the chat.
"""

from __future__ import annotations

from collections.abc import Iterator, Sequence

from fireside.assistant.documents.answering import ask
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.events import Event, TurnError, TurnNotice, TurnStarted
from fireside.assistant.history import HistoryStore


def split_available(store: DocumentStore, names: Sequence[str]) -> tuple[list[str], list[str]]:
    """``names`` split into (collections that exist, collections that no longer do)."""
    existing = {c.name for c in store.collections(counts=False)}
    kept = [n for n in dict.fromkeys(names) if n in existing]
    return kept, [n for n in dict.fromkeys(names) if n not in existing]


def answer_in_chat(
    engine,
    store: DocumentStore,
    history: HistoryStore,
    text: str,
    collections: Sequence[str],
    *,
    conversation_id: int | None = None,
    **ask_options,
) -> Iterator[Event]:
    """One chat turn answered from ``collections``; the conversation remembers them.

    The choice is saved once the turn has a conversation (``TurnStarted``), so a new chat
    started with documents reopens with the same documents.
    """
    kept, missing = split_available(store, collections)
    if missing:
        yield TurnNotice(
            f"The collection{'s' if len(missing) > 1 else ''} "
            f"{', '.join(repr(n) for n in missing)} no longer exist"
            f"{'' if len(missing) > 1 else 's'}; answering without "
            f"{'them' if len(missing) > 1 else 'it'}."
        )
    if not kept:
        yield TurnError(
            "None of this chat's document collections exist any more: choose others or "
            "switch documents off for this chat.",
            conversation_id,
        )
        return
    for event in ask(
        engine, store, text, collections=kept, conversation_id=conversation_id, **ask_options
    ):
        if isinstance(event, TurnStarted):
            history.set_collections(event.conversation_id, kept)
        yield event
