"""The ASGI application: routes behind the Host check, optional CORS, and the key.

Two queues, each one job at a time in arrival order and bounded (503 when full): one for
the model, one for the lookups (embeddings and document search), so neither piles up work
on the thread pool and a search need not wait for a long reply.
"""

from __future__ import annotations

import contextlib
import logging

from fireside.api.documents_routes import DocumentRoutes
from fireside.api.embeddings_route import EmbeddingRoutes
from fireside.api.error_boundary import ErrorBoundary
from fireside.api.errors import ApiError, as_api_error, error_body
from fireside.api.guards import HostGuard, KeyAndSizeGuard
from fireside.api.queue import GenerationQueue
from fireside.api.routes import Routes
from fireside.api.services import ApiConfig, ApiServices, ApiStats
from fireside.assistant.request_error import RequestError
from starlette.applications import Starlette
from starlette.exceptions import HTTPException
from starlette.middleware import Middleware
from starlette.middleware.cors import CORSMiddleware
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

log = logging.getLogger("fireside.api")


def create_app(
    services: ApiServices, config: ApiConfig | None = None, stats: ApiStats | None = None
) -> Starlette:
    config = config or ApiConfig()
    stats = stats or ApiStats()
    queue = GenerationQueue(config.max_queue)
    lookups = GenerationQueue(config.max_queue, name="fireside-api-lookup")
    routes = Routes(services, queue, stats, config)
    embeddings = EmbeddingRoutes(services, stats, lookups)
    documents = DocumentRoutes(services, lookups)

    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

    async def request_error(request: Request, exc: RequestError) -> JSONResponse:
        return as_api_error(exc).response()

    async def http_error(request: Request, exc: HTTPException) -> JSONResponse:
        code = {404: "unknown_url", 405: "method_not_allowed"}.get(exc.status_code)
        message = (
            f"no endpoint {request.method} {request.url.path}"
            if exc.status_code in (404, 405)
            else str(exc.detail)
        )
        return JSONResponse(
            error_body(exc.status_code, message, None, code), status_code=exc.status_code
        )

    middleware = [Middleware(HostGuard, allowed_hosts=config.allowed_hosts)]
    if config.cors_origins:
        middleware.append(
            Middleware(
                CORSMiddleware,
                allow_origins=config.cors_origins,
                allow_methods=["GET", "POST", "OPTIONS"],
                allow_headers=["Authorization", "Content-Type"],
            )
        )
    # inside CORS (its answers carry CORS headers), outside the key and size check (whose
    # own signal for a body that grew too large passes through untouched)
    middleware.append(Middleware(ErrorBoundary, on_error=stats.error))
    middleware.append(
        Middleware(KeyAndSizeGuard, key=services.key, max_body_bytes=config.max_body_bytes)
    )
    app = Starlette(
        routes=[
            Route("/health", routes.health, methods=["GET"]),
            Route("/v1/models", routes.list_models, methods=["GET"]),
            Route("/v1/models/{model:path}", routes.get_model, methods=["GET"]),
            Route("/v1/chat/completions", routes.chat, methods=["POST"]),
            Route("/v1/completions", routes.completions, methods=["POST"]),
            Route("/v1/embeddings", embeddings.embeddings, methods=["POST"]),
            Route("/v1/fireside/collections", documents.collections, methods=["GET"]),
            Route("/v1/fireside/search", documents.search, methods=["POST"]),
        ],
        middleware=middleware,
        exception_handlers={
            ApiError: api_error,
            RequestError: request_error,
            HTTPException: http_error,
        },
        lifespan=_lifespan(queue, lookups),
    )
    app.state.queue = queue
    app.state.lookups = lookups
    app.state.stats = stats
    return app


def _lifespan(*queues: GenerationQueue):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        for queue in queues:
            queue.shutdown()

    return lifespan
