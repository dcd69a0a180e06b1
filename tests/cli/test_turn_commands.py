"""``fireside chat`` and ``fireside ask`` build one kind of turn request; bad ids and names
are one line on stderr and a non-zero exit, with nothing written."""

from __future__ import annotations

import json

import pytest
from fireside.cli.main import main

from tests.documents.helpers import cli_add


def test_ask_names_an_unknown_collection(tmp_path, capsys):
    cli_add(tmp_path)
    capsys.readouterr()
    assert main(["ask", "What is Buzz?", "-C", "nosuch"]) == 2
    err = capsys.readouterr().err.strip().splitlines()
    assert err == ["fireside: error: no collection named 'nosuch' (collections: deb)"]


def test_ask_without_any_collection_says_how_to_add_one(capsys):
    assert main(["ask", "What is Buzz?"]) == 2
    assert "no document collections yet: fireside docs add" in capsys.readouterr().err


@pytest.mark.slow
def test_unknown_conversation_is_one_line_and_writes_nothing(tmp_path, capsys):
    cli_add(tmp_path)
    capsys.readouterr()
    for command in (["chat", "hi", "-c", "999"], ["ask", "What is Buzz?", "-c", "999"]):
        assert main([*command, "--max-tokens", "4"]) == 2
        err = capsys.readouterr().err.strip().splitlines()
        assert err[-1] == "fireside: error: no conversation 999"
    assert main(["history", "list", "--json"]) == 0
    assert json.loads(capsys.readouterr().out) == []


@pytest.mark.slow
def test_chat_json_tool_calls_are_the_stored_records(capsys):
    """``/calc`` with the bundled model: the printed record is the one in history."""
    args = ["--json", "--max-tokens", "8", "--temperature", "0"]
    assert main(["chat", "/calc 17*23", *args]) == 0
    out = json.loads(capsys.readouterr().out)
    [call] = out["tool_calls"]
    assert call["name"] == "calculator" and call["output"] == "391" and call["source"] == "user"
    assert main(["history", "show", str(out["conversation_id"]), "--json"]) == 0
    stored = json.loads(capsys.readouterr().out)["messages"][-1]["tool_calls"]
    assert stored == [call]
