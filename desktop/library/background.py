"""The library window's background work, one set for all its tabs.

Everything that touches the network or the disk runs on a worker; the tabs only fill
tables. Holding the workers in one place lets closing the window wait for every one, and
a failure comes back as one line for the window's message line.
"""

from __future__ import annotations

from collections.abc import Callable

from fireside.desktop.workers import Worker, wait_until_idle
from PySide6.QtCore import QObject, Signal


class Background(QObject):
    failed = Signal(str)  # the one-line error of a call that raised

    def __init__(self, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self._workers: set[Worker] = set()

    def run(self, func: Callable, on_result: Callable, *args) -> Worker:
        """Run ``func`` off the UI thread; its result (or one-line error) comes back here."""
        worker = Worker(func, *args)
        worker.returned.connect(on_result)
        worker.errored.connect(lambda exc: self.failed.emit(str(exc)))
        worker.finished.connect(lambda: self._workers.discard(worker))
        self._workers.add(worker)
        worker.start()
        return worker

    def wait(self, timeout_ms: int) -> None:
        wait_until_idle(lambda: not self._workers, timeout_ms)
