"""One bounded HTTP GET of a page: a size limit, a time limit for the whole body, a few
redirects, and a check of every hop.

A page can be 50 MB, never finish, redirect in a circle or be an image; each of those ends
the read with one line saying so, within the time limit, and the turn goes on. Redirects
are followed here (not by httpx) so that every hop is checked: http(s) only, not blocked,
and not a local address unless the first URL was one the user asked for.
"""

from __future__ import annotations

import time
from collections.abc import Callable
from dataclasses import dataclass
from urllib.parse import urljoin

import httpx
from fireside.plugins.builtin.web.addresses import blocked_by, check_url, host_of, is_local
from fireside.plugins.builtin.web.errors import RefusedUrl, WebError, WebUnreachable

MAX_REDIRECTS = 5
USER_AGENT = "Mozilla/5.0 (compatible; Fireside/0.1; +offline desktop assistant)"
ACCEPT = "text/html,application/xhtml+xml,application/pdf;q=0.9,text/plain;q=0.8,*/*;q=0.1"
_DNS_HINTS = (
    "name resolution",
    "name or service not known",
    "nodename nor servname",
    "getaddrinfo failed",
    "no address associated",
    "network is unreachable",
)


@dataclass
class Fetched:
    url: str  # after redirects
    status: int
    content_type: str  # lower case, without parameters
    charset: str | None
    body: bytes


def megabytes(n: int) -> str:
    return f"{n / 1_000_000:.0f} MB" if n >= 1_000_000 else f"{n / 1000:.0f} kB"


def transport_error(exc: httpx.TransportError, url: str, gateway: bool = True) -> WebError:
    """A failed connection in words: no network at all, or this host not answering.

    A name that cannot be resolved means no network; a refused connection means that too
    when it is the search engine (the ``gateway`` to the web), but only that one site is
    down when it is a page."""
    host = host_of(url)
    text = str(exc) or type(exc).__name__
    if isinstance(exc, httpx.TimeoutException):
        return WebError(f"{host} did not answer in time")
    if any(hint in text.lower() for hint in _DNS_HINTS):
        return WebUnreachable(f"cannot resolve {host}")
    if isinstance(exc, httpx.ConnectError):
        if gateway:
            return WebUnreachable(f"cannot connect to {host}: {text}")
        return WebError(f"cannot connect to {host}: {text}")
    return WebError(f"reading {host} failed: {text}")


class Fetcher:
    """GETs with the limits of ``web`` settings; ``client`` may be shared (tests, pooling)."""

    def __init__(
        self,
        timeout_s: float = 20.0,
        max_bytes: int = 5_000_000,
        blocked: list[str] | None = None,
        client_factory: Callable[[], httpx.Client] | None = None,
    ) -> None:
        self.timeout_s = timeout_s
        self.max_bytes = max_bytes
        self.blocked = list(blocked or [])
        self.client_factory = client_factory

    def _client(self) -> httpx.Client:
        if self.client_factory is not None:
            return self.client_factory()
        timeout = httpx.Timeout(min(self.timeout_s, 10.0), read=min(self.timeout_s, 10.0))
        return httpx.Client(timeout=timeout, headers={"User-Agent": USER_AGENT}, trust_env=False)

    def get(self, url: str, *, allow_local: bool | None = None) -> Fetched:
        """The page at ``url``; ``allow_local`` None: local addresses only when ``url`` is one
        (the caller checked that the user asked for it)."""
        url = check_url(url)
        if allow_local is None:
            allow_local = is_local(url)
        deadline = time.monotonic() + self.timeout_s
        seen: set[str] = set()
        with self._client() as client:
            for _hop in range(MAX_REDIRECTS + 1):
                self._check_hop(url, allow_local)
                seen.add(url)
                try:
                    fetched = self._one(client, url, deadline)
                except httpx.TransportError as exc:
                    raise transport_error(exc, url, gateway=False) from None
                if isinstance(fetched, str):  # a redirect
                    if fetched in seen:
                        raise WebError(f"redirect loop: {fetched} leads back to itself")
                    url = fetched
                    continue
                return fetched
        raise WebError(f"too many redirects (more than {MAX_REDIRECTS}) from {url}")

    def _check_hop(self, url: str, allow_local: bool) -> None:
        check_url(url)
        domain = blocked_by(url, self.blocked)
        if domain:
            raise RefusedUrl(f"{domain} is on your block list (web.blocked_domains)")
        if not allow_local and is_local(url):
            raise RefusedUrl(
                f"{url[:200]} is an address on this computer or the local network; it is read "
                "only when you type it yourself"
            )

    def _one(self, client: httpx.Client, url: str, deadline: float) -> Fetched | str:
        headers = {"Accept": ACCEPT, "Accept-Encoding": "gzip, deflate"}
        with client.stream("GET", url, headers=headers, follow_redirects=False) as response:
            if response.is_redirect:
                location = response.headers.get("location", "")
                if not location:
                    raise WebError(f"{host_of(url)} redirected without saying where")
                return urljoin(url, location)
            if response.status_code >= 400:
                raise WebError(
                    f"{host_of(url)} answered HTTP {response.status_code} for {url[:200]}"
                )
            declared = response.headers.get("content-length", "")
            if declared.isdigit() and int(declared) > self.max_bytes:
                raise WebError(
                    f"the page is too large ({megabytes(int(declared))}; the limit is "
                    f"{megabytes(self.max_bytes)}): {url[:200]}"
                )
            body = bytearray()
            for chunk in response.iter_bytes():
                body += chunk
                if len(body) > self.max_bytes:
                    raise WebError(
                        f"the page is too large (over {megabytes(self.max_bytes)}): {url[:200]}"
                    )
                if time.monotonic() > deadline:
                    raise WebError(
                        f"the page did not finish within {self.timeout_s:g} s: {url[:200]}"
                    )
            kind, _, params = response.headers.get("content-type", "").partition(";")
            charset = None
            for param in params.split(";"):
                key, _, value = param.strip().partition("=")
                if key.lower() == "charset" and value:
                    charset = value.strip("\"' ").lower()
            return Fetched(
                str(response.url), response.status_code, kind.strip().lower(), charset, bytes(body)
            )
