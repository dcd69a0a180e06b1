"""One model on an OpenAI-compatible server, as a ``ChatBackend`` like any local GGUF.

Replies stream over server-sent events; cancel is checked before each piece and leaving the
stream closes the connection, which stops the server's work. Usage comes from the server
when it sends it (``stream_options.include_usage``), else from counting; llama.cpp's
``timings`` (cached prompt tokens) are used when present. Sampling settings beyond the
OpenAI set (top-k, min-p, repeat penalty) are sent too, and dropped for the rest of the
session if the server refuses them; tools likewise fall back to the prompt path.
"""

from __future__ import annotations

import time
from collections.abc import Iterator

from fireside.models.backend import ModelDescription
from fireside.models.generation import CancelToken, GenerationStats, TextChunk
from fireside.models.remote.catalog import find_model
from fireside.models.remote.client import Endpoint, RemoteClient, is_loopback
from fireside.models.remote.errors import (
    RemoteDisconnectedError,
    RemoteError,
    RemoteServerError,
)
from fireside.models.remote.tokens import TokenCounter, estimate
from fireside.models.remote.tool_calls import ToolCallCollector
from fireside.models.remote.wire import to_wire
from fireside.models.sampling import SamplingParams

DEFAULT_REMOTE_CTX = 4096
MAX_STOPS = 4  # the OpenAI API takes at most four stop strings
EXTRA_SAMPLING = ("top_k", "min_p", "repeat_penalty")
_UNKNOWN_FIELD_WORDS = ("unrecognized", "unknown", "extra", "additional", "not permitted")
_FINISH = {"stop": "stop", "length": "length", "tool_calls": "stop", "function_call": "stop"}


class RemoteBackend:
    """``CONNECTION/MODEL`` on a server; open it with ``RemoteBackend.connect``."""

    def __init__(
        self,
        client: RemoteClient,
        model: str,
        *,
        n_ctx: int | None = None,
        native_tools: bool = True,
        load_s: float = 0.0,
    ) -> None:
        self.client = client
        self.model = model
        self.n_ctx = n_ctx or DEFAULT_REMOTE_CTX
        self.native_tools = native_tools
        self.load_s = load_s
        self.counter = TokenCounter(client, model)
        self._extras_ok = True
        self._usage_ok = True

    @classmethod
    def connect(
        cls,
        endpoint: Endpoint,
        model: str,
        *,
        n_ctx: int | None = None,
        native_tools: bool = True,
        client: RemoteClient | None = None,
    ) -> RemoteBackend:
        """Check that the server answers and serves ``model``; raises a ``RemoteError``."""
        client = client or RemoteClient(endpoint)
        t0 = time.perf_counter()
        try:
            entry = find_model(client, endpoint.name, model)
        except BaseException:
            client.close()
            raise
        return cls(
            client,
            model,
            n_ctx=n_ctx or entry.n_ctx,
            native_tools=native_tools,
            load_s=time.perf_counter() - t0,
        )

    @property
    def connection(self) -> str:
        return self.client.endpoint.name

    @property
    def description(self) -> ModelDescription:
        endpoint = self.client.endpoint
        return ModelDescription(
            id=f"{endpoint.name}/{self.model}",
            name=self.model,
            backend="remote",
            n_ctx=self.n_ctx,
            device=f"remote ({endpoint.host})",
            tool_format="native" if self.native_tools else "prompt",
            native_tools=self.native_tools,
            leaves_machine=not is_loopback(endpoint.base_url),
            load_s=self.load_s,
            sees_images=True,  # pictures go as OpenAI image parts; the server decides
        )

    # -- counting ---------------------------------------------------------------------------
    def count_tokens(self, messages: list[dict]) -> int:
        return self.counter.count_messages(messages)

    def count_text(self, text: str) -> int:
        return self.counter.count(text)

    # -- generation -------------------------------------------------------------------------
    def stream(
        self,
        messages: list[dict],
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
        tools: list[dict] | None = None,
    ) -> Iterator[TextChunk | GenerationStats]:
        """``grammar`` is not sent (few servers take GBNF); calls are parsed and checked."""
        body = {"model": self.model, "messages": to_wire(messages)}
        if tools and self.native_tools:
            body["tools"] = tools
        yield from self._run(
            "chat/completions", body, params, cancel, lambda: self.count_tokens(messages)
        )

    def complete(
        self,
        prompt: str,
        params: SamplingParams | None = None,
        cancel: CancelToken | None = None,
        *,
        grammar: str | None = None,
    ) -> Iterator[TextChunk | GenerationStats]:
        body = {"model": self.model, "prompt": prompt}
        yield from self._run("completions", body, params, cancel, lambda: self.count_text(prompt))

    def close(self) -> None:
        self.client.close()

    # -- internals --------------------------------------------------------------------------
    def _body(self, base: dict, params: SamplingParams) -> dict:
        body = dict(base, stream=True)
        body.update(temperature=params.temperature, top_p=params.top_p)
        body["max_tokens"] = params.max_tokens
        if params.seed is not None:
            body["seed"] = params.seed
        if params.stop:
            body["stop"] = list(params.stop)[:MAX_STOPS]
        if self._usage_ok:
            body["stream_options"] = {"include_usage": True}
        if self._extras_ok:
            body.update({name: getattr(params, name) for name in EXTRA_SAMPLING})
        return body

    def _refused_option(self, exc: RemoteServerError, body: dict) -> bool:
        """After a 400: drop what the server did not take, for this and later requests."""
        if exc.status != 400:
            return False
        said = exc.cause.lower()
        if "tools" in body and ("tool" in said or "function" in said):
            self.native_tools = False  # the engine's next turn uses the prompt path
            body.pop("tools")
            return True
        if "stream_options" in body and ("stream_options" in said or "include_usage" in said):
            self._usage_ok = False
            body.pop("stream_options")
            return True
        names_them = any(word in said for word in (*EXTRA_SAMPLING, *_UNKNOWN_FIELD_WORDS))
        if self._extras_ok and names_them and any(name in body for name in EXTRA_SAMPLING):
            self._extras_ok = False
            for name in EXTRA_SAMPLING:
                body.pop(name, None)
            return True
        return False

    def _run(self, path, base, params, cancel, count_prompt) -> Iterator:
        params = params or SamplingParams()
        body = self._body(base, params)
        chat = path == "chat/completions"
        t0 = time.perf_counter()
        ttft, last, pieces, finish = 0.0, 0.0, 0, None
        usage: dict | None = None
        timings: dict | None = None
        calls = ToolCallCollector()
        for _attempt in range(4):
            if cancel is not None and cancel.cancelled:
                finish = "cancelled"  # stopped before the request went out
                break
            try:
                with self.client.stream_events(path, body, cancel) as events:
                    for event in events:
                        if cancel is not None and cancel.cancelled:
                            finish = "cancelled"
                            break
                        usage = event.get("usage") or usage
                        timings = event.get("timings") or timings
                        for choice in event.get("choices") or []:
                            if chat:
                                delta = choice.get("delta") or {}
                                text = delta.get("content") or ""
                                if delta.get("tool_calls"):
                                    calls.add(delta["tool_calls"])
                            else:
                                text = choice.get("text") or ""
                            if text:
                                last = time.perf_counter() - t0
                                ttft = ttft if pieces else last
                                pieces += 1
                                yield TextChunk(text)
                            reason = choice.get("finish_reason")
                            if reason:
                                finish = _FINISH.get(reason, "stop")
                break
            except RemoteError as exc:
                if cancel is not None and cancel.cancelled:
                    finish = "cancelled"  # the connection was shut down on purpose
                    break
                if pieces or not isinstance(exc, RemoteServerError):
                    raise
                if not self._refused_option(exc, body):
                    raise
        if calls and finish != "cancelled":
            text = calls.as_text()
            last = time.perf_counter() - t0
            ttft = ttft if pieces else last
            pieces += 1
            yield TextChunk(text)
        if finish is None:
            if cancel is not None and cancel.cancelled:
                finish = "cancelled"
            else:
                raise RemoteDisconnectedError(
                    self.client.where,
                    f"the reply ended without finishing ({pieces} pieces received and kept); "
                    "the server may have stopped",
                )
        # Decoding ends with the last piece; the trailing usage and [DONE] events are not
        # generation (a plain client measures the same span).
        generate_s = last if pieces else time.perf_counter() - t0
        yield self._stats(finish, usage, timings, pieces, ttft, generate_s, count_prompt)

    def _stats(self, finish, usage, timings, pieces, ttft, generate_s, count_prompt):
        cached = 0
        if isinstance(timings, dict) and isinstance(timings.get("cache_n"), int):
            cached = timings["cache_n"]
        if isinstance(usage, dict) and isinstance(usage.get("prompt_tokens"), int):
            prompt = usage["prompt_tokens"]
            completion = usage.get("completion_tokens", pieces)
            details = usage.get("prompt_tokens_details") or {}
            cached = details.get("cached_tokens") or cached
        else:
            # A cancelled reply: the server never sends usage. llama.cpp-based servers send
            # one token per piece; elsewhere it is the best estimate there is.
            try:
                prompt = count_prompt()
            except Exception:  # noqa: BLE001 - counting must not lose a finished reply
                prompt = 0
            completion = pieces
        cached = min(cached, prompt)
        return GenerationStats(
            finish_reason=finish,
            prompt_tokens=prompt,
            prompt_eval_tokens=prompt - cached,
            cached_tokens=cached,
            completion_tokens=completion,
            ttft_s=ttft,
            generate_s=generate_s,
        )


__all__ = ["DEFAULT_REMOTE_CTX", "RemoteBackend", "estimate"]
