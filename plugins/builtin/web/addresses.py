"""Which URLs may be read: http and https only, never a blocked domain, and an address on
this computer or the local network only when the user asked for it.

A page the model reads is outside text. If the model could fetch ``http://127.0.0.1:8765``
or ``http://192.168.1.1/admin`` because a page told it to, the web tools would be a way into
the user's own machine and network; so such URLs are read only when the user typed them (or
listed the host in ``web.private_hosts``), and a redirect from a public page to a local one
is refused.
"""

from __future__ import annotations

import ipaddress
import socket
from urllib.parse import urlsplit

from fireside.plugins.builtin.web.errors import RefusedUrl

MAX_URL_CHARS = 4096
_LOCAL_SUFFIXES = (".localhost", ".local", ".internal", ".lan", ".home.arpa")


def check_url(url: str) -> str:
    """``url`` stripped, if it is an http(s) URL with a host; ``RefusedUrl`` otherwise."""
    url = (url or "").strip()
    if not url:
        raise RefusedUrl("no URL given")
    if len(url) > MAX_URL_CHARS:
        raise RefusedUrl(f"the URL is too long ({len(url)} characters)")
    parts = urlsplit(url)
    scheme = parts.scheme.lower()
    if scheme not in ("http", "https"):
        shown = f"{scheme}:" if scheme else "no scheme"
        raise RefusedUrl(f"only http and https pages can be read, not {shown} ({url[:200]})")
    if not parts.hostname:
        raise RefusedUrl(f"the URL has no host name ({url[:200]})")
    return url


def host_of(url: str) -> str:
    return (urlsplit(url).hostname or "").lower().rstrip(".")


def host_port(url: str) -> str:
    parts = urlsplit(url)
    host = (parts.hostname or "").lower()
    return f"{host}:{parts.port}" if parts.port else host


def _local_ip(text: str) -> bool:
    try:
        ip = ipaddress.ip_address(text)
    except ValueError:
        return False
    if isinstance(ip, ipaddress.IPv6Address) and ip.ipv4_mapped is not None:
        ip = ip.ipv4_mapped
    return (
        ip.is_private
        or ip.is_loopback
        or ip.is_link_local
        or ip.is_reserved
        or ip.is_unspecified
        or ip.is_multicast
    )


def is_local(url: str, resolve: bool = True) -> bool:
    """Whether ``url`` points at this computer or a private network (names are resolved,
    so ``localtest.me`` or a DNS name for 10.0.0.1 counts as local too)."""
    host = host_of(url)
    if not host:
        return False
    if host == "localhost" or host.endswith(_LOCAL_SUFFIXES) or _local_ip(host):
        return True
    if not resolve or "." not in host:
        return "." not in host  # a bare name ("router", "nas") is a local one
    try:
        infos = socket.getaddrinfo(host, None, proto=socket.IPPROTO_TCP)
    except (OSError, UnicodeError):
        return False  # cannot be resolved: the fetch will say so
    return any(_local_ip(str(info[4][0]).split("%")[0]) for info in infos)


def blocked_by(url: str, blocked: list[str]) -> str | None:
    """The entry of ``blocked`` (a domain; its subdomains count) that ``url`` falls under."""
    host = host_of(url)
    for entry in blocked:
        domain = entry.strip().lower().lstrip(".").rstrip(".")
        if "://" in domain:
            domain = host_of(domain)
        if domain and (host == domain or host.endswith("." + domain)):
            return domain
    return None


def typed_in(url: str, text: str) -> bool:
    """Whether the user's own words contain ``url`` (ignoring a trailing slash)."""
    want = url.strip().rstrip("/")
    return bool(want) and want in (text or "")


def allowed_private(url: str, hosts: list[str]) -> bool:
    """Whether the user listed this local host (``host`` or ``host:port``) as readable."""
    names = {h.strip().lower() for h in hosts if h.strip()}
    return host_of(url) in names or host_port(url) in names
