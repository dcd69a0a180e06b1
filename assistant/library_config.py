"""The one place that builds a ``ModelLibrary`` for the app, from the ``library`` settings.

The choices (models folder, hub mirror, extra folders to scan) are the settings' ``library``
section (``LibraryConfig``, in ``settings.py``); the access token is not (see
``token_store``).
"""

from __future__ import annotations

from pathlib import Path

from fireside.assistant.settings import LibraryConfig, Paths, Settings
from fireside.models.library.hub import HubClient, default_endpoint
from fireside.models.library.library import ModelLibrary
from fireside.models.library.token_store import TokenStore

__all__ = ["LibraryConfig", "hub_endpoint", "open_library", "token_store"]


def hub_endpoint(config: LibraryConfig) -> str:
    return (config.endpoint or default_endpoint()).rstrip("/")


def token_store(paths: Paths) -> TokenStore:
    return TokenStore(paths.config_dir)


def open_library(paths: Paths, settings: Settings) -> ModelLibrary:
    config = settings.library
    hub = HubClient(hub_endpoint(config), token_source=token_store(paths).get)
    return ModelLibrary(
        config.models_path(paths),
        hub,
        [Path(p) for p in config.folders],
        scan_other_apps=config.scan_other_apps,
    )
