"""Fewer, better tools for weak models: offer only those closest to the user's message.

Every tool described in the prompt costs context and attention; a small model offered thirty
MCP tools picks the wrong one or none. When more than ``limit`` tools are enabled, the tool
descriptions and the message are embedded with the packaged MiniLM and the ``limit`` most
similar tools are offered (the way AnythingLLM reranks its tools). Tool vectors are computed
once per set of tools and kept in this object; the embedder is loaded on first need.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

import numpy as np
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool

DEFAULT_LIMIT = 5
_KEEP_SETS = 4


@dataclass
class Selection:
    registry: ToolRegistry
    offered: list[str]
    total: int

    @property
    def trimmed(self) -> bool:
        return len(self.offered) < self.total

    def notice(self) -> str:
        return (
            f"Offered the model {len(self.offered)} of {self.total} tools, those closest to "
            f"your message: {', '.join(self.offered)}"
        )


def tool_text(tool: Tool) -> str:
    """What is embedded for a tool: its name in words, and its description."""
    return f"{tool.name.replace('_', ' ').replace('-', ' ')}: {tool.description}"


class ToolSelector:
    """Built once by the composition root; ``embedder_factory`` is called on first need."""

    def __init__(self, embedder_factory: Callable[[], object], limit: int = DEFAULT_LIMIT):
        self._factory = embedder_factory
        self._embedder = None
        self.limit = limit
        self._vectors: dict[tuple, np.ndarray] = {}

    @property
    def embedder(self):
        if self._embedder is None:
            self._embedder = self._factory()
        return self._embedder

    def _tool_vectors(self, tools: list[Tool]) -> np.ndarray:
        key = tuple((t.name, t.description) for t in tools)
        vectors = self._vectors.get(key)
        if vectors is None:
            vectors = np.asarray(self.embedder.encode([tool_text(t) for t in tools]))
            if len(self._vectors) >= _KEEP_SETS:
                self._vectors.pop(next(iter(self._vectors)))
            self._vectors[key] = vectors
        return vectors

    def select(self, registry: ToolRegistry, message: str) -> Selection:
        """The tools to offer for ``message``: all of them when there are few."""
        tools = list(registry)
        if len(tools) <= self.limit or not message.strip():
            return Selection(registry, [t.name for t in tools], len(tools))
        scores = self._tool_vectors(tools) @ np.asarray(self.embedder.encode_query(message))
        order = sorted(range(len(tools)), key=lambda i: -float(scores[i]))[: self.limit]
        chosen = [tools[i] for i in order]
        return Selection(ToolRegistry(chosen), [t.name for t in chosen], len(tools))
