"""What the server needs from the rest of the app, handed in by whoever starts it.

The window passes its own ``App`` (so API requests share the loaded model with the chat),
``fireside serve`` builds one, and tests may put a scripted model in place of ``models``.
"""

from __future__ import annotations

import threading
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Protocol

from fireside.api.catalogue import Catalogue
from fireside.assistant.settings import DEFAULT_API_PORT, ApiSettings, Paths, Settings
from fireside.models.backend import ChatBackend
from fireside.models.embedder import Embedder
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.plugins.registry import ToolRegistry

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
    models: ModelSource
    settings: Settings
    paths: Paths
    key: Callable[[], str]
    open_documents: Callable[[], DocumentStore]
    # one loaded embedder per name, kept for the server's life
    embedder: Callable[[str | None], Embedder] = field(
        default_factory=lambda: EmbedderRegistry().get
    )
    catalogue: Catalogue | None = None
    tools: Callable[[], ToolRegistry] = ToolRegistry  # Fireside's own tools (plugins)

    def __post_init__(self) -> None:
        if self.catalogue is None:
            self.catalogue = Catalogue(self.settings, self.paths)

    @classmethod
    def from_app(
        cls, app: App, key: Callable[[], str], *, loaded_model_only: bool = False
    ) -> ApiServices:
        """``loaded_model_only``: serve just the model ``app`` has loaded (the window's)."""
        from fireside.assistant.documents.store import DocumentStore

        def loaded() -> str | None:
            current = app.models.current
            return current.description.id if current is not None else None

        from fireside.assistant.documents.service import add_plugin_embedders

        # one registry for the server's life: an embedder loads once, not once per request
        embedders = add_plugin_embedders(EmbedderRegistry(), app.plugins)
        return cls(
            catalogue=Catalogue(app.settings, app.paths, loaded if loaded_model_only else None),
            models=app.models,
            settings=app.settings,
            paths=app.paths,
            key=key,
            open_documents=lambda: DocumentStore(
                app.paths.documents_db, cache_dir=app.paths.cache_dir, embedders=embedders
            ),
            embedder=embedders.get,
            tools=app.plugins.tool_registry,
        )
