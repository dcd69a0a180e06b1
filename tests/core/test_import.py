"""Importing ChatGPT's and Claude's real export files (tests/data/exports, written by others).

Counts are taken from the files themselves with the plain rule a reader would use: a
ChatGPT conversation's messages are the nodes of its ``mapping`` that carry a message not
flagged hidden, its branches are the leaves of that tree, and the path shown ends at
``current_node``; a Claude conversation's messages are its ``chat_messages``.
"""

from __future__ import annotations

import json
import zipfile
from pathlib import Path

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.transfer.importer import import_export, run_import

from fireside.errors import BadFileError

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"


@pytest.fixture
def app():
    a = build_app()
    yield a
    a.close()


def imported(app, name: str | Path):
    path = name if isinstance(name, Path) else EXPORTS / name
    return run_import(app.history, app.paths.data_dir, path)


def chatgpt_conversations(name: str) -> list[dict]:
    path = EXPORTS / name
    if path.suffix == ".zip":
        with zipfile.ZipFile(path) as z:
            parts = sorted(n for n in z.namelist() if Path(n).name.startswith("conversations"))
            return [c for part in parts for c in json.loads(z.read(part))]
    return json.loads(path.read_text(encoding="utf-8"))


def visible_nodes(conv: dict) -> dict:
    return {
        key: node
        for key, node in conv["mapping"].items()
        if node.get("message")
        and not (node["message"].get("metadata") or {}).get("is_visually_hidden_from_conversation")
    }


def by_uid(app, uid: str):
    cid = app.history.id_for_uid(uid)
    assert cid is not None, uid
    return app.history.get_conversation(cid)


def leaves(app, cid: int) -> int:
    messages = app.history.messages(cid)
    parents = {m.parent_id for m in messages}
    return sum(1 for m in messages if m.id not in parents)


@pytest.mark.parametrize("name", ["chatgpt-logactyl.zip", "chatgpt-chat-history.json"])
def test_chatgpt_counts_branches_and_shown_path_are_the_files_own(app, name):
    report = imported(app, name)
    source = chatgpt_conversations(name)
    assert report.kind == "chatgpt" and report.complete, report.problems()
    assert report.conversations == len(source)
    total_messages = total_branches = 0
    for conv in source:
        nodes = visible_nodes(conv)
        branches = sum(1 for n in conv["mapping"].values() if not n.get("children"))
        total_messages += len(nodes)
        total_branches += branches
        ours = by_uid(app, f"chatgpt:{conv.get('conversation_id') or conv['id']}")
        assert ours.title == conv["title"]
        assert len(app.history.messages(ours.id)) == len(nodes)
        assert leaves(app, ours.id) == branches
        # the thread shown ends where ChatGPT's current_node is
        current = conv["mapping"][conv["current_node"]]["message"]
        shown = app.history.thread(ours.id)
        parts = [p for p in current["content"].get("parts") or [] if isinstance(p, str)]
        if parts:
            assert shown[-1].content == "\n\n".join(parts)
    assert (report.messages, report.branches) == (total_messages, total_branches)


def test_the_shown_path_follows_current_node_not_the_newest_reply(app):
    imported(app, "chatgpt-chat-history.json")
    conv = by_uid(app, "chatgpt:chatgpt-conv-1")
    thread = app.history.thread(conv.id)
    assert thread[-1].content == "Use argparse and subcommands."  # not the newer "alt" reply
    versions = app.history.siblings(thread[-1].id)
    assert [v.content for v in versions][1] == "This regenerated answer should not be selected."


def test_chatgpt_zip_files_are_stored_and_listed(app):
    report = imported(app, "chatgpt-logactyl.zip")
    assert (report.files, report.missing_files) == (3, 0)
    conv = by_uid(app, "chatgpt:22222222-2222-4222-8222-222222222222")
    [question] = [m for m in app.history.thread(conv.id) if m.role == "user"]
    [notes] = question.attachments
    assert (notes["name"], notes["mime_type"], notes["size"]) == (
        "sample-notes.txt",
        "text/plain",
        46,
    )
    with zipfile.ZipFile(EXPORTS / "chatgpt-logactyl.zip") as z:
        expected = z.read("file-AbCdEf1234567890-sample-notes.txt")
    assert (app.paths.data_dir / notes["file"]).read_bytes() == expected
    # the tool call and its image: a reply that ran a tool, then the tool's screenshot
    conv = by_uid(app, "chatgpt:33333333-3333-4333-8333-333333333333")
    roles = [m.role for m in app.history.thread(conv.id)]
    assert roles == ["user", "assistant", "tool", "assistant"]
    call = app.history.thread(conv.id)[1].tool_calls[0]
    assert call["name"] == "computer.initialize"
    screenshot = app.history.thread(conv.id)[2].attachments[0]
    assert (app.paths.data_dir / screenshot["file"]).read_bytes()[:4] == b"\x89PNG"


def test_claude_exports_keep_text_tools_attachments_and_non_english_intact(app):
    source = json.loads((EXPORTS / "claude-declaude.json").read_text(encoding="utf-8"))
    report = imported(app, "claude-declaude.json")
    assert report.kind == "claude" and report.complete
    assert report.conversations == len(source) == 3
    assert report.messages == sum(len(c["chat_messages"]) for c in source)
    first = by_uid(app, "claude:c-1")
    assert first.title == "Нормализация до 3НФ"
    thread = app.history.thread(first.id)
    assert [m.role for m in thread] == ["user", "assistant"]
    assert thread[0].content == "Как привести таблицу к 3НФ?"
    assert thread[1].content == source[0]["chat_messages"][1]["content"][0]["text"]
    assert app.history.messages(by_uid(app, "claude:c-3").id) == []  # an empty chat stays empty
    report = imported(app, "claude-chat-history.json")
    conv = by_uid(app, "claude:claude-conv-1")
    reply = app.history.thread(conv.id)[-1]
    assert reply.content == "I could not fetch the URL, try opening it manually."
    assert reply.tool_calls == [
        {
            "name": "web_fetch",
            "arguments": {"url": "https://example.com"},
            "output": "Fetch failed",
            "is_error": False,
        }
    ]
    names = {a["name"]: a["file"] for a in reply.attachments}
    assert (app.paths.data_dir / names["notes.txt"]).read_text() == "sample notes"
    assert names["draft.md"] is None  # named in the export, not held by it
    report = imported(app, "claude-logactyl.zip")
    assert report.conversations == 3 and report.complete


def test_importing_the_same_file_twice_adds_nothing(app):
    first = imported(app, "chatgpt-logactyl.zip")
    count = len(app.history.conversation_ids())
    again = imported(app, "chatgpt-logactyl.zip")
    assert (again.conversations, again.skipped) == (0, first.conversations)
    assert len(app.history.conversation_ids()) == count
    files = list((app.paths.data_dir / "attachments").rglob("*"))
    imported(app, "chatgpt-logactyl.zip")
    assert list((app.paths.data_dir / "attachments").rglob("*")) == files


def test_progress_is_reported_up_to_the_whole_file(app):
    steps = import_export(app.history, app.paths.data_dir, EXPORTS / "chatgpt-chat-history.json")
    seen = []
    while True:
        try:
            seen.append(next(steps))
        except StopIteration as done:
            report = done.value
            break
    assert seen[0].fraction == 0.0 and seen[-1].fraction == 1.0
    assert seen[-1].conversations == report.conversations == 3


# -- bad input: one line each, nothing half-imported ----------------------------------------
def test_a_file_that_is_not_json_is_refused(app, tmp_path):
    bad = tmp_path / "notes.json"
    bad.write_text("These are my notes, not an export.")
    with pytest.raises(BadFileError, match="notes.json is not JSON"):
        imported(app, bad)
    assert app.history.conversation_ids() == []


def test_json_of_another_shape_is_refused(app, tmp_path):
    other = tmp_path / "settings.json"
    other.write_text(json.dumps({"theme": "dark", "recent": [1, 2, 3]}))
    with pytest.raises(BadFileError, match="not a ChatGPT, Claude or Fireside export"):
        imported(app, other)
    listed = tmp_path / "list.json"
    listed.write_text(json.dumps([{"question": "q", "answer": "a"}]))
    with pytest.raises(BadFileError, match="not a ChatGPT, Claude or Fireside export"):
        imported(app, listed)
    empty_zip = tmp_path / "photos.zip"
    with zipfile.ZipFile(empty_zip, "w") as z:
        z.writestr("photo.txt", "not an export")
    with pytest.raises(BadFileError, match="holds no conversations.json"):
        imported(app, empty_zip)
    assert app.history.conversation_ids() == []


def test_a_truncated_export_keeps_whole_conversations_and_says_where_it_broke(app, tmp_path):
    text = (EXPORTS / "chatgpt-chat-history.json").read_text(encoding="utf-8")
    cut = text.index("Unknown Type Coverage")  # inside the second conversation
    truncated = tmp_path / "conversations.json"
    truncated.write_text(text[:cut], encoding="utf-8")
    report = imported(app, truncated)
    assert report.conversations == 1 and not report.complete
    assert "conversations.json breaks off after 1 conversations" in report.damaged
    [cid] = app.history.conversation_ids()
    assert app.history.get_conversation(cid).title == "Branching Conversation"
    assert len(app.history.messages(cid)) == 3  # whole: nothing of the broken one


def test_a_damaged_conversation_is_named_and_the_others_are_imported(app, tmp_path):
    source = chatgpt_conversations("chatgpt-chat-history.json")
    source[1]["mapping"] = ["not", "a", "tree"]
    path = tmp_path / "conversations.json"
    path.write_text(json.dumps(source), encoding="utf-8")
    report = imported(app, path)
    assert report.conversations == 2
    assert report.failed == ["'Unknown Type Coverage' (chatgpt-conv-2): 'mapping' is not an object"]


PEAK_PROBE = """
import resource, sys
from fireside.cli.main import main
code = main(['history', 'import', sys.argv[1], '--json'])
print(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss, file=sys.stderr)
sys.exit(code)
"""


def _big_export(path: Path, count: int) -> Path:
    """``count`` copies of a real conversation with new ids, 100 KB each (mostly a field
    Fireside does not keep)."""
    base = chatgpt_conversations("chatgpt-logactyl.zip")[0]
    padding = ["https://example.com/" + "x" * 1000] * 100
    with path.open("w", encoding="utf-8") as out:
        out.write("[")
        for n in range(count):
            conv = dict(base, id=f"big-{n}", conversation_id=f"big-{n}", safe_urls=padding)
            out.write(("," if n else "") + json.dumps(conv))
        out.write("]")
    return path


def _import_peak(path: Path, home: Path) -> tuple[dict, int]:
    """The import's report and the peak memory (bytes) of the process that ran it."""
    import os
    import subprocess
    import sys

    env = dict(os.environ, FIRESIDE_HOME=str(home))
    done = subprocess.run(
        [sys.executable, "-c", PEAK_PROBE, str(path)],
        capture_output=True,
        text=True,
        timeout=600,
        env=env,
    )
    assert done.returncode == 0, done.stderr
    return json.loads(done.stdout), int(done.stderr.strip().splitlines()[-1]) * 1024


@pytest.mark.slow
def test_a_200_mb_export_is_streamed_in_bounded_memory(tmp_path):
    """A 200 MB export costs about what a 20 MB one does: the import holds one conversation
    at a time, never the file (``json.load`` of it would need well over 1 GB)."""
    small = _big_export(tmp_path / "small.json", 200)
    big = _big_export(tmp_path / "conversations.json", 2000)
    size = big.stat().st_size
    assert size > 200 * 2**20
    small_report, small_peak = _import_peak(small, tmp_path / "home-small")
    report, peak = _import_peak(big, tmp_path / "home-big")
    assert small_report["conversations"] == 200
    assert report["conversations"] == 2000 and report["messages"] == 2 * 2000
    assert report["failed"] == [] and report["damaged"] is None
    grew = (peak - small_peak) / 2**20
    print(
        f"peak {peak / 2**20:.0f} MiB for {size >> 20} MiB, {small_peak / 2**20:.0f} MiB for 20 MiB"
    )
    assert grew < 32, f"memory grew by {grew:.0f} MiB with a file 10 times larger"
