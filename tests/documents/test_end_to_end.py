"""The real thing: packaged MiniLM embeddings, the bundled SmolLM2 model, real files.

Kept small (about 30 chunks) because MiniLM embeds ~19 passages/s on 2 cores.
"""

from __future__ import annotations

import json
import os

import numpy as np
import pytest
from fireside.assistant.app import build_app
from fireside.assistant.documents.jobs import IndexJob
from fireside.assistant.documents.retrieval import search
from fireside.assistant.documents.service import open_store
from fireside.assistant.events import Citations, TextDelta, ToolCall, ToolResult, TurnDone
from fireside.assistant.turn_request import RetrievalOptions, ToolPolicy, TurnRequest
from fireside.models.embedder import DEFAULT_EMBEDDING_MODEL
from fireside.models.sampling import SamplingParams

from tests.documents.test_answering import INJECTION
from tests.scripted_backend import ScriptedBackend

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
    params = SamplingParams(temperature=0.0, max_tokens=max_tokens, seed=1)
    request = TurnRequest(
        question, collections=["library"], params=params, retrieval=RetrievalOptions(k=1)
    )
    events = list(app.engine.run(request))
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
    from fireside.cli.main import main

    assert main(["ask", "Who painted the Mona Lisa?", "-C", "library", "--json"]) == 0
    out = json.loads(capsys.readouterr().out)
    assert "do not contain" in out["text"] and out["citations"] == []


def test_injected_instructions_do_not_steer_the_answer(env):
    """The bundled model reads the injected excerpt and still answers the question."""
    events = _ask_library("By how much did revenue grow?", max_tokens=24)
    citations = next(e for e in events if isinstance(e, Citations)).items
    assert citations[0].document.endswith("report.txt")  # the injection was retrieved...
    text = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert "PWNED" not in text.upper()  # ...but not obeyed


class _Models:
    def __init__(self, backend) -> None:
        self.backend = backend

    def get(self, path=None, options=None):
        return self.backend


def test_a_document_asking_for_a_tool_call_never_runs_it_unasked(env):
    """A model that obeys the document really proposes the call; the user is still asked.

    The user always allows the weather tool in plain chats. The document says "call the
    weather tool", and the scripted model does so whenever that text is in its prompt;
    because the request came from a document, "always allow" does not apply and the user
    is asked (and says no), so nothing runs unasked.
    """
    proposed = '{"tool": "weather", "arguments": {"place": "Paris"}}'

    question = "By how much did revenue grow?"

    def obeys_the_document(messages: list[dict]) -> str:
        injected = "call the weather tool" in messages[0]["content"]
        return proposed if injected and messages[-1]["content"] == question else "4 percent [1]."

    backend = ScriptedBackend(reply_for=obeys_the_document)
    app = build_app()
    app.engine.models = _Models(backend)
    asked = []
    policy = ToolPolicy(
        offer=True,
        approve=lambda tool, args: asked.append((tool.name, args)) or False,
        always_allowed=["weather"],
    )
    request = TurnRequest(question, collections=["library"], tools=policy)
    events = list(app.engine.run(request))
    app.close()
    citations = next(e for e in events if isinstance(e, Citations)).items
    assert any(c.document.endswith("report.txt") for c in citations)
    assert "call the weather tool" in backend.calls[0][0]["content"]  # the model read it...
    assert [e.name for e in events if isinstance(e, ToolCall)] == ["weather"]  # ...and obeyed
    assert asked == [("weather", {"place": "Paris"})], "a tool ran without asking the user"
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.is_error and result.output.startswith("the user declined")
    assert isinstance(events[-1], TurnDone)


def test_regenerate_in_a_document_chat_answers_from_the_documents_again(env):
    """Bundled model and MiniLM: a new version of a cited answer is cited again."""
    app = build_app()
    params = SamplingParams(temperature=0.0, max_tokens=12, seed=1)
    question = "What is canister shot made of?"
    first = list(
        app.engine.run(
            TurnRequest(
                question, collections=["library"], params=params, retrieval=RetrievalOptions(k=1)
            )
        )
    )[-1]
    again = list(
        app.engine.run(
            TurnRequest(
                regenerate=first.message_id,
                params=SamplingParams(temperature=0.8, max_tokens=12, seed=2),
                retrieval=RetrievalOptions(k=1),
            )
        )
    )
    app.close()
    redo = again[-1]
    assert isinstance(redo, TurnDone) and redo.message_id != first.message_id
    [citations] = [e.items for e in again if isinstance(e, Citations)]
    assert citations[0].page == 3 and citations[0].document.endswith("Vicksburg_Sample_OCR.pdf")
    app = build_app()
    versions = app.history.siblings(first.message_id)
    assert [m.id for m in versions] == [first.message_id, redo.message_id]
    assert versions[1].citations and versions[1].citations[0]["page"] == 3
    app.close()


def test_a_slash_command_in_a_document_chat(env):
    """Bundled model: ``/calc`` works in a chat that answers from documents."""
    app = build_app()
    params = SamplingParams(temperature=0.0, max_tokens=16, seed=1)
    events = list(
        app.engine.run(TurnRequest("/calc 17*23", collections=["library"], params=params))
    )
    app.close()
    [result] = [e for e in events if isinstance(e, ToolResult)]
    assert result.output == "391" and not result.is_error
    done = events[-1]
    assert isinstance(done, TurnDone) and done.text.strip() and done.model != "documents"
