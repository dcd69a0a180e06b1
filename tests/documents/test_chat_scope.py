"""A chat remembers which document collections it answers from, and survives their removal."""

from __future__ import annotations

import json

import pytest
from fireside.assistant.events import Citations, TurnDone, TurnError, TurnNotice
from fireside.assistant.turn_request import RetrievalOptions, TurnRequest

from tests.documents.helpers import cli_add, index
from tests.documents.test_answering import engine  # noqa: F401  (fixture)


def chat(engine, store, text, collections, **kw):  # noqa: F811
    request = TurnRequest(
        text, collections=collections, retrieval=RetrievalOptions(threshold=0.0), **kw
    )
    return list(engine.run(request))


def test_a_new_chat_remembers_its_collections(engine, store, data):  # noqa: F811
    index(store, [data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"], collection="war")
    index(store, [data / "csv" / "debian.csv"], collection="debian")
    events = chat(engine, store, "What is cannister shot made of?", ["war"])
    done = events[-1]
    assert isinstance(done, TurnDone)
    assert engine.history.get_conversation(done.conversation_id).collections == ["war"]
    [cites] = [e for e in events if isinstance(e, Citations)]
    assert all(c.document.endswith(".pdf") for c in cites.items)
    # a later turn with both collections updates what the chat remembers
    chat(
        engine, store, "And the packages?", ["war", "debian"], conversation_id=done.conversation_id
    )
    assert engine.history.get_conversation(done.conversation_id).collections == [
        "war",
        "debian",
    ]


def test_a_removed_collection_is_left_out_with_a_notice(engine, store, data):  # noqa: F811
    index(store, [data / "csv" / "debian.csv"], collection="debian")
    assert engine.documents.split_available(["gone", "debian"]) == (["debian"], ["gone"])
    events = chat(engine, store, "Which packages are listed?", ["gone", "debian"])
    [notice] = [e for e in events if isinstance(e, TurnNotice)]
    assert "'gone'" in notice.text and "no longer exists" in notice.text
    assert isinstance(events[-1], TurnDone)
    assert engine.history.get_conversation(events[-1].conversation_id).collections == ["debian"]


def test_a_chat_whose_collections_are_all_gone_says_so(engine, store):  # noqa: F811
    events = chat(engine, store, "Anything?", ["gone"])
    assert isinstance(events[-1], TurnError)
    assert "collections exist any more" in events[-1].message


@pytest.mark.slow
def test_cli_chat_answers_from_the_chats_collections(tmp_path, data, capsys):
    """``fireside chat --collection`` with the bundled model; ``-c`` keeps the choice."""
    from fireside.cli.main import main

    cli_add(tmp_path)
    capsys.readouterr()
    question = "Which codename, series and release date has version 1.1 Buzz?"
    args = ["--json", "--max-tokens", "24", "--temperature", "0"]
    assert main(["chat", question, "--collection", "deb", *args]) == 0
    first = json.loads(capsys.readouterr().out)
    assert first["citations"] and first["citations"][0]["document"].endswith("debian.csv")
    cid = str(first["conversation_id"])
    assert (
        main(["chat", "And the codename, series and release of version 1.2 Rex?", "-c", cid, *args])
        == 0
    )
    second = json.loads(capsys.readouterr().out)
    assert second["citations"], "the conversation kept answering from its collection"
    assert main(["chat", "Say hello.", "-c", cid, "--no-documents", *args]) == 0
    third = json.loads(capsys.readouterr().out)
    assert third["citations"] == []


def test_regenerate_and_edit_answer_from_the_documents_again(engine, store, data):  # noqa: F811
    index(store, [data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"], collection="war")
    first = chat(engine, store, "What is cannister shot made of?", ["war"])[-1]
    history = engine.history
    again = chat(engine, store, "", ["war"], regenerate=first.message_id)
    redo = again[-1]
    assert isinstance(redo, TurnDone) and redo.message_id != first.message_id
    assert [m.id for m in history.siblings(first.message_id)] == [
        first.message_id,
        redo.message_id,
    ]
    assert history.get_message(redo.message_id).citations
    assert "cannister" in engine.backend.calls[-1][-1]["content"]
    # an edited question is a sibling of the original, answered with sources
    question = history.get_message(first.message_id).parent_id
    edited = chat(
        engine,
        store,
        "What is grape shot made of?",
        ["war"],
        conversation_id=first.conversation_id,
        parent_id=history.get_message(question).parent_id,
    )[-1]
    new_question = history.get_message(edited.message_id).parent_id
    assert [m.id for m in history.siblings(question)] == [question, new_question]
    assert history.get_message(edited.message_id).citations
    thread = history.thread(first.conversation_id)
    assert [m.content for m in thread if m.role == "user"] == ["What is grape shot made of?"]
