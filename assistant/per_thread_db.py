"""One SQLite connection per thread, opened on first use.

SQLite connections must not be shared between threads mid-transaction; the history and the
document store both hand each thread its own, through this one helper.
"""

from __future__ import annotations

import threading
from collections.abc import Callable

import sqlite_utils


class PerThreadDatabase:
    def __init__(self, open_db: Callable[[], sqlite_utils.Database]) -> None:
        self._open = open_db
        self._local = threading.local()

    def get(self) -> sqlite_utils.Database:
        db = getattr(self._local, "db", None)
        if db is None:
            db = self._open()
            self._local.db = db
        return db

    def close(self) -> None:
        """Close the calling thread's connection (other threads close their own)."""
        db = getattr(self._local, "db", None)
        if db is not None:
            db.conn.close()
            self._local.db = None


def use_wal(conn, attempts: int = 100, pause_s: float = 0.05) -> None:
    """Switch ``conn`` to WAL, waiting while another process does the same.

    Changing the journal mode needs a moment of exclusive access and SQLite answers "database
    is locked" at once instead of waiting for its busy timeout, so two Firesides (or a window
    and a command) opening a new database together would otherwise fail.
    """
    import sqlite3
    import time

    for attempt in range(attempts):
        try:
            conn.execute("PRAGMA journal_mode=WAL")
            return
        except sqlite3.OperationalError as exc:
            if "locked" not in str(exc) and "busy" not in str(exc) or attempt == attempts - 1:
                raise
            time.sleep(pause_s)
