"""What a chat turn may do with tools: which registry, which format, who approves.

Kept apart from the engine so the engine stays a sequence of steps, and so that a front end
can pass one object describing the user's choices for this turn.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass, field

from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool

Approve = Callable[[Tool, dict], bool]
MIN_AUTO_PARAMETERS = 1_000_000_000


@dataclass
class TurnTools:
    """``approve`` is asked before a network or file-system tool runs; None means "no"."""

    registry: ToolRegistry
    approve: Approve | None = None
    always_allowed: list[str] = field(default_factory=list)
    max_calls: int = 3
    enabled: bool | None = None  # None: offer tools only to models able to use them
    routing: bool = True  # run obviously requested tools before the model answers
    refusal_hint: str | None = None  # how to allow a refused tool, when nobody could be asked
    user_text: str = ""  # the user's own words this turn (a tool's ``check_call`` reads them)
    web: bool = False  # the web tools are offered this turn

    def offered_to(self, native_format: bool, parameter_count: int) -> bool:
        """Whether the model sees the tools this turn.

        In "auto" mode (``enabled is None``) tiny models without a trained call syntax are
        not offered tools: they do not call them, and the tool prompt makes their answers
        worse. Slash commands work regardless.
        """
        if self.enabled is False:
            return False
        able = self.enabled is True or native_format or parameter_count >= MIN_AUTO_PARAMETERS
        # Counting the tools may start MCP servers: only once the model is known to be able.
        return able and len(self.registry) > 0
