"""Opening the documents store with its embedders; the app keeps the one it opens.

``fireside.assistant.app.App`` owns one store (``documents_store``, with the embedders of
enabled plugins through ``register_embedders``) and one loader registry (``loaders``) for
every front end; ``open_store`` without plugins serves scripts and tests.
"""

from __future__ import annotations

from fireside.assistant.documents.jobs import DEFAULT_COLLECTION
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.settings import Paths
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.plugins.manager import PluginManager

__all__ = ["DEFAULT_COLLECTION", "add_plugin_embedders", "open_store"]


def open_store(paths: Paths | None = None, plugins: PluginManager | None = None) -> DocumentStore:
    """The documents store, with the built-in embedders and those of ``plugins``."""
    paths = (paths or Paths.from_env()).ensure()
    embedders = EmbedderRegistry()
    if plugins is not None:
        add_plugin_embedders(embedders, plugins)
    return DocumentStore(paths.documents_db, cache_dir=paths.cache_dir, embedders=embedders)


def add_plugin_embedders(registry: EmbedderRegistry, plugins: PluginManager) -> EmbedderRegistry:
    """Register what plugins offer through ``register_embedders`` (a plugin's name wins over
    a built-in of the same name, as a plugin loader wins over a built-in loader)."""
    for name, factory, options in plugins.embedders():
        registry.register(
            name,
            factory,
            description=str(options.get("description", "")),
            aliases=tuple(options.get("aliases", ())),
            source="plugin",
        )
    return registry
