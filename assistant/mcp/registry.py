"""A tool registry holding plugin tools at once and MCP tools when first needed.

Listing MCP tools starts their servers, which costs time (a subprocess, a handshake), so a
turn that never offers tools to the model, or only runs the calculator, must not pay for it.
``LazyToolRegistry`` answers lookups of plugin tools from what it holds and fetches the
MCP tools the first time anything else is asked. An MCP tool whose name a plugin already
uses is registered as ``SERVER_TOOL``.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator

from fireside.assistant.mcp.manager import tool_name
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool


class LazyToolRegistry(ToolRegistry):
    def __init__(self, tools: Iterable[Tool], more: Callable[[], list[Tool]]) -> None:
        super().__init__(tools)
        self._more: Callable[[], list[Tool]] | None = more

    @property
    def loaded(self) -> bool:
        return self._more is None

    def _load(self) -> None:
        more, self._more = self._more, None
        if more is None:
            return
        for tool in more():
            if tool.name in self._tools:
                server = tool.source.removeprefix("mcp:")
                tool.name = tool_name(f"{server}_{tool.name}")
            if tool.name not in self._tools:
                self._tools[tool.name] = tool

    def get(self, name: str) -> Tool:
        if name not in self._tools:
            self._load()
        return super().get(name)

    def names(self) -> list[str]:
        self._load()
        return super().names()

    def __contains__(self, name: object) -> bool:
        if name not in self._tools:
            self._load()
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        self._load()
        return super().__iter__()

    def __len__(self) -> int:
        self._load()
        return super().__len__()


def combined_registry(plugin_tools: Iterable[Tool], mcp) -> ToolRegistry:
    """Plugin tools plus, when ``mcp`` (an ``McpManager``) is given, its servers' tools."""
    if mcp is None:
        return ToolRegistry(plugin_tools)
    return LazyToolRegistry(plugin_tools, mcp.tools)
