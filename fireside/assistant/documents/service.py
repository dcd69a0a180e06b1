"""Opening the documents store, the loaders and the embedders the way every front end should.

The loader registry includes loaders offered by enabled plugins
(``register_document_loaders``), the embedder registry their embedders
(``register_embedders``); a plugin that fails to load is skipped by the plugin manager,
never fatal here.
"""

from __future__ import annotations

from fireside.assistant.documents.jobs import DEFAULT_COLLECTION
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.settings import Paths, Settings
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.plugins.manager import PluginManager

__all__ = [
    "DEFAULT_COLLECTION",
    "add_plugin_embedders",
    "loader_registry",
    "open_store",
    "plugin_loaders",
]


def open_store(paths: Paths | None = None, settings: Settings | None = None) -> DocumentStore:
    """The documents store, with the built-in embedders and those of enabled plugins."""
    paths = (paths or Paths.from_env()).ensure()
    settings = settings or Settings.load(paths)
    embedders = add_plugin_embedders(EmbedderRegistry(), _plugins(settings))
    return DocumentStore(paths.documents_db, cache_dir=paths.cache_dir, embedders=embedders)


def _plugins(settings: Settings | None) -> PluginManager:
    manager = PluginManager(disabled=settings.disabled_plugins if settings else ())
    manager.load_entry_points()
    return manager


def plugin_loaders(settings: Settings | None = None) -> list:
    """``(extensions, loader)`` pairs from enabled plugins."""
    return _plugins(settings).document_loaders()


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


def loader_registry(settings: Settings | None = None) -> LoaderRegistry:
    return LoaderRegistry(extra=plugin_loaders(settings))
