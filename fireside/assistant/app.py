"""The composition root: settings -> stores -> models -> engine, built in one place.

No module keeps a global instance; the CLI, the window and tests each call ``build_app``
(tests with ``FIRESIDE_HOME`` pointing at a temporary folder).
"""

from __future__ import annotations

from dataclasses import dataclass

from fireside.assistant.engine import ChatEngine
from fireside.assistant.history import HistoryStore
from fireside.assistant.mcp.config import CONFIG_NAME, McpConfig
from fireside.assistant.mcp.manager import McpManager
from fireside.assistant.model_manager import ModelManager
from fireside.assistant.settings import Paths, Settings
from fireside.assistant.tool_selection import ToolSelector
from fireside.models.embedder import get_embedder
from fireside.plugins.manager import PluginManager


@dataclass
class App:
    paths: Paths
    settings: Settings
    history: HistoryStore
    models: ModelManager
    engine: ChatEngine
    plugins: PluginManager
    mcp: McpManager

    def save_settings(self) -> None:
        self.settings.save(self.paths)

    def close(self) -> None:
        self.mcp.close()
        self.models.close()
        self.history.close()


def build_app(paths: Paths | None = None) -> App:
    paths = (paths or Paths.from_env()).ensure()
    settings = Settings.load(paths)
    history = HistoryStore(paths.history_db)
    models = ModelManager(settings)
    plugins = PluginManager(disabled=settings.disabled_plugins)
    plugins.load_entry_points()
    mcp = McpManager(McpConfig(paths.config_dir / CONFIG_NAME))
    selector = ToolSelector(get_embedder)  # MiniLM, loaded only when many tools are offered
    engine = ChatEngine(history, models, settings, plugins, mcp=mcp, tool_selector=selector)
    return App(paths, settings, history, models, engine, plugins, mcp)
