"""Runs a chat turn off the UI thread and hands its text to the window in steady batches.

The engine's generator (``ChatEngine.run`` over a ``TurnRequest``) runs in a worker thread (``fireside.desktop.workers.Worker`` on the global
``QThreadPool``). Text deltas never cross threads one by one: the worker appends them to a
locked buffer, and a UI timer drains it ~30 times a second, handing over at most
``MAX_CHARS_PER_FRAME`` per tick, so the window does a bounded amount of work per frame
however fast the model is. The other events (turn started, done, error, tool calls) are few
and travel as signals; each is dispatched only after all text received before it has been
handed over, so the reply is complete when ``finished`` fires.
"""

from __future__ import annotations

import logging
import threading
from collections import deque
from collections.abc import Callable, Iterator
from dataclasses import replace

from fireside.assistant.events import Event, TextDelta, TurnDone, TurnError, TurnStarted
from fireside.assistant.turn_request import TurnRequest
from fireside.desktop.workers import Worker, wait_until_idle
from fireside.models.generation import CancelToken
from PySide6.QtCore import QCoreApplication, QObject, QTimer, Signal

log = logging.getLogger(__name__)

FLUSH_INTERVAL_MS = 33  # ~30 frames a second
MAX_CHARS_PER_FRAME = 4000  # ~1,000 tokens a frame: far above any model's speed

TurnFactory = Callable[[CancelToken], Iterator[Event]]


class TextBuffer:
    """Deltas from the worker thread, taken all at once by the UI thread."""

    def __init__(self) -> None:
        self._parts: list[str] = []
        self._lock = threading.Lock()

    def push(self, text: str) -> None:
        with self._lock:
            self._parts.append(text)

    def drain(self) -> str:
        with self._lock:
            parts, self._parts = self._parts, []
        return "".join(parts)


def _pump(factory: TurnFactory, cancel: CancelToken, buffer: TextBuffer) -> Iterator[Event]:
    """Worker side: text goes to the buffer, every other event is yielded (a signal)."""
    try:
        for event in factory(cancel):
            if isinstance(event, TextDelta):
                buffer.push(event.text)
            else:
                yield event
    except Exception as exc:  # never let a worker die silently
        log.exception("unexpected error while generating")
        yield TurnError(
            QCoreApplication.translate(
                "ChatController", "unexpected error while generating: {error}"
            ).format(error=exc)
        )


class ChatController(QObject):
    """One turn at a time: ``run_turn(engine, request)`` (or ``start`` with any factory)."""

    started = Signal(object)  # TurnStarted
    text_ready = Signal(str)  # a batch of text
    event = Signal(object)  # ContextTrimmed, ToolCall, ToolResult, Citations
    finished = Signal(object)  # TurnDone
    failed = Signal(str)  # the cause, one line
    busy_changed = Signal(bool)

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._buffer = TextBuffer()
        self._timer = QTimer(self, interval=FLUSH_INTERVAL_MS, timeout=self.flush)
        self._worker: Worker | None = None
        self._worker_done = False
        self._cancel: CancelToken | None = None
        self._ended = False
        self._pending = ""  # received, not yet handed over
        self._received = 0  # characters taken from the worker's buffer
        self._shown = 0  # characters handed over through ``text_ready``
        self._events: deque[tuple[int, Event]] = deque()
        self.conversation_id: int | None = None
        self.text_so_far: list[str] = []

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def start(self, factory: TurnFactory, conversation_id: int | None = None) -> bool:
        """Begin a turn; returns False (and does nothing) while another is running."""
        if self.busy:
            return False
        self._cancel = CancelToken()
        self._ended = self._worker_done = False
        self._pending, self._received, self._shown = "", 0, 0
        self._events.clear()
        self.conversation_id = conversation_id
        self.text_so_far = []
        worker = Worker(_pump, factory, self._cancel, self._buffer)
        worker.yielded.connect(self._on_event)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self._timer.start()
        self.busy_changed.emit(True)
        worker.start()
        return True

    def run_turn(self, engine, request: TurnRequest) -> bool:
        """Run ``engine.run(request)`` off the UI thread, with this controller's cancel token."""
        return self.start(
            lambda cancel: engine.run(replace(request, cancel=cancel)), request.conversation_id
        )

    def stop(self) -> None:
        """Ask the turn to end; the engine stops within one token and keeps the partial reply."""
        if self._cancel is not None:
            self._cancel.cancel()

    def _take(self) -> None:
        text = self._buffer.drain()
        if text:
            self._pending += text
            self._received += len(text)

    def flush(self) -> None:
        """One frame: hand over up to the budget of text, dispatch the events it unblocks."""
        self._take()
        budget = MAX_CHARS_PER_FRAME
        while True:
            while self._events and self._events[0][0] <= self._shown:
                self._dispatch(self._events.popleft()[1])
            if not self._pending or budget <= 0:
                break
            chunk, self._pending = self._pending[:budget], self._pending[budget:]
            budget -= len(chunk)
            self._shown += len(chunk)
            self.text_so_far.append(chunk)
            self.text_ready.emit(chunk)
        if self._worker_done and not self._events and not self._pending:
            self._finish()

    def _on_event(self, event: Event) -> None:
        self._take()  # everything the worker wrote before this event
        self._events.append((self._received, event))
        self.flush()

    def _dispatch(self, event: Event) -> None:
        if isinstance(event, TurnStarted):
            self.conversation_id = event.conversation_id
            self.started.emit(event)
        elif isinstance(event, TurnDone):
            self._ended = True
            self.finished.emit(event)
        elif isinstance(event, TurnError):
            self._ended = True
            if event.conversation_id is not None:
                self.conversation_id = event.conversation_id
            self.failed.emit(event.message)
        else:
            self.event.emit(event)

    def _on_finished(self) -> None:
        self._worker_done = True
        self.flush()

    def _finish(self) -> None:
        if self._worker is None:
            return
        self._timer.stop()
        self._worker = None
        if not self._ended:
            self.failed.emit(self.tr("the reply ended without a result"))
        self.busy_changed.emit(False)

    def wait(self, timeout_ms: int = 5000) -> bool:
        """Stop, and wait until the worker has finished and said so (closing, tests)."""
        self.stop()
        return wait_until_idle(lambda: not self.busy, timeout_ms)
