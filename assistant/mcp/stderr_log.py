"""A stdio MCP server's stderr, line by line, into the log (and the last lines kept).

The SDK hands the server process a real file for stderr, so this is an OS pipe whose read
end a daemon thread turns into log records. The last few lines are kept because a server
that dies at start-up usually says why there ("ModuleNotFoundError", "API key missing").
"""

from __future__ import annotations

import collections
import contextlib
import logging
import os
import threading
from typing import IO

KEEP_LINES = 20


class StderrToLog:
    """Give ``file`` to the subprocess; each line it writes is logged under the server name."""

    def __init__(self, server: str, logger: logging.Logger) -> None:
        self.server = server
        self.logger = logger
        self.recent: collections.deque[str] = collections.deque(maxlen=KEEP_LINES)
        read_fd, write_fd = os.pipe()
        self._reader = os.fdopen(read_fd, "rb", buffering=0)
        self.file: IO[str] = os.fdopen(write_fd, "w", encoding="utf-8", errors="replace")
        self._thread = threading.Thread(target=self._pump, name=f"mcp-stderr-{server}", daemon=True)
        self._thread.start()

    def _pump(self) -> None:
        buffer = b""
        while True:
            try:
                chunk = self._reader.read(4096)
            except (OSError, ValueError):
                break
            if not chunk:
                break
            buffer += chunk
            *lines, buffer = buffer.split(b"\n")
            for raw in lines:
                self._line(raw)
        if buffer:
            self._line(buffer)

    def _line(self, raw: bytes) -> None:
        line = raw.decode("utf-8", errors="replace").rstrip()
        if line:
            self.recent.append(line)
            self.logger.info("[%s stderr] %s", self.server, line)

    def last_line(self) -> str | None:
        return self.recent[-1] if self.recent else None

    def close(self) -> None:
        """Close our write end; the thread ends once every child holding it has exited."""
        with contextlib.suppress(OSError):
            self.file.close()
