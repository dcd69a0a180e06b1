"""Background work for the window: a function or generator on the global thread pool.

Each ``yield`` of a generator arrives on the UI thread as ``yielded``; the return value as
``returned``; an exception as ``errored``; and ``finished`` always comes last. The owner
keeps a reference to the worker until ``finished``.

Why not superqt's ``thread_worker``: importing ``superqt`` imports all of its widgets
(through qtpy), ~0.3 s before the window can show; this is the part of it the window uses.
"""

from __future__ import annotations

import inspect
import logging
import time
from collections.abc import Callable

from PySide6.QtCore import QCoreApplication, QObject, QRunnable, QThreadPool, Signal

log = logging.getLogger(__name__)

MIN_POOL_THREADS = 4


class _Signals(QObject):
    yielded = Signal(object)
    returned = Signal(object)
    errored = Signal(object)
    finished = Signal()


class Worker(QRunnable):
    """Run ``func(*args)`` off the UI thread; its results come back as signals."""

    def __init__(self, func: Callable, *args) -> None:
        super().__init__()
        self.setAutoDelete(False)  # Python owns it: no deletion behind the owner's back
        self._func, self._args = func, args
        self._signals = _Signals()  # created on the UI thread: its slots run there
        self.yielded = self._signals.yielded
        self.returned = self._signals.returned
        self.errored = self._signals.errored
        self.finished = self._signals.finished

    def start(self) -> None:
        QThreadPool.globalInstance().start(self)

    def run(self) -> None:
        try:
            result = self._func(*self._args)
            if inspect.isgenerator(result):
                while True:
                    try:
                        item = next(result)
                    except StopIteration as stop:
                        result = stop.value
                        break
                    self.yielded.emit(item)
            self.returned.emit(result)
        except Exception as exc:  # reported, never lost in a thread
            log.warning("background task failed", exc_info=True)
            self.errored.emit(exc)
        finally:
            self.finished.emit()


def ensure_pool_threads() -> None:
    """A reply, a model load and document indexing may run at once; none should queue."""
    pool = QThreadPool.globalInstance()
    pool.setMaxThreadCount(max(MIN_POOL_THREADS, pool.maxThreadCount()))


def wait_until_idle(done: Callable[[], bool], timeout_ms: int) -> bool:
    """Let queued signals (a worker's ``finished``) reach the UI thread until ``done()``."""
    deadline = time.monotonic() + timeout_ms / 1000
    while not done() and time.monotonic() < deadline:
        QThreadPool.globalInstance().waitForDone(20)
        QCoreApplication.processEvents()
    return done()
