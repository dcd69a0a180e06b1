"""The record of one tool call, as stored with a reply and printed by ``--json``.

Built in one way, from the ``ToolCall`` and ``ToolResult`` events a turn streams, whether
the model proposed the call or the user typed it as a slash command.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import asdict, dataclass

from fireside.assistant.events import ToolCall, ToolResult


@dataclass
class ToolCallRecord:
    call_id: str
    name: str
    arguments: dict
    output: str
    is_error: bool
    duration_s: float
    source: str = "model"  # "model": proposed by the model; "user": a slash command

    @classmethod
    def of(cls, call: ToolCall, result: ToolResult) -> ToolCallRecord:
        return cls(
            call.call_id,
            call.name,
            dict(call.arguments),
            result.output,
            result.is_error,
            round(result.duration_s, 4),
            call.source,
        )

    def to_dict(self) -> dict:
        return asdict(self)


def records_from(events: Iterable[object]) -> list[ToolCallRecord]:
    """Each ``ToolCall`` paired with its ``ToolResult``, in the order the calls were made."""
    calls: dict[str, ToolCall] = {}
    records: list[ToolCallRecord] = []
    for event in events:
        if isinstance(event, ToolCall):
            calls[event.call_id] = event
        elif isinstance(event, ToolResult) and event.call_id in calls:
            records.append(ToolCallRecord.of(calls.pop(event.call_id), event))
    return records
