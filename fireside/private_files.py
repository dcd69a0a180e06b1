"""Files and folders readable by their owner only: chats, documents, logs and keys are private.

The usual umask (022) makes new files readable by every user of the computer. Fireside's
folders are made 0700 and its databases and log 0600, and ones left by an earlier release
are tightened when they are opened. On Windows (no POSIX modes) nothing is changed: the
user's profile folders are private there already.
"""

from __future__ import annotations

import contextlib
import logging
import os
from pathlib import Path

log = logging.getLogger(__name__)

PRIVATE_FILE = 0o600
PRIVATE_DIR = 0o700


def make_private(path: str | Path, mode: int = PRIVATE_FILE) -> None:
    """Take away from ``path`` every permission ``mode`` does not give (when it exists)."""
    if os.name != "posix":
        return
    path = Path(path)
    try:
        current = path.stat().st_mode & 0o777
        if current & ~mode:
            path.chmod(current & mode)
    except FileNotFoundError:
        pass
    except OSError:  # not ours, or a file system without modes: leave it as it is
        log.debug("cannot restrict %s", path, exc_info=True)


def private_file(path: str | Path) -> Path:
    """Create ``path`` empty and private if it is missing, else make it private.

    For files another library creates (SQLite, the log): made first with mode 0600, they
    keep it, and SQLite gives its -wal and -shm files the database's mode.
    """
    path = Path(path)
    if os.name == "posix":
        with contextlib.suppress(FileExistsError, OSError):
            os.close(os.open(path, os.O_WRONLY | os.O_CREAT | os.O_EXCL, PRIVATE_FILE))
    make_private(path)
    return path


def private_database(path: str | Path) -> Path:
    """``private_file`` for an SQLite database and the files SQLite keeps beside it."""
    path = private_file(path)
    for suffix in ("-wal", "-shm", "-journal"):
        make_private(path.with_name(path.name + suffix))
    return path
