"""Short ways to run one turn in tests: each builds the ``TurnRequest`` a front end would.

``tools`` defaults to None here (no tools, no slash commands), as a plain engine call had;
pass ``tools=ToolPolicy(...)`` for a turn with tools.
"""

from __future__ import annotations

from collections.abc import Iterator

from fireside.assistant.events import Event
from fireside.assistant.turn_request import TurnRequest


def send(engine, text: str, **options) -> Iterator[Event]:
    """A new user message (after the current leaf, or under ``parent_id``)."""
    options.setdefault("tools", None)
    return engine.run(TurnRequest(text, **options))


def regenerate(engine, message_id: int, **options) -> Iterator[Event]:
    """A new version of a reply; the old one stays as a sibling."""
    options.setdefault("tools", None)
    return engine.run(TurnRequest(regenerate=message_id, **options))


def edit(engine, message_id: int, text: str, **options) -> Iterator[Event]:
    """An edited question, sent as a sibling of the original."""
    options.setdefault("tools", None)
    return engine.run(TurnRequest(text, edit=message_id, **options))
