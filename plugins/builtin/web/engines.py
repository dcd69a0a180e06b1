"""Search engines: SearXNG (self-hosted, no key), DuckDuckGo (no key), Brave and Tavily.

Each turns a query into ``SearchResult``s and every failure into one ``WebError`` line: no
network, a refused key, a rate limit, or a response that is not what the engine documents.
DuckDuckGo has no API; its HTML results page is read by the ``ddgs`` package's own parser,
only from DuckDuckGo (never ddgs's fallbacks to other engines, so the user knows which
service a query went to).
"""

from __future__ import annotations

import json
import os
from dataclasses import asdict, dataclass
from typing import Any

import httpx
from fireside.plugins.builtin.web.errors import WebError, WebUnreachable
from fireside.plugins.builtin.web.fetch import USER_AGENT, transport_error

ENGINES = ("duckduckgo", "searxng", "brave", "tavily")
BRAVE_URL = "https://api.search.brave.com/res/v1/web/search"
TAVILY_URL = "https://api.tavily.com/search"
DUCKDUCKGO_URL = "https://html.duckduckgo.com/html/"
LABELS = {
    "duckduckgo": "DuckDuckGo",
    "searxng": "SearXNG",
    "brave": "Brave Search",
    "tavily": "Tavily",
}


@dataclass
class SearchResult:
    title: str
    url: str
    snippet: str = ""
    date: str | None = None

    def to_dict(self) -> dict:
        return asdict(self)


@dataclass
class Query:
    text: str
    count: int = 5
    region: str = ""
    language: str = ""


def _text(value: Any) -> str:
    return " ".join(str(value).split()) if isinstance(value, str | int | float) else ""


def _results(rows: Any, engine: str, title: str, url: str, snippet: str, date: str):
    """Rows of a JSON answer as results; ``WebError`` when the answer has no such rows."""
    if not isinstance(rows, list):
        raise WebError(f"{LABELS[engine]} sent an unexpected response (no result list)")
    found = []
    for row in rows:
        if not isinstance(row, dict):
            continue
        link = _text(row.get(url))
        if not link.startswith(("http://", "https://")):
            continue
        found.append(
            SearchResult(
                _text(row.get(title)) or link,
                link,
                _text(row.get(snippet)),
                _text(row.get(date)) or None,
            )
        )
    return found


class HttpEngine:
    """An engine reached over JSON with httpx."""

    name = ""

    def __init__(self, timeout_s: float = 20.0, client: httpx.Client | None = None) -> None:
        self.timeout_s = timeout_s
        self.client = client

    def _json(self, method: str, url: str, **kwargs: Any) -> Any:
        client = self.client or httpx.Client(
            timeout=self.timeout_s, headers={"User-Agent": USER_AGENT}, trust_env=False
        )
        label = LABELS[self.name]
        try:
            response = client.request(method, url, timeout=self.timeout_s, **kwargs)
        except httpx.TransportError as exc:
            raise transport_error(exc, url) from None
        finally:
            if self.client is None:
                client.close()
        if response.status_code in (401, 403):
            raise WebError(f"{label} refused the API key (HTTP {response.status_code})")
        if response.status_code == 429:
            raise WebError(f"{label} is rate limiting searches (HTTP 429); try again later")
        if response.status_code >= 400:
            raise WebError(f"{label} answered HTTP {response.status_code}")
        try:
            return response.json()
        except (ValueError, json.JSONDecodeError):
            raise WebError(f"{label} sent a response that is not JSON") from None

    def search(self, query: Query) -> list[SearchResult]:
        raise NotImplementedError


class SearxngEngine(HttpEngine):
    name = "searxng"

    def __init__(self, base_url: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not base_url:
            raise WebError("no SearXNG instance is set: fireside web use searxng URL")
        self.base_url = base_url.rstrip("/")

    def search(self, query: Query) -> list[SearchResult]:
        params = {"q": query.text, "format": "json", "pageno": 1}
        if query.language:
            params["language"] = query.language
        data = self._json("GET", f"{self.base_url}/search", params=params)
        if not isinstance(data, dict):
            raise WebError("SearXNG sent an unexpected response (not an object)")
        return _results(data.get("results"), self.name, "title", "url", "content", "publishedDate")[
            : query.count
        ]


class BraveEngine(HttpEngine):
    name = "brave"

    def __init__(self, api_key: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not api_key:
            raise WebError("Brave Search needs an API key: fireside web use brave --api-key-stdin")
        self.api_key = api_key
        self.url = os.environ.get("FIRESIDE_BRAVE_URL", BRAVE_URL)

    def search(self, query: Query) -> list[SearchResult]:
        params: dict[str, Any] = {"q": query.text, "count": query.count}
        if query.region:
            params["country"] = query.region.split("-")[0]
        if query.language:
            params["search_lang"] = query.language
        headers = {"X-Subscription-Token": self.api_key, "Accept": "application/json"}
        data = self._json("GET", self.url, params=params, headers=headers)
        web = data.get("web") if isinstance(data, dict) else None
        rows = web.get("results") if isinstance(web, dict) else None
        if rows is None and isinstance(data, dict) and "web" not in data:
            rows = []  # Brave leaves "web" out when nothing was found
        return _results(rows, self.name, "title", "url", "description", "page_age")[: query.count]


class TavilyEngine(HttpEngine):
    name = "tavily"

    def __init__(self, api_key: str | None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        if not api_key:
            raise WebError("Tavily needs an API key: fireside web use tavily --api-key-stdin")
        self.api_key = api_key
        self.url = os.environ.get("FIRESIDE_TAVILY_URL", TAVILY_URL)

    def search(self, query: Query) -> list[SearchResult]:
        body = {"query": query.text, "max_results": query.count}
        headers = {"Authorization": f"Bearer {self.api_key}"}
        data = self._json("POST", self.url, json=body, headers=headers)
        rows = data.get("results") if isinstance(data, dict) else None
        return _results(rows, self.name, "title", "url", "content", "published_date")[: query.count]


class DuckDuckGoEngine:
    """DuckDuckGo's HTML results page, read with ddgs's parser (it tracks DuckDuckGo's
    markup); ``search_url`` points elsewhere in tests."""

    name = "duckduckgo"

    def __init__(self, timeout_s: float = 20.0, search_url: str | None = None) -> None:
        self.timeout_s = timeout_s
        self.search_url = search_url or os.environ.get("FIRESIDE_DUCKDUCKGO_URL", DUCKDUCKGO_URL)

    def search(self, query: Query) -> list[SearchResult]:
        from ddgs.engines.duckduckgo import Duckduckgo
        from ddgs.exceptions import DDGSException, TimeoutException

        engine = Duckduckgo(timeout=int(max(1, self.timeout_s)))
        engine.search_url = self.search_url
        try:
            rows = engine.search(query.text, region=query.region or "wt-wt")
        except TimeoutException:
            raise WebError(f"DuckDuckGo did not answer within {self.timeout_s:g} s") from None
        except DDGSException as exc:
            text = str(exc).lower()
            if any(w in text for w in ("connect", "dns", "resolve", "unreachable")):
                raise WebUnreachable("cannot connect to DuckDuckGo") from None
            raise WebError(f"DuckDuckGo search failed: {str(exc)[:200]}") from None
        except Exception as exc:  # noqa: BLE001 - garbage HTML the parser cannot read
            raise WebError(
                f"DuckDuckGo sent a page that cannot be read ({type(exc).__name__})"
            ) from None
        if rows is None:
            raise WebError(
                "DuckDuckGo refused the search (it may be rate limiting); try again later"
            )
        found = []
        for row in rows:
            url = _unwrap(_text(getattr(row, "href", "")))
            if url.startswith(("http://", "https://")):
                title = _text(getattr(row, "title", "")) or url
                found.append(SearchResult(title, url, _text(getattr(row, "body", ""))))
        return found[: query.count]


def _unwrap(url: str) -> str:
    """DuckDuckGo's redirect links (``//duckduckgo.com/l/?uddg=...``) as the page's URL."""
    from urllib.parse import parse_qs, urlsplit

    if "duckduckgo.com/l/" in url:
        target = parse_qs(urlsplit(url).query).get("uddg")
        if target:
            return target[0]
    return url
