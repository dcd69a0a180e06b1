"""The local model in its own process: a ``ChatBackend`` proxy and the worker it talks to."""

from fireside.models.worker.crash import WorkerCrashedError
from fireside.models.worker.proxy import WorkerBackend

__all__ = ["WorkerBackend", "WorkerCrashedError"]
