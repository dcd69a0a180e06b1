"""Opening the documents store and the loader registry the way every front end should.

The registry includes loaders offered by enabled plugins (``register_document_loaders``);
a plugin that fails to load is skipped by the plugin manager, never fatal here.
"""

from __future__ import annotations

from fireside.assistant.documents.jobs import DEFAULT_COLLECTION
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.settings import Paths, Settings

__all__ = ["DEFAULT_COLLECTION", "loader_registry", "open_store", "plugin_loaders"]


def open_store(paths: Paths | None = None) -> DocumentStore:
    paths = (paths or Paths.from_env()).ensure()
    return DocumentStore(paths.documents_db)


def plugin_loaders(settings: Settings | None = None) -> list:
    """``(extensions, loader)`` pairs from enabled plugins (empty if plugins are unavailable)."""
    try:
        from fireside.plugins.manager import PluginManager
    except ImportError:
        return []
    manager = PluginManager(disabled=settings.disabled_plugins if settings else ())
    manager.load_entry_points()
    return manager.document_loaders()


def loader_registry(settings: Settings | None = None) -> LoaderRegistry:
    return LoaderRegistry(extra=plugin_loaders(settings))
