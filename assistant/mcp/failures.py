"""MCP servers that failed to start lately, remembered across commands for a while.

A server that hangs costs its whole start-up timeout (about half a minute) every time the
tools are listed, and each ``fireside`` command is a new process, so one broken server made
every ``tools``/``mcp`` command slow, even for other servers' tools. A failed start is
written to a small file in the cache folder; until ``HOLD_S`` have passed (or the server's
configuration changes, or it is restarted or enabled by hand) the server is reported as
failed without being started again. The file holds a digest of the configuration, never the
configuration itself (headers and environment may carry keys).
"""

from __future__ import annotations

import contextlib
import hashlib
import json
import logging
import time
from pathlib import Path

from fireside.assistant.mcp.config import ServerConfig

from fireside.atomic_write import write_atomic

log = logging.getLogger(__name__)

FAILURES_NAME = "mcp-failures.json"
HOLD_S = 600.0


def _digest(config: ServerConfig) -> str:
    text = json.dumps(config.to_json(), sort_keys=True)
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class FailureMemory:
    def __init__(self, path: Path, hold_s: float = HOLD_S) -> None:
        self.path = Path(path)
        self.hold_s = hold_s

    def _read(self) -> dict:
        try:
            data = json.loads(self.path.read_text(encoding="utf-8"))
        except FileNotFoundError:
            return {}
        except (OSError, ValueError):
            log.warning("%s is unreadable; starting MCP servers afresh", self.path)
            return {}
        return data if isinstance(data, dict) else {}

    def _write(self, data: dict) -> None:
        try:
            write_atomic(self.path, json.dumps(data, indent=1))
        except OSError as exc:  # a read-only cache only costs the memory
            log.warning("cannot remember MCP failures in %s: %s", self.path, exc)

    def recent(self, config: ServerConfig) -> tuple[str, float] | None:
        """``(error, when)`` of this server's last failed start, while it is remembered."""
        entry = self._read().get(config.name)
        if not isinstance(entry, dict) or entry.get("config") != _digest(config):
            return None
        when = entry.get("at")
        if not isinstance(when, int | float) or not 0 <= time.time() - when < self.hold_s:
            return None
        return str(entry.get("error") or "it did not start"), float(when)

    def remember(self, config: ServerConfig, error: str) -> None:
        data = self._read()
        now = time.time()
        data = {k: v for k, v in data.items() if _fresh(v, now, self.hold_s)}
        data[config.name] = {"config": _digest(config), "error": error, "at": now}
        self._write(data)

    def forget(self, name: str) -> None:
        data = self._read()
        if name in data:
            del data[name]
            with contextlib.suppress(OSError):
                self._write(data)


def _fresh(entry, now: float, hold_s: float) -> bool:
    when = entry.get("at") if isinstance(entry, dict) else None
    return isinstance(when, int | float) and now - when < hold_s
