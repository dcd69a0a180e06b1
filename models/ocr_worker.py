"""OCR in its own process, so reading a scan never holds up the window.

RapidOCR's import (OpenCV) and parts of every page (the detector's post-processing, the
recognizer's decoding) run with Python's global lock held; in the app's process that is
the window's lock too, and the window stalled for hundreds of milliseconds while a scan was
read (``bench/bench_ui_stall.py --scan``). The app therefore reads pictures through an
``OcrWorker``: the same interface as ``OcrEngine``, served by a child process started with
``spawn`` on the first page, which ends with the app (``models/worker/lifeline.py``). OpenCV
and its Qt plugin paths never enter the app's process at all. A worker that dies (out of
memory, a crash inside ONNX Runtime) costs one page, reported as an error, and the next page
starts a fresh one.
"""

from __future__ import annotations

import contextlib
import multiprocessing
import os
import signal
import threading
from concurrent.futures import ThreadPoolExecutor

from fireside.models.ocr import ENGINE_ID, OcrPage, OcrUnavailable, ocr_available

from fireside.errors import FiresideError

STOP_GRACE_S = 5.0


class OcrFailed(FiresideError):
    """The OCR worker stopped while reading a page."""


def serve(conn, parent_pid: int, threads: int) -> None:
    """The worker's main function: read pictures until the pipe closes."""
    from fireside.models.worker.lifeline import tie_to_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle
    tie_to_parent(parent_pid)
    import numpy as np
    from fireside.models.ocr import OcrEngine

    engine = OcrEngine(threads)
    while True:
        try:
            message = conn.recv()
        except (EOFError, OSError):
            break
        if message[0] != "read":
            break
        _, shape, data, spaces = message
        try:
            page = engine.read(np.frombuffer(data, dtype=np.uint8).reshape(shape), spaces)
            conn.send(("ok", page.to_dict()))
        except OcrUnavailable as exc:
            conn.send(("unavailable", str(exc)))
        except Exception as exc:  # noqa: BLE001 - one line back to the app
            conn.send(("e", f"{type(exc).__name__}: {exc}"))


class OcrWorker:
    """``OcrEngine``'s interface, served by a worker process (one page at a time)."""

    engine_id = ENGINE_ID

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._mp = multiprocessing.get_context("spawn")
        # the worker is started from this long-lived thread: on Linux it is tied to the
        # thread that started it, and indexing threads come and go
        self._launcher = ThreadPoolExecutor(1, thread_name_prefix="ocr-worker-launcher")
        self._lock = threading.Lock()
        self._process = None
        self._conn = None
        self.starts = 0

    @property
    def available(self) -> bool:
        return ocr_available()

    def read(self, image, spaces: bool = True) -> OcrPage:
        import numpy as np

        rgb = image.convert("RGB") if hasattr(image, "convert") else image
        array = np.ascontiguousarray(np.asarray(rgb))
        with self._lock:
            conn = self._ensure()
            try:
                conn.send(("read", array.shape, array.tobytes(), spaces))
                reply = conn.recv()
            except (EOFError, OSError, BrokenPipeError):
                code = self._process.exitcode if self._process is not None else None
                self._stop()
                raise OcrFailed(
                    f"the OCR worker stopped while reading a page ({_why(code)})"
                ) from None
        if reply[0] == "ok":
            return OcrPage.from_dict(reply[1])
        if reply[0] == "unavailable":
            raise OcrUnavailable(reply[1])
        raise OcrFailed(f"OCR failed on a page ({reply[1]})")

    def _ensure(self):
        if self._process is not None and self._process.is_alive():
            return self._conn
        self._stop()
        parent_conn, child_conn = self._mp.Pipe(duplex=True)
        process = self._mp.Process(
            target=serve,
            args=(child_conn, os.getpid(), self.threads),
            name="fireside-ocr-worker",
            daemon=True,
        )
        self._launcher.submit(process.start).result()
        child_conn.close()  # only the worker holds its end: its death reads as end-of-file
        self._process, self._conn = process, parent_conn
        self.starts += 1
        return parent_conn

    def _stop(self) -> None:
        process, conn = self._process, self._conn
        self._process = self._conn = None
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
        """End the worker (its memory returns to the system); a later page starts another."""
        with self._lock:
            self._stop()

    def shutdown(self) -> None:
        self.close()
        self._launcher.shutdown(wait=False)


def _why(exitcode: int | None) -> str:
    if exitcode is not None and exitcode < 0:
        with contextlib.suppress(ValueError):
            return f"killed by {signal.Signals(-exitcode).name}"
    return f"exit code {exitcode}"
