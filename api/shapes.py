"""Core events -> OpenAI response objects and stream chunks."""

from __future__ import annotations

import json
import secrets
import time
from dataclasses import asdict

from fireside.assistant.events import Citation, ClientCall, SupportChecked, Usage
from fireside.assistant.text_completion import CompletionDone


def new_id(prefix: str) -> str:
    return f"{prefix}-{secrets.token_hex(12)}"


def usage_dict(usage: Usage) -> dict:
    return {
        "prompt_tokens": usage.prompt_tokens,
        "completion_tokens": usage.completion_tokens,
        "total_tokens": usage.prompt_tokens + usage.completion_tokens,
        "prompt_tokens_details": {"cached_tokens": usage.cached_tokens},
    }


def finish_reason(done: CompletionDone) -> str:
    return "stop" if done.finish_reason == "cancelled" else done.finish_reason


def tool_call_dict(call: ClientCall, index: int | None = None) -> dict:
    out = {
        "id": call.call_id,
        "type": "function",
        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
    }
    if index is not None:
        out = {"index": index, **out}
    return out


def citation_dict(c: Citation) -> dict:
    data = asdict(c)
    data["score"] = round(float(data["score"]), 4)
    return data


class ChatShapes:
    """Builds the objects of one chat completion, with one id and timestamp throughout."""

    def __init__(self, model: str) -> None:
        self.id = new_id("chatcmpl")
        self.created = int(time.time())
        self.model = model

    def _base(self, obj: str) -> dict:
        return {
            "id": self.id,
            "object": obj,
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
        }

    def response(
        self,
        text: str,
        calls: list[ClientCall],
        done: CompletionDone,
        citations: list[Citation] | None,
    ) -> dict:
        message: dict = {"role": "assistant", "content": text or None, "refusal": None}
        if calls:
            message["tool_calls"] = [tool_call_dict(c) for c in calls]
        out = self._base("chat.completion")
        out["choices"] = [
            {"index": 0, "message": message, "logprobs": None, "finish_reason": finish_reason(done)}
        ]
        out["usage"] = usage_dict(done.usage)
        if citations is not None:
            out["citations"] = [citation_dict(c) for c in citations]
        return out

    def chunk(self, delta: dict, finish: str | None = None) -> dict:
        out = self._base("chat.completion.chunk")
        out["choices"] = [{"index": 0, "delta": delta, "logprobs": None, "finish_reason": finish}]
        return out

    def usage_chunk(self, usage: Usage) -> dict:
        out = self._base("chat.completion.chunk")
        out["choices"] = []
        out["usage"] = usage_dict(usage)
        return out

    @staticmethod
    def support(checked: SupportChecked) -> dict:
        """Fireside's addition after a reply from documents: each sentence's verdict."""
        return {
            "sentences": [asdict(s) for s in checked.sentences],
            "mostly_unsupported": checked.mostly_unsupported,
        }

    def citations_chunk(self, citations: list[Citation]) -> dict:
        return self.extra_chunk("citations", [citation_dict(c) for c in citations])

    def extra_chunk(self, name: str, value) -> dict:
        """A chunk with no choices that carries one of Fireside's additions."""
        out = self._base("chat.completion.chunk")
        out["choices"] = []
        out[name] = value
        return out


class TextShapes:
    def __init__(self, model: str) -> None:
        self.id = new_id("cmpl")
        self.created = int(time.time())
        self.model = model

    def _base(self) -> dict:
        return {
            "id": self.id,
            "object": "text_completion",
            "created": self.created,
            "model": self.model,
            "system_fingerprint": None,
        }

    def response(self, text: str, done: CompletionDone) -> dict:
        out = self._base()
        out["choices"] = [
            {"index": 0, "text": text, "logprobs": None, "finish_reason": finish_reason(done)}
        ]
        out["usage"] = usage_dict(done.usage)
        return out

    def chunk(self, text: str, finish: str | None = None) -> dict:
        out = self._base()
        out["choices"] = [{"index": 0, "text": text, "logprobs": None, "finish_reason": finish}]
        return out

    def usage_chunk(self, usage: Usage) -> dict:
        out = self._base()
        out["choices"] = []
        out["usage"] = usage_dict(usage)
        return out
