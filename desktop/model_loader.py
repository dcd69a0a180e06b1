"""Inspect, check and load a model in the background, reporting each step to the window.

Loading takes seconds, so it never runs on the UI thread. The file is inspected first
(header only, fast) so the window can say what it is — size, quantization, context, memory
needed — and refuse a file that is not a GGUF or that would not fit in memory before a byte
of weights is read.
"""

from __future__ import annotations

import logging
from collections.abc import Iterator
from dataclasses import dataclass

from fireside.assistant.model_manager import ModelManager
from fireside.desktop.workers import Worker, wait_until_idle
from fireside.models.errors import ModelError, ModelTooLargeError
from fireside.models.gguf_info import GGUFInfo
from fireside.models.hardware import available_memory
from fireside.models.llama_backend import DEFAULT_CTX
from PySide6.QtCore import QCoreApplication, QObject, Signal

log = logging.getLogger(__name__)


def gib(n: int) -> str:
    return f"{n / 2**30:.1f} GiB" if n >= 2**30 else f"{n / 2**20:.0f} MB"


@dataclass(frozen=True)
class Inspection:
    """What a GGUF is and whether it fits, before it is loaded."""

    path: str
    info: GGUFInfo
    n_ctx: int
    need: int
    available: int

    @property
    def fits(self) -> bool:
        return self.need <= self.available

    def summary(self) -> str:
        trained = self.info.context_length
        ctx = (
            QCoreApplication.translate("ModelLoader", "context {n_ctx} of {trained}")
            if trained
            else QCoreApplication.translate("ModelLoader", "context {n_ctx}")
        )
        ctx = ctx.format(n_ctx=f"{self.n_ctx:,}", trained=f"{trained or 0:,}")
        return QCoreApplication.translate(
            "ModelLoader",
            "{size} · {parameters} · {quantization} · {context} · needs ≈ {need} "
            "({available} free)",
        ).format(
            size=gib(self.info.file_size),
            parameters=self.info.parameters_label,
            quantization=self.info.quantization,
            context=ctx,
            need=gib(self.need),
            available=gib(self.available),
        )

    def refusal(self) -> str:
        return QCoreApplication.translate(
            "ModelLoader",
            "needs about {need} of memory (weights + {n_ctx}-token context) but "
            "only {available} is available; choose a smaller quantization or a shorter "
            "context",
        ).format(need=gib(self.need), n_ctx=f"{self.n_ctx:,}", available=gib(self.available))


def inspect_model(manager: ModelManager, path: str) -> Inspection:
    """Raises ``ModelError`` (not a GGUF, truncated, missing) with a one-line cause."""
    info = manager.inspect(path)
    options = manager.load_options(path)
    n_ctx = options.n_ctx or min(info.context_length or DEFAULT_CTX, DEFAULT_CTX)
    need = info.memory_estimate(n_ctx, options.kv_cache)
    return Inspection(path, info, n_ctx, need, available_memory())


def _load(manager: ModelManager, path: str) -> Iterator[Inspection]:
    try:
        if manager.is_remote(path) or manager.is_plugin(path):  # no file: open the model
            return manager.get(path)
        inspection = inspect_model(manager, path)
        yield inspection
        if not inspection.fits:
            raise ModelTooLargeError(path, inspection.refusal())
        return manager.get(path, manager.load_options(path))  # current settings, always
    except ModelError:
        raise
    except Exception as exc:  # the worker must report every failure, whatever its type
        log.exception("loading %s failed", path)
        raise ModelError(path, _could_not_load(exc)) from None


class ModelLoader(QObject):
    """One load at a time; asking for another while busy queues the newest request."""

    inspected = Signal(object)  # Inspection
    loaded = Signal(str, object)  # path, the loaded backend
    failed = Signal(str, str)  # path, message
    busy_changed = Signal(bool)

    def __init__(self, manager: ModelManager, parent=None) -> None:
        super().__init__(parent)
        self.manager = manager
        self._worker: Worker | None = None
        self._path: str | None = None
        self._queued: str | None = None

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def load(self, path: str) -> None:
        if self.busy:
            self._queued = path
            return
        self._path = path
        worker = Worker(_load, self.manager, path)
        worker.yielded.connect(self._on_inspected)
        worker.returned.connect(self._on_returned)
        worker.errored.connect(self._on_errored)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        self.busy_changed.emit(True)
        worker.start()

    # Slots are methods of this object, so the worker's signals arrive on the UI thread.
    def _on_inspected(self, inspection: Inspection) -> None:
        self.inspected.emit(inspection)

    def _on_returned(self, backend) -> None:
        self.loaded.emit(self._path, backend)

    def _on_errored(self, exc: BaseException) -> None:
        self.failed.emit(self._path, _message(exc))

    def _on_finished(self) -> None:
        self._worker = None
        queued, self._queued = self._queued, None
        if queued is not None:
            self.load(queued)
        else:
            self.busy_changed.emit(False)

    def wait(self, timeout_ms: int = 60000) -> bool:
        """Wait for a load in progress (it cannot be interrupted) and its signals."""
        self._queued = None
        return wait_until_idle(lambda: not self.busy, timeout_ms)


def _message(exc: BaseException) -> str:
    if isinstance(exc, ModelError):
        return str(exc)
    return _could_not_load(exc)


def _could_not_load(exc: BaseException) -> str:
    return QCoreApplication.translate(
        "ModelLoader", "could not load the model ({kind}: {error})"
    ).format(kind=type(exc).__name__, error=exc)
