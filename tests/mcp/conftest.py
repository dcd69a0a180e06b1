"""Real MCP servers from the registries: ``mcp-server-time`` (PyPI) and
``@modelcontextprotocol/server-everything`` (npm, installed once into pytest's cache)."""

from __future__ import annotations

import shutil
import subprocess
import sys
from pathlib import Path

import pytest
from fireside.assistant.mcp.config import McpConfig, ServerConfig
from fireside.assistant.mcp.manager import McpManager

HERE = Path(__file__).resolve().parent
EVERYTHING = "@modelcontextprotocol/server-everything"


@pytest.fixture(scope="session")
def everything_bin(request, tmp_path_factory) -> Path:
    """The server-everything launcher, ``npm install``-ed into a folder the tests own."""
    npm = shutil.which("npm")
    if npm is None:
        pytest.skip("npm is not installed: cannot install @modelcontextprotocol/server-everything")
    cache = getattr(request.config, "cache", None)
    root = Path(cache.mkdir("npm-mcp")) if cache is not None else tmp_path_factory.mktemp("npm")
    launcher = root / "node_modules" / ".bin" / "mcp-server-everything"
    if not launcher.exists():
        proc = subprocess.run(
            [npm, "install", "--no-audit", "--no-fund", "--prefix", str(root), EVERYTHING],
            capture_output=True,
            text=True,
            timeout=600,
        )
        assert proc.returncode == 0, f"npm install {EVERYTHING} failed:\n{proc.stderr[-2000:]}"
    assert launcher.exists()
    return launcher


def time_server(name: str = "time", **options) -> ServerConfig:
    return ServerConfig(
        name,
        command=sys.executable,
        args=["-m", "mcp_server_time", "--local-timezone", "UTC"],
        **options,
    )


def everything_server(launcher: Path, name: str = "everything", **options) -> ServerConfig:
    return ServerConfig(name, command=str(launcher), args=["stdio"], **options)


def garbage_server(name: str = "garbage") -> ServerConfig:
    return ServerConfig(name, command=sys.executable, args=[str(HERE / "garbage_server.py")])


@pytest.fixture
def mcp_config(fireside_home) -> McpConfig:
    return McpConfig(fireside_home / "config" / "mcp.json")


@pytest.fixture
def manager(mcp_config):
    made: list[McpManager] = []

    def make(*servers: ServerConfig, startup_timeout_s: float = 20.0) -> McpManager:
        mcp_config.save(list(servers))
        m = McpManager(mcp_config, startup_timeout_s=startup_timeout_s)
        made.append(m)
        return m

    yield make
    for m in made:
        m.close()
