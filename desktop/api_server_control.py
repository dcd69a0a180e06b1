"""The window's one API server: started and stopped off the UI thread, watched by a timer.

The server shares the window's ``App`` (its model manager, so API requests use the model
the chat has loaded, one at a time with the chat's own turns). Binding, reading the key from
the keyring and stopping uvicorn all happen on a worker; the UI only hears signals. Its
settings (the ``api`` section) change through the settings bridge; a running server follows
the tools allowed for the API wherever they were changed.
"""

from __future__ import annotations

import dataclasses

from fireside.api.api_key import ApiKeys
from fireside.api.server import ApiServer
from fireside.api.services import ApiConfig, ApiServices
from fireside.assistant.app import App
from fireside.assistant.settings import Settings
from fireside.assistant.settings_store import affects
from fireside.desktop.settings_bridge import SettingsBridge
from fireside.desktop.workers import Worker, wait_until_idle
from PySide6.QtCore import QObject, QTimer, Signal

STATS_INTERVAL_MS = 1000


class ApiServerControl(QObject):
    running_changed = Signal(bool)  # after a start or a stop finished
    key_changed = Signal(str, str)  # key, where it is kept
    stats_changed = Signal(int, str)  # requests served, last error ("" if none)
    failed = Signal(str)

    def __init__(self, app: App, settings: SettingsBridge, parent=None) -> None:
        super().__init__(parent)
        self.app = app
        self.settings = settings
        self.server: ApiServer | None = None
        self.key: str = ""
        self.key_where: str = ""
        self.busy = False
        self.last_error = ""
        self._workers: set[Worker] = set()
        self._timer = QTimer(self, interval=STATS_INTERVAL_MS)
        self._timer.timeout.connect(self._poll)
        settings.changed.connect(self._on_settings_changed)

    # -- state ------------------------------------------------------------------------------
    @property
    def config(self) -> ApiConfig:
        return dataclasses.replace(self.app.settings.api)  # a copy: the server's own

    @property
    def running(self) -> bool:
        return self.server is not None and self.server.running

    @property
    def url(self) -> str:
        return self.server.url if self.server is not None else ""

    @property
    def saved_enabled(self) -> bool:
        return self.app.settings.api.enabled

    def set_port(self, port: int) -> None:
        self.settings.update(_api_change(port=port))

    def network_tools(self) -> list[str]:
        """Tools that reach outside the computer: API requests may run them only if allowed."""
        return [t.name for t in self.app.plugins.tool_registry() if t.needs_approval]

    def set_tool_allowed(self, name: str, allowed: bool) -> None:
        def change(settings: Settings) -> None:
            names = [n for n in settings.api.allowed_tools if n != name]
            settings.api.allowed_tools = names + ([name] if allowed else [])

        self.settings.update(change)  # the running server follows: _on_settings_changed

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        if self.server is not None and affects(keys, "api.allowed_tools"):
            # the running server reads this list per request
            self.server.config.allowed_tools = list(self.app.settings.api.allowed_tools)

    # -- actions ----------------------------------------------------------------------------
    def load_key(self) -> None:
        self._run(self._read_key, self._key_read, switching=False)

    def rotate_key(self) -> None:
        self._run(lambda: ApiKeys(self.app.secrets).rotate(), self._key_read, switching=False)

    def start(self) -> None:
        if self.running or self.busy:
            return
        self._remember(True)
        config = self.config
        self._run(lambda: self._start(config), self._started)

    def stop(self) -> None:
        if self.server is None or self.busy:
            return
        self._remember(False)
        server, self.server = self.server, None
        self._timer.stop()
        self._run(server.stop, lambda _: self.running_changed.emit(False))

    def shutdown(self, timeout_ms: int = 10000) -> None:
        """Stop at exit (the saved on/off choice stays as it was)."""
        wait_until_idle(lambda: not self._workers, timeout_ms)
        if self.server is not None:
            self.server.stop(timeout_ms / 1000)
            self.server = None

    # -- workers ----------------------------------------------------------------------------
    def _run(self, func, on_result, switching: bool = True) -> None:
        """``switching``: a start or stop, during which the switch cannot be used again."""
        if switching:
            self.busy = True
        worker = Worker(func)
        worker.returned.connect(on_result)
        worker.errored.connect(self._errored)
        worker.finished.connect(lambda: self._done(worker, switching))
        self._workers.add(worker)
        worker.start()

    def _done(self, worker: Worker, switching: bool) -> None:
        if switching:
            self.busy = False
        self._workers.discard(worker)
        self.running_changed.emit(self.running)

    def _errored(self, exc: Exception) -> None:
        self.last_error = str(exc)
        self.failed.emit(self.last_error)
        self.running_changed.emit(self.running)

    def _read_key(self):
        return ApiKeys(self.app.secrets).get()

    def _key_read(self, key) -> None:
        self.key, self.key_where = key.value, key.where
        self.key_changed.emit(key.value, key.where)

    def _start(self, config: ApiConfig):
        key = ApiKeys(self.app.secrets).get()
        services = ApiServices.from_app(
            self.app, key=lambda: self.key or key.value, loaded_model_only=True
        )
        server = ApiServer(services, config)
        server.start()
        return key, server

    def _started(self, result) -> None:
        key, server = result
        self.server = server
        self._key_read(key)
        self._timer.start()
        self.running_changed.emit(True)

    def _poll(self) -> None:
        if self.server is None:
            return
        stats = self.server.stats
        error = stats.last_error or self.last_error
        self.stats_changed.emit(stats.served, error or "")

    def _remember(self, enabled: bool) -> None:
        self.settings.update(_api_change(enabled=enabled))


def _api_change(**values):
    """The settings change that sets these fields of the ``api`` section."""

    def change(settings: Settings) -> None:
        settings.api = dataclasses.replace(settings.api, **values)

    return change
