"""The generating endpoints (chat and text completions) and the model list.

Each generating route turns the body into a core request, queues one job on the model
worker, and either collects the events into one response or streams them as server-sent
events. The first event is awaited before the response starts, so a request that fails at
once (an unknown collection, a model that will not load) still gets its proper status.
"""

from __future__ import annotations

import asyncio
import json
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import asdict, replace

from fireside.api.catalogue import CatalogueEntry
from fireside.api.errors import ApiError, as_api_error
from fireside.api.queue import GenerationQueue, QueueFull
from fireside.api.request_parsing import ChatOptions, parse_chat, parse_text, read_json
from fireside.api.services import ApiConfig, ApiServices, ApiStats
from fireside.api.shapes import ChatShapes, TextShapes
from fireside.assistant.completions import (
    CompletionDone,
    CompletionRequestError,
    ToolRun,
    content_text,
    run_completion,
    run_text_completion,
    run_with_fireside_tools,
)
from fireside.assistant.events import Citations, TextDelta, ToolCall, Usage
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from fireside.models.embedder_registry import EmbedderRegistry
from fireside.models.generation import CancelToken
from fireside.plugins.registry import ToolRegistry
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse

RETRY_AFTER_S = 5


async def _watch_disconnect(request: Request, cancel: CancelToken) -> None:
    while True:
        message = await request.receive()
        if message["type"] == "http.disconnect":
            cancel.cancel()
            return


class Routes:
    def __init__(
        self, services: ApiServices, queue: GenerationQueue, stats: ApiStats, config: ApiConfig
    ) -> None:
        self.services = services
        self.config = config
        self.queue = queue
        self.stats = stats

    # -- helpers ------------------------------------------------------------------------------
    def _model(self, name: str | None) -> CatalogueEntry:
        entry = self.services.catalogue.resolve(name)
        if entry is None:
            known = ", ".join(e.id for e in self.services.catalogue.entries()) or "none"
            raise ApiError(
                404,
                f"the model '{name}' does not exist (available: {known})",
                param="model",
                code="model_not_found",
            )
        return entry

    def _queue(self, job: Callable[[CancelToken], Iterator], cancel: CancelToken):
        try:
            return self.queue.events(job, cancel)
        except QueueFull:
            raise ApiError(
                503,
                f"the server is busy: {self.queue.pending} requests are already queued; "
                f"retry in {RETRY_AFTER_S} s",
                code="server_busy",
                headers={"Retry-After": str(RETRY_AFTER_S)},
            ) from None

    async def _first(self, events: AsyncIterator, request: Request, cancel: CancelToken):
        """The first batch of events (None when there is none), watching for the client; a
        failure becomes the API's error (counted)."""
        watcher = asyncio.ensure_future(_watch_disconnect(request, cancel))
        try:
            return await anext(events, None)
        except BaseException as exc:
            await events.aclose()
            if isinstance(exc, Exception):
                raise self._counted(exc) from None
            raise
        finally:
            watcher.cancel()

    def _counted(self, exc: Exception):
        """The API's error for ``exc``, counted in the server's statistics."""
        error = as_api_error(exc)
        self.stats.error(error.message)
        return error

    async def _all(
        self, first, events: AsyncIterator, request: Request, cancel: CancelToken
    ) -> list:
        """Every event of a non-streamed reply; a failure becomes the API's error (counted)."""
        watcher = asyncio.ensure_future(_watch_disconnect(request, cancel))
        try:
            return [*(first or []), *[item async for batch in events for item in batch]]
        except Exception as exc:
            raise self._counted(exc) from None
        finally:
            watcher.cancel()
            await events.aclose()

    def _stream(self, first, events: AsyncIterator, chunks) -> EventSourceResponse:
        """SSE of ``chunks(item)`` for every event, then ``[DONE]``; errors as an error event."""

        async def body():
            try:
                batch = first
                while batch is not None:
                    for item in _merge_text(batch):
                        for chunk in chunks(item):
                            yield {"data": json.dumps(chunk, ensure_ascii=False)}
                    batch = await anext(events, None)
                self.stats.ok()
            except Exception as exc:  # noqa: BLE001 - the status line is already sent
                yield {"data": json.dumps(self._counted(exc).body())}
            finally:
                await events.aclose()
            yield {"data": "[DONE]"}

        return EventSourceResponse(body(), ping=15, headers={"Cache-Control": "no-cache"})

    # -- models -------------------------------------------------------------------------------
    async def list_models(self, request: Request) -> JSONResponse:
        data = [self._model_object(e) for e in self.services.catalogue.entries()]
        data.append(
            {"id": DEFAULT_EMBEDDING_MODEL, "object": "model", "created": 0, "owned_by": "fireside"}
        )
        return JSONResponse({"object": "list", "data": data})

    async def get_model(self, request: Request) -> JSONResponse:
        name = request.path_params["model"]
        if EmbedderRegistry().canonical(name) == DEFAULT_EMBEDDING_MODEL:
            return JSONResponse(
                {
                    "id": DEFAULT_EMBEDDING_MODEL,
                    "object": "model",
                    "created": 0,
                    "owned_by": "fireside",
                }
            )
        return JSONResponse(self._model_object(self._model(name)))

    def _model_object(self, entry: CatalogueEntry) -> dict:
        import os

        try:
            created = int(os.stat(entry.path).st_mtime)
        except OSError:
            created = 0
        return {"id": entry.id, "object": "model", "created": created, "owned_by": entry.owned_by}

    # -- chat ---------------------------------------------------------------------------------
    async def chat(self, request: Request):
        body = await read_json(request)
        entry = self._model(body.get("model") if isinstance(body.get("model"), str) else None)
        opts = parse_chat(body, self.services.settings.model_settings(entry.path).sampling)
        cancel = CancelToken()
        events = self._queue(lambda c: self._chat_job(entry, opts, c), cancel)
        first = await self._first(events, request, cancel)
        name = opts.model or entry.id
        shapes = ChatShapes(name)
        if opts.stream:
            return self._stream(first, events, self._chat_chunks(shapes, opts))
        items = await self._all(first, events, request, cancel)
        text = "".join(i.text for i in items if isinstance(i, TextDelta))
        calls = [i for i in items if isinstance(i, ToolCall)]
        cites = next((i.items for i in items if isinstance(i, Citations)), None)
        done = next((i for i in items if isinstance(i, CompletionDone)), None)
        done = done or CompletionDone("stop", Usage())
        self.stats.ok()
        out = shapes.response(text, calls, done, cites)
        if opts.fireside_tools:
            out["tool_runs"] = [asdict(i) for i in items if isinstance(i, ToolRun)]
        return JSONResponse(out)

    def _chat_job(self, entry: CatalogueEntry, opts: ChatOptions, cancel: CancelToken):
        backend = self.services.models.get(entry.path)
        request = opts.request
        if opts.collections:
            from fireside.assistant.documents.grounding import ground

            question = _last_user_text(request.messages)
            store = self.services.open_documents()
            try:
                grounding = ground(
                    store, question, opts.collections, backend, request.params.max_tokens
                )
            finally:
                store.close()
            yield Citations(grounding.citations)
            if grounding.context is None:  # said without asking the model, as in the app
                yield TextDelta(grounding.no_answer)
                yield CompletionDone("stop", Usage())
                return
            request = replace(request, context=grounding.context)
        if opts.fireside_tools:
            registry = self._fireside_tools(opts.fireside_tools)
            allowed = self.config.allowed_tools
            yield from run_with_fireside_tools(backend, request, registry, allowed, cancel)
            return
        yield from run_completion(backend, request, cancel)

    def _fireside_tools(self, names: list[str]) -> ToolRegistry:
        available = self.services.tools()
        unknown = [n for n in names if n not in available]
        if unknown:
            raise CompletionRequestError(
                f"no Fireside tool named '{unknown[0]}' (available: "
                f"{', '.join(available.names()) or 'none'})",
                "fireside.tools",
            )
        return ToolRegistry(available.get(n) for n in names)

    def _chat_chunks(self, shapes: ChatShapes, opts: ChatOptions):
        state = {"started": False, "calls": 0, "citations": None, "runs": []}

        def chunks(item):
            if not state["started"]:
                state["started"] = True
                yield shapes.chunk({"role": "assistant", "content": ""})
            if isinstance(item, TextDelta):
                yield shapes.chunk({"content": item.text})
            elif isinstance(item, ToolCall):
                yield shapes.chunk({"tool_calls": [_tool_call_delta(item, state["calls"])]})
                state["calls"] += 1
            elif isinstance(item, Citations):
                state["citations"] = item.items
            elif isinstance(item, ToolRun):
                state["runs"].append(asdict(item))
            elif isinstance(item, CompletionDone):
                reason = "tool_calls" if state["calls"] else item.finish_reason
                yield shapes.chunk({}, "stop" if reason == "cancelled" else reason)
                if opts.include_usage:
                    yield shapes.usage_chunk(item.usage)
                if state["citations"] is not None:
                    yield shapes.citations_chunk(state["citations"])
                if opts.fireside_tools:
                    yield shapes.extra_chunk("tool_runs", state["runs"])

        return chunks

    # -- text completions ---------------------------------------------------------------------
    async def completions(self, request: Request):
        body = await read_json(request)
        entry = self._model(body.get("model") if isinstance(body.get("model"), str) else None)
        opts = parse_text(body, self.services.settings.model_settings(entry.path).sampling)
        cancel = CancelToken()

        def job(c: CancelToken):
            backend = self.services.models.get(entry.path)
            yield from run_text_completion(backend, opts.prompt, opts.params, c)

        events = self._queue(job, cancel)
        first = await self._first(events, request, cancel)
        shapes = TextShapes(opts.model or entry.id)
        if opts.stream:

            def chunks(item):
                if isinstance(item, TextDelta):
                    yield shapes.chunk(item.text)
                elif isinstance(item, CompletionDone):
                    reason = "stop" if item.finish_reason == "cancelled" else item.finish_reason
                    yield shapes.chunk("", reason)
                    if opts.include_usage:
                        yield shapes.usage_chunk(item.usage)

            return self._stream(first, events, chunks)
        items = await self._all(first, events, request, cancel)
        text = "".join(i.text for i in items if isinstance(i, TextDelta))
        done = next((i for i in items if isinstance(i, CompletionDone)), None)
        self.stats.ok()
        return JSONResponse(shapes.response(text, done or CompletionDone("stop", Usage())))

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})


def _merge_text(batch: list) -> list:
    """Adjacent text deltas of a batch as one (one SSE event instead of several)."""
    out: list = []
    for item in batch:
        if isinstance(item, TextDelta) and out and isinstance(out[-1], TextDelta):
            out[-1] = TextDelta(out[-1].text + item.text)
        else:
            out.append(item)
    return out


def _tool_call_delta(call: ToolCall, index: int) -> dict:
    return {
        "index": index,
        "id": call.call_id,
        "type": "function",
        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
    }


def _last_user_text(messages: list) -> str:
    for i in range(len(messages) - 1, -1, -1):
        message = messages[i]
        if isinstance(message, dict) and message.get("role") == "user":
            return content_text(message.get("content"), f"messages[{i}].content")
    raise CompletionRequestError(
        "answering from collections needs a user message to search for", "messages"
    )
