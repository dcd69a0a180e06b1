"""Where Fireside keeps its files, and the user's choices, in one object.

Every path hangs off ``Paths``: the platform's usual folders by default (platformdirs), or
one folder named by ``FIRESIDE_HOME`` (tests, portable installs). Nothing else in the code
decides where files go.
"""

from __future__ import annotations

import json
import logging
import os
import tempfile
from dataclasses import asdict, dataclass, field
from pathlib import Path

from fireside.models.sampling import SamplingParams

from fireside.private_files import PRIVATE_DIR, make_private

log = logging.getLogger(__name__)

HOME_ENV = "FIRESIDE_HOME"
APP_NAME = "Fireside"


@dataclass(frozen=True)
class Paths:
    data_dir: Path
    config_dir: Path
    cache_dir: Path
    log_dir: Path

    @classmethod
    def from_env(cls) -> Paths:
        home = os.environ.get(HOME_ENV)
        if home:
            return cls.under(Path(home).expanduser())
        import platformdirs

        return cls(
            Path(platformdirs.user_data_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_config_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_cache_dir(APP_NAME, appauthor=False)),
            Path(platformdirs.user_log_dir(APP_NAME, appauthor=False)),
        )

    @classmethod
    def under(cls, root: Path) -> Paths:
        """Everything in one folder: ``FIRESIDE_HOME``, portable installs, tests."""
        return cls(root / "data", root / "config", root / "cache", root / "logs")

    def ensure(self) -> Paths:
        """Make the folders, readable by this user only (chats, documents and keys are
        private; folders made by an earlier release are tightened too)."""
        for d in (self.data_dir, self.config_dir, self.cache_dir, self.log_dir):
            d.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
            make_private(d, PRIVATE_DIR)
        return self

    @property
    def history_db(self) -> Path:
        return self.data_dir / "history.db"

    @property
    def documents_db(self) -> Path:
        return self.data_dir / "documents.db"

    @property
    def models_dir(self) -> Path:
        return self.data_dir / "models"

    @property
    def settings_file(self) -> Path:
        return self.config_dir / "settings.json"


@dataclass
class ModelSettings:
    """Choices that belong to one model file (saved per model path)."""

    n_ctx: int | None = None
    n_gpu_layers: int | str = "auto"
    chat_template: str | None = None
    sampling: SamplingParams = field(default_factory=SamplingParams)

    def to_dict(self) -> dict:
        return asdict(self)

    @classmethod
    def from_dict(cls, data: dict | None) -> ModelSettings:
        data = dict(data or {})
        sampling = SamplingParams.from_dict(data.pop("sampling", None))
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(sampling=sampling, **known)


@dataclass
class Settings:
    """The user's choices; saved as JSON in ``Paths.config_dir``."""

    model_path: str | None = None  # None: the bundled default model
    recent_models: list[str] = field(default_factory=list)
    system_prompt: str = "You are a helpful assistant."
    n_threads: int | None = None
    idle_unload_minutes: int = 0  # end the model worker after this long unused; 0: never
    theme: str = "system"  # "light", "dark", "system"
    ui_language: str = "system"  # the window's language: "en", "zh_CN", "zh_TW", "system"
    per_model: dict[str, dict] = field(default_factory=dict)
    disabled_plugins: list[str] = field(default_factory=list)
    tools_enabled: bool | None = None  # None: offer tools to models able to use them
    always_allowed_tools: list[str] = field(default_factory=list)
    library: dict = field(default_factory=dict)  # the model library's LibraryConfig
    # remote OpenAI-compatible engines: name, base URL, where the key is (never the key)
    remote_connections: list[dict] = field(default_factory=list)
    api: dict = field(default_factory=dict)  # the local API server: enabled, port, hosts...
    routing_enabled: bool = True  # obvious requests (sums, weather, date) run their tool first

    def model_settings(self, path: str | None) -> ModelSettings:
        return ModelSettings.from_dict(self.per_model.get(path or "", None))

    def set_model_settings(self, path: str | None, value: ModelSettings) -> None:
        self.per_model[path or ""] = value.to_dict()

    def remember_model(self, path: str) -> None:
        self.recent_models = [path] + [p for p in self.recent_models if p != path][:9]

    @classmethod
    def load(cls, paths: Paths) -> Settings:
        try:
            data = json.loads(paths.settings_file.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return cls()
        except (OSError, ValueError):
            # A damaged settings file must not stop the app; keep it for the user to inspect.
            broken = paths.settings_file.with_suffix(".json.broken")
            paths.settings_file.replace(broken)
            log.warning("settings file %s was unreadable; kept as %s", paths.settings_file, broken)
            return cls()
        known = {k: v for k, v in data.items() if k in cls.__dataclass_fields__}
        return cls(**known)

    def save(self, paths: Paths) -> None:
        """Write atomically, so a crash mid-save never leaves half a file."""
        paths.config_dir.mkdir(parents=True, exist_ok=True)
        fd, tmp = tempfile.mkstemp(dir=paths.config_dir, suffix=".tmp")
        with os.fdopen(fd, "w", encoding="utf-8") as fh:
            json.dump(asdict(self), fh, indent=2)
        os.replace(tmp, paths.settings_file)
