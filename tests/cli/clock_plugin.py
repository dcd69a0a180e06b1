"""The built-in clock plugin made findable for subprocesses on an install whose metadata
predates its entry point (an editable install is not re-read until reinstalled)."""

from __future__ import annotations

from importlib.metadata import entry_points
from pathlib import Path


def clock_dist(root: Path) -> list[Path]:
    """Folders to put on PYTHONPATH so that the ``clock`` entry point exists."""
    if any(ep.name == "clock" for ep in entry_points(group="fireside.plugins")):
        return []
    info = root / "fireside_clock_entry-0.1.0.dist-info"
    info.mkdir(parents=True, exist_ok=True)
    (info / "METADATA").write_text(
        "Metadata-Version: 2.1\nName: fireside-clock-entry\nVersion: 0.1.0\n"
    )
    (info / "entry_points.txt").write_text(
        "[fireside.plugins]\nclock = fireside.plugins.builtin.clock\n"
    )
    return [root]
