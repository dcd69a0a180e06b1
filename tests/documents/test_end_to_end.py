"""The real thing: packaged MiniLM embeddings, the bundled SmolLM2 model, real files.

Kept small (about 30 chunks) because MiniLM embeds ~19 passages/s on 2 cores.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest

from fireside.assistant.app import build_app
from fireside.assistant.documents.answering import AskOptions, ask
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.retrieval import search
from fireside.assistant.documents.service import open_store
from fireside.assistant.events import Citations, TextDelta, ToolCall, TurnDone
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from fireside.models.sampling import SamplingParams
from tests.documents.test_answering import INJECTION

pytestmark = pytest.mark.slow


@pytest.fixture(scope="module")
def home(tmp_path_factory, minilm):
    """One indexed home for the module (indexing with MiniLM is the slow part)."""
    home = tmp_path_factory.mktemp("e2e-home")
    old = os.environ.get("FIRESIDE_HOME")
    os.environ["FIRESIDE_HOME"] = str(home)
    from tests.documents.helpers import DATA

    store = open_store()
    col = store.collection("library", model=minilm.name)
    report = home / "report.txt"
    report.write_text(INJECTION)
    paths = [
        DATA / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf",
        DATA / "csv" / "debian.csv",
        DATA / "html" / "kernel.en.html",
        report,
    ]
    result = IndexJob(store, col, paths, embedder=minilm).run()
    assert [f.status for f in result.files] == ["indexed"] * 4
    store.close()
    yield home
    if old is None:
        os.environ.pop("FIRESIDE_HOME", None)
    else:
        os.environ["FIRESIDE_HOME"] = old


@pytest.fixture
def env(home, monkeypatch):
    monkeypatch.setenv("FIRESIDE_HOME", str(home))
    return home


def test_minilm_is_packaged_offline_and_normalised(minilm, monkeypatch):
    assert os.environ.get("HF_HUB_OFFLINE") == "1"
    vecs = minilm.encode(
        [
            "The cat sat on the mat.",
            "A kitten rests on a rug.",
            "Quarterly revenue grew four percent.",
        ]
    )
    assert vecs.dtype == np.float32 and vecs.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vecs, axis=1), 1.0, atol=1e-5)
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2] + 0.2
    assert np.allclose(minilm.encode_query("The cat sat on the mat."), vecs[0], atol=1e-5)


def test_collection_records_the_embedding_model(env):
    store = open_store()
    assert store.collection("library").model == DEFAULT_EMBEDDING_MODEL
    models = {r[0] for r in store.conn.execute("SELECT DISTINCT model FROM vectors")}
    assert models == {DEFAULT_EMBEDDING_MODEL}


def test_search_finds_the_page_of_a_fact(env):
    store = open_store()
    # the OCR text spells it "Cannister"; only the meaning matches the question's spelling
    hits = search(store, "What is canister shot made of?", collections="library", k=3)
    assert hits[0].document.endswith("Seige_of_Vicksburg_Sample_OCR.pdf")
    assert hits[0].page == 3 and "tin cylinder" in hits[0].text


def _ask_library(question: str, max_tokens: int) -> list:
    """The answer's events from the bundled model, greedy, one excerpt."""
    app = build_app()
    store = open_store(app.paths)
    params = SamplingParams(temperature=0.0, max_tokens=max_tokens, seed=1)
    events = list(
        ask(
            app.engine,
            store,
            question,
            collections="library",
            params=params,
            options=AskOptions(k=1),
        )
    )
    app.close()
    return events


def test_ask_cites_the_page_the_fact_is_on(env):
    events = _ask_library("What is canister shot made of?", max_tokens=16)
    citations = next(e for e in events if isinstance(e, Citations)).items
    assert citations[0].document.endswith("Seige_of_Vicksburg_Sample_OCR.pdf")
    assert citations[0].page == 3 and "Cannister shot is a tin cylinder" in citations[0].text
    done = events[-1]
    assert isinstance(done, TurnDone) and done.text.strip()


def test_ask_says_when_documents_do_not_contain_it(env, capsys):
    from fireside.assistant.cli.main import main

    assert main(["ask", "Who painted the Mona Lisa?", "-C", "library", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "do not contain" in out["text"] and out["citations"] == []


def test_injected_instructions_do_not_steer_the_answer(env):
    events = _ask_library("By how much did revenue grow?", max_tokens=24)
    citations = next(e for e in events if isinstance(e, Citations)).items
    assert citations[0].document.endswith("report.txt")  # the injection was retrieved...
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "PWNED" not in text.upper()  # ...but not obeyed
    assert not any(isinstance(e, ToolCall) for e in events)
