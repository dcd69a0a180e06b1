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

import ctypes
import os
import signal
import sys

from fireside.models.ocr import ENGINE_ID, OcrPage, OcrUnavailable, ocr_available
from fireside.models.worker.service_process import ServiceProcess, ServiceStopped, serve_requests

from fireside.errors import FiresideError

_M_MMAP_THRESHOLD = -3  # mallopt's parameter number in glibc's malloc.h


class OcrFailed(FiresideError):
    """The OCR worker stopped while reading a page."""


def serve(conn, parent_pid: int, threads: int) -> None:
    """The worker's main function: read pictures until the pipe closes."""
    from fireside.models.worker.lifeline import tie_to_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle
    tie_to_parent(parent_pid)
    _return_large_blocks()
    import numpy as np
    from fireside.models.ocr import OcrEngine

    engine = OcrEngine(threads)

    def read(message: tuple) -> tuple:
        _, shape, data, spaces = message
        try:
            page = engine.read(np.frombuffer(data, dtype=np.uint8).reshape(shape), spaces)
            return ("ok", page.to_dict())
        except OcrUnavailable as exc:
            return ("unavailable", str(exc))
        except Exception as exc:  # noqa: BLE001 - one line back to the app
            return ("e", f"{type(exc).__name__}: {exc}")

    serve_requests(conn, read)


def _return_large_blocks() -> None:
    """Give ONNX Runtime's page-sized tensors back to the system when they are freed.

    glibc raises its mmap threshold each time a large block is freed, so after the first
    page the detector's tensors (tens of MiB each) come from the heap and stay there. A
    fixed 1 MiB threshold keeps them mapped and returned (``bench/bench_scan_indexing.py``,
    40 pages: app and worker peak 908 -> 782 MiB; in one process, peak 872 -> 681 MiB and
    578 -> 266 MiB while re-indexing from the cache afterwards).
    """
    if not sys.platform.startswith("linux"):
        return
    try:
        libc = ctypes.CDLL("libc.so.6")
        libc.mallopt(_M_MMAP_THRESHOLD, 1 << 20)
    except (OSError, AttributeError):  # not glibc (musl): its allocator returns memory itself
        pass


class OcrWorker:
    """``OcrEngine``'s interface, served by a worker process (one page at a time)."""

    engine_id = ENGINE_ID

    def __init__(self, threads: int | None = None) -> None:
        self.threads = threads or min(4, os.cpu_count() or 1)
        self._service = ServiceProcess(serve, (self.threads,), "fireside-ocr-worker")

    @property
    def available(self) -> bool:
        return ocr_available()

    @property
    def starts(self) -> int:
        return self._service.starts

    @property
    def _process(self):
        return self._service.process

    def read(self, image, spaces: bool = True) -> OcrPage:
        import numpy as np

        rgb = image.convert("RGB") if hasattr(image, "convert") else image
        array = np.ascontiguousarray(np.asarray(rgb))
        try:
            reply = self._service.call(("read", array.shape, array.tobytes(), spaces))
        except ServiceStopped as exc:
            raise OcrFailed(f"the OCR worker stopped while reading a page ({exc.reason})") from None
        if reply[0] == "ok":
            return OcrPage.from_dict(reply[1])
        if reply[0] == "unavailable":
            raise OcrUnavailable(reply[1])
        raise OcrFailed(f"OCR failed on a page ({reply[1]})")

    def close(self) -> None:
        """End the worker (its memory returns to the system); a later page starts another."""
        self._service.close()

    def shutdown(self) -> None:
        self._service.shutdown()
