"""Stream one generation step to the user without ever showing a tool call as text.

The first non-blank characters decide: output that starts like a call (``{``, ``[`` or a
native marker such as ``<tool_call>``) is held back until the step ends and the loop has
parsed it; anything else streams at once. Inside streamed text a ``<tool_call>`` marker
(models that think aloud before calling) stops the display from that point on.
"""

from __future__ import annotations

from collections.abc import Generator, Iterable
from dataclasses import dataclass

from fireside.assistant.events import TextDelta
from fireside.models.generation import GenerationStats, TextChunk
from fireside.models.stop_strings import StopMatcher

MARKERS = ("<tool_call>", "<|python_tag|>", "[TOOL_CALLS]")


@dataclass
class StepOutput:
    raw: str = ""  # everything the model wrote in this step
    shown: str = ""  # what was streamed as TextDelta (separator included)
    held: str = ""  # held back as a possible call; shown by the loop if it was not one
    maybe_call: bool = False
    stats: GenerationStats | None = None


def classify(head: str) -> str | None:
    """``"call"``, ``"text"``, or None while ``head`` (stripped, non-empty) is undecided."""
    if head[0] in "{[" or head.startswith(MARKERS):
        return "call"
    if any(marker.startswith(head) for marker in MARKERS):
        return None
    return "text"


def stream_step(
    chunks: Iterable[TextChunk | GenerationStats], calls_allowed: bool, separator: str = ""
) -> Generator[TextDelta, None, StepOutput]:
    """Yield the visible ``TextDelta``s of one step; return what the step produced."""
    out = StepOutput()
    mode = None if calls_allowed else "text"
    matcher = StopMatcher(["<tool_call>"]) if calls_allowed else None

    def show(piece: str):
        if not piece:
            return
        if not out.shown and separator:
            out.shown += separator
            yield TextDelta(separator)
        out.shown += piece
        yield TextDelta(piece)

    started = False
    for item in chunks:
        if isinstance(item, GenerationStats):
            out.stats = item
            continue
        out.raw += item.text
        if mode == "text" and started:
            piece = item.text
        elif mode in (None, "text"):
            head = out.raw.lstrip()
            if not head:
                continue
            mode = classify(head) if mode is None else mode
            if mode != "text":
                continue
            piece, started = head, True
        else:
            continue  # a call (or the rest after a mid-text marker): hold
        if matcher is not None:
            piece, hit = matcher.feed(piece)
            if hit:
                mode, out.maybe_call = "call-after-text", True
        yield from show(piece)
    if mode == "text" and matcher is not None:
        yield from show(matcher.flush())
    if mode == "call" or mode is None:
        out.maybe_call = mode == "call"
        held = out.raw.strip()
        out.held = f"{separator}{held}" if held and separator and not out.shown else held
    return out
