"""Fireside's own endpoints: ``GET /v1/fireside/collections``, ``POST /v1/fireside/search``.

Both run on the lookups queue (one at a time, bounded); a search's query is bounded, since
its cost grows with it (keywords, segmentation, the embedder). A documents database that
cannot be opened answers 503 naming it (``errors.as_api_error``).
"""

from __future__ import annotations

from fireside.api.errors import as_api_error, bad_request, unsupported
from fireside.api.queue import GenerationQueue, QueueFull, run_once
from fireside.api.request_parsing import MAX_NAMES, read_json
from fireside.api.routes import busy_error
from fireside.api.services import ApiServices
from fireside.api.shapes import citation_dict
from starlette.requests import ClientDisconnect, Request
from starlette.responses import JSONResponse

from fireside.errors import NotFoundError

MAX_SEARCH_K = 50
MAX_QUERY_CHARS = 2_000


class DocumentRoutes:
    def __init__(self, services: ApiServices, queue: GenerationQueue) -> None:
        self.services = services
        self.queue = queue

    async def _run(self, work, request: Request):
        try:
            return await run_once(self.queue, work, request)
        except QueueFull:
            raise busy_error(self.queue) from None
        except ClientDisconnect:
            raise
        except Exception as exc:
            raise as_api_error(exc) from None

    async def collections(self, request: Request) -> JSONResponse:
        cols = await self._run(
            lambda cancel: self.services.documents().collections(counts=True), request
        )
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
        body = await read_json(request)
        for key, value in body.items():
            if key not in ("query", "collections", "k") and value is not None:
                raise unsupported(key)
        query = body.get("query")
        if not isinstance(query, str) or not query.strip():
            raise bad_request("'query' must be a non-empty string", "query")
        if len(query) > MAX_QUERY_CHARS:
            raise bad_request(f"'query' is longer than {MAX_QUERY_CHARS} characters", "query")
        cols = body.get("collections")
        if isinstance(cols, str):
            cols = [cols]
        if cols is not None and (
            not isinstance(cols, list)
            or not all(isinstance(c, str) for c in cols)
            or len(cols) > MAX_NAMES
        ):
            raise bad_request(
                f"'collections' must be a list of at most {MAX_NAMES} names", "collections"
            )
        k = 5 if body.get("k") is None else body["k"]
        if isinstance(k, bool) or not isinstance(k, int) or not 1 <= k <= MAX_SEARCH_K:
            raise bad_request(f"'k' must be an integer from 1 to {MAX_SEARCH_K}", "k")

        def run(cancel):
            from fireside.assistant.documents.retrieval import search

            try:
                return search(self.services.documents(), query, collections=cols, k=k)
            except KeyError as exc:
                raise NotFoundError(str(exc).strip("'\"")) from None

        hits = await self._run(run, request)
        data = []
        for h in hits:
            cite = citation_dict_from_hit(h)
            data.append({"object": "search_result", "collection": h.collection, **cite})
        return JSONResponse({"object": "list", "data": data})


def citation_dict_from_hit(hit) -> dict:
    from fireside.assistant.documents.context import to_citations

    return citation_dict(to_citations([hit])[0])
