"""Replace a file whole or not at all: the one way Fireside writes its small files.

A reader (another Fireside process, the same one after a crash) sees either the old file or
the new one, never half of one: the text goes to a temporary file in the same folder, is
flushed to disk, and is renamed over the target. The temporary file is created readable by
the owner only (``mkstemp``) and the target keeps ``mode``, so a secret is never readable by
others, not even for a moment.
"""

from __future__ import annotations

import contextlib
import os
import tempfile
from pathlib import Path

PRIVATE = 0o600


def write_atomic(path: str | Path, data: str | bytes, *, mode: int = PRIVATE) -> None:
    """Write ``data`` (text is UTF-8) to ``path``, creating its folder if needed."""
    path = Path(path)
    path.parent.mkdir(parents=True, exist_ok=True)
    payload = data.encode("utf-8") if isinstance(data, str) else data
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "wb") as fh:
            fh.write(payload)
            fh.flush()
            os.fsync(fh.fileno())
        with contextlib.suppress(OSError):  # not every file system keeps modes (FAT, SMB)
            os.chmod(tmp, mode)
        os.replace(tmp, path)
    except BaseException:
        with contextlib.suppress(OSError):
            os.unlink(tmp)
        raise
