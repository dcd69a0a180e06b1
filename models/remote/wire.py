"""The conversation as an OpenAI-compatible server wants it.

The tool loop keeps a native call as ``<tool_call>`` text in the assistant message, followed
by one ``tool`` message per call (with its ``tool_call_id``). Servers expect the call as
``tool_calls`` on the assistant message instead, each answered by a ``tool`` message; this
module makes that change, and turns a ``tool`` message that answers no call into plain user
text so that strict servers do not refuse the request.
"""

from __future__ import annotations

import json
import re

from fireside.models.remote.tool_calls import CALL_CLOSE, CALL_OPEN

_CALL = re.compile(re.escape(CALL_OPEN) + r"\s*(.*?)\s*" + re.escape(CALL_CLOSE), re.S)


def _calls_in(text: str) -> tuple[str, list[dict]] | None:
    if CALL_OPEN not in text:
        return None
    calls = []
    for body in _CALL.findall(text):
        try:
            obj = json.loads(body)
        except ValueError:
            return None
        if not isinstance(obj, dict) or not isinstance(obj.get("name"), str):
            return None
        args = obj.get("arguments", {})
        calls.append({"name": obj["name"], "arguments": args})
    before = text.split(CALL_OPEN, 1)[0].strip()
    return (before, calls) if calls else None


def _function(call: dict) -> dict:
    args = call["arguments"]
    text = args if isinstance(args, str) else json.dumps(args, ensure_ascii=False)
    return {"name": call["name"], "arguments": text}


def to_wire(messages: list[dict]) -> list[dict]:
    out: list[dict] = []
    i = 0
    while i < len(messages):
        msg = messages[i]
        role, content = msg.get("role"), msg.get("content") or ""
        if role == "assistant":
            answers = []
            j = i + 1
            while j < len(messages) and messages[j].get("role") == "tool":
                answers.append(messages[j])
                j += 1
            parsed = _calls_in(content)
            if parsed and answers and len(parsed[1]) == len(answers):
                before, calls = parsed
                ids = [a.get("tool_call_id") or f"call_{i}_{n}" for n, a in enumerate(answers)]
                out.append(
                    {
                        "role": "assistant",
                        "content": before or None,
                        "tool_calls": [
                            {"id": call_id, "type": "function", "function": _function(call)}
                            for call_id, call in zip(ids, calls, strict=True)
                        ],
                    }
                )
                out += [
                    {"role": "tool", "tool_call_id": call_id, "content": a.get("content") or ""}
                    for call_id, a in zip(ids, answers, strict=True)
                ]
                i = j
                continue
            out.append({"role": "assistant", "content": content})
        elif role == "tool":
            out.append({"role": "user", "content": content})
        else:
            out.append({"role": role, "content": content})
        i += 1
    return out
