"""What can go wrong talking to a remote engine, one line each.

Every error names the server (its URL, or ``CONNECTION/MODEL``) and what the user can do.
They are ``ModelError``s, so the engine keeps the user's message and any partial reply and
the front ends print them as they print a broken GGUF.
"""

from __future__ import annotations

from fireside.models.errors import ModelError


class RemoteError(ModelError):
    """A remote engine could not be reached or refused the request."""

    status: int | None = None  # the HTTP status, when the server answered with one


class RemoteUnreachableError(RemoteError):
    """Nothing answers at the URL (refused, unknown host, TLS failure)."""


class RemoteAuthError(RemoteError):
    """The server refused the API key (401/403)."""


class RemoteModelNotFoundError(RemoteError):
    """The server does not serve the model asked for."""


class RemoteRateLimitError(RemoteError):
    """429 after the bounded retries."""


class RemoteServerError(RemoteError):
    """5xx after the bounded retries, or an answer that is not the OpenAI API."""


class RemoteTimeoutError(RemoteError):
    """The server took too long to connect, answer, or send the next piece of a reply."""


class RemoteDisconnectedError(RemoteError):
    """The server closed the connection in the middle of a reply."""
