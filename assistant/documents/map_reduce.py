"""Whole documents that do not fit the context: notes per part (map), then one answer
written from the notes (reduce, the turn itself).

The map step asks the model through the engine's own generation path (``ask_model``), so
it uses the turn's model, sampling settings and cancel token like any other generation.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

from fireside.assistant.documents.prompting import build_context, build_notes_context, source_label
from fireside.assistant.documents.types import Hit
from fireside.models.generation import CancelToken

from fireside.errors import FiresideError

MAP_MAX_TOKENS = 320


class ReadingCancelled(FiresideError):
    """The user stopped the turn while the documents were being read."""


def notes_context(
    question: str,
    parts: Sequence[Sequence[Hit]],
    ask_model: Callable[[list[dict], int], str],
    cancel: CancelToken | None = None,
    note_tokens: int = MAP_MAX_TOKENS,
) -> str:
    """The reduce step's context: notes per part, numbered globally so that ``[n]`` in the
    notes still points at a source."""
    notes: list[str] = []
    start = 1
    for part in parts:
        if cancel is not None and cancel.cancelled:
            raise ReadingCancelled("cancelled while reading the documents")
        first, last = part[0], part[-1]
        label = f"{source_label(first.document, first.page)} to {source_label(last.document, last.page)}"
        messages = [
            {
                "role": "system",
                "content": build_context(part, start=start)
                + "\n\nThis is one part of a longer text ("
                + label
                + "). Write short notes with what this part says that helps with the "
                "user's request, citing [n]. If nothing in it helps, write: nothing relevant.",
            },
            {"role": "user", "content": question},
        ]
        text = ask_model(messages, note_tokens)
        if cancel is not None and cancel.cancelled:
            raise ReadingCancelled("cancelled while reading the documents")
        notes.append(f"Part {len(notes) + 1} ({label}):\n{text.strip()}")
        start += len(part)
    return build_notes_context(notes)
