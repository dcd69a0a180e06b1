"""The ASGI application: routes behind the Host check, optional CORS, and the key."""

from __future__ import annotations

import contextlib
import logging

from fireside.api.documents_routes import DocumentRoutes
from fireside.api.embeddings_route import EmbeddingRoutes
from fireside.api.errors import ApiError, as_api_error, error_body
from fireside.api.guards import HostGuard, KeyAndSizeGuard
from fireside.api.queue import GenerationQueue
from fireside.api.routes import Routes
from fireside.api.services import ApiConfig, ApiServices, ApiStats
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
    routes = Routes(services, queue, stats, config)
    embeddings = EmbeddingRoutes(services, stats)
    documents = DocumentRoutes(services)

    async def api_error(request: Request, exc: ApiError) -> JSONResponse:
        return exc.response()

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

    async def any_error(request: Request, exc: Exception) -> JSONResponse:
        error = as_api_error(exc)
        stats.error(error.message)
        return error.response()

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
        exception_handlers={ApiError: api_error, HTTPException: http_error, Exception: any_error},
        lifespan=_lifespan(queue),
    )
    app.state.queue = queue
    app.state.stats = stats
    return app


def _lifespan(queue: GenerationQueue):
    @contextlib.asynccontextmanager
    async def lifespan(app):
        yield
        queue.shutdown()

    return lifespan
