"""``ChatBackend`` for a local GGUF whose llama.cpp runs in a child process.

Why a process: a native crash in llama.cpp (an instruction the CPU lacks, a damaged file,
the out-of-memory killer) would take the whole app with it, the chat included; and only
ending a process really returns a model's memory to the system. The proxy starts the
worker on first use and again after it died or was unloaded, so the next message simply
works. Chunks stream as the worker produces them; cancel is forwarded at once through a
shared event the worker checks before every token.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import threading
import time
from collections.abc import Iterator
from concurrent.futures import ThreadPoolExecutor
from dataclasses import replace
from pathlib import Path

from fireside.models.backend import ModelDescription
from fireside.models.errors import ModelError
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.llama_backend import LoadOptions
from fireside.models.sampling import SamplingParams
from fireside.models.worker.child import serve
from fireside.models.worker.crash import crash_error

StreamItem = TextChunk | GenerationStats
STOP_GRACE_S = 3.0


class _Process:
    """One running worker: the process, the parent's end of its pipe, its cancel event."""

    def __init__(self, process, conn, cancel_event) -> None:
        self.process = process
        self.conn = conn
        self.cancel_event = cancel_event

    def stop(self) -> None:
        """Ask politely, then kill: either way the process (and its memory) is gone."""
        with contextlib.suppress(OSError, ValueError):
            self.conn.send(("close",))
        self.process.join(STOP_GRACE_S)
        if self.process.is_alive():
            self.process.kill()
            self.process.join()
        self.conn.close()


class WorkerBackend:
    """A local GGUF model served by a model worker process.

    ``idle_unload_s`` (None: never) ends the worker after that long unused; the next call
    starts it again. Calls are serialised: one request or reply at a time, as llama.cpp's
    single context needs.
    """

    def __init__(
        self,
        path: str | os.PathLike,
        options: LoadOptions | None = None,
        *,
        idle_unload_s: float | None = None,
        warm_up: bool = True,
    ) -> None:
        self.path = Path(path).expanduser()
        self.options = options or LoadOptions()
        self.idle_unload_s = idle_unload_s
        self.warm_up = warm_up
        self.starts = 0  # worker processes started so far
        self._mp = multiprocessing.get_context("spawn")
        self._lock = threading.Lock()  # one request or reply at a time
        self._worker: _Process | None = None
        self._description: ModelDescription | None = None
        self._closed = False
        self._idle_timer: threading.Timer | None = None
        # Processes are started from this one long-lived thread: Linux ends a worker when
        # the *thread* that started it exits, and callers may be short-lived pool threads.
        self._launcher = ThreadPoolExecutor(1, thread_name_prefix="model-worker-launcher")

    # -- lifecycle -----------------------------------------------------------------------------
    def load(self) -> ModelDescription:
        """Start the worker (load, then a tiny test decode) unless it is running."""
        with self._lock:
            self._ensure()
            self._arm_idle_timer()
        return self._description

    @property
    def pid(self) -> int | None:
        """The worker's process id, None while no worker runs."""
        worker = self._worker
        return worker.process.pid if worker is not None else None

    @property
    def running(self) -> bool:
        worker = self._worker
        return worker is not None and worker.process.is_alive()

    def unload(self) -> None:
        """End the worker now; the next call starts a fresh one."""
        self._cancel_idle_timer()
        worker = self._worker
        if worker is not None:
            worker.cancel_event.set()  # a reply in progress stops at the next token
        with self._lock:
            self._stop_worker()

    def close(self) -> None:
        """End the worker for good; its memory returns to the system."""
        self._closed = True
        self.unload()
        self._launcher.shutdown(wait=False)

    def _ensure(self) -> _Process:
        if self._closed:
            raise ModelError(self.path, "the model was closed")
        worker = self._worker
        if worker is not None and worker.process.is_alive():
            return worker
        if worker is not None:
            self._stop_worker()
        return self._start()

    def _start(self) -> _Process:
        parent_conn, child_conn = self._mp.Pipe(duplex=True)
        cancel_event = self._mp.Event()
        process = self._mp.Process(
            target=serve,
            args=(
                child_conn,
                cancel_event,
                os.getpid(),
                str(self.path),
                self.options,
                self.warm_up,
            ),
            name=f"fireside-model-worker {self.path.name}",
            daemon=True,
        )
        t0 = time.perf_counter()
        self._launcher.submit(process.start).result()
        child_conn.close()  # only the worker holds its end: its death reads as end-of-file
        worker = _Process(process, parent_conn, cancel_event)
        self._worker = worker
        self.starts += 1
        phase = "load"
        while True:
            reply = self._recv(worker, phase)
            if reply[0] == "phase":
                phase = reply[1]
                continue
            if reply[0] == "e":
                self._stop_worker()
                raise reply[1]
            # What the user waits for is the whole start, not only llama.cpp's part of it.
            self._description = replace(reply[1], load_s=time.perf_counter() - t0)
            return worker

    def _stop_worker(self) -> None:
        worker, self._worker = self._worker, None
        if worker is not None:
            worker.stop()

    def _recv(self, worker: _Process, phase: str):
        try:
            return worker.conn.recv()
        except (EOFError, OSError):
            raise self._died(worker, phase) from None

    def _send(self, worker: _Process, message: tuple, phase: str) -> None:
        try:
            worker.conn.send(message)
        except (OSError, ValueError):
            raise self._died(worker, phase) from None

    def _died(self, worker: _Process, phase: str) -> ModelError:
        if self._worker is not worker or self._closed:  # ended on purpose (close, unload)
            return ModelError(self.path, "the model was unloaded during the reply")
        worker.process.join(STOP_GRACE_S)
        code = worker.process.exitcode
        self._stop_worker()
        return crash_error(self.path, code, phase)

    # -- idle unload ---------------------------------------------------------------------------
    def _arm_idle_timer(self) -> None:
        self._cancel_idle_timer()
        if self.idle_unload_s and not self._closed:
            timer = threading.Timer(self.idle_unload_s, self._on_idle)
            timer.daemon = True
            self._idle_timer = timer
            timer.start()

    def _cancel_idle_timer(self) -> None:
        timer, self._idle_timer = self._idle_timer, None
        if timer is not None:
            timer.cancel()

    def _on_idle(self) -> None:
        if self._lock.acquire(blocking=False):  # in use: the next call re-arms the timer
            try:
                self._stop_worker()
            finally:
                self._lock.release()

    # -- ChatBackend ---------------------------------------------------------------------------
    @property
    def description(self) -> ModelDescription:
        if self._description is None:
            return self.load()
        return self._description

    def _call(self, *request):
        with self._lock:
            self._cancel_idle_timer()
            try:
                worker = self._ensure()
                self._send(worker, request, "reply")
                reply = self._recv(worker, "reply")
            finally:
                self._arm_idle_timer()
        if reply[0] == "e":
            raise reply[1]
        return reply[1]

    def count_tokens(self, messages: list[dict]) -> int:
        return self._call("count_tokens", messages)

    def count_text(self, text: str) -> int:
        return self._call("count_text", text)

    @property
    def cached_tokens(self) -> int:
        """Tokens held in the worker's KV cache (0 while no worker runs)."""
        return self._call("cached_tokens") if self.running else 0

    def reset_cache(self) -> None:
        """Forget the KV cache, so the next reply evaluates its whole prompt."""
        if self.running:
            self._call("reset_cache")

    def stream(
        self,
        messages: list[dict],
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
        tools: list[dict] | None = None,
    ) -> Iterator[StreamItem]:
        """``TextChunk``s as the worker decodes them, then one ``GenerationStats``.

        Raises ``WorkerCrashedError`` (a ``ModelError``) when the worker dies mid-reply.
        """
        request = ("stream", messages, params or SamplingParams(), grammar, tools)
        return self._generate(request, cancel)

    def complete(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
    ) -> Iterator[StreamItem]:
        return self._generate(("complete", prompt, params or SamplingParams(), grammar), cancel)

    def _generate(self, request: tuple, cancel: CancelToken | None) -> Iterator[StreamItem]:
        with self._lock:
            self._cancel_idle_timer()
            try:
                yield from self._generate_locked(request, cancel)
            finally:
                self._arm_idle_timer()

    def _generate_locked(self, request: tuple, cancel: CancelToken | None):
        worker = self._ensure()
        event = worker.cancel_event
        event.clear()
        # Subscribe before sending: a token cancelled already must reach the worker
        # before it reads the request, or the first token slips out.
        unsubscribe = cancel.subscribe(event.set) if cancel is not None else None
        self._send(worker, request, "reply")
        ended = False
        try:
            recv = worker.conn.recv
            while True:
                try:
                    item = recv()
                except (EOFError, OSError):
                    ended = True
                    raise self._died(worker, "reply") from None
                if type(item) is str:
                    yield TextChunk(item)
                elif item[0] == "s":
                    ended = True
                    yield item[1]
                    return
                else:
                    ended = True
                    raise item[1]
        finally:
            if unsubscribe is not None:
                unsubscribe()
            if not ended:  # the consumer stopped early: stop the worker's reply too
                self._drain(worker)

    def _drain(self, worker: _Process) -> None:
        worker.cancel_event.set()
        try:
            while True:
                item = worker.conn.recv()
                if type(item) is not str:
                    return
        except (EOFError, OSError):
            if self._worker is worker:
                self._stop_worker()
