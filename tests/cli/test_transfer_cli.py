"""``fireside history export | import | rate`` and ``fireside assistants`` as a user runs them:
real processes over real export files."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


def fireside(*args, home: Path | None = None, timeout=120):
    env = os.environ.copy()
    if home is not None:
        env["FIRESIDE_HOME"] = str(home)
    return subprocess.run(
        [sys.executable, "-m", "fireside.launcher", *args],
        capture_output=True,
        text=True,
        timeout=timeout,
        env=env,
    )


def one_line_error(result, *needles):
    assert result.returncode == 2, result
    assert "Traceback" not in result.stderr
    lines = [ln for ln in result.stderr.splitlines() if ln.strip()]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("fireside: error: ")
    for needle in needles:
        assert needle in lines[0], lines[0]


def test_import_prints_counts_and_a_second_import_adds_nothing():
    done = fireside("history", "import", str(EXPORTS / "chatgpt-logactyl.zip"))
    assert done.returncode == 0, done.stderr
    assert done.stdout.strip() == (
        "imported 3 conversations (9 messages, 4 branches) from ChatGPT export "
        "chatgpt-logactyl.zip; 3 files stored, 0 not in the export"
    )
    again = fireside("history", "import", str(EXPORTS / "chatgpt-logactyl.zip"), "--json")
    report = json.loads(again.stdout)
    assert (report["conversations"], report["skipped"]) == (0, 3)
    listed = json.loads(fireside("history", "list", "--json").stdout)
    assert len(listed) == 3


def test_bad_files_are_one_line_each(tmp_path):
    notes = tmp_path / "notes.txt"
    notes.write_text("just some notes")
    one_line_error(fireside("history", "import", str(notes)), "notes.txt is not JSON")
    other = tmp_path / "package.json"
    other.write_text('{"name": "left-pad", "version": "1.3.0"}')
    one_line_error(fireside("history", "import", str(other)), "not a ChatGPT, Claude or Fireside")
    one_line_error(fireside("history", "import", str(tmp_path / "gone.json")), "no such file")
    text = (EXPORTS / "claude-declaude.json").read_text(encoding="utf-8")
    cut = tmp_path / "conversations.json"
    cut.write_text(text[: text.index('"c-2"')], encoding="utf-8")
    done = fireside("history", "import", str(cut))
    one_line_error(done, "breaks off after 1 conversations")
    assert done.stdout.startswith("imported 1 conversations (2 messages")
    one_line_error(fireside("history", "export", "42", "-f", "md"), "no conversation 42")
    one_line_error(fireside("history", "rate", "7", "up"), "no message 7")


def test_export_all_as_json_imports_into_an_empty_folder_and_exports_identical(tmp_path):
    for name in ("chatgpt-chat-history.json", "claude-chat-history.json", "claude-logactyl.zip"):
        assert fireside("history", "import", str(EXPORTS / name)).returncode == 0
    listed = json.loads(fireside("history", "list", "--json").stdout)
    reply = next(
        m
        for m in json.loads(fireside("history", "show", str(listed[0]["id"]), "--json").stdout)[
            "messages"
        ]
        if m["role"] == "assistant"
    )
    rated = fireside("history", "rate", str(reply["id"]), "down", "--reason", "too vague")
    assert rated.returncode == 0, rated.stderr
    first = tmp_path / "all.json"
    done = fireside("history", "export", "--all", "-o", str(first))
    assert done.returncode == 0 and "exported 7 conversations" in done.stderr
    other = tmp_path / "other-home"
    assert fireside("history", "import", str(first), home=other).returncode == 0
    second = tmp_path / "again.json"
    assert fireside("history", "export", "--all", "-o", str(second), home=other).returncode == 0
    assert second.read_bytes() == first.read_bytes()
    md = fireside("history", "export", str(listed[0]["id"]), "--format", "md").stdout
    assert "*Rated bad* — too vague" in md
    html = fireside("history", "export", "--all", "-o", str(tmp_path / "chats.html"))
    assert html.returncode == 0
    assert (tmp_path / "chats.html").read_text(encoding="utf-8").startswith("<!DOCTYPE html>")


def test_preferences_are_written_as_json_lines(tmp_path):
    assert fireside("history", "import", str(EXPORTS / "chatgpt-chat-history.json")).returncode == 0
    conv = next(
        c
        for c in json.loads(fireside("history", "list", "--json").stdout)
        if c["title"] == "Branching Conversation"
    )
    # the reply shown (kept) and its regenerated sibling: rate the sibling down
    from fireside.assistant.app import build_app

    app = build_app()
    try:
        shown = app.history.thread(conv["id"])[-1]
        other = [s for s in app.history.siblings(shown.id) if s.id != shown.id][0]
    finally:
        app.close()
    assert fireside("history", "rate", str(other.id), "down").returncode == 0
    pairs = tmp_path / "pairs.jsonl"
    done = fireside("history", "export", "--preferences", "-o", str(pairs))
    assert done.returncode == 0 and "exported 1 preference pairs" in done.stderr
    [line] = pairs.read_text(encoding="utf-8").splitlines()
    pair = json.loads(line)
    assert pair["chosen"][0]["content"] == "Use argparse and subcommands."
    assert pair["rejected"][0]["content"] == "This regenerated answer should not be selected."
    assert pair["prompt"][-1] == {"role": "user", "content": "How do I build an export command?"}


def test_assistants_are_added_shared_and_imported(tmp_path):
    listed = fireside("assistants", "list")
    assert listed.returncode == 0
    assert [ln.split()[0] for ln in listed.stdout.splitlines()] == [
        "translator",
        "writing-helper",
        "researcher",
    ]
    done = fireside(
        "assistants",
        "add",
        "reviewer",
        "--system",
        "Review code for bugs.",
        "--temperature",
        "0.1",
        "--tools",
        "calculator",
        "--starter",
        "Review this:",
    )
    assert done.returncode == 0, done.stderr
    shared = tmp_path / "reviewer.json"
    assert fireside("assistants", "export", "reviewer", "-o", str(shared)).returncode == 0
    other = tmp_path / "friend"
    assert fireside("assistants", "import", str(shared), home=other).returncode == 0
    theirs = json.loads(fireside("assistants", "show", "reviewer", "--json", home=other).stdout)
    assert theirs["system_prompt"] == "Review code for bugs."
    assert theirs["sampling"] == {"temperature": 0.1} and theirs["tools"] == ["calculator"]
    one_line_error(fireside("assistants", "import", str(shared), home=other), "already exists")
    one_line_error(fireside("assistants", "show", "nobody"), "no assistant named 'nobody'")
    one_line_error(fireside("assistants", "remove", "researcher"), "built in")
    bad = tmp_path / "bad.json"
    bad.write_text(json.dumps({"fireside_assistant": 1, "name": "x", "tools": "all"}))
    one_line_error(fireside("assistants", "import", str(bad)), "'tools' must be a list")
    one_line_error(fireside("chat", "hi", "--assistant", "nobody"), "no assistant named 'nobody'")
