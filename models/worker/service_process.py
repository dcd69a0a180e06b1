"""A helper process that answers one request at a time over a pipe: the OCR engine and the
document embedder run in one each.

Why a process and not a thread: loading these engines holds Python's global lock in single
native calls (the multilingual tokenizer's vocabulary: 0.75 s; ONNX model files; OpenCV's
import), and a thread that holds it holds up the window just as surely as the window's own
thread would. In a child process they hold only the child's lock.

The child is started with ``spawn`` from one long-lived thread (on Linux it is tied to the
thread that started it, and the threads that index come and go), ends with the app
(``lifeline.py``), and is started again by the next request after it dies; a request in
flight when it dies fails with ``ServiceStopped`` saying how it ended.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor

STOP_GRACE_S = 5.0


class ServiceStopped(Exception):
    """The child ended while answering; ``reason`` says how (an exit code or a signal)."""

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


class ServiceProcess:
    """``target(conn, parent_pid, *args)`` in a child process, started on first ``call``."""

    def __init__(self, target: Callable, args: tuple, name: str) -> None:
        self._target, self._args, self.name = target, args, name
        self._mp = multiprocessing.get_context("spawn")
        self._launcher = ThreadPoolExecutor(1, thread_name_prefix=f"{name}-launcher")
        self._lock = threading.Lock()
        self.process = None
        self._conn = None
        self.starts = 0

    def call(self, message: tuple):
        """Send ``message`` and return the child's reply (one at a time)."""
        with self._lock:
            conn = self._ensure()
            try:
                conn.send(message)
                return conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                code = None
                if self.process is not None:
                    self.process.join(1.0)  # end-of-file comes a moment before the exit code
                    code = self.process.exitcode
                self._stop()
                raise ServiceStopped(_why(code)) from None

    def _ensure(self):
        if self.process is not None and self.process.is_alive():
            return self._conn
        self._stop()
        parent_conn, child_conn = self._mp.Pipe(duplex=True)
        process = self._mp.Process(
            target=self._target,
            args=(child_conn, os.getpid(), *self._args),
            name=self.name,
            daemon=True,
        )
        self._launcher.submit(process.start).result()
        child_conn.close()  # only the child holds its end: its death reads as end-of-file
        self.process, self._conn = process, parent_conn
        self.starts += 1
        return parent_conn

    def _stop(self) -> None:
        process, conn = self.process, self._conn
        self.process = self._conn = None
        if conn is not None:
            with contextlib.suppress(OSError, ValueError):
                conn.send(("close",))
        if process is not None:
            process.join(STOP_GRACE_S)
            if process.is_alive():
                process.kill()
                process.join()
        if conn is not None:
            conn.close()

    def close(self) -> None:
        """End the child (its memory returns to the system) once the request in flight is
        answered; a later call starts another."""
        with self._lock:
            self._stop()

    def shutdown(self) -> None:
        """The app is closing: a request in flight is not waited for. Its child is killed,
        so the caller gets ``ServiceStopped`` at once instead of the app hanging on a
        minute-long export or a page of OCR."""
        if not self._lock.acquire(blocking=False):  # busy: end the request with its child
            process = self.process
            if process is not None and process.is_alive():
                process.kill()
            self._lock.acquire()  # the caller sees end-of-file and lets go
        try:
            self._stop()
        finally:
            self._lock.release()
        self._launcher.shutdown(wait=False)


def serve_requests(conn, handle: Callable[[tuple], tuple]) -> None:
    """The child's loop: ``handle`` each request until the pipe closes or says "close"."""
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message[0] == "close":
            break
        conn.send(handle(message))


def _why(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"
