"""Errors in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``.

Clients (the ``openai`` package, LangChain, editors) read the status and this body; the
message is the one line Fireside shows everywhere else.
"""

from __future__ import annotations

import logging

from fireside.assistant.request_error import RequestError
from fireside.models.embedder import EmbedderError
from fireside.models.errors import ContextOverflowError, ModelError
from starlette.responses import JSONResponse

from fireside.errors import FiresideError, NotFoundError

log = logging.getLogger("fireside.api")

_TYPES = {
    400: "invalid_request_error",
    401: "authentication_error",
    403: "permission_error",
    404: "not_found_error",
    413: "invalid_request_error",
    429: "rate_limit_error",
    500: "server_error",
    503: "server_error",
}


class ApiError(Exception):
    def __init__(
        self,
        status: int,
        message: str,
        *,
        param: str | None = None,
        code: str | None = None,
        headers: dict[str, str] | None = None,
    ) -> None:
        super().__init__(message)
        self.status = status
        self.message = message
        self.param = param
        self.code = code
        self.headers = headers or {}

    def body(self) -> dict:
        return error_body(self.status, self.message, self.param, self.code)

    def response(self) -> JSONResponse:
        return JSONResponse(self.body(), status_code=self.status, headers=self.headers)


def error_body(status: int, message: str, param: str | None = None, code: str | None = None):
    kind = _TYPES.get(status, "server_error" if status >= 500 else "invalid_request_error")
    return {"error": {"message": message, "type": kind, "param": param, "code": code}}


def bad_request(message: str, param: str | None = None, code: str | None = None) -> ApiError:
    return ApiError(400, message, param=param, code=code)


def unsupported(param: str) -> ApiError:
    return ApiError(
        400,
        f"the parameter '{param}' is not supported by this server",
        param=param,
        code="unsupported_parameter",
    )


def as_api_error(exc: BaseException) -> ApiError:
    """The status and body for an exception raised while serving a request."""
    if isinstance(exc, ApiError):
        return exc
    if isinstance(exc, RequestError):
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
