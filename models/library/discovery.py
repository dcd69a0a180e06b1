"""GGUF files already on this computer: other apps' model folders and the user's own.

LM Studio, GPT4All and Jan each keep downloaded models in a known folder; listing those
files (without copying them) lets a user chat with what they already have. Split models
appear once, by their first part; projector files are left out.
"""

from __future__ import annotations

import contextlib
import os
from dataclasses import dataclass
from pathlib import Path

from fireside.models.library.download import PART_SUFFIX
from fireside.models.library.gguf_names import group_gguf_files

MAX_DEPTH = 6
MAX_FILES = 5000


@dataclass(frozen=True)
class ModelFolder:
    path: Path
    source: str  # "downloaded", "LM Studio", "GPT4All", "Jan", "user folder"


@dataclass(frozen=True)
class LocalModel:
    path: Path  # the file to load (first part of a split model)
    source: str
    folder: Path
    size_bytes: int
    parts: int
    missing_parts: int = 0

    @property
    def complete(self) -> bool:
        return self.missing_parts == 0

    def to_dict(self) -> dict:
        return {
            "path": str(self.path),
            "where": self.source,
            "folder": str(self.folder),
            "size_bytes": self.size_bytes,
            "parts": self.parts,
            "complete": self.complete,
        }


def other_app_folders(home: Path | None = None) -> list[ModelFolder]:
    """The usual model folders of LM Studio, GPT4All and Jan on this platform."""
    import platformdirs

    home = home or Path.home()
    data = Path(platformdirs.user_data_dir())
    return [
        ModelFolder(home / ".lmstudio" / "models", "LM Studio"),
        ModelFolder(home / ".cache" / "lm-studio" / "models", "LM Studio"),
        ModelFolder(data / "nomic.ai" / "GPT4All", "GPT4All"),
        ModelFolder(home / "jan" / "models", "Jan"),
        ModelFolder(
            Path(platformdirs.user_data_dir("Jan", appauthor=False)) / "data" / "models", "Jan"
        ),
    ]


def scan_folder(folder: ModelFolder) -> list[LocalModel]:
    """The chat models under ``folder`` (a missing or unreadable folder holds none)."""
    root = folder.path.expanduser()
    if not root.is_dir():
        return []
    names: list[str] = []
    base_depth = len(root.parts)
    for dirpath, dirnames, filenames in os.walk(root, onerror=lambda _e: None):
        depth = len(Path(dirpath).parts) - base_depth
        dirnames[:] = [d for d in dirnames if not d.startswith(".") and depth < MAX_DEPTH]
        rel = Path(dirpath).relative_to(root)
        for name in filenames:
            if name.lower().endswith(".gguf") and not name.endswith(PART_SUFFIX):
                names.append(str(rel / name) if rel.parts else name)
        if len(names) >= MAX_FILES:
            break
    models = []
    for first, parts in group_gguf_files(names).items():
        sizes = []
        for part in parts:
            with contextlib.suppress(OSError):
                sizes.append((root / part).stat().st_size)
        if not sizes:
            continue  # only later parts of a split model are here: nothing to load
        models.append(
            LocalModel(
                root / first, folder.source, root, sum(sizes), len(parts), len(parts) - len(sizes)
            )
        )
    return models


def scan(folders: list[ModelFolder]) -> list[LocalModel]:
    """Every model in ``folders``, each file once (the first folder naming it wins)."""
    seen: set[Path] = set()
    found = []
    for folder in folders:
        for model in scan_folder(folder):
            key = model.path.resolve()
            if key not in seen:
                seen.add(key)
                found.append(model)
    return found
