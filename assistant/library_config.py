"""The model library's settings, and the one place that builds a ``ModelLibrary`` for the app.

The choices (models folder, hub mirror, extra folders to scan) live in the settings file
under ``library``; the hub access token does not: it is the secret ``hub-token`` in the app's
``SecretStore`` (the keyring, else a private file), and ``HF_TOKEN`` is used when none is
stored, as other hub tools do.
"""

from __future__ import annotations

import os
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fireside.assistant.settings import Paths, Settings
from fireside.models.library.hub import HubClient, default_endpoint
from fireside.models.library.library import ModelLibrary

from fireside.secret_store import SecretStore

HUB_TOKEN = "hub-token"  # its name in the secret store


@dataclass
class LibraryConfig:
    models_dir: str | None = None  # None: <data folder>/models
    endpoint: str | None = None  # None: HF_ENDPOINT, else the hub
    folders: list[str] = field(default_factory=list)  # user-added folders to list models from
    scan_other_apps: bool = True  # LM Studio's, GPT4All's and Jan's folders

    @classmethod
    def of(cls, settings: Settings) -> LibraryConfig:
        data = settings.library or {}
        return cls(**{k: v for k, v in data.items() if k in cls.__dataclass_fields__})

    def store(self, settings: Settings) -> None:
        settings.library = asdict(self)

    def models_path(self, paths: Paths) -> Path:
        return Path(self.models_dir).expanduser() if self.models_dir else paths.models_dir

    def hub_endpoint(self) -> str:
        return (self.endpoint or default_endpoint()).rstrip("/")


def hub_token(secrets: SecretStore) -> str | None:
    """The stored access token, else ``HF_TOKEN``; None when there is neither."""
    return secrets.get(HUB_TOKEN) or os.environ.get("HF_TOKEN") or None


def open_library(paths: Paths, settings: Settings, secrets: SecretStore) -> ModelLibrary:
    config = LibraryConfig.of(settings)
    hub = HubClient(config.hub_endpoint(), token_source=lambda: hub_token(secrets))
    return ModelLibrary(
        config.models_path(paths),
        hub,
        [Path(p) for p in config.folders],
        scan_other_apps=config.scan_other_apps,
    )
