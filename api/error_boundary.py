"""The last word on a failed request: OpenAI's error shape for the client, the log for us.

Starlette answers an unexpected exception with the handler registered for ``Exception``
and then raises it again, so that the server logs it: uvicorn printed a traceback on the
server's stderr for every malformed request that reached a bug. This middleware sits inside
Starlette's, turns any exception into the API's error (a 400 for a request's fault, a 500
otherwise) and writes the details to Fireside's log only. After the response has started
there is nothing to answer; the exception is logged and the connection closed.
"""

from __future__ import annotations

import logging

from fireside.api.errors import as_api_error
from starlette.requests import ClientDisconnect

log = logging.getLogger("fireside.api")


class ErrorBoundary:
    def __init__(self, app, on_error=None) -> None:
        self.app = app
        self.on_error = on_error  # called with each error's message (the server's count)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        started = False

        async def tracking_send(message) -> None:
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, receive, tracking_send)
        except ClientDisconnect:
            log.debug("client left during %s %s", scope.get("method"), scope.get("path"))
        except Exception as exc:  # noqa: BLE001 - the boundary: every failure is answered
            if started:
                log.error("error after the response started", exc_info=exc)
                return
            error = as_api_error(exc)
            if self.on_error is not None:
                self.on_error(error.message)
            await error.response()(scope, receive, send)
