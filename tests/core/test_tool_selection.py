"""Fewer, better tools: the packaged MiniLM picks the tools closest to the message."""

from __future__ import annotations

import pytest
from fireside.assistant.events import TurnDone, TurnNotice
from fireside.assistant.tool_selection import ToolSelector
from fireside.assistant.turn_request import ToolPolicy
from fireside.models.embedder import HashEmbedder, get_embedder
from fireside.plugins.builtin import clock
from fireside.plugins.builtin.calculator import calculator
from fireside.plugins.builtin.clock import current_datetime
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool

from tests.desktop.fakes import scripted_app
from tests.turns import send


def make(name: str, description: str) -> Tool:
    def func(text: str = "") -> str:
        return name

    return Tool(name, description, {"type": "object", "properties": {}}, func)


MANY = [
    Tool.from_function(calculator),
    Tool.from_function(current_datetime),
    make("weather", "Current weather and a 3-day forecast for a place."),
    make("read_file", "Read the contents of a file on disk."),
    make("write_file", "Write text to a file on disk."),
    make("list_directory", "List the files in a folder."),
    make("git_log", "Show the commit history of a git repository."),
    make("git_diff", "Show changes between commits in a git repository."),
    make("fetch", "Fetch a web page and return its text."),
    make("search_web", "Search the web for pages about a topic."),
    make("send_email", "Send an email message to someone."),
    make("create_event", "Create a calendar event with a title and a time."),
]


class ManyTools:
    """A plugin offering the tools an MCP server or two would bring."""

    @hookimpl
    def register_tools(self, register) -> None:
        for tool in MANY[3:]:
            register(tool)


@pytest.fixture(scope="module")
def minilm():
    return get_embedder("all-MiniLM-L6-v2")  # the packaged MiniLM


@pytest.mark.slow
@pytest.mark.parametrize(
    "message, expected",
    [
        ("Show me the recent commits of this repository", "git_log"),
        ("Please email Anna that I am late", "send_email"),
        ("What files are in my Documents folder?", "list_directory"),
        ("Is it going to rain in Bergen tomorrow?", "weather"),
        ("Put a meeting with Bob on my calendar for Friday at 10", "create_event"),
    ],
)
def test_minilm_offers_the_relevant_tools(minilm, message, expected):
    calls = []
    selector = ToolSelector(lambda: calls.append(1) or minilm, limit=4)
    selection = selector.select(ToolRegistry(MANY), message)
    assert selection.trimmed and selection.total == len(MANY) and len(selection.offered) == 4
    assert expected in selection.offered, selection.offered
    assert list(selection.registry.names()) == selection.offered
    selector.select(ToolRegistry(MANY), "another message")
    assert calls == [1]  # one embedder, loaded once; tool vectors cached per tool set
    assert len(selector._vectors) == 1


def test_few_tools_are_all_offered_without_loading_an_embedder():
    def boom():
        raise AssertionError("the embedder must not be loaded for a few tools")

    selection = ToolSelector(boom, limit=5).select(ToolRegistry(MANY[:3]), "hello")
    assert not selection.trimmed and selection.offered == [
        "calculator",
        "current_datetime",
        "weather",
    ]


def test_the_engine_says_which_tools_were_offered_and_stores_them():
    app = scripted_app()
    try:
        app.plugins.add_plugin("many", ManyTools())
        if "current_datetime" not in {t.name for t in app.plugins.tools()}:
            app.plugins.add_plugin("clock", clock)
        app.engine.tool_selector = ToolSelector(lambda: HashEmbedder(384), limit=3)
        events = list(send(app.engine, "Show the git commit history", tools=ToolPolicy(offer=True)))
        (notice,) = [e for e in events if isinstance(e, TurnNotice)]
        assert notice.text.startswith("Offered the model 3 of ")
        done = events[-1]
        assert isinstance(done, TurnDone)
        stored = app.history.get_message(done.message_id)
        assert len(stored.timings["offered_tools"]) == 3
        system = app.models._backend.calls[-1][0]["content"]
        offered = stored.timings["offered_tools"]
        assert all(f"- {name}:" in system for name in offered)
        assert "- send_email:" not in system or "send_email" in offered
    finally:
        app.close()
