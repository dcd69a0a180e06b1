"""HTTP to an OpenAI-compatible server: one place that turns every failure into one line.

Rate limits (429) and server errors (5xx) are retried a bounded number of times, waiting as
the server asks (``Retry-After``) or with exponential backoff, but only before any of a
reply has arrived: a reply is never sent twice. Connection failures are not retried (a
server that is not running will not start in the next second), so the user hears at once.
"""

from __future__ import annotations

import contextlib
import email.utils
import json
import socket
import threading
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from urllib.parse import urlsplit

import httpx
from fireside.models.generation import CancelToken
from fireside.models.remote.errors import (
    RemoteAuthError,
    RemoteDisconnectedError,
    RemoteError,
    RemoteModelNotFoundError,
    RemoteRateLimitError,
    RemoteServerError,
    RemoteTimeoutError,
    RemoteUnreachableError,
)

RETRY_STATUSES = frozenset({429, 500, 502, 503, 504})
CONNECT_TIMEOUT_S = 10.0
PROBE_TIMEOUT_S = 5.0  # optional extras (a tokenizer): an estimate beats waiting


def normalize_base_url(url: str) -> str:
    """``http://host:8080`` -> ``http://host:8080/v1``; a URL with a path is kept as given.

    Servers differ only in where the API lives: llama.cpp, vLLM, Ollama and LM Studio all
    serve it under ``/v1``, hosted APIs under their own prefix (``.../openai/v1``).
    """
    url = url.strip().rstrip("/")
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        raise ValueError(f"{url!r} is not an http:// or https:// URL")
    return url if parts.path else f"{url}/v1"


def is_loopback(url: str) -> bool:
    """Whether the server runs on this computer (messages then stay here)."""
    import ipaddress

    host = urlsplit(url).hostname or ""
    if host == "localhost" or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


@dataclass
class Endpoint:
    """Where a server is and how to talk to it. The key lives only in memory."""

    name: str
    base_url: str
    api_key: str | None = None
    timeout_s: float = 120.0  # the longest wait for the next bytes of an answer

    @property
    def host(self) -> str:
        return urlsplit(self.base_url).netloc


def _error_detail(response: httpx.Response) -> str:
    """The server's own words, whichever of the usual error shapes it uses, on one line."""
    try:
        response.read()
    except httpx.HTTPError:
        return ""
    try:
        body = response.json()
    except ValueError:
        return " ".join(response.text.split())[:200]
    detail = body
    if isinstance(body, dict):
        detail = body.get("error", body.get("detail", body.get("message", body)))
        if isinstance(detail, dict):
            detail = detail.get("message", detail)
    if isinstance(detail, list):  # FastAPI validation errors
        detail = "; ".join(str(d.get("msg", d)) if isinstance(d, dict) else str(d) for d in detail)
    return " ".join(str(detail).split())[:200]


def _retry_after(response: httpx.Response) -> float | None:
    value = response.headers.get("retry-after")
    if not value:
        return None
    try:
        return max(0.0, float(value))
    except ValueError:
        pass
    try:
        when = email.utils.parsedate_to_datetime(value)
    except (TypeError, ValueError):
        return None
    return max(0.0, when.timestamp() - time.time())


class RemoteClient:
    """A connection to one server; safe to use from one thread at a time per request."""

    def __init__(
        self,
        endpoint: Endpoint,
        *,
        transport: httpx.BaseTransport | None = None,
        retries: int = 3,
        backoff_s: float = 1.0,
        max_wait_s: float = 30.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        self.endpoint = endpoint
        self.retries = retries
        self.backoff_s = backoff_s
        self.max_wait_s = max_wait_s
        self._sleep = sleep
        headers = {"Accept": "application/json"}
        if endpoint.api_key:
            headers["Authorization"] = f"Bearer {endpoint.api_key}"
        self._http = httpx.Client(
            base_url=endpoint.base_url.rstrip("/") + "/",
            headers=headers,
            timeout=httpx.Timeout(endpoint.timeout_s, connect=CONNECT_TIMEOUT_S),
            transport=transport,
            follow_redirects=True,
        )

    @property
    def where(self) -> str:
        return self.endpoint.base_url

    def close(self) -> None:
        self._http.close()

    # -- requests ---------------------------------------------------------------------------
    def get_json(self, path: str) -> dict:
        with self._open("GET", path) as response:
            return self._json(response)

    def probe(self, path: str, body: dict) -> dict | None:
        """POST that may legitimately not exist on this server: None for 404/405."""
        try:
            response = self._http.post(path, json=body, timeout=PROBE_TIMEOUT_S)
        except httpx.HTTPError:
            return None
        if response.status_code >= 400:
            return None
        try:
            return response.json()
        except ValueError:
            return None

    @contextmanager
    def stream_events(
        self, path: str, body: dict, cancel: CancelToken | None = None
    ) -> Iterator[Iterator[dict]]:
        """The server-sent events of a streaming request, as parsed JSON objects.

        Leaving the ``with`` block closes the connection, which is how a server learns that
        the reader is gone and stops generating. ``cancel`` shuts the connection down at
        once, even while the server is still reading a long prompt and sends nothing.
        """
        with self._open("POST", path, body) as response:
            done = threading.Event()
            if cancel is not None:
                threading.Thread(
                    target=_shut_on_cancel,
                    args=(response, cancel, done),
                    name="fireside-remote-cancel",
                    daemon=True,
                ).start()
            try:
                yield self._events(response)
            finally:
                done.set()

    # -- internals --------------------------------------------------------------------------
    @contextmanager
    def _open(self, method: str, path: str, body: dict | None = None) -> Iterator[httpx.Response]:
        attempt = 0
        while True:
            request = self._http.build_request(method, path, json=body)
            try:
                response = self._http.send(request, stream=True)
            except httpx.TimeoutException:
                raise RemoteTimeoutError(
                    self.where,
                    f"no answer within {self._timeout_label()}; the server is busy "
                    "or stuck (check it, or raise the timeout)",
                ) from None
            except httpx.HTTPError as exc:
                raise RemoteUnreachableError(
                    self.where,
                    f"cannot connect ({_reason(exc)}); is the server running and the URL right?",
                ) from None
            if response.status_code in RETRY_STATUSES and attempt < self.retries:
                wait = _retry_after(response)
                if wait is None:
                    wait = self.backoff_s * 2**attempt
                if wait > self.max_wait_s:
                    error = self._status_error(response, path, f"asks to wait {wait:.0f} s")
                    response.close()
                    raise error
                response.close()
                attempt += 1
                self._sleep(wait)
                continue
            try:
                if response.status_code >= 400:
                    raise self._status_error(response, path)
                yield response
            finally:
                response.close()
            return

    def _timeout_label(self) -> str:
        return f"{self.endpoint.timeout_s:g} s"

    def _status_error(
        self, response: httpx.Response, path: str, note: str | None = None
    ) -> RemoteError:
        error = self._error_for(response, path, note)
        error.status = response.status_code
        return error

    def _error_for(self, response: httpx.Response, path: str, note: str | None) -> RemoteError:
        status = response.status_code
        try:
            detail = _error_detail(response)
        except httpx.HTTPError:
            detail = ""
        said = f": {detail}" if detail else ""
        tries = f", {note}" if note else f", after {self.retries} retries"
        if status in (401, 403):
            return RemoteAuthError(
                self.where,
                f"the server refused the API key (HTTP {status}{said}); set the right key with "
                f"'fireside models remote add {self.endpoint.name} URL --api-key-stdin'",
            )
        if status == 429:
            return RemoteRateLimitError(self.where, f"rate limited (HTTP 429{tries}){said}")
        if status >= 500:
            return RemoteServerError(self.where, f"the server failed (HTTP {status}{tries}){said}")
        lowered = detail.lower()
        if "model" in lowered and any(
            word in lowered for word in ("not found", "does not exist", "unknown", "no such")
        ):
            return RemoteModelNotFoundError(self.where, f"unknown model (HTTP {status}{said})")
        if status == 404:
            return RemoteServerError(
                self.where,
                f"{path} not found (HTTP 404{said}); the URL should be the API base, usually "
                "ending in /v1",
            )
        return RemoteServerError(
            self.where, f"the server refused the request (HTTP {status}{said})"
        )

    def _json(self, response: httpx.Response) -> dict:
        try:
            response.read()
            return response.json()
        except ValueError:
            raise RemoteServerError(
                self.where, "the answer is not JSON; is this an OpenAI-compatible API?"
            ) from None
        except httpx.HTTPError as exc:
            raise _mid_reply_error(self.where, exc) from None

    def _events(self, response: httpx.Response) -> Iterator[dict]:
        try:
            for line in response.iter_lines():
                if not line.startswith("data:"):
                    continue  # comments (keep-alives), event names, blank separators
                data = line[5:].strip()
                if data == "[DONE]":
                    return
                try:
                    event = json.loads(data)
                except ValueError:
                    raise RemoteServerError(
                        self.where, f"the stream sent something that is not JSON: {data[:80]!r}"
                    ) from None
                if isinstance(event, dict) and event.get("error"):
                    err = event["error"]
                    msg = err.get("message", err) if isinstance(err, dict) else err
                    raise RemoteServerError(
                        self.where, f"the server failed mid-reply ({' '.join(str(msg).split())})"
                    )
                yield event
        except httpx.HTTPError as exc:
            raise _mid_reply_error(self.where, exc) from None


def _shut_on_cancel(response: httpx.Response, cancel: CancelToken, done: threading.Event) -> None:
    """Shut the socket down when the user cancels: a blocked read returns at once.

    Closing the response from another thread is not enough: a read already waiting on the
    socket would wait for the server's next bytes.
    """
    while not done.is_set():
        if cancel.wait(0.05):
            if not done.is_set():
                stream = response.extensions.get("network_stream")
                sock = stream.get_extra_info("socket") if stream is not None else None
                if sock is not None:
                    with contextlib.suppress(OSError):
                        sock.shutdown(socket.SHUT_RDWR)
            return


def _reason(exc: httpx.HTTPError) -> str:
    text = str(exc).strip() or type(exc).__name__
    if "Connection refused" in text or "Errno 111" in text:
        return "connection refused"
    if "Name or service not known" in text or "nodename nor servname" in text:
        return "unknown host"
    return " ".join(text.split())[:120]


def _mid_reply_error(where: str, exc: httpx.HTTPError) -> RemoteError:
    if isinstance(exc, httpx.TimeoutException):
        return RemoteTimeoutError(where, "the server stopped sending in the middle of a reply")
    return RemoteDisconnectedError(
        where, f"the server closed the connection in the middle of a reply ({_reason(exc)})"
    )
