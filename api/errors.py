"""Errors in OpenAI's shape: ``{"error": {"message", "type", "param", "code"}}``.

Clients (the ``openai`` package, LangChain, editors) read the status and this body; the
message is the one line Fireside shows everywhere else.
"""

from __future__ import annotations

import logging
import re

from fireside.assistant.request_error import RequestError
from fireside.models.embedder import EmbedderError
from fireside.models.errors import ContextOverflowError, ModelError
from starlette.responses import JSONResponse

from fireside.errors import FiresideError, NotFoundError, StoreBusyError, StoreDamagedError

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


# a message that starts with a file's path: clients get the file's name, not where it is
_LEADING_PATH = re.compile(r"^(?:[A-Za-z]:)?[\\/](?:[^:\n]*[\\/])?([^\\/:\n]+): ")


def without_folders(message: str) -> str:
    """``message`` with a leading absolute path cut to the file's name."""
    return _LEADING_PATH.sub(r"\1: ", message)


def as_api_error(exc: BaseException, input_param: str = "messages") -> ApiError:
    """The status and body for an exception raised while serving a request.

    ``input_param`` is the request field a too-long input is named by (``messages`` for
    chat, ``prompt`` for text completions). Messages name files by their name only.
    """
    if isinstance(exc, ApiError):
        return exc
    text = without_folders(str(exc))
    if isinstance(exc, RequestError):
        return bad_request(text, exc.param)
    if isinstance(exc, ContextOverflowError):
        return ApiError(400, text, param=input_param, code="context_length_exceeded")
    if isinstance(exc, NotFoundError):
        return ApiError(404, text, code="not_found")
    if isinstance(exc, StoreDamagedError | StoreBusyError):
        code = "store_damaged" if isinstance(exc, StoreDamagedError) else "store_busy"
        return ApiError(503, text, code=code)
    if isinstance(exc, ModelError):
        return ApiError(500, f"the model failed: {text}", code="model_error")
    if isinstance(exc, EmbedderError | FiresideError):
        return ApiError(500, text, code="server_error")
    log.error("unexpected error while serving a request", exc_info=exc)
    return ApiError(500, f"internal error ({type(exc).__name__})", code="internal_error")
