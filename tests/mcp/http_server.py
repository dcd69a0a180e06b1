"""A real Streamable HTTP MCP server (the SDK's MCPServer under uvicorn) on 127.0.0.1."""

from __future__ import annotations

import socket
import threading
import time

import uvicorn
from mcp.server.mcpserver import MCPServer


def build_app(seen_headers: list[dict]):
    server = MCPServer("notes")

    @server.tool()
    def word_count(text: str) -> str:
        """Count the words in a text."""
        return f"{len(text.split())} words"

    @server.tool()
    def long_report(lines: int) -> str:
        """Write a long report of numbered lines."""
        return "\n".join(f"line {i}: all systems nominal" for i in range(lines))

    app = server.streamable_http_app()

    async def recording(scope, receive, send):
        if scope["type"] == "http":
            seen_headers.append({k.decode(): v.decode() for k, v in scope["headers"]})
        await app(scope, receive, send)

    return recording


class HttpMcpServer:
    """Start with ``start()``; ``url`` is the MCP endpoint; ``stop()`` shuts uvicorn down."""

    def __init__(self) -> None:
        self.headers: list[dict] = []
        with socket.socket() as s:
            s.bind(("127.0.0.1", 0))
            self.port = s.getsockname()[1]
        config = uvicorn.Config(
            build_app(self.headers),
            host="127.0.0.1",
            port=self.port,
            log_level="warning",
            lifespan="on",
        )
        self.server = uvicorn.Server(config)
        self.thread = threading.Thread(target=self.server.run, daemon=True)
        self.url = f"http://127.0.0.1:{self.port}/mcp"

    def start(self) -> HttpMcpServer:
        self.thread.start()
        deadline = time.monotonic() + 20
        while not self.server.started:
            if time.monotonic() > deadline:
                raise RuntimeError("the test MCP server did not start")
            time.sleep(0.05)
        return self

    def stop(self) -> None:
        self.server.should_exit = True
        self.thread.join(10)
