"""Assistants: a named set of turn settings (system prompt, model, sampling, tools, document
collections) with starter prompts and an icon.

An assistant is a setting of a turn, not a front end's feature: a ``TurnRequest`` names one
(``assistant``), the engine resolves it, and so the window, ``fireside chat --assistant`` and
the API's ``"fireside": {"assistant": ...}`` build the same prompt. What the request says
explicitly (a system prompt, a sampling flag, a model, collections) wins over the assistant.

A file shared between people is the ``to_dict`` of one assistant with a marker key, so a
file that is not an assistant is told apart from one with a mistake in it.
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field, fields, replace

from fireside.models.sampling import SamplingParams

from fireside.errors import BadFileError, FiresideError

FILE_MARKER = "fireside_assistant"
FILE_VERSION = 1
MAX_NAME = 64
_SAMPLING_FIELDS = {f.name for f in fields(SamplingParams) if f.name not in ("stop", "seed")} | {
    "seed",
    "stop",
}


@dataclass
class Assistant:
    """One assistant. ``tools``: None leaves the tool choice to the user's settings, a list
    names the only tools it may use (empty: none). ``collections``: the document
    collections it answers from when the chat has chosen none. ``documents_only``: it
    answers from documents or not at all (every collection when it names none).
    ``localized``: titles, descriptions and starters in other languages (``zh_CN``...)."""

    name: str
    title: str = ""
    description: str = ""
    icon: str = ""
    system_prompt: str = ""
    model: str | None = None
    sampling: dict = field(default_factory=dict)
    tools: list[str] | None = None
    collections: list[str] = field(default_factory=list)
    documents_only: bool = False
    answer_in_user_language: bool = True  # False for a translator: the target decides
    starters: list[str] = field(default_factory=list)
    localized: dict[str, dict] = field(default_factory=dict)
    builtin: bool = False  # shipped with Fireside (an edited one is stored over it)

    def shown(self, language: str = "en") -> Assistant:
        """The assistant with its title, description and starters in ``language``."""
        extra = self.localized.get(language) or {}
        known = {k: v for k, v in extra.items() if k in ("title", "description", "starters")}
        return replace(self, **known)

    @property
    def label(self) -> str:
        return self.title or self.name

    def sampling_over(
        self, base: SamplingParams, given: SamplingParams | None = None
    ) -> SamplingParams:
        """``base`` (the model's saved sampling) with this assistant's values; a value the
        request changed from ``base`` (a flag, an API parameter) stays the request's."""
        if given is None:
            given = base
        changes = {
            key: value
            for key, value in self.sampling.items()
            if getattr(given, key) == getattr(base, key)
        }
        return replace(given, **changes)

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("builtin")
        return data

    def to_file(self) -> str:
        """The JSON text of a shared assistant file."""
        return json.dumps(
            {FILE_MARKER: FILE_VERSION, **self.to_dict()}, ensure_ascii=False, indent=2
        )

    @classmethod
    def from_dict(cls, data: dict, where: str = "assistant") -> Assistant:
        """Checked field by field; a wrong field is named in the one-line error."""
        if not isinstance(data, dict):
            raise BadFileError(f"{where}: an assistant is a JSON object")
        known = {f.name for f in fields(cls)} - {"builtin"}
        values = {k: v for k, v in data.items() if k in known}
        if "name" not in values:
            raise BadFileError(f"{where}: it has no 'name'")
        values["name"] = check_name(values["name"], where)
        for key in ("title", "description", "icon", "system_prompt"):
            if not isinstance(values.get(key, ""), str):
                raise BadFileError(f"{where}: '{key}' must be text")
        if values.get("model") is not None and not isinstance(values["model"], str):
            raise BadFileError(f"{where}: 'model' must be a model path or id")
        for key in ("collections", "starters"):
            if not _names(values.get(key, [])):
                raise BadFileError(f"{where}: '{key}' must be a list of texts")
        if values.get("tools") is not None and not _names(values["tools"]):
            raise BadFileError(f"{where}: 'tools' must be a list of tool names (or null)")
        for key in ("documents_only", "answer_in_user_language"):
            if not isinstance(values.get(key, False), bool):
                raise BadFileError(f"{where}: '{key}' must be true or false")
        if not isinstance(values.get("localized", {}), dict):
            raise BadFileError(f"{where}: 'localized' must be an object")
        values["sampling"] = check_sampling(values.get("sampling") or {}, where)
        return cls(**values)

    @classmethod
    def from_file(cls, text: str, where: str) -> Assistant:
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise BadFileError(f"{where} is not JSON ({exc.msg}, line {exc.lineno})") from None
        if not isinstance(data, dict) or FILE_MARKER not in data:
            raise BadFileError(f"{where} is not a Fireside assistant file")
        data.pop(FILE_MARKER)
        return cls.from_dict(data, where)


def check_name(name, where: str = "assistant") -> str:
    if not isinstance(name, str) or not name.strip():
        raise BadFileError(f"{where}: the name must be a non-empty text")
    name = name.strip()
    if len(name) > MAX_NAME or any(c in name for c in "/\\\n\r\t"):
        raise FiresideError(
            f"{where}: the name {name!r} must be at most {MAX_NAME} characters, on one line, "
            "without slashes"
        )
    return name


def check_sampling(sampling, where: str = "assistant") -> dict:
    """Only sampling fields Fireside knows, with values of the right kind."""
    if not isinstance(sampling, dict):
        raise BadFileError(f"{where}: 'sampling' must be an object")
    defaults = SamplingParams()
    out = {}
    for key, value in sampling.items():
        if key not in _SAMPLING_FIELDS:
            known = ", ".join(sorted(_SAMPLING_FIELDS))
            raise BadFileError(f"{where}: 'sampling.{key}' is not a sampling setting ({known})")
        if key == "stop":
            if not _names(value):
                raise BadFileError(f"{where}: 'sampling.stop' must be a list of texts")
        elif key == "seed":
            if value is not None and (isinstance(value, bool) or not isinstance(value, int)):
                raise BadFileError(f"{where}: 'sampling.seed' must be a whole number or null")
        elif isinstance(value, bool) or not isinstance(value, int | float) or value < 0:
            raise BadFileError(f"{where}: 'sampling.{key}' must be a number of at least 0")
        elif isinstance(getattr(defaults, key), int) and not isinstance(value, int):
            raise BadFileError(f"{where}: 'sampling.{key}' must be a whole number")
        out[key] = value
    return out


def _names(value) -> bool:
    return isinstance(value, list) and all(isinstance(v, str) for v in value)
