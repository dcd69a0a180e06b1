"""Where Fireside keeps its files, and the user's choices, in one object.

Every path hangs off ``Paths``: the platform's usual folders by default (platformdirs), or
one folder named by ``FIRESIDE_HOME`` (tests, portable installs). Nothing else in the code
decides where files go.

The choices are typed sections (chat, model, window, plugins, library, remote, api, web), so a
reader gets an ``int`` where it expects one, whatever the file says. The file is read and
written only by ``SettingsStore`` (``settings_store.py``); files in the flat format of
earlier versions are read into the sections.
"""

from __future__ import annotations

import copy
import os
from collections.abc import Callable
from dataclasses import asdict, dataclass, field, fields
from pathlib import Path
from typing import Annotated, Any, Literal

from fireside.assistant.language import default_system_prompt
from fireside.assistant.settings_fields import Range, found, hints, load
from fireside.models.sampling import SamplingParams

from fireside.private_files import PRIVATE_DIR, make_private

HOME_ENV = "FIRESIDE_HOME"
APP_NAME = "Fireside"
DEFAULT_API_PORT = 8765


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


# -- the sections ------------------------------------------------------------------------------
# Each section is a plain dataclass; the annotations are the rules ``settings_fields`` checks a
# file against, field by field (a wrong value falls back to the default, the rest is kept).
Threads = Annotated[int, Range(1, 1024)]
Minutes = Annotated[int, Range(0, 7 * 24 * 60)]


@dataclass
class ModelSettings:
    """Choices that belong to one model (saved per model path or ``CONNECTION/MODEL`` id)."""

    n_ctx: Annotated[int, Range(1)] | None = None
    n_gpu_layers: int | Literal["auto"] = "auto"
    chat_template: str | None = None
    sampling: SamplingParams = field(default_factory=SamplingParams)
    draft_model: str | None = None  # a small GGUF of the same family guessing tokens ahead


@dataclass
class ChatSettings:
    """How a turn is answered: the system prompt and which tools may take part."""

    # a default (see language.system_prompt_in) is used in the user's language
    system_prompt: str = field(default_factory=default_system_prompt)
    tools_enabled: bool | None = None  # None: offer tools to models able to use them
    routing_enabled: bool = True  # obvious requests (sums, weather, date) run their tool first
    always_allowed_tools: list[str] = field(default_factory=list)


@dataclass
class ModelChoices:
    """Which model answers, the recent ones, and how local models run."""

    path: str | None = None  # a GGUF path or CONNECTION/MODEL; None: the bundled model
    recent: list[str] = field(default_factory=list)
    n_threads: Threads | None = None  # None: chosen per turn from the cores free then
    idle_unload_minutes: Minutes = 0  # end the model worker after this long unused; 0: never
    kv_cache: Literal["f16", "q8_0"] = "q8_0"  # the KV cache's type (q8_0: half of f16)
    # "auto": guess tokens from the prompt on turns with documents or earlier text (or with
    # the model's draft model), the same output sooner; "off": one token at a time
    speculative: Literal["auto", "off"] = "auto"
    per_model: dict[str, ModelSettings] = field(default_factory=dict)


@dataclass
class WindowSettings:
    theme: Literal["system", "light", "dark"] = "system"
    language: Literal["system", "en", "zh_CN", "zh_TW"] = "system"  # applies after a restart


@dataclass
class PluginSettings:
    disabled: list[str] = field(default_factory=list)


@dataclass
class LibraryConfig:
    """The model library: models folder, hub mirror, extra folders (never the token)."""

    models_dir: str | None = None  # None: <data folder>/models
    endpoint: str | None = None  # None: HF_ENDPOINT, else the hub
    folders: list[str] = field(default_factory=list)  # user-added folders to list models from
    scan_other_apps: bool = True  # LM Studio's, GPT4All's and Jan's folders

    def models_path(self, paths: Paths) -> Path:
        return Path(self.models_dir).expanduser() if self.models_dir else paths.models_dir


@dataclass
class RemoteConnection:
    """A remote OpenAI-compatible server: where it is and where its key is (never the key)."""

    name: str
    base_url: str
    key_source: Literal["none", "env", "keyring", "file"] = "none"
    key_env: str | None = None  # the variable's name, never its value
    tools: Literal["native", "prompt"] = "native"  # "prompt": describe tools in the prompt
    timeout_s: Annotated[float, Range(0.001)] = 120.0


@dataclass
class RemoteSettings:
    connections: list[RemoteConnection] = field(default_factory=list)


@dataclass
class ApiSettings:
    """The local API server: whether the window starts it, and how it listens and guards."""

    enabled: bool = False  # the window starts it (``fireside serve`` always serves)
    host: str = "127.0.0.1"
    port: Annotated[int, Range(0, 65535)] = DEFAULT_API_PORT  # 0: any free port
    allowed_hosts: list[str] = field(default_factory=list)  # names besides IPs and localhost
    cors_origins: list[str] = field(default_factory=list)  # none: CORS off
    max_body_bytes: Annotated[int, Range(1)] = 8 * 2**20
    max_queue: Annotated[int, Range(0)] = 16  # requests waiting behind the running one
    allowed_tools: list[str] = field(default_factory=list)  # network/file tools API may run


WebEngine = Literal["duckduckgo", "searxng", "brave", "tavily"]


@dataclass
class WebSettings:
    """The web tools (search, read a page): off unless the user turns them on.

    ``enabled`` is the default of new chats (the globe beside the message box turns it on or
    off per chat, ``--web`` per command). Keys for Brave and Tavily live in the secret store,
    never here. ``private_hosts`` are ``host`` or ``host:port`` names on this computer or the
    local network whose pages the model may read without the user typing the URL (an
    intranet wiki); every other local or private address is read only when the user typed it.
    """

    enabled: bool = False
    engine: WebEngine = "duckduckgo"
    searxng_url: str | None = None  # a SearXNG instance, e.g. http://127.0.0.1:8888
    region: str = ""  # e.g. "us-en", "cn-zh", "tw-tzh"; "": the engine's default
    language: str = ""  # e.g. "en", "zh-CN"; "": the engine's default
    results: Annotated[int, Range(1, 20)] = 5
    blocked_domains: list[str] = field(default_factory=list)  # never shown, never read
    private_hosts: list[str] = field(default_factory=list)
    max_page_bytes: Annotated[int, Range(10_000, 100_000_000)] = 5_000_000
    timeout_s: Annotated[float, Range(1, 300)] = 20.0  # per request, the whole page included


@dataclass
class Settings:
    """The user's choices, in sections; kept as JSON in ``Paths.settings_file``.

    Read it anywhere; change it only through ``SettingsStore.update`` (or, in the window, the
    settings bridge), whose change functions may use the editing helpers below.
    """

    chat: ChatSettings = field(default_factory=ChatSettings)
    model: ModelChoices = field(default_factory=ModelChoices)
    window: WindowSettings = field(default_factory=WindowSettings)
    plugins: PluginSettings = field(default_factory=PluginSettings)
    library: LibraryConfig = field(default_factory=LibraryConfig)
    remote: RemoteSettings = field(default_factory=RemoteSettings)
    api: ApiSettings = field(default_factory=ApiSettings)
    web: WebSettings = field(default_factory=WebSettings)

    # -- reading ---------------------------------------------------------------------------------
    def model_settings(self, path: str | None) -> ModelSettings:
        """A copy of the choices for one model (defaults when it has none yet)."""
        found = self.model.per_model.get(path or "")
        return copy.deepcopy(found) if found is not None else ModelSettings()

    def to_dict(self) -> dict:
        return {"version": FORMAT_VERSION, **asdict(self)}

    @classmethod
    def from_dict(cls, data: Any, where: str = "settings") -> tuple[Settings, list[str]]:
        """The settings in ``data`` (either file format) and one line per value not used."""
        problems: list[str] = []
        if not isinstance(data, dict):
            return cls(), [f"{where}: expected a JSON object, found {found(data)}"]
        nested, renamed = migrate(data)
        settings = load(cls, nested, "", problems)
        return settings, [f"{where}: {_as_written(line, renamed)}" for line in problems]

    # -- editing (inside a change function) ------------------------------------------------------
    def set_model_settings(self, path: str | None, value: ModelSettings) -> None:
        self.model.per_model[path or ""] = value

    def remember_model(self, path: str) -> None:
        self.model.recent = [path] + [p for p in self.model.recent if p != path][:9]


def model_chosen(path: str | None) -> Callable[[Settings], None]:
    """The change that makes ``path`` the default model (None: the bundled one) and recent."""

    def change(settings: Settings) -> None:
        settings.model.path = path
        if path is not None:
            settings.remember_model(path)

    return change


def section_keys() -> dict[str, Any]:
    """Every ``section.field`` key and its annotation (what ``fireside settings`` lists)."""
    keys = {}
    for section in fields(Settings):
        section_type = hints(Settings)[section.name]
        for name, annotation in hints(section_type).items():
            keys[f"{section.name}.{name}"] = annotation
    return keys


# -- the flat format of earlier versions -------------------------------------------------------
FORMAT_VERSION = 2
FLAT_KEYS = {  # earlier versions kept every choice at the top level of the file
    "model_path": ("model", "path"),
    "recent_models": ("model", "recent"),
    "system_prompt": ("chat", "system_prompt"),
    "n_threads": ("model", "n_threads"),
    "idle_unload_minutes": ("model", "idle_unload_minutes"),
    "theme": ("window", "theme"),
    "ui_language": ("window", "language"),
    "per_model": ("model", "per_model"),
    "disabled_plugins": ("plugins", "disabled"),
    "tools_enabled": ("chat", "tools_enabled"),
    "always_allowed_tools": ("chat", "always_allowed_tools"),
    "remote_connections": ("remote", "connections"),
    "routing_enabled": ("chat", "routing_enabled"),
}


def migrate(data: dict) -> tuple[dict, dict[str, str]]:
    """``data`` in today's sections; and, for each moved value, the key it was found under.

    A value already in its section wins over a flat one (a file edited by hand).
    """
    nested = {k: v for k, v in data.items() if k not in FLAT_KEYS}
    renamed = {}
    for old, (section, name) in FLAT_KEYS.items():
        if old not in data:
            continue
        target = nested.setdefault(section, {})
        if isinstance(target, dict) and name not in target:
            nested[section] = {**target, name: data[old]}
            renamed[f"{section}.{name}"] = old
    return nested, renamed


def _as_written(line: str, renamed: dict[str, str]) -> str:
    """A problem line names the key as the file has it: ``n_threads (now model.n_threads)``."""
    key, sep, message = line.partition(": ")
    for new, old in renamed.items():
        if key == new or key.startswith((new + "[", new + ".")):
            return f"{old}{key[len(new) :]} (now {key}){sep}{message}"
    return line
