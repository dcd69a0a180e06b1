"""Native tool calls: pieced together from streamed deltas, handed on as call text.

A server with native tools streams a call as ``tool_calls`` deltas (an index, then the name,
then the arguments JSON in fragments). The tool loop reads calls from the reply text, as it
does for local models, so the finished calls are written out in the ``<tool_call>`` syntax
its parser accepts; ``wire.py`` turns that text back into ``tool_calls`` when the
conversation goes to the server again.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field

CALL_OPEN, CALL_CLOSE = "<tool_call>", "</tool_call>"


@dataclass
class _Call:
    id: str = ""
    name: str = ""
    arguments: str = ""


@dataclass
class ToolCallCollector:
    calls: dict[int, _Call] = field(default_factory=dict)

    def add(self, deltas: list[dict]) -> None:
        for n, delta in enumerate(deltas):
            index = delta.get("index", n)
            call = self.calls.setdefault(index if isinstance(index, int) else n, _Call())
            call.id = delta.get("id") or call.id
            function = delta.get("function") or {}
            call.name += function.get("name") or ""
            call.arguments += function.get("arguments") or ""

    def __bool__(self) -> bool:
        return bool(self.calls)

    def as_text(self) -> str:
        """The calls in the tool loop's ``<tool_call>`` syntax, one block each."""
        blocks = []
        for _, call in sorted(self.calls.items()):
            try:
                arguments = json.loads(call.arguments) if call.arguments.strip() else {}
            except ValueError:
                arguments = call.arguments  # the loop reports the bad JSON back to the model
            body = json.dumps({"name": call.name, "arguments": arguments}, ensure_ascii=False)
            blocks.append(f"{CALL_OPEN}{body}{CALL_CLOSE}")
        return "\n".join(blocks)
