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
from fireside.assistant.settings import Paths, Settings
from fireside.models.backend import ChatBackend
from fireside.models.embedder import Embedder
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.plugins.registry import ToolRegistry

if TYPE_CHECKING:
    from fireside.assistant.app import App
    from fireside.assistant.documents.store import DocumentStore

DEFAULT_PORT = 8765
DEFAULT_MAX_BODY = 8 * 2**20
DEFAULT_MAX_QUEUE = 16


class ModelSource(Protocol):
    def get(self, path: str | None = None) -> ChatBackend: ...


@dataclass
class ApiConfig:
    host: str = "127.0.0.1"
    port: int = DEFAULT_PORT  # 0: any free port
    allowed_hosts: list[str] = field(default_factory=list)  # names besides IPs and localhost
    cors_origins: list[str] = field(default_factory=list)  # none: CORS off
    max_body_bytes: int = DEFAULT_MAX_BODY
    max_queue: int = DEFAULT_MAX_QUEUE  # requests waiting behind the running one
    allowed_tools: list[str] = field(default_factory=list)  # network/file tools API may run

    @classmethod
    def from_settings(cls, settings: Settings) -> ApiConfig:
        saved = settings.api or {}
        known = {k: v for k, v in saved.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save_to(self, settings: Settings) -> None:
        saved = dict(settings.api or {})
        saved.update(
            port=self.port,
            allowed_hosts=self.allowed_hosts,
            cors_origins=self.cors_origins,
            allowed_tools=self.allowed_tools,
        )
        settings.api = saved


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
            catalogue=Catalogue(
                app.settings,
                app.paths,
                loaded if loaded_model_only else None,
                plugin_models=app.models.plugin_models,
            ),
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
