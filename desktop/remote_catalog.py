"""The remote connections' model lists, fetched in the background for the model picker.

``GET /v1/models`` can take seconds (or the connect timeout, for a server that is down),
so it runs on the worker pool; the picker is filled when the answers arrive. A connection
that does not answer is listed with its error instead of its models. The plugins' models
are listed on the same trip (loading plugins reads the disk), one group per plugin.
"""

from __future__ import annotations

from collections.abc import Callable

from fireside.assistant.remote_sources import RemoteSources
from fireside.desktop.model_picker import RemoteGroup
from fireside.desktop.workers import Worker, wait_until_idle
from fireside.models.remote.client import is_loopback
from PySide6.QtCore import QObject, Signal


def fetch_groups(
    remotes: RemoteSources | None, plugin_models: Callable[[], list] | None = None
) -> list[RemoteGroup]:
    groups = []
    for conn in remotes.connections() if remotes is not None else []:
        status = remotes.status(conn)
        groups.append(
            RemoteGroup(
                conn.name,
                conn.base_url,
                not is_loopback(conn.base_url),
                [m.id for m in status.models],
                status.error,
            )
        )
    by_plugin: dict[str, list[str]] = {}
    for model in plugin_models() if plugin_models is not None else []:
        by_plugin.setdefault(model.plugin, []).append(model.id)
    for plugin, ids in by_plugin.items():
        groups.append(RemoteGroup(plugin, "", False, ids, plugin=True))
    return groups


class RemoteCatalog(QObject):
    """``refresh()`` fetches; ``ready`` brings the groups to the UI thread."""

    ready = Signal(list)  # list[RemoteGroup]

    def __init__(
        self,
        remotes: RemoteSources | None,
        parent=None,
        plugin_models: Callable[[], list] | None = None,
    ) -> None:
        super().__init__(parent)
        self.remotes = remotes
        self.plugin_models = plugin_models  # () -> [PluginModel]
        self.groups: list[RemoteGroup] = []
        self._worker: Worker | None = None
        self._again = False

    @property
    def busy(self) -> bool:
        return self._worker is not None

    def refresh(self) -> None:
        if self.remotes is None and self.plugin_models is None:
            return
        if self._worker is not None:
            self._again = True  # the connections changed while fetching: fetch once more
            return
        worker = Worker(fetch_groups, self.remotes, self.plugin_models)
        worker.returned.connect(self._on_returned)
        worker.finished.connect(self._on_finished)
        self._worker = worker
        worker.start()

    def _on_returned(self, groups: list[RemoteGroup]) -> None:
        self.groups = groups
        self.ready.emit(groups)

    def _on_finished(self) -> None:
        self._worker = None
        if self._again:
            self._again = False
            self.refresh()

    def wait(self, timeout_ms: int = 30000) -> bool:
        self._again = False
        return wait_until_idle(lambda: not self.busy, timeout_ms)
