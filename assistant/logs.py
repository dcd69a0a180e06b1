"""One log file per user, so that errors never vanish and never reach the user as tracebacks.

Every front end calls ``setup_logging`` once at start-up. Code logs through
``logging.getLogger(__name__)``; a swallowed exception is logged with its traceback
(``log.exception`` / ``exc_info=True``). The file rotates (1 MiB, 3 old files kept), so a
long-running app cannot fill the disk, and is readable by its owner only (it quotes what
was asked and answered).
"""

from __future__ import annotations

import contextlib
import logging
import logging.handlers
import os
import sys
from pathlib import Path

from fireside.private_files import PRIVATE_DIR, PRIVATE_FILE, make_private

LOG_NAME = "fireside.log"
_FORMAT = "%(asctime)s %(levelname)s %(name)s [%(process)d %(threadName)s] %(message)s"


class _PrivateFileHandler(logging.handlers.RotatingFileHandler):
    """Opens (and, after a rotation, creates) the log file with mode 0600."""

    def _open(self):
        fd = os.open(self.baseFilename, os.O_WRONLY | os.O_APPEND | os.O_CREAT, PRIVATE_FILE)
        make_private(self.baseFilename)
        return open(fd, "a", encoding=self.encoding, errors=self.errors)  # noqa: SIM115


def setup_logging(log_dir: Path, *, verbose: bool = False) -> Path:
    """Send the ``fireside`` loggers to ``log_dir/fireside.log`` (and stderr when verbose).

    Calling it again (tests, a second window) replaces the handlers instead of adding more.
    Returns the log file's path, for messages that point the user at it.
    """
    log_dir.mkdir(mode=PRIVATE_DIR, parents=True, exist_ok=True)
    make_private(log_dir, PRIVATE_DIR)
    path = log_dir / LOG_NAME
    for old in (path, *(path.with_name(f"{LOG_NAME}.{n}") for n in range(1, 4))):
        make_private(old)  # logs written before they were private
    logger = logging.getLogger("fireside")
    for handler in list(logger.handlers):
        if getattr(handler, "_fireside", False):
            logger.removeHandler(handler)
            handler.close()
    handlers: list[logging.Handler] = []
    with contextlib.suppress(OSError):  # a read-only log folder must not stop the app
        handlers.append(
            _PrivateFileHandler(path, maxBytes=1 << 20, backupCount=3, encoding="utf-8", delay=True)
        )
    if verbose:
        handlers.append(logging.StreamHandler(sys.stderr))
    for handler in handlers:
        handler._fireside = True  # type: ignore[attr-defined]
        handler.setFormatter(logging.Formatter(_FORMAT))
        logger.addHandler(handler)
    logger.setLevel(logging.DEBUG if verbose else logging.INFO)
    logger.propagate = False
    return path
