"""The curated catalog shipped with the app (``catalog.json``), read into plain objects.

The data file is the thing to update when new models appear; this module only reads it
and answers "which entry is this id" and "how much memory would it need".
"""

from __future__ import annotations

import json
from dataclasses import asdict, dataclass, field
from importlib import resources

from fireside.models.memory_fit import MemoryEstimate, estimate_memory

from fireside.errors import NotFoundError


@dataclass(frozen=True)
class CatalogEntry:
    id: str
    name: str
    family: str
    repo: str
    files: list[str]  # one file, or every part of a split model in order
    quantization: str
    size_bytes: int
    sha256: str | None  # of a single-file model, when checked (``verified``)
    verified: bool
    licence: str
    context_length: int
    tool_calls: bool
    languages: list[str]
    strong_chinese: bool
    parameters_b: float
    n_layers: int | None = None
    n_kv_heads: int | None = None
    head_dim: int | None = None
    notes: str = ""
    extra: dict = field(default_factory=dict)

    @property
    def filename(self) -> str:
        """The file the model loads from (the first part of a split model)."""
        return self.files[0]

    def memory(self, n_ctx: int, kv_cache: str = "f16") -> MemoryEstimate:
        ctx = min(n_ctx, self.context_length) if self.context_length else n_ctx
        return estimate_memory(
            self.size_bytes, ctx, self.n_layers, self.n_kv_heads, self.head_dim, kv_cache
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        return data


def load_catalog() -> list[CatalogEntry]:
    text = resources.files(__package__).joinpath("catalog.json").read_text(encoding="utf-8")
    doc = json.loads(text)
    known = set(CatalogEntry.__dataclass_fields__)
    entries = []
    for raw in doc["models"]:
        fields = {k: v for k, v in raw.items() if k in known}
        fields["extra"] = {k: v for k, v in raw.items() if k not in known}
        entries.append(CatalogEntry(**fields))
    return entries


def find_entry(entries: list[CatalogEntry], entry_id: str) -> CatalogEntry:
    for entry in entries:
        if entry.id == entry_id.lower():
            return entry
    raise NotFoundError(f"no catalog model {entry_id!r}; `fireside models catalog` lists the ids")
