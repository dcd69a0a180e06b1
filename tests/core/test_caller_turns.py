"""Turns over a conversation the caller carries (the API's path through the engine):
OpenAI messages in, events out, nothing stored (scripted model; the same paths run with the
bundled GGUF in tests/api)."""

from __future__ import annotations

import json

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.client_functions import ClientFunctions, FunctionSpec, to_model_messages
from fireside.assistant.events import ClientCall, TextDelta, TurnDone, TurnError
from fireside.assistant.request_error import RequestError
from fireside.assistant.turn_request import TurnRequest

from tests.scripted_backend import FixedModel, ScriptedBackend

CITY = FunctionSpec(
    "get_weather",
    "Weather for a city",
    {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]},
)


@pytest.fixture
def app():
    a = build_app()
    yield a
    a.close()


@pytest.fixture
def run(app):
    """One caller turn over ``backend``; a refused request raises its ``RequestError``."""

    def run(backend, **kw):
        app.models = app.engine.models = FixedModel(backend)
        functions = None
        if "tools" in kw or "tool_choice" in kw:
            functions = ClientFunctions(
                kw.pop("tools", []),
                kw.pop("tool_choice", "auto"),
                kw.pop("tool_name", None),
                kw.pop("parallel_tool_calls", True),
            )
        request = TurnRequest(
            messages=kw.pop("messages", [{"role": "user", "content": "hi"}]),
            save=False,
            tools=None,
            functions=functions,
            **kw,
        )
        events = list(app.engine.run(request))
        if isinstance(events[-1], TurnError):
            raise events[-1].error
        return events

    return run


def test_messages_become_template_friendly_turns():
    messages = [
        {"role": "system", "content": "Be brief."},
        {"role": "developer", "content": "Use metric units."},
        {
            "role": "user",
            "content": [{"type": "text", "text": "Weather in "}, {"type": "text", "text": "Oslo?"}],
        },
        {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {
                    "id": "c1",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Oslo"}'},
                },
                {
                    "id": "c2",
                    "type": "function",
                    "function": {"name": "get_weather", "arguments": '{"city": "Bergen"}'},
                },
            ],
        },
        {"role": "tool", "tool_call_id": "c1", "content": "4 C"},
        {"role": "tool", "tool_call_id": "c2", "content": "7 C"},
    ]
    caller = to_model_messages(messages, "hermes")
    out = caller.turns
    assert [m["role"] for m in out] == ["user", "assistant", "user"]
    assert caller.system == "Be brief.\n\nUse metric units."
    assert caller.question == out[0]["content"] == "Weather in Oslo?"
    assert out[1]["content"].count("<tool_call>") == 2 and '"Bergen"' in out[1]["content"]
    assert "4 C" in out[2]["content"] and "7 C" in out[2]["content"]
    prompt = to_model_messages(messages, "prompt").turns
    assert json.loads(prompt[1]["content"].splitlines()[0]) == {
        "tool": "get_weather",
        "arguments": {"city": "Oslo"},
    }
    assert "Tool result for get_weather: 4 C" in prompt[2]["content"]


@pytest.mark.parametrize(
    "messages, where",
    [
        ([], "messages"),
        ([{"role": "robot", "content": "x"}], "messages[0]"),
        ([{"role": "user", "content": [{"type": "image_url"}]}], "messages[0].content"),
        (
            [{"role": "assistant", "tool_calls": [{"function": {"name": "f", "arguments": "{"}}]}],
            "messages[0]",
        ),
    ],
)
def test_bad_messages_name_the_field(messages, where):
    with pytest.raises(RequestError) as err:
        to_model_messages(messages, "prompt")
    assert err.value.param == where


def test_plain_text_reply_and_usage(run, app):
    events = run(ScriptedBackend(tokens=["Hel", "lo"]))
    assert [e.text for e in events if isinstance(e, TextDelta)] == ["Hel", "lo"]
    done = events[-1]
    assert isinstance(done, TurnDone) and done.finish_reason == "stop"
    assert done.usage.completion_tokens == 2
    assert done.conversation_id is None and app.history.list_conversations() == []


def test_auto_tool_call_is_read_back_not_shown(run):
    call = '{"tool": "get_weather", "arguments": {"city": "Oslo"}}'
    backend = ScriptedBackend(tokens=[call[:10], call[10:]])
    events = run(backend, tools=[CITY])
    assert not [e for e in events if isinstance(e, TextDelta)]
    calls = [e for e in events if isinstance(e, ClientCall)]
    assert calls[0].name == "get_weather" and calls[0].arguments == {"city": "Oslo"}
    assert events[-1].finish_reason == "tool_calls"
    assert "get_weather" in backend.calls[0][0]["content"]  # described in the system message
    assert backend.grammars == [None]  # auto: unconstrained


def test_auto_text_reply_that_starts_like_json_is_still_text(run):
    backend = ScriptedBackend(tokens=["{not a call} but text"])
    events = run(backend, tools=[CITY])
    assert "".join(e.text for e in events if isinstance(e, TextDelta)) == "{not a call} but text"


def test_broken_call_is_written_again_under_the_grammar(run):
    replies = iter(
        [
            '{"tool": "get_weather", "arguments": {"city": ',
            '{"tool": "get_weather", "arguments": {"city": "Rome"}}',
        ]
    )
    backend = ScriptedBackend(reply_for=lambda messages: next(replies))
    events = run(backend, tools=[CITY])
    assert [e.arguments for e in events if isinstance(e, ClientCall)] == [{"city": "Rome"}]
    assert backend.grammars[0] is None and "tool-call" in backend.grammars[1]


def test_forced_and_none_tool_choice(run):
    backend = ScriptedBackend(
        reply_for=lambda m: '{"tool": "get_weather", "arguments": {"city": "Oslo"}}'
    )
    events = run(backend, tools=[CITY], tool_choice="function", tool_name="get_weather")
    assert isinstance(events[1], ClientCall) and "tool-call" in backend.grammars[0]
    plain = ScriptedBackend(tokens=["No tools."])
    events = run(plain, tools=[CITY], tool_choice="none")
    assert "get_weather" not in json.dumps(plain.calls[0])
    with pytest.raises(RequestError):
        run(plain, tools=[CITY], tool_choice="function", tool_name="nope")


def test_response_format_builds_a_grammar_and_says_so(run):
    backend = ScriptedBackend(tokens=['{"a": 1}'])
    schema = {"type": "object", "properties": {"a": {"type": "integer"}}, "required": ["a"]}
    run(backend, response_format={"type": "json_schema", "json_schema": {"schema": schema}})
    assert backend.grammars[0] and "root" in backend.grammars[0]
    assert '"a"' in backend.calls[0][0]["content"]
    with pytest.raises(RequestError) as err:
        run(backend, response_format={"type": "yaml"})
    assert err.value.param == "response_format"
    with pytest.raises(RequestError):
        run(backend, tools=[CITY], response_format={"type": "json_object"})


def test_parallel_calls_kept_or_cut_to_one(run):
    two = (
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Oslo"}}</tool_call>\n'
        '<tool_call>{"name": "get_weather", "arguments": {"city": "Rome"}}</tool_call>'
    )
    backend = ScriptedBackend(tokens=[two], tool_format="hermes")
    calls = [e for e in run(backend, tools=[CITY]) if isinstance(e, ClientCall)]
    assert [c.arguments["city"] for c in calls] == ["Oslo", "Rome"]
    assert len({c.call_id for c in calls}) == 2
    calls = [
        e
        for e in run(backend, tools=[CITY], parallel_tool_calls=False)
        if isinstance(e, ClientCall)
    ]
    assert [c.arguments["city"] for c in calls] == ["Oslo"]
