"""Assistants: kept in SQLite (two processes keep each other's changes), shared as JSON files,
and applied by the engine as settings of a turn (prompt, sampling, tools, collections).

The turns here run on a scripted model that records every prompt; the same resolution runs
on the real model in tests/desktop/test_assistant_pipeline.py (window, CLI and API).
"""

from __future__ import annotations

import json
import subprocess
import sys

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.assistants import Assistant
from fireside.assistant.events import TurnDone, TurnError, TurnNotice
from fireside.assistant.turn_request import ToolPolicy, TurnRequest
from fireside.models.sampling import SamplingParams

from fireside.errors import BadFileError, FiresideError, NotFoundError
from tests.scripted_backend import FixedModel, ScriptedBackend


@pytest.fixture
def app():
    a = build_app()
    yield a
    a.close()


@pytest.fixture
def scripted(app):
    backend = ScriptedBackend(tokens=["Hello", "!"])
    app.models = FixedModel(backend)
    app.settings_store.set("chat.system_prompt", "You are a helpful assistant.")
    yield app, backend


def run(app, **request) -> tuple[list, TurnDone | TurnError]:
    request.setdefault("tools", None)
    events = list(app.engine.run(TurnRequest(**request)))
    return events, events[-1]


# -- the store ------------------------------------------------------------------------------
def test_builtins_are_listed_in_english_and_chinese(app):
    names = app.assistants.names()
    assert names[:3] == ["translator", "writing-helper", "researcher"]
    translator = app.assistants.get("Translator")  # names are not case-sensitive
    assert translator.builtin and translator.tools == [] and not translator.answer_in_user_language
    assert translator.shown("zh_CN").title == "翻译（中英互译）"
    assert translator.shown("zh_TW").title == "翻譯（中英互譯）"
    assert translator.shown("en").title.startswith("Translator")
    assert app.assistants.get("researcher").documents_only


def test_add_edit_duplicate_remove(app):
    store = app.assistants
    store.add(Assistant("poet", system_prompt="Answer in verse.", sampling={"temperature": 1.0}))
    with pytest.raises(FiresideError, match="already exists"):
        store.add(Assistant("Poet"))
    store.edit("poet", icon="♪", starters=["A poem about rain"])
    poet = store.get("poet")
    assert (poet.icon, poet.system_prompt, poet.starters) == (
        "♪",
        "Answer in verse.",
        ["A poem about rain"],
    )
    copy = store.duplicate("poet", "poet 2")
    assert copy.system_prompt == "Answer in verse." and not copy.builtin
    store.edit("poet 2", name="bard")
    assert "bard" in store.names() and "poet 2" not in store.names()
    store.remove("bard")
    with pytest.raises(NotFoundError, match="no assistant named 'bard'"):
        store.get("bard")


def test_an_edited_builtin_is_stored_over_it_and_remove_brings_it_back(app):
    store = app.assistants
    store.edit("translator", sampling={"temperature": 0.0}, model="other.gguf")
    edited = store.get("translator")
    assert (
        edited.builtin and edited.model == "other.gguf" and edited.sampling == {"temperature": 0.0}
    )
    assert edited.system_prompt.startswith("You are a translator")  # the rest is kept
    assert store.remove("translator") is True
    assert store.get("translator").model is None
    with pytest.raises(FiresideError, match="built in and cannot be removed"):
        store.remove("translator")
    with pytest.raises(FiresideError, match="keeps its name"):
        store.edit("researcher", name="librarian")


def test_a_shared_file_round_trips_and_bad_files_are_named(app, tmp_path):
    original = app.assistants.get("writing-helper")
    text = original.to_file()
    again = Assistant.from_file(text, "helper.json")
    assert again.to_dict() == original.to_dict()
    with pytest.raises(BadFileError, match="helper.json is not JSON"):
        Assistant.from_file("{not json", "helper.json")
    with pytest.raises(BadFileError, match="is not a Fireside assistant file"):
        Assistant.from_file(json.dumps({"name": "x"}), "other.json")
    bad = json.loads(text) | {"sampling": {"temperature": "hot"}}
    with pytest.raises(BadFileError, match="'sampling.temperature' must be a number"):
        Assistant.from_file(json.dumps(bad), "helper.json")
    bad = json.loads(text) | {"sampling": {"warmth": 1}}
    with pytest.raises(BadFileError, match="'sampling.warmth' is not a sampling setting"):
        Assistant.from_file(json.dumps(bad), "helper.json")
    bad = json.loads(text) | {"tools": "calculator"}
    with pytest.raises(BadFileError, match="'tools' must be a list"):
        Assistant.from_file(json.dumps(bad), "helper.json")


EDIT_LOOP = """
import sys
from fireside.assistant.app import build_app
app = build_app()
field, rounds = sys.argv[1], int(sys.argv[2])
for n in range(rounds):
    app.assistants.edit("shared", **{field: f"{field} {n}"})
app.close()
"""


def test_two_processes_editing_one_assistant_keep_each_others_changes(app):
    """Each edit re-reads the row under the write lock: one process's title and the other's
    description both survive, however their edits interleave."""
    app.assistants.add(Assistant("shared"))
    rounds = 40
    procs = [
        subprocess.Popen([sys.executable, "-c", EDIT_LOOP, field, str(rounds)])
        for field in ("title", "description")
    ]
    assert [p.wait(timeout=120) for p in procs] == [0, 0]
    final = app.assistants.get("shared")
    assert final.title == f"title {rounds - 1}"
    assert final.description == f"description {rounds - 1}"


# -- the engine applies them ----------------------------------------------------------------
def test_the_assistant_sets_the_prompt_and_sampling_and_the_chat_remembers_it(scripted):
    app, backend = scripted
    _, done = run(app, text="你好，世界", assistant="translator")
    assert isinstance(done, TurnDone), done
    system = backend.calls[-1][0]
    assert system["role"] == "system" and system["content"].startswith("You are a translator")
    assert "Simplified Chinese (简体中文)" not in system["content"]  # the target decides
    conv = app.history.get_conversation(done.conversation_id)
    assert conv.assistant == "translator" and conv.system_prompt.startswith("You are a translator")
    reply = app.history.get_message(done.message_id)
    assert reply.settings["temperature"] == 0.2
    # the next turn, with no assistant named, keeps the chat's
    _, done = run(app, text="Good morning", conversation_id=done.conversation_id)
    assert backend.calls[-1][0]["content"].startswith("You are a translator")
    # an explicit sampling value wins over the assistant's
    explicit = SamplingParams(temperature=0.9)
    _, done = run(app, text="Again", conversation_id=done.conversation_id, params=explicit)
    assert app.history.get_message(done.message_id).settings["temperature"] == 0.9
    # "" drops it: the default system prompt is back
    _, done = run(app, text="Plain now", conversation_id=done.conversation_id, assistant="")
    assert backend.calls[-1][0]["content"] == "You are a helpful assistant."
    assert app.history.get_conversation(done.conversation_id).assistant is None


def test_an_explicit_system_prompt_wins_over_the_assistant(scripted):
    app, backend = scripted
    run(app, text="Hi", assistant="writing-helper", system="Be brief.")
    assert backend.calls[-1][0]["content"] == "Be brief."


def test_unknown_deleted_and_documents_only_assistants_are_one_line(scripted):
    app, backend = scripted
    _, done = run(app, text="Hi", assistant="nobody")
    assert isinstance(done, TurnError) and "no assistant named 'nobody'" in done.message
    app.assistants.add(Assistant("temp", system_prompt="Temporary."))
    _, done = run(app, text="Hi", assistant="temp")
    app.assistants.remove("temp")
    events, done = run(app, text="Still there?", conversation_id=done.conversation_id)
    assert isinstance(done, TurnDone)
    assert any(isinstance(e, TurnNotice) and "'temp' no longer exists" in e.text for e in events)
    assert app.history.get_conversation(done.conversation_id).assistant is None
    calls = len(backend.calls)
    _, done = run(app, text="What do my files say?", assistant="researcher")
    assert isinstance(done, TurnError) and "only from documents" in done.message
    assert len(backend.calls) == calls  # the model was never asked


def test_an_assistant_narrows_the_tools(scripted):
    app, backend = scripted
    policy = ToolPolicy(offer=True, routing=True)
    events, done = run(app, text="/calc 6*7", tools=policy)
    assert any(type(e).__name__ == "ToolResult" and "42" in e.output for e in events)
    events, done = run(app, text="/calc 6*7", tools=policy, assistant="translator")
    assert not any(type(e).__name__ == "ToolCall" for e in events)  # no tools: plain text
    assert backend.calls[-1][-1]["content"] == "/calc 6*7"
