"""What the server needs from the rest of the app: the app's own parts, handed in once.

The window passes its own ``App`` (so API requests share the loaded model, the documents
store and the embedders with the chat), ``fireside serve`` builds one. Every request uses
these same objects: the server opens no store and loads no embedder of its own.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass
from typing import TYPE_CHECKING, Protocol

from fireside.api.catalogue import Catalogue
from fireside.assistant.engine import ChatEngine
from fireside.assistant.settings import DEFAULT_API_PORT, ApiSettings, Paths, Settings
from fireside.models.backend import ChatBackend
from fireside.models.embedder_registry import EmbedderRegistry

if TYPE_CHECKING:
    from fireside.assistant.app import App
    from fireside.assistant.documents.store import DocumentStore

DEFAULT_PORT = DEFAULT_API_PORT


class ModelSource(Protocol):
    def get(self, path: str | None = None) -> ChatBackend: ...


# The server runs with the settings' ``api`` section: a copy of it, with this run's flags.
ApiConfig = ApiSettings


class ApiStats:
    """Requests served and the last error, read by the window from another thread."""

    def __init__(self) -> None:
        self._lock = threading.Lock()
        self.served = 0
        self.failed = 0
        self.last_error: str | None = None

    def ok(self) -> None:
        with self._lock:
            self.served += 1

    def error(self, message: str) -> None:
        with self._lock:
            self.failed += 1
            self.last_error = message


@dataclass
class ApiServices:
    engine: ChatEngine  # every chat request is a turn of the app's one engine
    models: ModelSource
    settings: Settings
    paths: Paths
    key: Callable[[], str]
    documents: Callable[[], DocumentStore]  # the app's one store, opened on first use
    embedders: EmbedderRegistry  # the app's one registry (plugins' embedders included)
    catalogue: Catalogue

    @classmethod
    def from_app(
        cls, app: App, key: Callable[[], str], *, loaded_model_only: bool = False
    ) -> ApiServices:
        """``loaded_model_only``: serve just the model ``app`` has loaded (the window's)."""

        def loaded() -> str | None:
            current = app.models.current
            return current.description.id if current is not None else None

        return cls(
            engine=app.engine,
            models=app.models,
            settings=app.settings,
            paths=app.paths,
            key=key,
            documents=lambda: app.documents_store,
            embedders=app.embedders,
            catalogue=Catalogue(
                app.settings,
                app.paths,
                loaded if loaded_model_only else None,
                plugin_models=app.models.plugin_models,
            ),
        )
