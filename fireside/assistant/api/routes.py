"""The endpoints: models, chat and text completions, embeddings, and Fireside's additions.

Each generating route turns the body into a core request, queues one job on the model
worker, and either collects the events into one response or streams them as server-sent
events. The first event is awaited before the response starts, so a request that fails at
once (an unknown collection, a model that will not load) still gets its proper status.
"""

from __future__ import annotations

import asyncio
import base64
import json
import logging
from collections.abc import AsyncIterator, Callable, Iterator
from dataclasses import asdict, replace

import numpy as np
from sse_starlette.sse import EventSourceResponse
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from fireside.assistant.api.catalogue import CatalogueEntry
from fireside.assistant.api.errors import ApiError, bad_request, error_body, unsupported
from fireside.assistant.api.queue import GenerationQueue, QueueFull
from fireside.assistant.api.request_parsing import ChatOptions, parse_chat, parse_text
from fireside.assistant.api.services import ApiConfig, ApiServices, ApiStats
from fireside.assistant.api.shapes import ChatShapes, TextShapes, citation_dict
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
from fireside.errors import FiresideError, NotFoundError
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL, EmbedderError, canonical_model_name
from fireside.models.errors import ContextOverflowError, ModelError
from fireside.models.generation import CancelToken
from fireside.plugins.registry import ToolRegistry

log = logging.getLogger("fireside.api")
RETRY_AFTER_S = 5
MAX_SEARCH_K = 50


def as_api_error(exc: BaseException) -> ApiError:
    """The status and body for an exception raised while serving a request."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, CompletionRequestError):
        return bad_request(str(exc), exc.param)
    if isinstance(exc, ContextOverflowError):
        return ApiError(400, str(exc), param="messages", code="context_length_exceeded")
    if isinstance(exc, NotFoundError):
        return ApiError(404, str(exc), code="not_found")
    if isinstance(exc, ModelError):
        return ApiError(500, f"the model failed: {exc}", code="model_error")
    if isinstance(exc, EmbedderError | FiresideError):
        return ApiError(500, str(exc), code="server_error")
    log.error("unexpected error while serving a request", exc_info=exc)
    return ApiError(500, f"internal error ({type(exc).__name__}: {exc})", code="internal_error")


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
    async def _body(self, request: Request) -> dict:
        raw = await request.body()
        try:
            body = json.loads(raw or b"null")
        except ValueError:
            raise bad_request("the request body is not valid JSON") from None
        if not isinstance(body, dict):
            raise bad_request("the request body must be a JSON object")
        return body

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
        """The first batch of events (None when there is none), watching for the client."""
        watcher = asyncio.ensure_future(_watch_disconnect(request, cancel))
        try:
            return await anext(events, None)
        except BaseException:
            await events.aclose()
            raise
        finally:
            watcher.cancel()

    async def _rest(self, events: AsyncIterator, request: Request, cancel: CancelToken) -> list:
        watcher = asyncio.ensure_future(_watch_disconnect(request, cancel))
        try:
            return [item async for batch in events for item in batch]
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
                error = as_api_error(exc)
                self.stats.error(error.message)
                yield {"data": json.dumps(error.body())}
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
        if canonical_model_name(name) == DEFAULT_EMBEDDING_MODEL:
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
        body = await self._body(request)
        entry = self._model(body.get("model") if isinstance(body.get("model"), str) else None)
        opts = parse_chat(body, self.services.settings.model_settings(entry.path).sampling)
        cancel = CancelToken()
        events = self._queue(lambda c: self._chat_job(entry, opts, c), cancel)
        try:
            first = await self._first(events, request, cancel)
        except Exception as exc:
            error = as_api_error(exc)
            self.stats.error(error.message)
            raise error from None
        name = opts.model or entry.id
        shapes = ChatShapes(name)
        if opts.stream:
            return self._stream(first, events, self._chat_chunks(shapes, opts))
        try:
            items = [*(first or []), *await self._rest(events, request, cancel)]
        except Exception as exc:
            error = as_api_error(exc)
            self.stats.error(error.message)
            raise error from None
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
        body = await self._body(request)
        entry = self._model(body.get("model") if isinstance(body.get("model"), str) else None)
        opts = parse_text(body, self.services.settings.model_settings(entry.path).sampling)
        cancel = CancelToken()

        def job(c: CancelToken):
            backend = self.services.models.get(entry.path)
            yield from run_text_completion(backend, opts.prompt, opts.params, c)

        events = self._queue(job, cancel)
        try:
            first = await self._first(events, request, cancel)
        except Exception as exc:
            error = as_api_error(exc)
            self.stats.error(error.message)
            raise error from None
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
        try:
            items = [*(first or []), *await self._rest(events, request, cancel)]
        except Exception as exc:
            error = as_api_error(exc)
            self.stats.error(error.message)
            raise error from None
        text = "".join(i.text for i in items if isinstance(i, TextDelta))
        done = next((i for i in items if isinstance(i, CompletionDone)), None)
        self.stats.ok()
        return JSONResponse(shapes.response(text, done or CompletionDone("stop", Usage())))

    # -- embeddings ---------------------------------------------------------------------------
    async def embeddings(self, request: Request) -> JSONResponse:
        body = await self._body(request)
        for key, value in body.items():
            if key not in ("input", "model", "encoding_format", "user") and value is not None:
                raise unsupported(key)
        texts = body.get("input")
        if isinstance(texts, str):
            texts = [texts]
        if not isinstance(texts, list) or not texts or not all(isinstance(t, str) for t in texts):
            raise bad_request(
                "'input' must be a string or a non-empty list of strings "
                "(token arrays are not supported)",
                "input",
            )
        encoding = body.get("encoding_format") or "float"
        if encoding not in ("float", "base64"):
            raise bad_request("'encoding_format' must be float or base64", "encoding_format")
        name = self._embedding_model(body.get("model"))
        try:
            embedder = self.services.embedder(name)
            vectors = await run_in_threadpool(embedder.encode, texts)
            tokens = await run_in_threadpool(_count_tokens, embedder, texts)
        except Exception as exc:
            error = as_api_error(exc)
            self.stats.error(error.message)
            raise error from None
        data = []
        for i, vec in enumerate(vectors):
            vec = np.asarray(vec, dtype=np.float32)
            value = (
                base64.b64encode(vec.tobytes()).decode()
                if encoding == "base64"
                else [float(x) for x in vec]
            )
            data.append({"object": "embedding", "index": i, "embedding": value})
        self.stats.ok()
        return JSONResponse(
            {
                "object": "list",
                "data": data,
                "model": body.get("model") or name,
                "usage": {"prompt_tokens": tokens, "total_tokens": tokens},
            }
        )

    def _embedding_model(self, name) -> str:
        if name is None or name == "default":
            return DEFAULT_EMBEDDING_MODEL
        if not isinstance(name, str):
            raise bad_request("'model' must be a string", "model")
        known = {DEFAULT_EMBEDDING_MODEL}
        store = self.services.open_documents()
        try:
            known |= {c.model for c in store.collections(counts=False)}
        finally:
            store.close()
        canonical = canonical_model_name(name)
        if canonical not in known:
            raise ApiError(
                404,
                f"the embedding model '{name}' does not exist (available: "
                f"{', '.join(sorted(known))})",
                param="model",
                code="model_not_found",
            )
        return canonical

    # -- Fireside's own -----------------------------------------------------------------------
    async def collections(self, request: Request) -> JSONResponse:
        def read():
            store = self.services.open_documents()
            try:
                return store.collections(counts=True)
            finally:
                store.close()

        cols = await run_in_threadpool(read)
        data = [
            {
                "object": "collection",
                "name": c.name,
                "embedding_model": c.model,
                "documents": c.documents,
                "chunks": c.chunks,
                "failed": c.failed,
            }
            for c in cols
        ]
        return JSONResponse({"object": "list", "data": data})

    async def search(self, request: Request) -> JSONResponse:
        body = await self._body(request)
        for key, value in body.items():
            if key not in ("query", "collections", "k") and value is not None:
                raise unsupported(key)
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            raise bad_request("'query' must be a non-empty string", "query")
        cols = body.get("collections")
        if isinstance(cols, str):
            cols = [cols]
        if cols is not None and (
            not isinstance(cols, list) or not all(isinstance(c, str) for c in cols)
        ):
            raise bad_request("'collections' must be a list of names", "collections")
        k = body.get("k", 5)
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_SEARCH_K:
            raise bad_request(f"'k' must be an integer from 1 to {MAX_SEARCH_K}", "k")

        def run():
            from fireside.assistant.documents.retrieval import search

            store = self.services.open_documents()
            try:
                return search(store, query, collections=cols, k=k)
            except KeyError as exc:
                raise NotFoundError(str(exc).strip("'\"")) from None
            finally:
                store.close()

        try:
            hits = await run_in_threadpool(run)
        except Exception as exc:
            raise as_api_error(exc) from None
        data = []
        for h in hits:
            cite = citation_dict_from_hit(h)
            data.append({"object": "search_result", "collection": h.collection, **cite})
        return JSONResponse({"object": "list", "data": data})

    async def health(self, request: Request) -> JSONResponse:
        return JSONResponse({"status": "ok"})


def citation_dict_from_hit(hit) -> dict:
    from fireside.assistant.documents.answering import to_citations

    return citation_dict(to_citations([hit])[0])


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


def _count_tokens(embedder, texts: list[str]) -> int:
    tokenizer = getattr(getattr(embedder, "model", None), "tokenizer", None)
    if tokenizer is None:
        return sum(len(t.split()) for t in texts)
    return sum(len(ids) for ids in tokenizer(texts)["input_ids"])


__all__ = ["Routes", "as_api_error", "error_body"]
