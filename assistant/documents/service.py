"""Opening the documents store with its embedders; the app keeps the one it opens.

``fireside.assistant.app.App`` owns one embedder registry (``embedders``, with those of
enabled plugins through ``register_embedders``), one store (``documents_store``) over it and
one loader registry (``loaders``) for every front end; ``open_store`` without a registry
serves scripts and tests.
"""

from __future__ import annotations

from fireside.assistant.documents.jobs import DEFAULT_COLLECTION
from fireside.assistant.documents.keyword_worker import KeywordWorker
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.settings import Paths
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.plugins.manager import PluginManager

__all__ = ["DEFAULT_COLLECTION", "add_plugin_embedders", "open_store"]


def open_store(
    paths: Paths | None = None,
    embedders: EmbedderRegistry | None = None,
    *,
    segment_in_worker: bool = False,
) -> DocumentStore:
    """The documents store over ``embedders`` (default: the built-in ones);
    ``segment_in_worker``: Chinese is segmented in a child process (the app's choice)."""
    paths = (paths or Paths.from_env()).ensure()
    keywords = KeywordWorker(paths.cache_dir) if segment_in_worker else None
    return DocumentStore(
        paths.documents_db, cache_dir=paths.cache_dir, embedders=embedders, keywords=keywords
    )


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
