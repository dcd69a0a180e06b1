"""Fireside's own endpoints: ``GET /v1/fireside/collections``, ``POST /v1/fireside/search``."""

from __future__ import annotations

from fireside.api.errors import as_api_error, bad_request, unsupported
from fireside.api.request_parsing import read_json
from fireside.api.services import ApiServices
from fireside.api.shapes import citation_dict
from starlette.concurrency import run_in_threadpool
from starlette.requests import Request
from starlette.responses import JSONResponse

from fireside.errors import NotFoundError

MAX_SEARCH_K = 50


class DocumentRoutes:
    def __init__(self, services: ApiServices) -> None:
        self.services = services

    async def collections(self, request: Request) -> JSONResponse:
        cols = await run_in_threadpool(lambda: self.services.documents().collections(counts=True))
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

            try:
                return search(self.services.documents(), query, collections=cols, k=k)
            except KeyError as exc:
                raise NotFoundError(str(exc).strip("'\"")) from None

        try:
            hits = await run_in_threadpool(run)
        except Exception as exc:
            raise as_api_error(exc) from None
        data = []
        for h in hits:
            cite = citation_dict_from_hit(h)
            data.append({"object": "search_result", "collection": h.collection, **cite})
        return JSONResponse({"object": "list", "data": data})


def citation_dict_from_hit(hit) -> dict:
    from fireside.assistant.documents.context import to_citations

    return citation_dict(to_citations([hit])[0])
