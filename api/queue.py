"""Requests to the model, one at a time, in the order they arrived.

One ``llama.cpp`` context serves one generation at a time, so generation runs on a single
worker thread fed first-in first-out. The queue is bounded: when it is full a request is
refused at once (503 with ``Retry-After``) rather than left waiting without end. The async
side reads the worker's events through an ``asyncio.Queue``; when the reader goes away (the
client disconnected) the cancel token is set, and the backend stops before its next token.
A second queue of the same kind runs the lookups (embeddings, document search) one at a
time, through ``run_once``.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import AsyncIterator, Callable, Iterator
from concurrent.futures import ThreadPoolExecutor

from fireside.models.generation import CancelToken
from starlette.requests import ClientDisconnect

_END = object()
RETRY_AFTER_S = 5


class QueueFull(Exception):
    pass


class _Failed:
    def __init__(self, exc: BaseException) -> None:
        self.exc = exc


class GenerationQueue:
    def __init__(self, max_waiting: int = 16, name: str = "fireside-api") -> None:
        self.max_waiting = max_waiting
        self._executor = ThreadPoolExecutor(max_workers=1, thread_name_prefix=name)
        self._lock = threading.Lock()
        self._pending = 0  # running + waiting

    @property
    def pending(self) -> int:
        return self._pending

    def events(self, job: Callable[[CancelToken], Iterator], cancel: CancelToken) -> AsyncIterator:
        """Queue ``job(cancel)`` now (``QueueFull`` if there is no room); stream its items
        in batches (lists of the items that were ready together).

        Raises the job's exception in the reader. Closing the iterator cancels the job.
        """
        with self._lock:
            if self._pending > self.max_waiting:
                raise QueueFull
            self._pending += 1
        loop = asyncio.get_running_loop()
        items: asyncio.Queue = asyncio.Queue()

        def put(item) -> None:
            try:
                loop.call_soon_threadsafe(items.put_nowait, item)
            except RuntimeError:  # the server's loop is gone
                cancel.cancel()

        def work() -> None:
            try:
                if not cancel.cancelled:  # the client left while waiting: skip the work
                    for item in job(cancel):
                        put(item)
            except BaseException as exc:  # noqa: BLE001 - reported to the reader
                put(_Failed(exc))
            finally:
                with self._lock:
                    self._pending -= 1
                put(_END)

        self._executor.submit(work)
        return _read(items, cancel)

    def shutdown(self) -> None:
        self._executor.shutdown(wait=False, cancel_futures=True)


async def _read(items: asyncio.Queue, cancel: CancelToken) -> AsyncIterator[list]:
    """Batches of the items ready so far: a reader that fell behind catches up in one step."""
    try:
        while True:
            batch = [await items.get()]
            while not items.empty():
                batch.append(items.get_nowait())
            for n, item in enumerate(batch):
                if item is _END:
                    if n:
                        yield batch[:n]
                    return
                if isinstance(item, _Failed):
                    if n:
                        yield batch[:n]
                    raise item.exc
            yield batch
    finally:
        cancel.cancel()


async def watch_disconnect(request, cancel: CancelToken) -> None:
    """Set ``cancel`` when the client of ``request`` goes away."""
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            cancel.cancel()
            return


async def run_once(queue: GenerationQueue, work: Callable[[CancelToken], object], request):
    """``work(cancel)``'s result, run in its turn on ``queue``; the client leaving sets the
    cancel token (the work stops at its next check) and ends the wait.

    Raises ``QueueFull`` when there is no room, ``ClientDisconnect`` when the client left
    before its turn, and whatever ``work`` raised.
    """
    cancel = CancelToken()
    events = queue.events(lambda c: iter([work(c)]), cancel)
    watcher = asyncio.ensure_future(watch_disconnect(request, cancel))
    try:
        results = [item async for batch in events for item in batch]
    finally:
        watcher.cancel()
        await events.aclose()
    if not results:  # the client left while it waited: nobody is there to answer
        raise ClientDisconnect
    return results[0]
