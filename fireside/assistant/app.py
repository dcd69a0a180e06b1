"""The composition root: settings -> stores -> models -> engine, built in one place.

No module keeps a global instance; the CLI, the window and tests each call ``build_app``
(tests with ``FIRESIDE_HOME`` pointing at a temporary folder).
"""

from __future__ import annotations

from dataclasses import dataclass

from fireside.assistant.api_keys import ApiKeyStore
from fireside.assistant.engine import ChatEngine
from fireside.assistant.history import HistoryStore
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.remote_sources import RemoteSources
from fireside.assistant.settings import Paths, Settings
from fireside.plugins.manager import PluginManager


@dataclass
class App:
    paths: Paths
    settings: Settings
    history: HistoryStore
    models: ModelManager
    engine: ChatEngine
    plugins: PluginManager

    def save_settings(self) -> None:
        self.settings.save(self.paths)

    def close(self) -> None:
        self.models.close()
        self.history.close()


def build_app(paths: Paths | None = None) -> App:
    paths = (paths or Paths.from_env()).ensure()
    settings = Settings.load(paths)
    history = HistoryStore(paths.history_db)
    models = ModelManager(settings, RemoteSources(settings, ApiKeyStore(paths.config_dir)))
    plugins = PluginManager(disabled=settings.disabled_plugins)
    plugins.load_entry_points()
    engine = ChatEngine(history, models, settings, plugins)
    return App(paths, settings, history, models, engine, plugins)
