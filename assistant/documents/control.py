"""Pause, resume and cancel a long documents job (indexing, re-embedding) from any thread."""

from __future__ import annotations

import threading


class Cancelled(Exception):
    """The job was cancelled; work committed so far is kept and resumes next time."""


class JobControl:
    """Pause, resume and cancel from any thread; the indexer checks between batches."""

    def __init__(self) -> None:
        self._run = threading.Event()
        self._run.set()
        self._cancel = threading.Event()

    def pause(self) -> None:
        self._run.clear()

    def resume(self) -> None:
        self._run.set()

    def cancel(self) -> None:
        self._cancel.set()
        self._run.set()

    @property
    def paused(self) -> bool:
        return not self._run.is_set()

    @property
    def cancelled(self) -> bool:
        return self._cancel.is_set()

    def checkpoint(self) -> None:
        self._run.wait()
        if self._cancel.is_set():
            raise Cancelled()
