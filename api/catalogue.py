"""The model names the API answers to, and the files they stand for.

A local GGUF is named by its file name without ``.gguf`` (what LM Studio and llama.cpp's
server show), and also answers to its full path; ``default`` is whatever the app would use
with no choice made (the user's chosen model, else the bundled one). Known models are the
default, the recent ones and the GGUFs in the models folder, plus the models plugins offer
(named by their ids, ``owned_by`` the plugin).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass
from pathlib import Path

from fireside.assistant.settings import Paths, Settings
from fireside.models.bundled import default_model

DEFAULT_ALIAS = "default"


@dataclass
class CatalogueEntry:
    id: str
    path: str
    owned_by: str = "fireside"


def model_id(path: str | Path) -> str:
    name = Path(path).name
    return name[: -len(".gguf")] if name.lower().endswith(".gguf") else name


class Catalogue:
    """``loaded``: when given, only the model it returns is served (the window's loaded
    model: switching models under a chat that is generating is the window's decision)."""

    def __init__(
        self,
        settings: Settings,
        paths: Paths,
        loaded: Callable[[], str | None] | None = None,
        plugin_models: Callable[[], list] | None = None,
    ) -> None:
        self.settings = settings
        self.paths = paths
        self.loaded = loaded
        self.plugin_models = plugin_models  # () -> [PluginModel]: ids the plugins offer

    def default_path(self) -> str | None:
        if self.loaded is not None:
            current = self.loaded()
            if current:
                return current
        if self.settings.model.path:
            return str(Path(self.settings.model.path).expanduser())
        bundled = default_model()
        return str(bundled.path) if bundled else None

    def entries(self) -> list[CatalogueEntry]:
        found: dict[str, CatalogueEntry] = {}
        candidates = [self.default_path()]
        if self.loaded is None:
            candidates += self.settings.model.recent
            if self.paths.models_dir.is_dir():
                candidates += sorted(str(p) for p in self.paths.models_dir.glob("*.gguf"))
            bundled = default_model()
            if bundled:
                candidates.append(str(bundled.path))
        for path in candidates:
            if not path or not Path(path).expanduser().is_file():
                continue
            path = str(Path(path).expanduser())
            found.setdefault(model_id(path), CatalogueEntry(model_id(path), path))
        if self.plugin_models is not None:
            only = self.default_path() if self.loaded is not None else None
            for model in self.plugin_models():
                if self.loaded is None or model.id == only:
                    found.setdefault(model.id, CatalogueEntry(model.id, model.id, model.plugin))
        return list(found.values())

    def resolve(self, name: str | None) -> CatalogueEntry | None:
        """The entry for ``name`` (an id, ``default``, or a known file's path), else None."""
        entries = self.entries()
        if not name or name == DEFAULT_ALIAS:
            default = self.default_path()
            return next((e for e in entries if e.path == default), None)
        for entry in entries:
            if name in (entry.id, entry.path, Path(entry.path).name):
                return entry
        return None
