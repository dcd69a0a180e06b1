"""The MCP servers the user configured, kept in ``mcp.json`` in the ``mcpServers`` format.

The format is the one Claude Desktop, Cursor, LM Studio and Jan write, so a file from any of
them can be imported as is: ``{"mcpServers": {"name": {"command", "args", "env"}}}`` for a
server started as a subprocess (stdio), ``{"url", "headers"}`` for a Streamable HTTP server.
Fireside adds two optional keys per server: ``disabled`` (as Cline and Roo write it) and
``timeout`` (seconds per tool call).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from fireside.atomic_write import write_atomic
from fireside.errors import FiresideError, NotFoundError

CONFIG_NAME = "mcp.json"
DEFAULT_CALL_TIMEOUT_S = 60.0
LOCK_TIMEOUT_S = 30.0
SERVER_NAME_RE = re.compile(r"^[A-Za-z0-9][A-Za-z0-9_.-]{0,63}$")
_HTTP_TYPES = {"http", "streamable-http", "streamablehttp", "streamable_http"}


class McpConfigError(FiresideError):
    """An MCP configuration that cannot be used; the message names the file or server."""


@dataclass
class ServerConfig:
    """One server: started as ``command args`` (stdio), or reached at ``url`` (HTTP)."""

    name: str
    command: str | None = None
    args: list[str] = field(default_factory=list)
    env: dict[str, str] = field(default_factory=dict)
    url: str | None = None
    headers: dict[str, str] = field(default_factory=dict)
    cwd: str | None = None
    enabled: bool = True
    timeout_s: float = DEFAULT_CALL_TIMEOUT_S

    @property
    def transport(self) -> str:
        return "http" if self.url else "stdio"

    @property
    def target(self) -> str:
        """What the server is, in one line: its command line or its URL."""
        if self.url:
            return self.url
        return " ".join([self.command or "", *self.args]).strip()

    def to_json(self) -> dict[str, Any]:
        data: dict[str, Any]
        if self.url:
            data = {"url": self.url}
            if self.headers:
                data["headers"] = dict(self.headers)
        else:
            data = {"command": self.command, "args": list(self.args)}
            if self.env:
                data["env"] = dict(self.env)
            if self.cwd:
                data["cwd"] = self.cwd
        if not self.enabled:
            data["disabled"] = True
        if self.timeout_s != DEFAULT_CALL_TIMEOUT_S:
            data["timeout"] = self.timeout_s
        return data

    @classmethod
    def from_json(cls, name: str, data: Any, where: str = CONFIG_NAME) -> ServerConfig:
        """Read one ``mcpServers`` entry; ``McpConfigError`` names what is wrong with it."""
        if not SERVER_NAME_RE.match(name):
            raise McpConfigError(
                f"{where}: server name {name!r} must be letters, digits, '.', '_' or '-'"
            )
        if not isinstance(data, dict):
            raise McpConfigError(f"{where}: server '{name}' must be a JSON object")
        kind = str(data.get("type") or data.get("transport") or "").lower()
        url = data.get("url") or data.get("serverUrl")
        if kind == "sse":
            raise McpConfigError(
                f"{where}: server '{name}' uses the old SSE transport; "
                "Fireside speaks stdio and Streamable HTTP"
            )
        if kind and kind != "stdio" and kind not in _HTTP_TYPES:
            raise McpConfigError(f"{where}: server '{name}' has an unknown type {kind!r}")
        timeout = data.get("timeout", DEFAULT_CALL_TIMEOUT_S)
        if isinstance(timeout, bool) or not isinstance(timeout, int | float) or timeout <= 0:
            raise McpConfigError(f"{where}: server '{name}': timeout must be a positive number")
        common = {"enabled": not bool(data.get("disabled", False)), "timeout_s": float(timeout)}
        if url:
            if not isinstance(url, str) or not url.startswith(("http://", "https://")):
                raise McpConfigError(f"{where}: server '{name}': url must start with http(s)://")
            return cls(name, url=url, headers=_strings(data.get("headers"), name, where), **common)
        command = data.get("command")
        if not isinstance(command, str) or not command.strip():
            raise McpConfigError(f'{where}: server \'{name}\' needs a "command" or a "url"')
        args = data.get("args", [])
        if not isinstance(args, list) or not all(isinstance(a, str | int | float) for a in args):
            raise McpConfigError(f"{where}: server '{name}': args must be a list of strings")
        cwd = data.get("cwd")
        return cls(
            name,
            command=command,
            args=[str(a) for a in args],
            env=_strings(data.get("env"), name, where),
            cwd=str(cwd) if cwd else None,
            **common,
        )


def _strings(value: Any, name: str, where: str) -> dict[str, str]:
    if value is None:
        return {}
    if not isinstance(value, dict):
        raise McpConfigError(f"{where}: server '{name}': env and headers must be JSON objects")
    return {str(k): str(v) for k, v in value.items()}


def parse_servers(data: Any, where: str) -> list[ServerConfig]:
    """The servers of a parsed config file: ``mcpServers`` (Claude, Cursor, LM Studio, Jan)
    or ``servers`` (VS Code)."""
    if not isinstance(data, dict):
        raise McpConfigError(f'{where}: expected a JSON object with "mcpServers"')
    servers = data.get("mcpServers", data.get("servers"))
    if servers is None and isinstance(data.get("mcp"), dict):
        servers = data["mcp"].get("servers")  # VS Code settings.json
    if not isinstance(servers, dict):
        raise McpConfigError(f'{where}: no "mcpServers" object in the file')
    return [ServerConfig.from_json(str(name), entry, where) for name, entry in servers.items()]


def read_config_file(path: Path) -> list[ServerConfig]:
    """The servers listed in any ``mcpServers`` JSON file (to import it)."""
    try:
        text = Path(path).read_text(encoding="utf-8")
    except FileNotFoundError:
        raise NotFoundError(f"{path}: no such file") from None
    except (OSError, UnicodeDecodeError) as exc:
        raise McpConfigError(f"{path}: cannot read it ({exc})") from None
    try:
        data = json.loads(text)
    except ValueError as exc:
        raise McpConfigError(f"{path}: not valid JSON ({exc})") from None
    return parse_servers(data, str(path))


class McpConfig:
    """The ``mcp.json`` file in the config folder, shared by the window and the command line.

    Every change is made under a lock file on the file as it is at that moment (re-read,
    changed, written whole with ``fireside.atomic_write``), so a server added by ``fireside
    mcp add`` while the window enables another is kept; keys other programs put in the file
    are kept too. A damaged file is reported and left as it is, never overwritten.
    """

    def __init__(self, path: Path) -> None:
        self.path = Path(path)
        self.lock_path = self.path.with_name(self.path.name + ".lock")

    def load(self) -> list[ServerConfig]:
        """The configured servers; a missing file means none. A damaged one raises."""
        if not self.path.exists():
            return []
        return read_config_file(self.path)

    def edit(self, change: Callable[[list[ServerConfig]], list[ServerConfig]]) -> None:
        """Replace the servers with ``change(servers now in the file)``, under the lock."""
        from filelock import FileLock, Timeout

        self.path.parent.mkdir(parents=True, exist_ok=True)
        try:
            with FileLock(str(self.lock_path), timeout=LOCK_TIMEOUT_S):
                data = self._data()
                servers = change(parse_servers(data, str(self.path)) if data else [])
                data["mcpServers"] = {s.name: s.to_json() for s in servers}
                text = json.dumps(data, indent=2, ensure_ascii=False) + "\n"
                write_atomic(self.path, text)
        except Timeout:
            raise McpConfigError(
                f"{self.path}: another Fireside has held its lock ({self.lock_path}) for "
                f"{LOCK_TIMEOUT_S:.0f} s"
            ) from None
        except OSError as exc:
            raise McpConfigError(f"{self.path}: cannot write it ({exc})") from None

    def _data(self) -> dict[str, Any]:
        """The file's JSON object as it is now (``{}`` when there is no file yet)."""
        try:
            text = self.path.read_text(encoding="utf-8")
        except FileNotFoundError:
            return {}
        except (OSError, UnicodeDecodeError) as exc:
            raise McpConfigError(f"{self.path}: cannot read it ({exc})") from None
        try:
            data = json.loads(text)
        except ValueError as exc:
            raise McpConfigError(f"{self.path}: not valid JSON ({exc}); fix or remove it") from None
        if not isinstance(data, dict):
            raise McpConfigError(f'{self.path}: expected a JSON object with "mcpServers"')
        if "mcpServers" not in data:  # a file of another program's format: ours goes beside
            data["mcpServers"] = {}
        return data

    def save(self, servers: list[ServerConfig]) -> None:
        """Make ``servers`` the whole list."""
        for server in servers:
            if not isinstance(server, ServerConfig):
                raise TypeError(f"not a ServerConfig: {server!r}")
        self.edit(lambda _now: list(servers))

    def get(self, name: str) -> ServerConfig:
        for server in self.load():
            if server.name == name:
                return server
        raise NotFoundError(f"no MCP server named '{name}' (see: fireside mcp list)")

    def put(self, server: ServerConfig, *, replace: bool = False) -> None:
        """Add a server, or replace one of the same name when ``replace``."""
        if not isinstance(server, ServerConfig):
            raise TypeError(f"not a ServerConfig: {server!r}")

        def change(servers: list[ServerConfig]) -> list[ServerConfig]:
            if not replace and any(s.name == server.name for s in servers):
                raise McpConfigError(f"an MCP server named '{server.name}' already exists")
            return [s for s in servers if s.name != server.name] + [server]

        self.edit(change)

    def remove(self, name: str) -> None:
        def change(servers: list[ServerConfig]) -> list[ServerConfig]:
            if not any(s.name == name for s in servers):
                raise NotFoundError(f"no MCP server named '{name}' (see: fireside mcp list)")
            return [s for s in servers if s.name != name]

        self.edit(change)

    def set_enabled(self, name: str, enabled: bool) -> None:
        def change(servers: list[ServerConfig]) -> list[ServerConfig]:
            for server in servers:
                if server.name == name:
                    server.enabled = enabled
                    return servers
            raise NotFoundError(f"no MCP server named '{name}' (see: fireside mcp list)")

        self.edit(change)
