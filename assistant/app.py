"""The composition root: settings, stores, plugins, models and the engine, built once here.

No module keeps a global instance; the window, each CLI command and the tests call
``build_app`` once (tests with ``FIRESIDE_HOME`` pointing at a temporary folder) and take
what they need from it. The settings store is made here, once: ``app.settings`` is its live
``Settings`` (read anywhere, the same object for the app's life) and every change goes
through ``app.settings_store.update``. Every store opens on first use, the history
included: a damaged history stops what uses it (with its one-line reason), not
``fireside docs list`` or the local API, whose requests are not written to it. The parts
that cost time (plugins, the documents store, the loader registry, the engine) are built
on first use too, so ``fireside history list`` does not load plugins. ``close`` closes
whatever was opened.
"""

from __future__ import annotations

import os
from functools import cached_property
from pathlib import Path
from typing import TYPE_CHECKING

from fireside.assistant.assistant_store import AssistantStore
from fireside.assistant.chat_images import ChatImages, ImageStore
from fireside.assistant.engine import ChatEngine
from fireside.assistant.grammar_sandbox import GrammarSandbox
from fireside.assistant.history import HistoryStore
from fireside.assistant.language import LanguageDetector
from fireside.assistant.mcp.config import CONFIG_NAME, McpConfig
from fireside.assistant.mcp.failures import FAILURES_NAME, FailureMemory
from fireside.assistant.mcp.manager import McpManager
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.plugin_backends import PluginBackends
from fireside.assistant.remote_sources import RemoteSources
from fireside.assistant.settings import HOME_ENV, Paths
from fireside.assistant.settings_store import SettingsStore, affects
from fireside.assistant.tool_selection import ToolSelector
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.ocr_worker import OcrWorker
from fireside.plugins.context import PluginContext
from fireside.plugins.manager import PluginManager

from fireside.secret_store import SecretStore

if TYPE_CHECKING:
    from fireside.assistant.documents.context import DocumentsProvider
    from fireside.assistant.documents.loaders import LoaderRegistry
    from fireside.assistant.documents.store import DocumentStore
    from fireside.plugins.builtin.web.service import WebService


class App:
    def __init__(self, paths: Paths, settings_store: SettingsStore) -> None:
        self.paths = paths
        self.settings_store = settings_store
        self.settings = settings_store.settings
        self.secrets = open_secrets(paths)
        remotes = RemoteSources(self.settings, self.secrets, settings_store.update)
        self.models = ModelManager(
            self.settings,
            remotes,
            PluginBackends(lambda: self.plugins),  # plugins load when a model id needs them
        )
        settings_store.subscribe(self._on_settings_changed)

    def _on_settings_changed(self, keys: frozenset[str]) -> None:
        """Plugins follow ``plugins.disabled`` whoever changed it (this process or another)."""
        if "plugins" in self.__dict__ and affects(keys, "plugins.disabled"):
            wanted = set(self.settings.plugins.disabled)
            for name in sorted(wanted - self.plugins.disabled):
                self.plugins.disable(name)
            for name in sorted(self.plugins.disabled - wanted):
                self.plugins.enable(name)

    @cached_property
    def history(self) -> HistoryStore:
        """The chat history, opened on first use (``StoreDamagedError`` when damaged)."""
        return HistoryStore(self.paths.history_db)

    @cached_property
    def grammars(self) -> GrammarSandbox:
        """Where grammars from requests' schemas are built (a helper process, on first use)."""
        return GrammarSandbox()

    @cached_property
    def plugins(self) -> PluginManager:
        manager = PluginManager(
            disabled=self.settings.plugins.disabled, context=self.plugin_context
        )
        manager.load_entry_points()
        return manager

    @cached_property
    def plugin_context(self) -> PluginContext:
        """What plugins are lent: the data folder, the live settings, the one secret store,
        the document loaders (a PDF the web tools download) and the Chinese word segmenter."""
        from fireside.assistant.documents.keywords import KeywordText

        return PluginContext(
            data_dir=self.paths.data_dir,
            settings=lambda: self.settings,
            secrets=self.secrets,
            read_document=self.read_document,
            words=KeywordText(self.paths.cache_dir / "jieba"),
        )

    def read_document(self, path: Path) -> str:
        """A file's text through the document loaders (built-ins and plugins')."""
        return "\n\n".join(block.text for block in self.loaders.load(Path(path)))

    @cached_property
    def web(self) -> WebService:
        """Search and page reading for ``fireside web`` and the window (the tools have
        their own, built the same way from the same context)."""
        from fireside.plugins.builtin.web.service import WebService

        return WebService(self.plugin_context)

    @cached_property
    def embedders(self) -> EmbedderRegistry:
        """The one registry: built-in embedders plus plugins', each loaded once."""
        from fireside.assistant.documents.service import add_plugin_embedders

        registry = EmbedderRegistry(self.paths.cache_dir, in_worker=True)
        return add_plugin_embedders(registry, self.plugins)

    @cached_property
    def documents_store(self) -> DocumentStore:
        from fireside.assistant.documents.service import open_store

        return open_store(self.paths, self.embedders, segment_in_worker=True)

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
            lambda: self.history,
            self.models,
            self.settings,
            self.plugins,
            documents=self.documents,
            languages=LanguageDetector(),
            mcp=self.mcp,
            # MiniLM is loaded only when a turn offers more tools than a small model can use
            tool_selector=ToolSelector(lambda: self.embedders.get(DEFAULT_EMBEDDING_MODEL)),
            assistants=self.assistants,
            grammars=self.grammars,
            # the history's picture folder (beside its database), without opening it
            images=ChatImages(ImageStore(self.paths.history_db.parent / "images"), self.ocr),
        )

    @cached_property
    def assistants(self) -> AssistantStore:
        """Built-in assistants and the user's, kept in the history database."""
        return AssistantStore(lambda: self.history)  # opened on first use

    @cached_property
    def mcp(self) -> McpManager:
        """MCP servers start on first use (a turn that offers tools, a listing)."""
        return McpManager(
            McpConfig(self.paths.config_dir / CONFIG_NAME),
            failures=FailureMemory(self.paths.cache_dir / FAILURES_NAME),
        )

    def close(self) -> None:
        if "mcp" in self.__dict__:
            self.mcp.close()
        if "ocr" in self.__dict__:
            self.ocr.shutdown()
        self.models.close()
        if "documents_store" in self.__dict__:
            self.documents_store.keywords.close()
            self.documents_store.close()
        if "embedders" in self.__dict__:
            self.embedders.close()
        if "grammars" in self.__dict__:
            self.grammars.close()
        if "history" in self.__dict__:
            self.history.close()


def open_secrets(paths: Paths) -> SecretStore:
    """The process's one secret store (the ``App`` holds it; commands without one call this).

    A portable install (``FIRESIDE_HOME``) keeps its secrets in its own folder, never in the
    keyring of whichever computer it runs on.
    """
    return SecretStore(paths.config_dir, use_keyring=not os.environ.get(HOME_ENV))


def build_app(paths: Paths | None = None) -> App:
    paths = (paths or Paths.from_env()).ensure()
    return App(paths, SettingsStore(paths.settings_file))
