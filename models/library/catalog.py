"""The curated catalog shipped with the app (``catalog.json``), read into plain objects.

The data file is the thing to update when new models appear; this module only reads it
and answers "which entry is this id" and "how much memory would it need". A vision model's
entry names its ``projector`` (the ``mmproj`` file downloaded with it; ``"auto"``: the one
the repository has, chosen at download time).

``fireside models catalog --refresh`` writes a copy with the sizes and hashes the hub
reports now (``refreshed_catalog``); it is used in place of the shipped file until the app
ships a different catalog, and the shipped file stays the offline fallback.
"""

from __future__ import annotations

import hashlib
import json
from dataclasses import asdict, dataclass, field
from importlib import resources
from pathlib import Path

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
    projector: str | None = None  # the vision projector's file name, or "auto"
    projector_size_bytes: int = 0
    extra: dict = field(default_factory=dict)

    @property
    def vision(self) -> bool:
        """The model sees pictures (its projector is downloaded with it)."""
        return self.projector is not None

    @property
    def filename(self) -> str:
        """The file the model loads from (the first part of a split model)."""
        return self.files[0]

    def memory(self, n_ctx: int, kv_cache: str = "f16") -> MemoryEstimate:
        ctx = min(n_ctx, self.context_length) if self.context_length else n_ctx
        weights = self.size_bytes + self.projector_size_bytes
        return estimate_memory(
            weights, ctx, self.n_layers, self.n_kv_heads, self.head_dim, kv_cache
        )

    def to_dict(self) -> dict:
        data = asdict(self)
        data.pop("extra")
        return data


REFRESHED_NAME = "catalog-refreshed.json"


def shipped_text() -> str:
    return resources.files(__package__).joinpath("catalog.json").read_text(encoding="utf-8")


def shipped_digest() -> str:
    return hashlib.sha256(shipped_text().encode("utf-8")).hexdigest()


def load_catalog(refreshed: Path | None = None) -> list[CatalogEntry]:
    """The catalog: the refreshed copy at ``refreshed`` when it was made from the catalog
    this release ships, else the shipped one."""
    doc = json.loads(shipped_text())
    if refreshed is not None:
        try:
            newer = json.loads(refreshed.read_text(encoding="utf-8"))
            if newer.get("base") == shipped_digest() and isinstance(newer.get("models"), list):
                doc = newer
        except (OSError, ValueError):
            pass  # missing or damaged: the shipped catalog serves
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
