"""One MCP server's session, supervised on the manager's event loop.

A supervisor task owns the transport and the ``ClientSession`` (anyio requires a context to
be left by the task that entered it). It connects, lists the tools, then watches the server
with pings; when the server dies it reconnects with a growing delay (1 s, 2 s, 4 s ... 30 s).
A server that never comes up is given ``MAX_START_FAILURES`` tries and then marked failed
until someone uses it again. Everything here runs on the manager's loop thread.
"""

from __future__ import annotations

import asyncio
import logging
import time
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass, field
from typing import Any

from fireside.assistant.mcp.config import ServerConfig
from fireside.assistant.mcp.results import result_text, short
from fireside.assistant.mcp.stderr_log import StderrToLog

from fireside.errors import ToolError

logger = logging.getLogger(__name__)

BACKOFF_FIRST_S = 1.0
BACKOFF_MAX_S = 30.0
MAX_START_FAILURES = 5
PING_INTERVAL_S = 5.0
PING_TIMEOUT_S = 10.0
CONNECTION_CLOSED = -32000
REQUEST_TIMEOUT = -32001


@dataclass
class McpToolInfo:
    name: str  # the server's own name for the tool
    description: str
    input_schema: dict


@dataclass
class ServerStatus:
    """What ``fireside mcp list`` and the window show about one server."""

    name: str
    transport: str
    target: str
    enabled: bool
    state: str  # disabled, stopped, starting, running, restarting, failed
    error: str | None = None
    tools: list[McpToolInfo] = field(default_factory=list)
    restarts: int = 0
    server_name: str | None = None

    def to_dict(self) -> dict:
        return {
            "name": self.name,
            "transport": self.transport,
            "target": self.target,
            "enabled": self.enabled,
            "state": self.state,
            "error": self.error,
            "tool_count": len(self.tools),
            "tools": [t.name for t in self.tools],
            "restarts": self.restarts,
            "server": self.server_name,
        }


def describe_error(exc: BaseException) -> str:
    """One line for an exception, looking inside the exception groups anyio raises."""
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    if isinstance(exc, FileNotFoundError):
        return f"command not found: {exc.filename or exc}"
    if isinstance(exc, PermissionError):
        return f"permission denied: {exc.filename or exc}"
    code = getattr(getattr(exc, "error", None), "code", None)
    if code == CONNECTION_CLOSED:
        return "the server closed the connection"
    text = " ".join(str(exc).split())
    name = type(exc).__name__
    if not text:
        return name
    return text if name in ("MCPError", "ToolError") else f"{name}: {text}"


def _offending_text(exc: Exception) -> str:
    """The line a server wrote that is not JSON-RPC, when the parse error carries it."""
    try:
        value = exc.errors()[0].get("input")  # pydantic's ValidationError
    except Exception:  # noqa: BLE001 - any other parse error: its message
        value = None
    text = value if isinstance(value, str) else str(exc).splitlines()[0] if str(exc) else "?"
    return repr(short(text, 60))


def _code(exc: BaseException) -> int | None:
    while isinstance(exc, BaseExceptionGroup) and exc.exceptions:
        exc = exc.exceptions[0]
    return getattr(getattr(exc, "error", None), "code", None)


class ServerConnection:
    """The live side of one configured server."""

    def __init__(self, config: ServerConfig, *, startup_timeout_s: float) -> None:
        self.config = config
        self.startup_timeout_s = startup_timeout_s
        self.state = "stopped"
        self.error: str | None = None
        self.tools: list[McpToolInfo] = []
        self.restarts = 0
        self.server_name: str | None = None
        self._session: Any = None
        self._task: asyncio.Task | None = None
        self._settled = asyncio.Event()  # the latest attempt ended: running, or failed
        self._lost = asyncio.Event()
        self._closing = False
        self._garbage: str | None = None
        self._stderr: StderrToLog | None = None

    # -- status --------------------------------------------------------------------------
    def status(self) -> ServerStatus:
        c = self.config
        state = self.state if c.enabled else "disabled"
        return ServerStatus(
            c.name,
            c.transport,
            c.target,
            c.enabled,
            state,
            self.error,
            list(self.tools),
            self.restarts,
            self.server_name,
        )

    # -- lifecycle -------------------------------------------------------------------------
    async def ensure_started(self) -> None:
        """Start the supervisor if it is not running; wait for its first verdict."""
        if self._task is None or self._task.done():
            self._closing = False
            self._settled.clear()
            self.state = "starting"
            self._task = asyncio.get_running_loop().create_task(self._supervise())
        if self.state in ("starting",):
            with suppress(asyncio.TimeoutError):
                await asyncio.wait_for(self._settled.wait(), self.startup_timeout_s + 5)

    async def stop(self) -> None:
        self._closing = True
        self._lost.set()
        if self._task is not None:
            try:
                await asyncio.wait_for(asyncio.shield(self._task), 10)
            except (TimeoutError, Exception):  # noqa: BLE001 - closing anyway
                self._task.cancel()
        if self._stderr is not None:
            self._stderr.close()
            self._stderr = None
        self.state = "stopped"

    async def _supervise(self) -> None:
        failures = 0  # start attempts in a row that never got a session
        streak = 0  # restarts in a row of sessions that died young: the delay grows with it
        while not self._closing:
            self._lost.clear()
            self._garbage = None
            started = False
            try:
                async with AsyncExitStack() as stack:
                    session = await self._connect(stack)
                    await self._refresh_tools(session)
                    self._session, self.state, self.error = session, "running", None
                    started, failures, born = True, 0, time.monotonic()
                    self._settled.set()
                    await self._watch(session)
            except asyncio.CancelledError:
                if self._closing:
                    break
                raise
            except Exception as exc:  # noqa: BLE001 - any failure is reported, never raised
                self.error = self._explain(exc, started)
                logger.warning("MCP server %s: %s", self.config.name, self.error)
            finally:
                self._session = None
            if self._closing:
                break
            if started and self.error is None:
                self.error = "the server stopped"
            failures += 0 if started else 1
            if failures >= MAX_START_FAILURES:
                self.state = "failed"
                self._settled.set()
                return
            self.state = "restarting" if started else "failed"
            self._settled.set()
            if started:
                streak = streak + 1 if time.monotonic() - born < BACKOFF_MAX_S else 1
            delay = min(BACKOFF_MAX_S, BACKOFF_FIRST_S * 2 ** max(failures + streak - 1, 0))
            await self._sleep(delay)
            self.restarts += 1
        self.state = "stopped"

    async def _sleep(self, seconds: float) -> None:
        """Wait before a restart; ``stop()`` cuts it short."""
        with suppress(asyncio.TimeoutError):
            await asyncio.wait_for(self._lost.wait(), seconds)
        self._lost.clear()

    def _explain(self, exc: BaseException, started: bool) -> str:
        text = describe_error(exc)
        if _code(exc) == REQUEST_TIMEOUT and not started:
            text = f"no answer to the MCP handshake within {self.startup_timeout_s:g} s"
        if self._garbage and not started:
            text += f" (it wrote text that is not MCP JSON-RPC: {self._garbage})"
        elif not started and self._stderr is not None and self._stderr.last_line():
            text += f" (stderr: {short(self._stderr.last_line(), 200)})"
        return text

    async def _connect(self, stack: AsyncExitStack) -> Any:
        from mcp import ClientSession

        c = self.config
        if c.url:
            import httpx2
            from mcp.client.streamable_http import streamable_http_client

            client = await stack.enter_async_context(
                httpx2.AsyncClient(headers=c.headers, timeout=httpx2.Timeout(30.0, read=300.0))
            )
            read, write = await stack.enter_async_context(
                streamable_http_client(c.url, http_client=client)
            )
        else:
            from mcp import StdioServerParameters, stdio_client

            if self._stderr is None:
                self._stderr = StderrToLog(c.name, logger)
            params = StdioServerParameters(
                command=c.command, args=list(c.args), env=dict(c.env) or None, cwd=c.cwd
            )
            read, write = await stack.enter_async_context(
                stdio_client(params, errlog=self._stderr.file)
            )
        session = await stack.enter_async_context(
            ClientSession(read, write, message_handler=self._on_message)
        )
        with_timeout = asyncio.wait_for(session.initialize(), self.startup_timeout_s)
        try:
            result = await with_timeout
        except TimeoutError:
            raise ToolError(
                f"no answer to the MCP handshake within {self.startup_timeout_s:g} s"
            ) from None
        info = getattr(result, "server_info", None)
        self.server_name = getattr(info, "name", None)
        return session

    async def _on_message(self, message: Any) -> None:
        if isinstance(message, Exception):
            self._garbage = _offending_text(message)
            logger.info("MCP server %s wrote something that is not MCP", self.config.name)
            return
        root = getattr(message, "root", message)
        if type(root).__name__ == "ToolListChangedNotification" and self._session is not None:
            asyncio.get_running_loop().create_task(self._refresh_tools(self._session))

    async def _refresh_tools(self, session: Any) -> None:
        tools: list[McpToolInfo] = []
        cursor = None
        for _ in range(100):  # a server that pages forever cannot hang us
            params = None
            if cursor:
                from mcp.types import PaginatedRequestParams

                params = PaginatedRequestParams(cursor=cursor)
            page = await asyncio.wait_for(session.list_tools(params=params), self.startup_timeout_s)
            for t in page.tools:
                schema = t.input_schema if isinstance(t.input_schema, dict) else {}
                tools.append(McpToolInfo(t.name, t.description or t.title or t.name, schema))
            cursor = page.next_cursor
            if not cursor:
                break
        self.tools = tools

    async def _watch(self, session: Any) -> None:
        """Return when the server is gone (a failed ping or call) or when stopping."""
        while not self._closing:
            try:
                await asyncio.wait_for(self._lost.wait(), PING_INTERVAL_S)
                return
            except TimeoutError:
                pass
            try:
                await asyncio.wait_for(session.send_ping(), PING_TIMEOUT_S)
            except TimeoutError:
                continue  # busy is not dead
            except Exception as exc:  # noqa: BLE001
                if _code(exc) == REQUEST_TIMEOUT:
                    continue
                self.error = f"the server stopped ({describe_error(exc)})"
                return

    # -- calls -----------------------------------------------------------------------------
    async def call(self, tool: str, arguments: dict, timeout_s: float) -> str:
        """The tool's text result; ``ToolError`` for every kind of failure."""
        name = self.config.name
        if self._session is None:
            if self.state == "failed":
                self._task = None  # a new use gets a new try
            await self.ensure_started()
            if self._session is None and self.state == "restarting":
                deadline = time.monotonic() + min(timeout_s, BACKOFF_MAX_S + 5)
                while self._session is None and time.monotonic() < deadline:
                    await asyncio.sleep(0.1)
        session = self._session
        if session is None:
            raise ToolError(f"MCP server '{name}' is not running: {self.error or self.state}")
        try:
            result = await session.call_tool(tool, arguments, read_timeout_seconds=timeout_s)
        except Exception as exc:  # noqa: BLE001
            code = _code(exc)
            if code == REQUEST_TIMEOUT:
                raise ToolError(
                    f"{tool} (MCP server '{name}') timed out after {timeout_s:g} s"
                ) from None
            if code == CONNECTION_CLOSED or isinstance(exc, OSError):
                self.error = "the server stopped during a call"
                self._lost.set()
                raise ToolError(
                    f"MCP server '{name}' stopped during the call to {tool}; restarting it"
                ) from None
            raise ToolError(f"MCP server '{name}': {describe_error(exc)}") from None
        text = result_text(result)
        if getattr(result, "is_error", False):
            raise ToolError(text or f"{tool} failed on MCP server '{name}'")
        return text
