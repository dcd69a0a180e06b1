"""All MCP servers of one app: a background event loop, and plain blocking calls into it.

The SDK is asynchronous while the tool registry, the CLI and the window's workers are not.
``McpManager`` owns one asyncio loop on a daemon thread; each server's session lives there
(see ``connection``). Servers start lazily, on the first listing or call, and stop when the
app closes. A server that fails is reported in its status and the others go on; a failed
start is remembered for a while (``failures``), across commands, so that listing tools does
not wait for a broken server again and again.
"""

from __future__ import annotations

import asyncio
import concurrent.futures
import logging
import re
import threading
import time
from collections.abc import Coroutine
from typing import Any

from fireside.assistant.mcp.config import McpConfig, McpConfigError, ServerConfig
from fireside.assistant.mcp.connection import ServerConnection, ServerStatus, describe_error
from fireside.assistant.mcp.failures import FailureMemory
from fireside.plugins.tools import NAME_RE, Tool
from fireside.plugins.tools import ToolError as ToolFailure

from fireside.errors import NotFoundError, ToolError

logger = logging.getLogger(__name__)

STARTUP_TIMEOUT_S = 30.0
_UNSAFE = re.compile(r"[^A-Za-z0-9_-]")


def tool_name(name: str) -> str:
    """A registry-safe tool name: letters, digits, ``_`` and ``-``; at most 64 characters."""
    safe = _UNSAFE.sub("_", name)
    if not safe or not (safe[0].isalpha() or safe[0] == "_"):
        safe = f"_{safe}"
    return safe[:64]


class McpManager:
    """Connections to the configured servers; built once by the composition root."""

    def __init__(
        self,
        config: McpConfig,
        *,
        startup_timeout_s: float = STARTUP_TIMEOUT_S,
        failures: FailureMemory | None = None,
    ) -> None:
        self.config = config
        self.startup_timeout_s = startup_timeout_s
        self.failures = failures  # failed starts remembered across commands (None: not)
        self.config_error: str | None = None
        self._connections: dict[str, ServerConnection] = {}
        self._loop: asyncio.AbstractEventLoop | None = None
        self._thread: threading.Thread | None = None
        self._lock = threading.Lock()
        for name in ("mcp", __name__.rsplit(".", 1)[0]):
            # Without a handler anywhere, Python prints warnings (with tracebacks) on stderr.
            log = logging.getLogger(name)
            if not any(isinstance(h, logging.NullHandler) for h in log.handlers):
                log.addHandler(logging.NullHandler())

    # -- the loop --------------------------------------------------------------------------
    def _run(self, coro: Coroutine, timeout: float | None = None) -> Any:
        with self._lock:
            if self._loop is None:
                loop = asyncio.new_event_loop()
                self._thread = threading.Thread(
                    target=loop.run_forever, name="mcp-loop", daemon=True
                )
                self._thread.start()
                self._loop = loop
        future = asyncio.run_coroutine_threadsafe(coro, self._loop)
        try:
            return future.result(timeout)
        except concurrent.futures.TimeoutError:
            future.cancel()
            raise

    def servers_config(self) -> list[ServerConfig]:
        """The configured servers; a damaged ``mcp.json`` is reported, never raised."""
        try:
            servers = self.config.load()
        except (McpConfigError, NotFoundError) as exc:
            self.config_error = str(exc)
            return []
        self.config_error = None
        return servers

    async def _sync(self) -> list[ServerConnection]:
        """Connections matching the config file now (added, removed, edited servers)."""
        wanted = {c.name: c for c in self.servers_config()}
        for name in list(self._connections):
            conn = self._connections[name]
            if name not in wanted or wanted[name] != conn.config:
                del self._connections[name]
                await conn.stop()
        for name, cfg in wanted.items():
            if name not in self._connections:
                self._connections[name] = ServerConnection(
                    cfg, startup_timeout_s=self.startup_timeout_s
                )
        return list(self._connections.values())

    # -- what the front ends call ------------------------------------------------------------
    def statuses(self, *, start: bool = False) -> list[ServerStatus]:
        """Every configured server's state; ``start`` connects the enabled ones first."""

        async def work() -> list[ServerStatus]:
            conns = await self._sync()
            if start:
                wanted = [c for c in conns if c.config.enabled and not self._held_back(c)]
                await asyncio.gather(*(c.ensure_started() for c in wanted))
                for conn in wanted:
                    self._note(conn)
            return [c.status() for c in conns]

        return self._run(work())

    def _held_back(self, conn: ServerConnection) -> bool:
        """Whether ``conn`` failed to start lately (in another command too) and is left
        alone; it is then reported as failed, with when it will be tried again."""
        if self.failures is None or conn.state != "stopped":
            return False
        recent = self.failures.recent(conn.config)
        if recent is None:
            return False
        error, when = recent
        again = time.strftime("%H:%M", time.localtime(when + self.failures.hold_s))
        conn.state = "failed"
        conn.error = (
            f"{error} (at {time.strftime('%H:%M', time.localtime(when))}; tried again after "
            f"{again}, or now with: fireside mcp restart {conn.config.name})"
        )
        return True

    def _note(self, conn: ServerConnection) -> None:
        """Remember a start that failed; forget the failure once the server runs."""
        if self.failures is None:
            return
        if conn.state == "running":
            self.failures.forget(conn.config.name)
        elif conn.state in ("failed", "starting", "restarting") and conn.restarts == 0:
            self.failures.remember(conn.config, conn.error or "it did not start in time")

    def status(self, name: str, *, start: bool = False) -> ServerStatus:
        for status in self.statuses(start=False):
            if status.name == name:
                if start and status.enabled:
                    return self._run(self._start_one(name))
                return status
        raise NotFoundError(f"no MCP server named '{name}' (see: fireside mcp list)")

    async def _start_one(self, name: str) -> ServerStatus:
        conn = self._connections[name]
        await conn.ensure_started()
        self._note(conn)
        return conn.status()

    def tools(self) -> list[Tool]:
        """The tools of every enabled server (starting them), as registry ``Tool``s."""
        found: list[Tool] = []
        taken: set[str] = set()
        for status in self.statuses(start=True):
            if status.state != "running":
                continue
            cfg = self._connections[status.name].config
            for info in status.tools:
                name = tool_name(info.name)
                if name in taken:
                    name = tool_name(f"{status.name}_{info.name}")
                if name in taken or not NAME_RE.match(name):
                    logger.warning("MCP server %s: tool %r left out", status.name, info.name)
                    continue
                taken.add(name)
                found.append(self._tool(status.name, info, name, cfg.timeout_s))
        return found

    def _tool(self, server: str, info: Any, name: str, timeout_s: float) -> Tool:
        def call(**arguments: Any) -> str:
            try:
                return self.call(server, info.name, arguments, timeout_s)
            except ToolError as exc:
                raise ToolFailure(str(exc)) from None

        schema = dict(info.input_schema or {})
        schema.setdefault("type", "object")
        schema.setdefault("properties", {})
        schema.pop("$schema", None)
        return Tool(
            name=name,
            description=info.description or info.name,
            parameters=schema,
            func=call,
            timeout_s=timeout_s + 5.0,  # the server's own timeout answers first
            origin=f"mcp:{server}",
        )

    def call(self, server: str, tool: str, arguments: dict, timeout_s: float | None = None) -> str:
        """Run ``tool`` on ``server``; ``ToolError`` when it cannot (one line, names both)."""

        async def work() -> str:
            conns = {c.config.name: c for c in await self._sync()}
            conn = conns.get(server)
            if conn is None:
                raise ToolError(f"no MCP server named '{server}'")
            if not conn.config.enabled:
                raise ToolError(f"MCP server '{server}' is disabled")
            limit = conn.config.timeout_s if timeout_s is None else timeout_s
            return await conn.call(tool, arguments, limit)

        limit = timeout_s if timeout_s is not None else 600.0
        try:
            return self._run(work(), limit + self.startup_timeout_s + 10)
        except concurrent.futures.TimeoutError:
            raise ToolError(f"{tool} (MCP server '{server}') did not answer") from None
        except ToolError:
            raise
        except Exception as exc:  # noqa: BLE001 - the SDK's surprises become one line
            raise ToolError(f"MCP server '{server}': {describe_error(exc)}") from None

    def restart(self, name: str) -> ServerStatus:
        """Stop and start one server now (after the user fixed something)."""

        async def work() -> ServerStatus:
            await self._sync()
            conn = self._connections.get(name)
            if conn is None:
                raise NotFoundError(f"no MCP server named '{name}' (see: fireside mcp list)")
            await conn.stop()
            self._connections[name] = ServerConnection(
                conn.config, startup_timeout_s=self.startup_timeout_s
            )
            if conn.config.enabled:
                await self._connections[name].ensure_started()
                self._note(self._connections[name])
            return self._connections[name].status()

        return self._run(work())

    def close(self) -> None:
        """Stop every server (each gets its shutdown sequence), then the loop."""
        with self._lock:
            loop, thread = self._loop, self._thread
            self._loop = self._thread = None
        if loop is None:
            return

        async def stop_all() -> None:
            await asyncio.gather(
                *(c.stop() for c in self._connections.values()), return_exceptions=True
            )
            self._connections.clear()

        try:
            asyncio.run_coroutine_threadsafe(stop_all(), loop).result(20)
        except Exception as exc:  # noqa: BLE001 - closing must finish
            logger.warning("MCP servers did not all stop cleanly: %s", describe_error(exc))
        loop.call_soon_threadsafe(loop.stop)
        if thread is not None:
            thread.join(5)
        if not loop.is_running():
            loop.close()
