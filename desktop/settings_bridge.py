"""The window's way to the settings: it hears every change and never waits on the disk.

``changed`` carries the ``section.field`` keys that changed, whoever changed them: a widget
of this window, or another Fireside process (a ``fireside settings set``, a second window).
Other processes are heard through a ``QFileSystemWatcher`` on the config folder (the file
is replaced by a rename, so watching the file alone would lose it after the first change);
the file is read on the worker pool and adopted here, on the UI thread.

``update(change)`` applies a change to the settings in memory at once (the window shows it
and listeners hear it now) and queues it to be saved by ``SettingsStore.persist``, which
re-reads the file under its lock and applies the change to what is there, so a change made
elsewhere meanwhile is kept too. Reads and writes run one after another, in order; until a
change is on disk it is laid again over anything read, so the window never flickers back.
A change may therefore run more than once: write it as "make it so" (set a value, add an
item if missing), never as "toggle" or "append".
"""

from __future__ import annotations

import copy
import logging
from collections import deque

from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import Change, SettingsStore
from fireside.desktop.workers import Worker, wait_until_idle
from PySide6.QtCore import QFileSystemWatcher, QObject, Signal

log = logging.getLogger(__name__)

_READ = "read"  # a queued read of the file if it changed, beside queued changes
_REREAD = "reread"  # a read of the file whatever it looks like


class SettingsBridge(QObject):
    changed = Signal(object)  # frozenset[str]: the section.field keys that changed
    failed = Signal(str)  # a change could not be saved (one line); the file is read again

    def __init__(self, store: SettingsStore, parent: QObject | None = None) -> None:
        super().__init__(parent)
        self.store = store
        self._pending: list[Change] = []  # applied in memory, not yet on disk, in order
        self._jobs: deque[Change | str] = deque()  # changes to save, and reads
        self._worker: Worker | None = None
        self._unsubscribe = store.subscribe(self.changed.emit)  # queued if from a thread
        self.watcher = QFileSystemWatcher(self)
        self.watcher.addPath(str(store.path.parent))
        self.watcher.directoryChanged.connect(self._on_disk_changed)
        self.watcher.fileChanged.connect(self._on_disk_changed)  # a file rewritten in place
        self.sync()  # also starts watching the file itself, once a worker has seen it

    @property
    def settings(self) -> Settings:
        """The live settings (read only: change them with ``update``)."""
        return self.store.settings

    @property
    def busy(self) -> bool:
        """Whether a change is still being saved or a read is under way."""
        return self._worker is not None or bool(self._jobs)

    # -- changing ---------------------------------------------------------------------------------
    def update(self, change: Change) -> frozenset[str]:
        """Apply ``change`` now (returns the keys it changed) and save it in the background.

        ``SettingsError`` at once, with nothing applied, when it sets a value its field does
        not allow.
        """
        edited = self.store.edited(change)
        self._pending.append(change)
        self._jobs.append(change)
        keys = self.store.adopt(edited)
        self._next()
        return keys

    def sync(self) -> None:
        """Read the file again (on the worker pool); what others changed arrives as ``changed``."""
        if _READ not in self._jobs and _REREAD not in self._jobs:
            self._jobs.append(_READ)
        self._next()

    def wait(self, timeout_ms: int = 10000) -> bool:
        """Let queued saves and reads finish (the window is closing)."""
        return wait_until_idle(lambda: not self.busy, timeout_ms)

    def close(self) -> None:
        """Stop hearing changes (the window is closing)."""
        self._unsubscribe()
        watched = self.watcher.files() + self.watcher.directories()
        if watched:
            self.watcher.removePaths(watched)

    # -- the queue --------------------------------------------------------------------------------
    def _next(self) -> None:
        if self._worker is not None or not self._jobs:
            return
        job = self._jobs.popleft()
        if job in (_READ, _REREAD):
            worker = Worker(self._read, job == _REREAD)
            worker.returned.connect(self._on_read)
        else:
            worker = Worker(self.store.persist, job)
            worker.returned.connect(self._on_written)
            worker.errored.connect(self._on_write_failed)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        worker.start()

    def _on_finished(self) -> None:
        self._worker = None
        self._next()

    def _on_written(self, on_disk: Settings) -> None:
        self._pending.pop(0)
        self._adopt(on_disk)

    def _on_write_failed(self, exc: BaseException) -> None:
        self._pending.pop(0)
        log.warning("a settings change was not saved: %s", exc)
        self.failed.emit(str(exc))
        self._jobs.appendleft(_REREAD)  # the memory is ahead of the file: take the file's word

    def _read(self, force: bool) -> tuple[Settings | None, bool]:
        """On the worker pool: the file's settings (None if unchanged), and whether it exists."""
        on_disk = self.store.read() if force else self.store.read_if_changed()
        return on_disk, self.store.path.exists()

    def _on_read(self, result: tuple[Settings | None, bool]) -> None:
        on_disk, exists = result
        path = str(self.store.path)
        if exists and path not in self.watcher.files():  # a replaced file is a new one
            self.watcher.addPath(path)
        if on_disk is not None:
            self._adopt(on_disk)

    def _adopt(self, on_disk: Settings) -> None:
        """What the file says, with the changes still waiting to be written laid over it."""
        merged = copy.deepcopy(on_disk)
        for change in self._pending:
            change(merged)
        self.store.adopt(merged)

    def _on_disk_changed(self, _path: str) -> None:
        self.sync()
