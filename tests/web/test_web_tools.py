"""The web tools against a real SearXNG-compatible endpoint and real saved pages served on
127.0.0.1: search, read (English, Chinese in UTF-8, Big5 and GB18030), the cache, PDFs
through the document loaders, DuckDuckGo's results page through ddgs's parser, and every
kind of bad answer: one clear line each."""

from __future__ import annotations

import time
from pathlib import Path

import pytest
from fireside.plugins.builtin.web.addresses import check_url, is_local
from fireside.plugins.builtin.web.engines import DuckDuckGoEngine, Query
from fireside.plugins.builtin.web.errors import RefusedUrl, WebError, WebUnreachable
from fireside.plugins.builtin.web.fetch import Fetcher
from fireside.plugins.tools import run_tool

from tests.web.conftest import point_at


def tool(app, name):
    return next(t for t in app.plugins.tools() if t.name == name)


def test_search_returns_titles_urls_snippets_and_dates(web_app, site):
    results = web_app.web.search("Debian kernel")
    assert site.search_queries == ["Debian kernel"]
    urls = [r.url for r in results]
    assert site.url("/debian/kernel") in urls
    first = results[0]
    assert first.title and first.snippet and first.date == "2024-01-01T00:00:00"


def test_the_search_tool_lists_the_results_for_the_model_with_their_sources(web_app, site):
    outcome = run_tool(tool(web_app, "web_search"), {"query": "kernel"})
    assert not outcome.is_error
    assert site.url("/debian/kernel") in outcome.output
    assert [s.url for s in outcome.sources][:1] and all(
        s.url in outcome.output for s in outcome.sources
    )


def test_blocked_domains_are_left_out_of_results_and_never_read(web_app, site):
    point_at(web_app, site, blocked_domains=["127.0.0.1"])
    assert web_app.web.search("kernel") == []
    with pytest.raises(RefusedUrl, match="block list"):
        web_app.web.read(site.url("/debian/kernel"))
    assert "/debian/kernel" not in site.hits


def test_reading_a_page_keeps_the_article_and_drops_the_boilerplate(web_app, site):
    page = web_app.web.read(site.url("/manchin"))  # served gzip-encoded, as stored
    assert page.title == "Could Manchin Actually Leave The Democratic Party?"
    assert page.text.startswith("Sen. Joe Manchin told reporters Wednesday")
    assert page.language == "en-US" and page.kind == "html"
    for boilerplate in ("NREUM", "function(", "Sign up for", "Terms of Use"):
        assert boilerplate not in page.text


@pytest.mark.parametrize(
    ("path", "title", "words"),
    [
        ("/zh/kernel", "第 10 章 Debian 和内核", "只有一个常见的坑"),
        ("/zh/big5", "Big5", "台北看守所昨天抽查前總統陳水扁的房舍"),  # Big5, no charset
        ("/zh/gb18030", "中国制造的领军者3名", "中国航天科技集团公司总经理"),  # GB18030
    ],
)
def test_chinese_pages_are_read_in_any_encoding(web_app, site, path, title, words):
    page = web_app.web.read(site.url(path))
    assert page.title == title
    assert words in page.text
    assert page.language.startswith("zh")


def test_a_long_page_gives_the_passages_about_the_focus_even_in_chinese(web_app, site):
    read = tool(web_app, "read_page")
    whole = run_tool(read, {"url": site.url("/zh/basic-defs")})
    focused = run_tool(read, {"url": site.url("/zh/basic-defs"), "focus": "自由软件 许可证"})
    assert not whole.is_error and not focused.is_error
    assert "passages" in whole.output  # the page is longer than one read gives
    source = focused.sources[0]
    assert "自由" in source.text
    lines = Path(source.file).read_text(encoding="utf-8").splitlines()
    cited = "\n".join(lines[source.line_start - 1 : source.line_end])
    assert source.text.splitlines()[0] in cited  # the lines shown in the viewer


def test_a_second_read_comes_from_the_cache_with_the_time_it_was_read(web_app, site):
    first = web_app.web.read(site.url("/firefox-developer"))
    second = web_app.web.read(site.url("/firefox-developer"))
    assert site.hits.count("/firefox-developer") == 1
    assert not first.cached and second.cached
    assert second.read_at == first.read_at and time.time() - second.read_at < 60
    assert second.text == first.text
    fresh = web_app.web.read(site.url("/firefox-developer"), fresh=True)
    assert site.hits.count("/firefox-developer") == 2 and not fresh.cached


def test_a_pdf_linked_from_the_web_is_read_by_the_document_loaders(web_app, site):
    page = web_app.web.read(site.url("/papers/vicksburg.pdf"))
    assert page.kind == "pdf"
    assert "Cannister shot is a tin cylinder" in " ".join(page.text.split())


def test_duckduckgo_results_page_is_read_with_ddgs(site):
    engine = DuckDuckGoEngine(timeout_s=5, search_url=site.url("/duckduckgo/html/"))
    results = engine.search(Query("firefox developer edition"))
    assert site.search_queries == ["firefox developer edition"]
    assert [r.url for r in results] == [
        site.url("/firefox-developer"),
        site.url("/debian/kernel"),
    ]  # the ad is left out
    assert results[0].title == "Firefox Developer Edition"
    assert "complete browser for building the Web" in results[0].snippet


# -- bad input: one clear line each -------------------------------------------------------------


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/huge", "the page is too large (50 MB; the limit is 5 MB)"),
        ("/huge-unannounced", "the page is too large (over 5 MB)"),
        ("/endless", "did not finish within 3 s"),
        ("/loop/a", "redirect loop"),
        ("/logo.png", "is not a web page or a PDF (image/png); not read"),
        ("/missing", "answered HTTP 404"),
    ],
)
def test_bad_pages_end_the_read_with_one_line(web_app, site, path, expected):
    start = time.monotonic()
    outcome = run_tool(tool(web_app, "read_page"), {"url": site.url(path)})
    assert outcome.is_error
    assert expected in outcome.output and "\n" not in outcome.output
    assert time.monotonic() - start < 12


@pytest.mark.parametrize(
    "url", ["file:///etc/passwd", "ftp://example.com/x", "javascript:alert(1)", "http://"]
)
def test_only_http_urls_can_be_read(web_app, url):
    outcome = run_tool(tool(web_app, "read_page"), {"url": url})
    assert outcome.is_error and (
        "only http and https" in outcome.output or "no host" in outcome.output
    )


@pytest.mark.parametrize(
    ("engine_path", "expected"),
    [
        ("/garbage", "SearXNG sent a response that is not JSON"),
        ("/notalist", "SearXNG sent an unexpected response (no result list)"),
    ],
)
def test_an_engine_that_returns_garbage_is_one_line(web_app, site, engine_path, expected):
    point_at(web_app, site, searxng_url=site.url(engine_path))
    outcome = run_tool(tool(web_app, "web_search"), {"query": "kernel"})
    assert outcome.is_error and outcome.output == expected


def test_no_network_says_the_web_is_not_reachable(web_app, site):
    point_at(web_app, site, searxng_url="http://127.0.0.1:9")  # nothing listens there
    with pytest.raises(WebUnreachable, match="^the web is not reachable"):
        web_app.web.search("kernel")


def test_a_site_that_refuses_the_connection_is_named_not_the_whole_web(web_app):
    outcome = run_tool(tool(web_app, "read_page"), {"url": "http://127.0.0.1:9/page"})
    assert outcome.is_error and outcome.output.startswith("cannot connect to 127.0.0.1")


def test_a_redirect_from_a_public_page_into_this_computer_is_refused(site):
    fetcher = Fetcher(timeout_s=3)
    with pytest.raises(RefusedUrl, match="address on this computer"):
        fetcher.get(site.url("/to-secret"), allow_local=False)
    assert "/to-secret" not in site.hits  # refused before the first request


def test_local_addresses_are_recognised():
    for url in (
        "http://127.0.0.1:8765/v1",
        "http://localhost/",
        "http://[::1]/",
        "http://192.168.1.1/admin",
        "http://10.0.0.7",
        "http://router/",
        "http://nas.local/",
        "http://169.254.169.254/latest/meta-data",
    ):
        assert is_local(url), url
    assert not is_local("http://93.184.215.14/", resolve=False)
    with pytest.raises(RefusedUrl):
        check_url("file:///etc/passwd")


def test_a_local_url_the_model_proposed_is_refused_unless_the_user_typed_it(web_app, site):
    check = tool(web_app, "read_page").check_call
    other = "http://localhost:8765/v1/models"  # the local API, not the allowed test host
    assert "refused" in check({"url": other}, "what does the web say about kernels?")
    assert check({"url": other}, f"what is at {other} ?") is None  # typed by the user
    assert "only http and https" in check({"url": "file:///etc/passwd"}, "hi")
    assert check({"url": site.url("/debian/kernel")}, "hi") is None  # web.private_hosts
    assert check({"url": "https://www.debian.org/"}, "hi") is None  # the public web


def test_web_errors_are_tool_errors_shown_without_a_class_name(web_app):
    assert issubclass(WebError, Exception)
    outcome = run_tool(tool(web_app, "web_search"), {"query": "   "})
    assert outcome.is_error and outcome.output == "say what to search for"
