"""Answers from document collections with citations, Fireside's own endpoints, and
``fireside serve`` as a real process."""

from __future__ import annotations

import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
from pathlib import Path

import httpx
import openai
import pytest
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.store import DocumentStore
from fireside.models.embedder import get_embedder

from tests.api.helpers import KEY, client, real_services, start

pytestmark = pytest.mark.slow
DATA = Path(__file__).resolve().parents[1] / "data" / "documents"
HEADERS = {"Authorization": f"Bearer {KEY}"}


@pytest.fixture(scope="module")
def docs_server(smollm_path, tmp_path_factory):
    """A server whose documents store holds pypdf's README, indexed with the real MiniLM."""
    root = tmp_path_factory.mktemp("api-docs")
    services = real_services(root, smollm_path, max_tokens=40)
    folder = root / "files"
    folder.mkdir()
    shutil.copy(DATA / "markdown" / "pypdf-README.md", folder)
    store = DocumentStore(services.paths.documents_db)
    embedder = get_embedder("all-MiniLM-L6-v2")
    col = store.collection("readme", model=embedder.name)
    IndexJob(store, col, [folder], embedder=embedder).run()
    store.close()
    server = start(services)
    yield server
    server.stop()
    services.models.close()


def test_chat_from_a_collection_returns_citations(docs_server):
    c = client(docs_server)
    question = "How do I install pypdf?"
    reply = c.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": question}],
        extra_body={"fireside": {"collections": ["readme"]}},
    )
    citations = reply.model_extra["citations"]
    assert citations and citations[0]["document"].endswith("pypdf-README.md")
    assert any("pip install" in c["text"] for c in citations)
    assert all(c["line_start"] is not None for c in citations)
    assert reply.choices[0].message.content.strip()
    chunks = list(
        c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": question}],
            stream=True,
            extra_body={"fireside": {"collections": ["readme"]}},
        )
    )
    # after the text: the citations, then each sentence's support verdict, in chunks of
    # their own with no choices
    extras = {k: v for ch in chunks if not ch.choices for k, v in ch.model_extra.items()}
    assert extras["citations"] == citations
    kinds = {"supported", "partial", "unsupported"}
    for support in (reply.model_extra["support"], extras["support"]):
        # a sampled reply may hold no sentence that states anything (a bare command)
        assert {v["verdict"] for v in support["sentences"]} <= kinds
        assert isinstance(support["mostly_unsupported"], bool)


def test_unrelated_question_and_unknown_collection(docs_server):
    c = client(docs_server)
    reply = c.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": "What is the recipe for banana bread?"}],
        extra_body={"fireside": {"collections": ["readme"]}},
    )
    assert reply.model_extra["citations"] == []
    assert "do not contain" in reply.choices[0].message.content
    with pytest.raises(openai.NotFoundError) as err:
        c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "hi"}],
            extra_body={"fireside": {"collections": ["nope"]}},
        )
    assert "nope" in err.value.message


def test_collections_and_search_endpoints(docs_server):
    with httpx.Client(base_url=docs_server.url, headers=HEADERS, timeout=60) as h:
        cols = h.get("/fireside/collections").json()["data"]
        assert cols[0]["name"] == "readme" and cols[0]["documents"] == 1 and cols[0]["chunks"] > 0
        found = h.post("/fireside/search", json={"query": "pip install", "k": 3}).json()["data"]
        assert 1 <= len(found) <= 3 and "pip install" in found[0]["text"]
        assert found[0]["collection"] == "readme" and found[0]["line_start"] >= 1
        missing = h.post("/fireside/search", json={"query": "x", "collections": ["nope"]})
        assert missing.status_code == 404
        assert h.post("/fireside/search", json={"query": ""}).status_code == 400


def test_fireside_serve_prints_url_and_key_location(tmp_path, smollm_path):
    env = {**os.environ, "FIRESIDE_HOME": str(tmp_path / "home"), "FIRESIDE_API_KEY": "cli-key"}
    proc = subprocess.Popen(
        [
            sys.executable,
            "-m",
            "fireside.cli.main",
            "serve",
            "--port",
            "0",
            "--threads",
            "1",
            "--model",
            str(smollm_path),
        ],
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        env=env,
    )
    try:
        lines = []
        deadline = time.monotonic() + 120
        while time.monotonic() < deadline and not any("Ctrl-C" in line for line in lines):
            line = proc.stdout.readline()
            if not line:
                break
            lines.append(line)
        out = "".join(lines)
        url = re.search(r"(http://127\.0\.0\.1:\d+/v1)", out).group(1)
        assert "FIRESIDE_API_KEY" in out
        models = httpx.get(f"{url}/models", headers={"Authorization": "Bearer cli-key"})
        assert models.status_code == 200
        reply = openai.OpenAI(base_url=url, api_key="cli-key", max_retries=0).completions.create(
            model="default", prompt="Hello", max_tokens=4
        )
        assert reply.choices[0].text
        # --model and --threads hold for this run only: another process's write keeps them out
        other = subprocess.run(
            [sys.executable, "-m", "fireside.cli.main", "settings", "set", "api.max_queue", "4"],
            capture_output=True,
            text=True,
            env=env,
            timeout=60,
        )
        assert other.returncode == 0, other.stderr
        saved = json.loads((tmp_path / "home" / "config" / "settings.json").read_text())
        assert saved["model"]["path"] is None and saved["model"]["n_threads"] is None
    finally:
        proc.send_signal(signal.SIGINT)
        assert proc.wait(30) == 0


def test_fireside_serve_errors_are_one_line(tmp_path):
    env = {**os.environ, "FIRESIDE_HOME": str(tmp_path / "home")}
    bad = tmp_path / "broken.gguf"
    bad.write_text("not a model")
    result = subprocess.run(
        [sys.executable, "-m", "fireside.cli.main", "serve", "--model", str(bad)],
        capture_output=True,
        text=True,
        env=env,
        timeout=60,
    )
    assert result.returncode == 2
    assert "Traceback" not in result.stderr and "broken.gguf" in result.stderr
