"""Exports: Fireside's JSON round-trips exactly; Markdown and HTML show what the window shows;
preference pairs come from ratings and regenerations in TRL's format."""

from __future__ import annotations

import html.parser
import io
import json
from pathlib import Path

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.settings import Paths
from fireside.assistant.transfer.exporter import export_file, export_to
from fireside.assistant.transfer.importer import run_import
from fireside.assistant.transfer.preferences import write_preferences

from fireside.errors import NotFoundError

EXPORTS = Path(__file__).resolve().parents[1] / "data" / "exports"
CITATION = {
    "document": "/docs/manual.pdf",
    "page": 3,
    "line_start": None,
    "line_end": None,
    "heading": None,
    "text": "The warranty lasts two years from the date of purchase.",
    "score": 0.8,
}


@pytest.fixture
def app():
    a = build_app()
    yield a
    a.close()


def native_chat(app) -> int:
    """A chat as the engine writes one: a regenerated reply, a rating, sources, a tool run,
    sampling and timings, in Chinese and English."""
    h = app.history
    conv = h.create_conversation(
        "保修多久？ Warranty", model="qwen.gguf", system_prompt="Be brief."
    )
    q = h.add_message(conv.id, "user", "保修期是多久？")
    first = h.add_message(
        conv.id,
        "assistant",
        "两年。",
        q.id,
        model="qwen.gguf",
        backend="llama.cpp",
        settings={"temperature": 0.2, "max_tokens": 64},
    )
    h.update_message(
        first.id,
        citations=[CITATION],
        timings={"tokens_per_s": 12.5, "finish_reason": "stop"},
        prompt_tokens=40,
        completion_tokens=3,
    )
    second = h.add_message(
        conv.id,
        "assistant",
        "保修期为两年 [1]。",
        q.id,
        model="qwen.gguf",
        settings={"temperature": 0.7},
    )
    h.rate(first.id, "down", "没有引用来源")
    h.rate(second.id, "up")
    follow = h.add_message(conv.id, "user", "What is 17*23?", second.id)
    h.add_message(conv.id, "assistant", "17 × 23 = 391", follow.id, model="qwen.gguf")
    last = h.thread(conv.id)[-1]
    h.update_message(
        last.id,
        tool_calls=[
            {
                "name": "calculator",
                "arguments": {"expression": "17*23"},
                "output": "391",
                "is_error": False,
                "duration_s": 0.01,
            }
        ],
    )
    h.set_assistant(conv.id, "writing-helper")
    return conv.id


def test_json_export_imports_back_identical(app, tmp_path):
    run_import(app.history, app.paths.data_dir, EXPORTS / "chatgpt-logactyl.zip")
    run_import(app.history, app.paths.data_dir, EXPORTS / "claude-declaude.json")
    native_chat(app)
    first = tmp_path / "all.json"
    count = export_file(app.history, app.paths.data_dir, None, "json", first)
    assert count == len(app.history.conversation_ids()) == 7
    other = build_app(Paths.under(tmp_path / "empty").ensure())
    try:
        report = run_import(other.history, other.paths.data_dir, first)
        assert report.kind == "fireside" and report.conversations == 7 and report.complete
        second = tmp_path / "again.json"
        export_file(other.history, other.paths.data_dir, None, "json", second)
    finally:
        other.close()
    assert second.read_bytes() == first.read_bytes()
    data = json.loads(first.read_text(encoding="utf-8"))
    assert data["format"] == "fireside-chats"
    chat = next(c for c in data["conversations"] if c["title"].startswith("保修"))
    assert len(chat["messages"]) == 5 and chat["current"] == 5
    assert chat["messages"][1]["rating"] == "down"
    assert chat["messages"][1]["citations"][0]["page"] == 3
    assert chat["messages"][1]["settings"]["temperature"] == 0.2
    assert chat["messages"][4]["tool_calls"][0]["output"] == "391"
    with_image = next(c for c in data["conversations"] if "multimodal" in c["title"])
    files = [f for m in with_image["messages"] for f in m["attachments"]]
    assert all(f["data"] for f in files)  # the images travel inside the file


def test_export_checks_every_id_before_writing(app, tmp_path):
    cid = native_chat(app)
    target = tmp_path / "out.md"
    target.write_text("the old export")
    with pytest.raises(NotFoundError, match="no conversation 999"):
        export_file(app.history, app.paths.data_dir, [cid, 999], "md", target)
    assert target.read_text() == "the old export"


def test_markdown_shows_roles_times_sources_tools_and_ratings(app):
    cid = native_chat(app)
    out = io.StringIO()
    export_to(app.history, app.paths.data_dir, [cid], "md", out)
    text = out.getvalue()
    assert text.startswith("# 保修多久？ Warranty\n")
    assert "### You · " in text and "### Assistant · " in text and "model qwen.gguf" in text
    assert "保修期为两年 [1]。" in text and "两年。" not in text  # the shown version only
    assert "version 2 of 2" in text
    assert "*Rated good*" in text
    assert "tool **calculator** (`17*23`) → `391`" in text
    assert " UTC" in text
    out = io.StringIO()
    export_to(app.history, app.paths.data_dir, [cid], "md", out, language="zh_CN")
    assert "### 你 · " in out.getvalue() and "评价：好" in out.getvalue()


class _Checker(html.parser.HTMLParser):
    """Tags open and close in order; counts images and scripts."""

    VOID = {"meta", "img", "br", "hr", "input", "link"}

    def __init__(self) -> None:
        super().__init__()
        self.stack: list[str] = []
        self.errors: list[str] = []
        self.images: list[str] = []
        self.scripts = 0

    def handle_starttag(self, tag, attrs):
        if tag == "script":
            self.scripts += 1
        if tag == "img":
            self.images.append(dict(attrs)["src"])
        if tag not in self.VOID:
            self.stack.append(tag)

    def handle_endtag(self, tag):
        if not self.stack or self.stack[-1] != tag:
            self.errors.append(f"</{tag}> closes <{self.stack[-1] if self.stack else None}>")
        else:
            self.stack.pop()


def test_html_is_one_self_contained_well_formed_page(app):
    run_import(app.history, app.paths.data_dir, EXPORTS / "chatgpt-logactyl.zip")
    run_import(app.history, app.paths.data_dir, EXPORTS / "claude-declaude.json")
    native_chat(app)
    out = io.StringIO()
    export_to(app.history, app.paths.data_dir, None, "html", out)
    page = out.getvalue()
    checker = _Checker()
    checker.feed(page)
    assert checker.errors == [] and checker.stack == []
    assert checker.scripts == 0  # the Claude chat's <script> is shown as text, never run
    assert "&lt;script&gt;alert(3)&lt;/script&gt;" in page
    assert 'href="javascript:' not in page
    assert checker.images and all(
        src.startswith("data:image/png;base64,") for src in checker.images
    )
    assert "http://" not in page.replace("http://www.w3.org", "") and "<link" not in page
    assert 'class="hl"' in page and '<span class="k">SELECT</span>' in page  # highlighted SQL
    assert "Нормализация до 3НФ" in page and "保修期为两年 [1]。" in page
    assert '<ol><li><a href="#chat-' in page  # contents of the 7 conversations


def test_preference_pairs_from_ratings_and_regenerations(app, tmp_path):
    cid = native_chat(app)
    h = app.history
    # a second question: the first reply rated down, regenerated, the new one kept
    q = h.add_message(cid, "user", "Say it shorter.", h.thread(cid)[-1].id)
    bad = h.add_message(cid, "assistant", "The warranty period is two years long.", q.id)
    good = h.add_message(cid, "assistant", "Two years.", q.id)
    h.rate(bad.id, "down")
    # one reply alone makes no pair, whatever its rating
    h.rate(h.thread(cid)[3].id, "up")  # "17 × 23 = 391"
    out = io.StringIO()
    assert write_preferences(h, out) == 2
    pairs = [json.loads(line) for line in out.getvalue().splitlines()]
    first, second = pairs
    assert first["prompt"] == [
        {"role": "system", "content": "Be brief."},
        {"role": "user", "content": "保修期是多久？"},
    ]
    assert first["chosen"] == [{"role": "assistant", "content": "保修期为两年 [1]。"}]
    assert first["rejected"] == [{"role": "assistant", "content": "两年。"}]
    assert second["prompt"][-1] == {"role": "user", "content": "Say it shorter."}
    assert second["chosen"][0]["content"] == good.content
    assert second["rejected"][0]["content"] == bad.content
    assert set(first) == {"prompt", "chosen", "rejected"}
