"""One reading of SQLite's failures for both stores: busy is not damaged.

"database is locked" means another process (another Fireside, a backup tool) holds the file;
telling the user it is damaged would send them to delete a healthy history.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

from fireside.errors import FiresideError, StoreBusyError, StoreDamagedError


def store_error(path: str | Path, what: str, exc: sqlite3.Error) -> FiresideError:
    """The user-facing error for ``exc`` raised while opening or using ``what`` at ``path``."""
    text = str(exc)
    if isinstance(exc, sqlite3.OperationalError) and ("locked" in text or "busy" in text):
        return StoreBusyError(
            f"{path}: the {what} is in use by another program (is another Fireside running?);"
            " close it and try again"
        )
    return StoreDamagedError(
        f"{path}: the {what} is damaged ({text}); it was left untouched — move it aside to "
        "start afresh, or restore a backup"
    )
