"""The error for a turn that cannot be served as asked (a field of the request is wrong).

Raised by the core where a request's own fields are at fault (messages, functions,
``tool_choice``, ``response_format``); ``param`` names the field, so the local API answers
400 naming it and the command line prints the one line.
"""

from __future__ import annotations

from fireside.errors import FiresideError


class RequestError(FiresideError):
    def __init__(self, message: str, param: str | None = None) -> None:
        super().__init__(message)
        self.param = param
