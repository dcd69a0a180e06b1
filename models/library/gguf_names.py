"""What a GGUF file name says: a part of a split model, or a projector that is no chat model.

llama.cpp's ``gguf-split`` names parts ``NAME-00001-of-00003.gguf`` and loads the whole
model from the first; vision models ship their image encoder as ``mmproj-*.gguf``. Lists
show a split model once (by its first part) and leave projectors out.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

_SPLIT = re.compile(r"^(?P<stem>.+)-(?P<index>\d{5})-of-(?P<count>\d{5})\.gguf$", re.IGNORECASE)


@dataclass(frozen=True)
class SplitName:
    stem: str
    index: int  # 1-based
    count: int

    def part(self, index: int) -> str:
        return f"{self.stem}-{index:05d}-of-{self.count:05d}.gguf"

    def parts(self) -> list[str]:
        return [self.part(i) for i in range(1, self.count + 1)]


def split_name(filename: str) -> SplitName | None:
    m = _SPLIT.match(Path(filename).name)
    if not m:
        return None
    return SplitName(m["stem"], int(m["index"]), int(m["count"]))


def is_projector(filename: str) -> bool:
    """``mmproj`` files hold a vision encoder for another model, not a language model."""
    return "mmproj" in Path(filename).name.lower()


def is_gguf(filename: str) -> bool:
    return filename.lower().endswith(".gguf")


def model_parts(path: str | Path) -> list[Path]:
    """Every file a model needs: the parts of a split model, else the file itself."""
    p = Path(path)
    split = split_name(p.name)
    if split is None:
        return [p]
    return [p.with_name(name) for name in split.parts()]


def group_gguf_files(names: list[str]) -> dict[str, list[str]]:
    """Chat-model GGUFs in ``names`` keyed by their first part (projectors left out).

    A split model maps to all its parts in order, a plain file to itself. Paths keep their
    folder (``Q4_K_M/model-00001-of-00002.gguf``).
    """
    groups: dict[str, list[str]] = {}
    for name in sorted(names):
        if not is_gguf(name) or is_projector(name):
            continue
        split = split_name(name)
        if split is None:
            groups[name] = [name]
            continue
        folder = name[: len(name) - len(Path(name).name)]
        first = folder + split.part(1)
        groups.setdefault(first, [folder + p for p in split.parts()])
    return groups
