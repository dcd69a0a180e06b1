"""Which vision projector belongs to a GGUF: the ``mmproj-*.gguf`` file that lets it see.

Vision models ship as two GGUFs in one folder (Gemma 3, Qwen2.5-VL, SmolVLM, Mistral Small
3.1, ...): the language model and its projector, an image encoder whose output the model
reads as tokens. Fireside pairs them by looking beside the model for projector files whose
header says ``clip`` with a vision encoder and whose output width matches the model's
embedding width, so a folder with several models still pairs each with its own. Several
matches are decided by the longest shared file-name prefix (``gemma-3-4b-it-Q4_K_M.gguf``
takes ``mmproj-gemma-3-4b-it-f16.gguf``, not the 12B's).
"""

from __future__ import annotations

import os
from pathlib import Path

from fireside.models.gguf_header import HeaderError, read_header
from fireside.models.library.gguf_names import is_projector


def projector_info(path: Path) -> dict | None:
    """``{"projection_dim": n or None, "vision": bool}`` for a projector file, else None."""
    try:
        meta = read_header(path, keep_arrays=()).metadata
    except (HeaderError, OSError, ValueError):
        return None
    if meta.get("general.architecture") != "clip":
        return None
    vision = bool(meta.get("clip.has_vision_encoder")) or any(
        key.startswith("clip.vision.") for key in meta
    )
    dim = meta.get("clip.vision.projection_dim")
    return {"vision": vision, "projection_dim": int(dim) if isinstance(dim, int) else None}


def _stem(name: str) -> str:
    name = name.lower().removesuffix(".gguf")
    for word in ("mmproj-", "mmproj_", "-mmproj", "_mmproj", ".mmproj", "mmproj"):
        name = name.replace(word, "")
    return name


def _shared_prefix(a: str, b: str) -> int:
    n = 0
    for x, y in zip(a, b, strict=False):
        if x != y:
            break
        n += 1
    return n


def find_projector(model: str | os.PathLike, embedding_length: int | None = None) -> Path | None:
    """The projector beside ``model`` that fits it, or None when it has none."""
    model = Path(model)
    try:
        candidates = sorted(
            p
            for p in model.parent.iterdir()
            if p.suffix.lower() == ".gguf" and is_projector(p.name)
        )
    except OSError:
        return None
    fitting = []
    for path in candidates:
        if path == model:
            continue
        info = projector_info(path)
        if info is None or not info["vision"]:
            continue
        dim = info["projection_dim"]
        if embedding_length and dim and dim != embedding_length:
            continue  # another model's projector
        fitting.append(path)
    if not fitting:
        return None
    stem = _stem(model.name)
    return max(fitting, key=lambda p: (_shared_prefix(stem, _stem(p.name)), -len(p.name)))
