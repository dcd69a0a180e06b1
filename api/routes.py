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

from fireside.api.catalogue import CatalogueEntry
from fireside.api.errors import ApiError, as_api_error
from fireside.api.queue import RETRY_AFTER_S, GenerationQueue, QueueFull, watch_disconnect
from fireside.api.request_parsing import ChatOptions, parse_chat, parse_text, read_json
from fireside.api.services import ApiConfig, ApiServices, ApiStats
from fireside.api.shapes import ChatShapes, TextShapes, finish_reason
from fireside.assistant.events import (
    Citations,
    ClientCall,
    ContextTrimmed,
    SupportChecked,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnError,
    TurnNotice,
    TurnStarted,
    Usage,
)
from fireside.assistant.text_completion import CompletionDone, run_text_completion
from fireside.assistant.turn_request import TurnRequest
from fireside.models.generation import CancelToken
from sse_starlette.sse import EventSourceResponse
from starlette.requests import Request
from starlette.responses import JSONResponse

from fireside.errors import FiresideError

# what a turn says before its reply: the response may wait for what comes after it
_PREAMBLE = (TurnStarted, Citations, TurnNotice, ContextTrimmed)


def busy_error(queue: GenerationQueue) -> ApiError:
    """503 with ``Retry-After``: ``queue`` has no room for another request."""
    return ApiError(
        503,
        f"the server is busy: {queue.pending} requests are already queued; "
        f"retry in {RETRY_AFTER_S} s",
        code="server_busy",
        headers={"Retry-After": str(RETRY_AFTER_S)},
    )


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
            raise busy_error(self.queue) from None

    async def _first(
        self, events: AsyncIterator, request: Request, cancel: CancelToken, input_param: str
    ):
        """The events up to the reply's first output (None when there are none), watching
        for the client; a failure becomes the API's error (counted). Waiting for output, not
        just the turn's start, lets a model that fails at once still answer with a status."""
        watcher = asyncio.ensure_future(watch_disconnect(request, cancel))
        try:
            first: list | None = None
            while first is None or all(isinstance(i, _PREAMBLE) for i in first):
                batch = await anext(events, None)
                if batch is None:
                    break
                first = [*(first or []), *batch]
            return first
        except BaseException as exc:
            await events.aclose()
            if isinstance(exc, Exception):
                raise self._counted(exc, input_param) from None
            raise
        finally:
            watcher.cancel()

    def _counted(self, exc: Exception, input_param: str):
        """The API's error for ``exc``, counted in the server's statistics."""
        error = as_api_error(exc, input_param)
        self.stats.error(error.message)
        return error

    async def _all(
        self, first, events: AsyncIterator, request: Request, cancel: CancelToken, input_param
    ) -> list:
        """Every event of a non-streamed reply; a failure becomes the API's error (counted)."""
        watcher = asyncio.ensure_future(watch_disconnect(request, cancel))
        try:
            return [*(first or []), *[item async for batch in events for item in batch]]
        except Exception as exc:
            raise self._counted(exc, input_param) from None
        finally:
            watcher.cancel()
            await events.aclose()

    def _stream(self, first, events: AsyncIterator, chunks, input_param) -> EventSourceResponse:
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
                yield {"data": json.dumps(self._counted(exc, input_param).body())}
            finally:
                await events.aclose()
            yield {"data": "[DONE]"}

        return EventSourceResponse(body(), ping=15, headers={"Cache-Control": "no-cache"})

    # -- models -------------------------------------------------------------------------------
    async def list_models(self, request: Request) -> JSONResponse:
        data = [self._model_object(e) for e in self.services.catalogue.entries()]
        data += [_embedder_object(name) for name in self._embedder_names()]
        return JSONResponse({"object": "list", "data": data})

    async def get_model(self, request: Request) -> JSONResponse:
        name = request.path_params["model"]
        canonical = self.services.embedders.canonical(name)
        if canonical in self._embedder_names():
            return JSONResponse(_embedder_object(canonical))
        return JSONResponse(self._model_object(self._model(name)))

    def _embedder_names(self) -> list[str]:
        return [s.name for s in self.services.embedders.specs() if s.available]

    def _model_object(self, entry: CatalogueEntry) -> dict:
        import os

        try:
            created = int(os.stat(entry.path).st_mtime)
        except OSError:
            created = 0
        return {
            "id": entry.id,
            "object": "model",
            "created": created,
            "owned_by": entry.owned_by,
            "type": "chat",
        }

    # -- chat ---------------------------------------------------------------------------------
    async def chat(self, request: Request):
        body = await read_json(request)
        entry = self._model(body.get("model") if isinstance(body.get("model"), str) else None)
        opts = parse_chat(body, self.services.settings.model_settings(entry.path).sampling)
        cancel = CancelToken()
        turn = opts.turn(entry.path, cancel, self.config.allowed_tools)
        events = self._queue(lambda c: self._turn(turn), cancel)
        first = await self._first(events, request, cancel, "messages")
        name = opts.model or entry.id
        shapes = ChatShapes(name)
        if opts.stream:
            return self._stream(first, events, self._chat_chunks(shapes, opts), "messages")
        items = await self._all(first, events, request, cancel, "messages")
        text = "".join(i.text for i in items if isinstance(i, TextDelta))
        calls = [i for i in items if isinstance(i, ClientCall)]
        # the last: a turn that read the web adds its pages to the documents' citations
        cites = next((i.items for i in reversed(items) if isinstance(i, Citations)), None)
        done = next((i for i in items if isinstance(i, TurnDone)), None)
        self.stats.ok()
        out = shapes.response(text, calls, _ending(done), cites)
        if opts.fireside_tools or opts.web:
            out["tool_runs"] = _tool_runs(items)
        support = next((i for i in items if isinstance(i, SupportChecked)), None)
        if support is not None:
            out["support"] = shapes.support(support)
        if opts.save and done is not None:
            out["fireside"] = {"conversation_id": done.conversation_id}
        return JSONResponse(out)

    def _turn(self, turn: TurnRequest) -> Iterator:
        """The engine's events for ``turn``; a failed turn raises, for the API's status."""
        for event in self.services.engine.run(turn):
            if isinstance(event, TurnError):
                raise event.error if event.error is not None else FiresideError(event.message)
            yield event

    def _chat_chunks(self, shapes: ChatShapes, opts: ChatOptions):
        state = {"started": False, "calls": 0, "citations": None, "runs": [], "support": None}

        def chunks(item):
            if not state["started"]:
                state["started"] = True
                yield shapes.chunk({"role": "assistant", "content": ""})
            if isinstance(item, TextDelta):
                yield shapes.chunk({"content": item.text})
            elif isinstance(item, ClientCall):
                yield shapes.chunk({"tool_calls": [_tool_call_delta(item, state["calls"])]})
                state["calls"] += 1
            elif isinstance(item, Citations):
                state["citations"] = item.items
            elif isinstance(item, (ToolCall, ToolResult)):
                state["runs"].append(item)
            elif isinstance(item, SupportChecked):
                state["support"] = item
            elif isinstance(item, TurnDone):
                ending = _ending(item)
                yield shapes.chunk({}, finish_reason(ending))
                if opts.include_usage:
                    yield shapes.usage_chunk(ending.usage)
                if state["citations"] is not None:
                    yield shapes.citations_chunk(state["citations"])
                if state["support"] is not None:
                    yield shapes.extra_chunk("support", shapes.support(state["support"]))
                if opts.fireside_tools or opts.web:
                    yield shapes.extra_chunk("tool_runs", _tool_runs(state["runs"]))
                if opts.save:
                    yield shapes.extra_chunk("fireside", {"conversation_id": item.conversation_id})

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
        first = await self._first(events, request, cancel, "prompt")
        shapes = TextShapes(opts.model or entry.id)
        if opts.stream:

            def chunks(item):
                if isinstance(item, TextDelta):
                    yield shapes.chunk(item.text)
                elif isinstance(item, CompletionDone):
                    yield shapes.chunk("", finish_reason(item))
                    if opts.include_usage:
                        yield shapes.usage_chunk(item.usage)

            return self._stream(first, events, chunks, "prompt")
        items = await self._all(first, events, request, cancel, "prompt")
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


def _tool_call_delta(call: ClientCall, index: int) -> dict:
    return {
        "index": index,
        "id": call.call_id,
        "type": "function",
        "function": {"name": call.name, "arguments": json.dumps(call.arguments)},
    }


def _ending(done: TurnDone | None) -> CompletionDone:
    """How the reply ended, in the API's terms (a turn that ended without ``TurnDone`` was
    stopped by its reader)."""
    if done is None:
        return CompletionDone("stop", Usage())
    return CompletionDone(done.finish_reason, done.usage)


def _tool_runs(items: list) -> list[dict]:
    """Fireside's own tools the turn ran: each call with its result (``tool_runs``)."""
    calls = {i.call_id: i for i in items if isinstance(i, ToolCall)}
    return [
        {
            "name": r.name,
            "arguments": calls[r.call_id].arguments if r.call_id in calls else {},
            "output": r.output,
            "is_error": r.is_error,
            "duration_s": r.duration_s,
        }
        for r in items
        if isinstance(r, ToolResult)
    ]


def _embedder_object(name: str) -> dict:
    return {
        "id": name,
        "object": "model",
        "created": 0,
        "owned_by": "fireside",
        "type": "embedding",
    }
