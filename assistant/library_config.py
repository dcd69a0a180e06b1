"""The one place that builds a ``ModelLibrary`` for the app, from the ``library`` settings.

The choices (models folder, hub mirror, extra folders to scan) are the settings' ``library``
section (``LibraryConfig``, in ``settings.py``); the hub access token is not: it is the
secret ``hub-token`` in the app's ``SecretStore`` (the keyring, else a private file), and
``HF_TOKEN`` is used when none is stored, as other hub tools do.
"""

from __future__ import annotations

import os
from pathlib import Path

from fireside.assistant.settings import LibraryConfig, Paths, Settings
from fireside.models.library.hub import HubClient, default_endpoint
from fireside.models.library.library import ModelLibrary

from fireside.secret_store import SecretStore

HUB_TOKEN = "hub-token"  # its name in the secret store

__all__ = ["HUB_TOKEN", "LibraryConfig", "hub_endpoint", "hub_token", "open_library"]


def hub_endpoint(config: LibraryConfig) -> str:
    return (config.endpoint or default_endpoint()).rstrip("/")


def hub_token(secrets: SecretStore) -> str | None:
    """The stored access token, else ``HF_TOKEN``; None when there is neither."""
    return secrets.get(HUB_TOKEN) or os.environ.get("HF_TOKEN") or None


def open_library(paths: Paths, settings: Settings, secrets: SecretStore) -> ModelLibrary:
    config = settings.library
    hub = HubClient(hub_endpoint(config), token_source=lambda: hub_token(secrets))
    return ModelLibrary(
        config.models_path(paths),
        hub,
        [Path(p) for p in config.folders],
        scan_other_apps=config.scan_other_apps,
        kv_cache=settings.model.kv_cache,
    )
