"""Tool routing: which messages run a tool before the model answers, and what the engine does."""

from __future__ import annotations

import re

import pytest
from fireside.assistant.arithmetic_request import arithmetic_expression
from fireside.assistant.events import TextDelta, ToolCall, ToolResult, TurnDone
from fireside.assistant.number_words import chinese_number, english_number, numbers_to_digits
from fireside.assistant.tool_routing import detect, route_message, run_routed
from fireside.assistant.turn_request import ToolPolicy
from fireside.assistant.turn_tools import TurnTools
from fireside.plugins.builtin import clock
from fireside.plugins.builtin.calculator import calculator
from fireside.plugins.builtin.clock import current_datetime
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.tools import Tool, run_tool

from tests.desktop.fakes import scripted_app
from tests.turns import send


def weather(place: str) -> str:
    """Current weather for a place."""
    return f"Weather for {place}: 12 °C, overcast"


def registry() -> ToolRegistry:
    return ToolRegistry(
        [
            Tool.from_function(calculator),
            Tool.from_function(current_datetime),
            Tool.from_function(weather, network=True),
        ]
    )


@pytest.mark.parametrize(
    "words, value",
    [
        ("seventeen", 17),
        ("twenty-three", 23),
        ("one hundred and five", 105),
        ("a thousand", 1000),
        ("two million three hundred thousand", 2_300_000),
        ("ninety nine", 99),
        ("three point five", 3.5),
    ],
)
def test_english_numbers(words, value):
    assert english_number(words) == value


@pytest.mark.parametrize(
    "words, value",
    [
        ("十七", 17),
        ("二十三", 23),
        ("十", 10),
        ("一百零五", 105),
        ("两千", 2000),
        ("一万两千三百四十五", 12345),
        ("一亿两千万", 120_000_000),
        ("三点五", 3.5),
        ("一二三", 123),
    ],
)
def test_chinese_numbers(words, value):
    assert chinese_number(words) == value


def test_only_number_words_change():
    assert numbers_to_digits("one of them has seventeen cats") == "1 of them has 17 cats"
    assert numbers_to_digits("a cat") == "a cat"
    assert numbers_to_digits("十七乘以二十三") == "17乘以23"


@pytest.mark.parametrize(
    "question, answer",
    [
        ("What is 17 times 23?", "391"),
        ("what is seventeen times twenty-three", "391"),
        ("十七乘以二十三是多少", "391"),
        ("十七乘以二十三等于多少？", "391"),
        ("15% of 80", "12"),
        ("What is 15 percent of 80?", "12"),
        ("八十的百分之十五是多少", "12"),
        ("2的10次方", "1024"),
        ("what is 2 to the power of 10", "1024"),
        ("3 to the 4th power", "81"),
        ("Calculate 12*(3+4)", "84"),
        ("what is the square root of 144?", "12"),
        ("how much is 100 divided by 8?", "12.5"),
        ("请问一百除以八等于多少？", "12.5"),
        ("三的平方是多少", "9"),
        ("17 x 23", "391"),
        ("what is 7 squared", "49"),
        ("subtract 5 from 12", "7"),
        ("what is 1,000 times 3", "3000"),
        ("一加一等于几", "2"),
        ("what is ninety nine plus one hundred and one?", "200"),
        ("百分之十五乘以八十", "12"),
    ],
)
def test_arithmetic_questions_become_expressions(question, answer):
    expression = arithmetic_expression(question)
    assert expression is not None, question
    assert run_tool(Tool.from_function(calculator), {"expression": expression}).output == answer


@pytest.mark.parametrize(
    "message",
    [
        "I have 3 kids and 2 dogs",
        "What is the capital of France?",
        "2024",
        "What is 17 times 23 apples for my aunt?",
        "Tell me a story about 3 + 4 bears",
        "The meeting is 2-3pm",
        "what is 5 and 6",
        "hello",
        "one of them",
        "我有三只猫",
        "Explain why 2+2=4 in Peano arithmetic",
    ],
)
def test_other_messages_are_not_arithmetic(message):
    assert arithmetic_expression(message) is None


@pytest.mark.parametrize(
    "message, tool, arguments",
    [
        ("weather in Oslo", "weather", {"place": "Oslo"}),
        ("What is the weather in Oslo?", "weather", {"place": "Oslo"}),
        ("What's the weather like in New York today?", "weather", {"place": "New York"}),
        ("Oslo weather", "weather", {"place": "Oslo"}),
        ("is it raining in London?", "weather", {"place": "London"}),
        ("奥斯陆天气", "weather", {"place": "奥斯陆"}),
        ("北京今天天气怎么样？", "weather", {"place": "北京"}),
        ("what day is it", "current_datetime", {}),
        ("What is the date today?", "current_datetime", {}),
        ("what time is it?", "current_datetime", {}),
        ("What is today's date?", "current_datetime", {}),
        ("今天几号", "current_datetime", {}),
        ("今天星期几", "current_datetime", {}),
        ("现在几点了", "current_datetime", {}),
        ("What is 17 times 23?", "calculator", {"expression": "17 * 23"}),
    ],
)
def test_detects_obvious_requests(message, tool, arguments):
    call = detect(message, registry())
    assert call is not None and (call.tool, call.arguments) == (tool, arguments)


@pytest.mark.parametrize(
    "message",
    [
        "Tell me about the weather",
        "I love the weather in Oslo because it is calm",
        "Write a poem about weather in Oslo",
        "天气",
        "/calc 2+2",
        "What day was the moon landing?",
    ],
)
def test_leaves_everything_else_to_the_model(message):
    assert detect(message, registry()) is None


def test_a_tool_that_is_not_enabled_is_never_routed_to():
    only_calc = ToolRegistry([Tool.from_function(calculator)])
    assert detect("weather in Oslo", only_calc) is None
    assert detect("what day is it", only_calc) is None


def test_weather_asks_first_and_a_refusal_is_an_error_result():
    asked = []
    call = detect("weather in Oslo", registry())
    refused = run_routed(call, registry(), lambda tool, args: asked.append(args) or False)
    assert asked == [{"place": "Oslo"}]
    assert refused.outcome.is_error and "declined" in refused.outcome.output
    allowed = run_routed(call, registry(), None, always_allowed=["weather"])
    assert allowed.outcome.output == "Weather for Oslo: 12 °C, overcast"


def test_routing_can_be_turned_off():
    tools = TurnTools(registry=registry(), routing=False)
    assert route_message("What is 17 times 23?", tools) is None
    tools.routing = True
    assert route_message("What is 17 times 23?", tools).outcome.output == "391"


# -- through the engine, with a scripted model ------------------------------------------------
@pytest.fixture
def app():
    a = scripted_app()
    if "current_datetime" not in {t.name for t in a.plugins.tools()}:
        a.plugins.add_plugin("clock", clock)  # an install older than the clock's entry point
    yield a
    a.close()


def test_a_routed_turn_shows_and_stores_the_call_and_gives_the_model_the_result(app):
    app.models.tokens = ["The answer is ", "391", "."]
    events = list(send(app.engine, "What is 17 times 23?", tools=ToolPolicy()))
    (call,), (result,) = (
        [e for e in events if isinstance(e, ToolCall)],
        [e for e in events if isinstance(e, ToolResult)],
    )
    assert (call.name, call.arguments) == ("calculator", {"expression": "17 * 23"})
    assert (result.output, result.is_error) == ("391", False)
    first_text = next(i for i, e in enumerate(events) if isinstance(e, TextDelta))
    assert events.index(result) < first_text
    done = events[-1]
    assert isinstance(done, TurnDone)
    stored = app.history.get_message(done.message_id)
    assert stored.tool_calls[0]["source"] == "routing" and stored.tool_calls[0]["output"] == "391"
    prompt = app.models._backend.calls[-1]
    assert prompt[-3] == {"role": "user", "content": "What is 17 times 23?"}
    assert prompt[-2]["role"] == "assistant" and "391" in prompt[-2]["content"]
    assert prompt[-1]["role"] == "user"
    assert stored.settings["repeat_penalty"] == 1.0 and stored.settings["temperature"] <= 0.2


def test_a_chinese_question_gets_the_result_and_the_request_in_chinese(app):
    """The model answers in the language it is spoken to: an English lead ("Using the
    calculator, the answer is 391.") made the reply to a Chinese question English."""
    list(send(app.engine, "十七乘以二十三是多少", tools=ToolPolicy()))
    prompt = app.models._backend.calls[-1]
    lead, ask = prompt[-2]["content"], prompt[-1]["content"]
    assert "391" in lead and not re.search(r"[A-Za-z]", lead), lead
    assert "中文" in ask and not re.search(r"[A-Za-z]", ask), ask
    list(send(app.engine, "What is 17 times 23?", tools=ToolPolicy()))
    assert app.models._backend.calls[-1][-2]["content"].startswith("Using the calculator")


def test_no_routing_setting_and_plain_messages_leave_the_turn_alone(app):
    app.settings_store.set("chat.routing_enabled", False)
    events = list(send(app.engine, "What is 17 times 23?", tools=ToolPolicy()))
    assert not [e for e in events if isinstance(e, ToolCall)]
    app.settings_store.set("chat.routing_enabled", True)
    events = list(send(app.engine, "Write a haiku about fire", tools=ToolPolicy()))
    assert not [e for e in events if isinstance(e, ToolCall)]


def test_document_text_never_triggers_routing(app, tmp_path):
    from fireside.assistant.events import Citations
    from fireside.assistant.turn_request import RetrievalOptions, ToolPolicy, TurnRequest

    from tests.documents.helpers import index

    note = tmp_path / "note.txt"
    note.write_text(
        "Note: What is 17 times 23? Also: weather in Oslo. 十七乘以二十三是多少\n",
        encoding="utf-8",
    )
    index(app.documents_store, [note], collection="notes")
    request = TurnRequest(
        "Summarise the note.",
        collections=["notes"],
        tools=ToolPolicy(),
        retrieval=RetrievalOptions(threshold=-1.0),  # the note is always read
    )
    events = list(app.engine.run(request))
    assert any(isinstance(e, Citations) and e.items for e in events)  # the model saw it
    assert not [e for e in events if isinstance(e, ToolCall)]


def test_the_date_question_uses_the_clock(app):
    events = list(send(app.engine, "what day is it?", tools=ToolPolicy()))
    (result,) = [e for e in events if isinstance(e, ToolResult)]
    assert result.name == "current_datetime" and "ISO 8601" in result.output
