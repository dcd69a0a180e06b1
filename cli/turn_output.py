"""Reading a turn's events on the command line, for ``fireside chat`` and ``fireside ask``.

The reply streams to stdout; tool calls, notices and sources go to stderr so the answer can
be piped on its own. With ``--json`` nothing streams and the caller prints one object from
the ``TurnOutcome``. The first Ctrl-C stops the reply (it is kept, marked stopped); a
second one interrupts at once.
"""

from __future__ import annotations

import json
import signal
import sys
from collections.abc import Iterable
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field

from fireside.assistant.events import (
    Citation,
    Citations,
    ContextTrimmed,
    Event,
    SupportChecked,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnError,
    TurnNotice,
    TurnStarted,
)
from fireside.assistant.tool_calls import records_from
from fireside.cli.common import fail
from fireside.models.generation import CancelToken


@dataclass
class TurnOutcome:
    code: int  # 0, 130 when stopped, the error code of ``fail`` on an error
    conversation_id: int | None
    done: TurnDone | None = None
    citations: list[Citation] = field(default_factory=list)
    tool_events: list[ToolCall | ToolResult] = field(default_factory=list)
    support: SupportChecked | None = None

    def tool_calls(self) -> list[dict]:
        return [r.to_dict() for r in records_from(self.tool_events)]

    def citations_json(self) -> list[dict]:
        return [{"n": n, **asdict(c)} for n, c in enumerate(self.citations, 1)]

    def support_json(self) -> list[dict] | None:
        """Each sentence's verdict against the sources (replies from documents only)."""
        return None if self.support is None else [asdict(s) for s in self.support.sentences]


@contextmanager
def ctrl_c_cancels(cancel: CancelToken):
    def handler(signum, frame):
        if cancel.cancelled:
            raise KeyboardInterrupt
        cancel.cancel()

    previous = signal.signal(signal.SIGINT, handler)
    try:
        yield
    finally:
        signal.signal(signal.SIGINT, previous)


def consume(
    events: Iterable[Event],
    cancel: CancelToken,
    *,
    quiet: bool,
    conversation_id: int | None = None,
) -> TurnOutcome:
    """Stream the turn to the terminal (unless ``quiet``) and collect what it produced."""
    out = TurnOutcome(0, conversation_id)
    with ctrl_c_cancels(cancel):
        for event in events:
            if isinstance(event, TextDelta):
                if not quiet:
                    sys.stdout.write(event.text)
                    sys.stdout.flush()
            elif isinstance(event, ContextTrimmed):
                if not quiet:
                    print(
                        f"[{event.dropped_messages} oldest messages left out to fit the "
                        f"{event.n_ctx}-token context]",
                        file=sys.stderr,
                    )
            elif isinstance(event, ToolCall):
                out.tool_events.append(event)
                if not quiet:
                    args = json.dumps(event.arguments, ensure_ascii=False)
                    print(f"[tool] {event.name}({args})", file=sys.stderr, flush=True)
            elif isinstance(event, ToolResult):
                out.tool_events.append(event)
                if not quiet:
                    label = "error" if event.is_error else "result"
                    print(f"[tool {label}] {event.output}", file=sys.stderr, flush=True)
            elif isinstance(event, Citations):
                out.citations = event.items
            elif isinstance(event, SupportChecked):
                out.support = event
            elif isinstance(event, TurnNotice):
                print(f"[{event.text}]", file=sys.stderr, flush=True)
            elif isinstance(event, TurnStarted):
                out.conversation_id = event.conversation_id
            elif isinstance(event, TurnError):
                out.code = fail(event.message)
                out.conversation_id = event.conversation_id or out.conversation_id
                return out
            elif isinstance(event, TurnDone):
                out.done = event
    if out.done is None:
        out.code = fail("the reply ended without a result")
    elif out.done.finish_reason == "cancelled":
        out.code = 130
    return out
