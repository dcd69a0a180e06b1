"""Model downloads for the window: a queue, a few at a time, each on a worker thread.

The transfer reports progress from its own thread at most ten times a second; those
reports arrive on the UI thread as queued signals, so the window only repaints a row.
Pause keeps the partial file, cancel deletes it; downloads left paused (or cut short by a
crash) are found again from their sidecar files when the library opens.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from fireside.desktop.workers import Worker, wait_until_idle
from fireside.models.library.download import DONE, PAUSED, Progress, StopFlag
from fireside.models.library.library import ModelLibrary
from PySide6.QtCore import QObject, Signal

QUEUED, RUNNING, FAILED = "queued", "running", "failed"
MAX_ACTIVE = 2


@dataclass
class DownloadJob:
    spec: str  # a catalog id or a repository
    filename: str | None
    label: str
    state: str = QUEUED  # queued, running, paused, done, failed, cancelled
    progress: Progress | None = None
    path: Path | None = None
    error: str = ""
    stop: StopFlag = field(default_factory=StopFlag)

    @property
    def key(self) -> tuple[str, str | None]:
        return (self.spec, self.filename)


class _Relay(QObject):
    """Created on the UI thread; emitting from the worker thread queues the call."""

    progress = Signal(object, object)  # job, Progress


class DownloadQueue(QObject):
    changed = Signal(object)  # a DownloadJob whose state or progress changed
    finished = Signal(object)  # a DownloadJob that is done (``path`` is set)

    def __init__(
        self, library: ModelLibrary, parent: QObject | None = None, max_active: int = MAX_ACTIVE
    ) -> None:
        super().__init__(parent)
        self.library = library
        self.max_active = max_active
        self.jobs: list[DownloadJob] = []
        self._workers: dict[int, Worker] = {}
        self._relay = _Relay()
        self._relay.progress.connect(self._on_progress)

    # -- requests from the window ----------------------------------------------------------
    def add(self, spec: str, filename: str | None, label: str, start: bool = True) -> DownloadJob:
        """Queue a download (the same model twice is one job)."""
        for job in self.jobs:
            if job.key == (spec, filename) and job.state not in (DONE, "cancelled"):
                if start and job.state in (PAUSED, FAILED):
                    self.resume(job)
                return job
        job = DownloadJob(spec, filename, label, QUEUED if start else PAUSED)
        self.jobs.append(job)
        self.changed.emit(job)
        self._pump()
        return job

    def pause(self, job: DownloadJob) -> None:
        if job.state == RUNNING:
            job.stop.pause()  # the worker ends and reports PAUSED
        elif job.state == QUEUED:
            job.state = PAUSED
            self.changed.emit(job)

    def resume(self, job: DownloadJob) -> None:
        if job.state in (PAUSED, FAILED):
            job.state, job.error, job.stop = QUEUED, "", StopFlag()
            self.changed.emit(job)
            self._pump()

    def cancel(self, job: DownloadJob) -> None:
        if job.state == RUNNING:
            job.stop.cancel()
            return
        job.state = "cancelled"
        self.changed.emit(job)
        worker = Worker(self._discard, job.spec, job.filename)
        self._keep(id(job) ^ 1, worker)
        worker.start()

    def active(self) -> list[DownloadJob]:
        return [j for j in self.jobs if j.state == RUNNING]

    def shutdown(self, timeout_ms: int = 30000) -> bool:
        """Pause everything (partial files are kept) and wait for the workers to end."""
        for job in self.jobs:
            if job.state == RUNNING:
                job.stop.pause()
            elif job.state == QUEUED:
                job.state = PAUSED
        return wait_until_idle(lambda: not self._workers, timeout_ms)

    @property
    def busy(self) -> bool:
        return bool(self._workers)

    # -- running -----------------------------------------------------------------------------
    def _pump(self) -> None:
        while len(self.active()) < self.max_active:
            job = next((j for j in self.jobs if j.state == QUEUED), None)
            if job is None:
                return
            job.state = RUNNING
            self.changed.emit(job)
            worker = Worker(self._run, job)
            worker.returned.connect(lambda outcome, job=job: self._on_done(job, outcome))
            worker.errored.connect(lambda exc, job=job: self._on_failed(job, exc))
            self._keep(id(job), worker)
            worker.start()

    def _keep(self, key: int, worker: Worker) -> None:
        self._workers[key] = worker
        worker.finished.connect(lambda: self._forget(key))

    def _forget(self, key: int) -> None:
        self._workers.pop(key, None)
        self._pump()

    def _run(self, job: DownloadJob):
        """On the worker thread: ask the hub what to fetch, then fetch it."""
        plan = self.library.plan(job.spec, job.filename)
        job.path = plan.path
        return self.library.download(plan, job.stop, lambda p: self._relay.progress.emit(job, p))

    def _discard(self, spec: str, filename: str | None) -> None:
        for pending in self.library.pending():
            if self.library.resume_spec(pending) == (spec, filename) or (
                filename is None and pending.sidecar.model_id == spec
            ):
                pending.dest.with_name(pending.dest.name + ".part").unlink(missing_ok=True)
                pending.dest.with_name(pending.dest.name + ".part.json").unlink(missing_ok=True)

    def _on_progress(self, job: DownloadJob, progress: Progress) -> None:
        if job.state == RUNNING:
            job.progress = progress
            self.changed.emit(job)

    def _on_done(self, job: DownloadJob, outcome) -> None:
        job.state = outcome.status
        job.path = outcome.path
        self.changed.emit(job)
        if outcome.status == DONE:
            self.finished.emit(job)

    def _on_failed(self, job: DownloadJob, exc: Exception) -> None:
        job.state = FAILED
        job.error = str(exc)
        self.changed.emit(job)
