"""What every request passes before a route sees it: the Host header, the key, the size.

* ``Host`` must be an IP address, ``localhost``, or a name the user listed. A web page that
  re-points its own domain at 127.0.0.1 (DNS rebinding) still sends its domain as the Host,
  so it is refused even though the browser thinks the request is same-origin.
* ``Authorization: Bearer KEY``, compared in constant time.
* Bodies larger than the limit answer 413 before they are read (by ``Content-Length``) or
  as soon as the limit is passed (chunked uploads).
"""

from __future__ import annotations

import ipaddress
import json
import re
import secrets
from collections.abc import Callable, Iterable

from fireside.api.errors import error_body

OPEN_PATHS = ("/health",)


async def _send_error(send, status: int, message: str, code: str, headers=()) -> None:
    body = json.dumps(error_body(status, message, None, code)).encode()
    await send(
        {
            "type": "http.response.start",
            "status": status,
            "headers": [
                (b"content-type", b"application/json"),
                (b"content-length", str(len(body)).encode()),
                *headers,
            ],
        }
    )
    await send({"type": "http.response.body", "body": body})


def _header(scope, name: bytes) -> str | None:
    for key, value in scope.get("headers", []):
        if key == name:
            return value.decode("latin-1")
    return None


_HOST = re.compile(r"(?P<name>[A-Za-z0-9.-]+|\[[0-9A-Fa-f:.]+\])(?::(?P<port>[0-9]{1,5}))?")


def host_allowed(host: str | None, extra: Iterable[str] = ()) -> bool:
    """Whether a ``Host`` header names this machine: ``NAME[:PORT]`` where NAME is an IP
    address, ``localhost`` or a listed name, and nothing else (``localhost:1@evil.com``
    and ``localhost:abc`` are not hosts)."""
    if not host:
        return False
    host = host.strip()
    if host.count(":") > 1 and not host.startswith("["):  # a bare IPv6 address, no port
        name = host
    else:
        match = _HOST.fullmatch(host)
        if match is None or (match["port"] and int(match["port"]) > 65535):
            return False
        name = match["name"].strip("[]")
    name = name.lower().rstrip(".")
    if name in ("localhost", *[h.lower() for h in extra]):
        return True
    try:
        ipaddress.ip_address(name)
    except ValueError:
        return False
    return True


class HostGuard:
    def __init__(self, app, allowed_hosts: Iterable[str] = ()) -> None:
        self.app = app
        self.allowed = list(allowed_hosts)

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] == "http" and not host_allowed(_header(scope, b"host"), self.allowed):
            await _send_error(
                send,
                400,
                "this Host header is not allowed; use 127.0.0.1 or localhost, or list the "
                "name with --allow-host",
                "invalid_host",
            )
            return
        await self.app(scope, receive, send)


class _TooLarge(Exception):
    pass


class KeyAndSizeGuard:
    def __init__(self, app, key: Callable[[], str], max_body_bytes: int) -> None:
        self.app = app
        self.key = key
        self.max_body = max_body_bytes

    async def __call__(self, scope, receive, send) -> None:
        if scope["type"] != "http" or scope["path"] in OPEN_PATHS:
            await self.app(scope, receive, send)
            return
        auth = _header(scope, b"authorization") or ""
        given = auth[7:].strip() if auth[:7].lower() == "bearer " else ""
        if not given or not secrets.compare_digest(given.encode(), self.key().encode()):
            message = "no API key given" if not given else "the API key is not valid"
            await _send_error(
                send, 401, f"{message}; send 'Authorization: Bearer KEY'", "invalid_api_key"
            )
            return
        length = _header(scope, b"content-length")
        if length and length.isdigit() and int(length) > self.max_body:
            await _send_error(send, 413, self._too_large(), "request_too_large")
            return
        seen = 0
        started = False

        async def limited_receive():
            nonlocal seen
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > self.max_body:
                    raise _TooLarge
            return message

        async def tracking_send(message):
            nonlocal started
            if message["type"] == "http.response.start":
                started = True
            await send(message)

        try:
            await self.app(scope, limited_receive, tracking_send)
        except _TooLarge:
            if not started:
                await _send_error(send, 413, self._too_large(), "request_too_large")

    def _too_large(self) -> str:
        return f"the request body is larger than the limit of {self.max_body} bytes"
