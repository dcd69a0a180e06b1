"""``fireside web`` and ``--web`` as users meet them: real ``fireside`` processes against
the local web."""

from __future__ import annotations

import json
import os
import subprocess

import pytest

from tests.cli.test_cli import one_line_error
from tests.cli.test_settings_cli import command, fireside

pytestmark = pytest.mark.slow


def test_choose_the_engine_search_and_read_from_the_command_line(site):
    done = fireside("web", "use", "searxng", site.base)
    assert done.returncode == 0, done.stderr
    assert f"searxng at {site.base}" in done.stdout
    done = fireside("web", "search", "kernel", "--json")
    assert done.returncode == 0, done.stderr
    found = json.loads(done.stdout)
    assert found["engine"] == "searxng"
    assert site.url("/debian/kernel") in [r["url"] for r in found["results"]]
    url = site.url("/zh/kernel")
    first = json.loads(fireside("web", "read", url, "--json").stdout)
    second = json.loads(fireside("web", "read", url, "--json").stdout)
    assert first["title"] == "第 10 章 Debian 和内核" and not first["cached"]
    assert second["cached"] and second["read_at"] == first["read_at"]
    assert site.hits.count("/zh/kernel") == 1
    done = fireside("web", "read", url)
    assert done.stdout.startswith("# 第 10 章 Debian 和内核\n<" + url + ">")


@pytest.mark.parametrize(
    ("args", "expected"),
    [
        (["web", "read", "file:///etc/passwd"], "only http and https pages can be read"),
        (["web", "use", "searxng"], "say where the SearXNG instance is"),
        (["web", "use", "brave"], "brave needs an API key"),
    ],
)
def test_bad_input_is_one_line_and_exit_code_2(args, expected):
    done = fireside(*args)
    assert done.returncode == 2
    one_line_error(done, expected)


def test_a_page_is_added_to_a_collection_in_one_command(site):
    url = site.url("/debian/kernel")
    done = fireside("web", "add", url, "--collection", "pages", "--embedding-model", "hash-256")
    assert done.returncode == 0, done.stderr
    assert "1 indexed" in done.stderr
    done = fireside("docs", "search", "compile a kernel", "--collection", "pages", "--json")
    hits = json.loads(done.stdout)["hits"]
    assert hits and hits[0]["document"].endswith(".md")  # the page's saved text
    assert "kernel" in hits[0]["text"].lower()


def test_chat_with_web_on_routes_a_search_and_lists_the_pages(site):
    fireside("web", "use", "searxng", site.base)
    fireside("settings", "set", "web.private_hosts", site.host_port)
    done = subprocess.run(
        [
            *command(),
            "chat",
            "search the web for Debian kernel",
            "--web",
            "--allow-tools",
            "--max-tokens",
            "16",
            "--threads",
            "1",
            "--json",
        ],
        capture_output=True,
        text=True,
        timeout=600,
        env=os.environ.copy(),
    )
    assert done.returncode == 0, done.stderr
    out = json.loads(done.stdout)
    assert [c["name"] for c in out["tool_calls"]] == ["web_search", "read_page", "read_page"]
    assert site.url("/debian/kernel") in [c["url"] for c in out["citations"]]
