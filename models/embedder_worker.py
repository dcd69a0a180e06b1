"""The multilingual embedder in its own process, so its first load never holds up the window.

Loading multilingual-e5-small's tokenizer (a 250,000-piece vocabulary) is one native call of
0.75 s that keeps Python's global lock, and writing the ONNX export on first use holds it in
long stretches too. In the app's process that is the window's lock: the window froze for
0.7 s when the first scan or question reached a collection (``bench/bench_ui_stall.py
--scan``). Served from a child process, only the child waits; the vectors come back over a
pipe (a few KiB per batch). Running the model releases the lock anyway, so nothing is lost.

``EmbedderWorker`` has the ``Embedder`` interface; the child builds the same embedder by name
from its own ``EmbedderRegistry``. A child that dies fails the request in flight with one
line (the indexing job reports it), and the next request starts a fresh one.
"""

from __future__ import annotations

import signal
from pathlib import Path

import numpy as np
from fireside.models.embedder import EmbedderError
from fireside.models.worker.service_process import ServiceProcess, ServiceStopped, serve_requests


def serve(conn, parent_pid: int, name: str, cache_dir: str | None) -> None:
    """The child's main function: encode until the pipe closes."""
    from fireside.models.embedder_registry import EmbedderRegistry
    from fireside.models.worker.lifeline import tie_to_parent

    signal.signal(signal.SIGINT, signal.SIG_IGN)  # Ctrl-C is the app's to handle
    tie_to_parent(parent_pid)
    registry = EmbedderRegistry(Path(cache_dir) if cache_dir else None)

    def encode(message: tuple) -> tuple:
        try:
            embedder = registry.get(name)
            if message[0] == "query":
                return ("ok", embedder.encode_query(message[1]))
            return ("ok", embedder.encode(message[1], message[2]))
        except EmbedderError as exc:
            return ("e", str(exc))
        except Exception as exc:  # noqa: BLE001 - one line back to the app
            return ("e", f"{name} failed: {type(exc).__name__}: {exc}")

    serve_requests(conn, encode)


class EmbedderWorker:
    """An embedder served by a child process; ``template`` lends its fixed attributes
    (dimension, thresholds) so that nothing starts before the first text."""

    def __init__(self, name: str, cache_dir: Path | None, template) -> None:
        self.name = name
        self.dim = template.dim
        self.relevance_threshold = template.relevance_threshold
        self.similarity_floor = template.similarity_floor
        folder = str(cache_dir) if cache_dir else None
        self._service = ServiceProcess(serve, (name, folder), "fireside-embedder")

    def encode(self, texts: list[str], batch_size: int = 32) -> np.ndarray:
        if not texts:
            return np.zeros((0, self.dim), dtype=np.float32)
        return self._call(("encode", [str(t) for t in texts], batch_size))

    def encode_query(self, text: str) -> np.ndarray:
        return self._call(("query", str(text)))

    def _call(self, message: tuple) -> np.ndarray:
        try:
            reply = self._service.call(message)
        except ServiceStopped as exc:
            raise EmbedderError(f"the {self.name} process stopped ({exc.reason})") from None
        if reply[0] != "ok":
            raise EmbedderError(reply[1])
        return reply[1]

    def close(self) -> None:
        self._service.shutdown()
