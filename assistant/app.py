"""The composition root: settings, stores, plugins, models and the engine, built once here.

No module keeps a global instance; the window, each CLI command and the tests call
``build_app`` once (tests with ``FIRESIDE_HOME`` pointing at a temporary folder) and take
what they need from it. Settings are read once, here. The history opens at once (a damaged
file should stop the start, with its one-line reason); the parts that cost time or are not
always needed (plugins, the documents store, the loader registry, the engine) are built on
first use, so ``fireside history list`` does not load plugins. ``close`` closes whatever
was opened.
"""

from __future__ import annotations

import os
from functools import cached_property
from typing import TYPE_CHECKING

from fireside.assistant.chat_images import ChatImages
from fireside.assistant.engine import ChatEngine
from fireside.assistant.history import HistoryStore
from fireside.assistant.language import LanguageDetector
from fireside.assistant.mcp.config import CONFIG_NAME, McpConfig
from fireside.assistant.mcp.manager import McpManager
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.plugin_backends import PluginBackends
from fireside.assistant.remote_sources import RemoteSources
from fireside.assistant.settings import HOME_ENV, Paths, Settings
from fireside.assistant.tool_selection import ToolSelector
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.ocr_worker import OcrWorker
from fireside.plugins.manager import PluginManager

from fireside.secret_store import SecretStore

if TYPE_CHECKING:
    from fireside.assistant.documents.context import DocumentsProvider
    from fireside.assistant.documents.loaders import LoaderRegistry
    from fireside.assistant.documents.store import DocumentStore


class App:
    def __init__(self, paths: Paths, settings: Settings, history: HistoryStore) -> None:
        self.paths = paths
        self.settings = settings
        self.history = history
        self.secrets = open_secrets(paths)
        self.models = ModelManager(
            settings,
            RemoteSources(settings, self.secrets),
            PluginBackends(lambda: self.plugins),  # plugins load when a model id needs them
        )

    @cached_property
    def plugins(self) -> PluginManager:
        manager = PluginManager(disabled=self.settings.disabled_plugins)
        manager.load_entry_points()
        return manager

    @cached_property
    def embedders(self) -> EmbedderRegistry:
        """The one registry: built-in embedders plus plugins', each loaded once."""
        from fireside.assistant.documents.service import add_plugin_embedders

        return add_plugin_embedders(EmbedderRegistry(), self.plugins)

    @cached_property
    def documents_store(self) -> DocumentStore:
        from fireside.assistant.documents.service import open_store

        return open_store(self.paths, self.embedders)

    @cached_property
    def loaders(self) -> LoaderRegistry:
        """Built-in loaders plus those of enabled plugins: the same for every front end."""
        from fireside.assistant.documents.loaders import LoaderRegistry

        return LoaderRegistry(extra=self.plugins.document_loaders(), ocr=self.ocr)

    @cached_property
    def ocr(self) -> OcrWorker:
        """The one OCR engine (scanned pages, pictures in chats), in its own process: it
        starts on the first page, so an app that reads no picture never loads it."""
        return OcrWorker()

    @cached_property
    def documents(self) -> DocumentsProvider:
        from fireside.assistant.documents.context import DocumentsProvider

        return DocumentsProvider(lambda: self.documents_store)

    @cached_property
    def engine(self) -> ChatEngine:
        return ChatEngine(
            self.history,
            self.models,
            self.settings,
            self.plugins,
            documents=self.documents,
            languages=LanguageDetector(),
            mcp=self.mcp,
            # MiniLM is loaded only when a turn offers more tools than a small model can use
            tool_selector=ToolSelector(lambda: self.embedders.get(DEFAULT_EMBEDDING_MODEL)),
            images=ChatImages(self.history.images, self.ocr),
        )

    @cached_property
    def mcp(self) -> McpManager:
        """MCP servers start on first use (a turn that offers tools, a listing)."""
        return McpManager(McpConfig(self.paths.config_dir / CONFIG_NAME))

    def save_settings(self) -> None:
        self.settings.save(self.paths)

    def close(self) -> None:
        if "mcp" in self.__dict__:
            self.mcp.close()
        if "ocr" in self.__dict__:
            self.ocr.shutdown()
        self.models.close()
        if "documents_store" in self.__dict__:
            self.documents_store.close()
        self.history.close()


def open_secrets(paths: Paths) -> SecretStore:
    """The process's one secret store (the ``App`` holds it; commands without one call this).

    A portable install (``FIRESIDE_HOME``) keeps its secrets in its own folder, never in the
    keyring of whichever computer it runs on.
    """
    return SecretStore(paths.config_dir, use_keyring=not os.environ.get(HOME_ENV))


def build_app(paths: Paths | None = None) -> App:
    paths = (paths or Paths.from_env()).ensure()
    settings = Settings.load(paths)
    return App(paths, settings, HistoryStore(paths.history_db))
