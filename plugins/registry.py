"""The tools available to one chat: looked up by name, run by name.

The engine, the tool loop, slash commands and ``fireside tools run`` all go through a
registry, so an unknown name gets the same answer everywhere.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping
from typing import Any

from fireside.plugins.tools import Tool, ToolOutcome, run_tool

from fireside.errors import NotFoundError, ToolError


class UnknownToolError(NotFoundError, ToolError):
    """No tool of that name is enabled."""


class ToolRegistry:
    """Tools by name; the first registration of a name wins."""

    def __init__(self, tools: Iterable[Tool] = ()) -> None:
        self._tools: dict[str, Tool] = {}
        for tool in tools:
            self.add(tool)

    def add(self, tool: Tool) -> None:
        if tool.name in self._tools:
            owner = self._tools[tool.name].plugin or "another plugin"
            raise ValueError(f"tool '{tool.name}' is already provided by {owner}")
        self._tools[tool.name] = tool

    def get(self, name: str) -> Tool:
        """The tool called ``name``; ``UnknownToolError`` lists the known names otherwise."""
        try:
            return self._tools[name]
        except KeyError:
            known = ", ".join(sorted(self._tools)) or "none"
            raise UnknownToolError(f"unknown tool '{name}' (available: {known})") from None

    def peek(self, name: str) -> Tool | None:
        """The tool called ``name`` among those already held (a lazy registry loads nothing)."""
        return self._tools.get(name)

    def names(self) -> list[str]:
        return list(self._tools)

    def run(self, name: str, arguments: Mapping[str, Any] | None) -> ToolOutcome:
        """Run a tool by name; an unknown name is an error outcome, like any other failure."""
        try:
            tool = self.get(name)
        except UnknownToolError as exc:
            return ToolOutcome(str(exc), True, 0.0)
        return run_tool(tool, arguments)

    def __contains__(self, name: object) -> bool:
        return name in self._tools

    def __iter__(self) -> Iterator[Tool]:
        return iter(list(self._tools.values()))

    def __len__(self) -> int:
        return len(self._tools)
