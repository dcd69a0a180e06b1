"""The engine over the real bundled model: events, storage, branches, stop, overflow."""

import pytest
from fireside.assistant.app import build_app
from fireside.assistant.events import (
    ContextTrimmed,
    TextDelta,
    ToolCall,
    ToolResult,
    TurnDone,
    TurnError,
    TurnStarted,
)
from fireside.assistant.turn_request import ToolPolicy, TurnRequest
from fireside.models.generation import CancelToken
from fireside.models.llama_backend import LoadOptions
from fireside.models.sampling import SamplingParams

from tests.turns import edit, regenerate, send

pytestmark = pytest.mark.slow
GREEDY = SamplingParams(temperature=0, max_tokens=12)


@pytest.fixture
def app():
    a = build_app()
    yield a
    a.close()


def collect(events):
    events = list(events)
    done = [e for e in events if isinstance(e, (TurnDone, TurnError))]
    assert len(done) == 1, events
    return events, done[0]


def test_send_streams_and_stores(app):
    events, done = collect(send(app.engine, "Say hello.", params=GREEDY))
    assert isinstance(events[0], TurnStarted)
    assert isinstance(done, TurnDone)
    deltas = "".join(e.text for e in events if isinstance(e, TextDelta))
    assert deltas == done.text and done.text.strip()
    assert done.usage.prompt_tokens > 0 and done.usage.completion_tokens > 0
    thread = app.history.thread(done.conversation_id)
    assert [m.role for m in thread] == ["user", "assistant"]
    assert thread[1].content == done.text and thread[1].status == "complete"
    assert thread[1].completion_tokens == done.usage.completion_tokens
    assert thread[1].settings["temperature"] == 0
    assert app.history.get_conversation(done.conversation_id).title == "Say hello."


def test_follow_up_turn_reuses_cache_and_history(app):
    _, first = collect(send(app.engine, "Name a fruit.", params=GREEDY))
    _, second = collect(
        send(app.engine, "Name another.", conversation_id=first.conversation_id, params=GREEDY)
    )
    assert second.conversation_id == first.conversation_id
    assert second.usage.cached_tokens > 0
    assert second.usage.prompt_eval_tokens < second.usage.prompt_tokens
    assert len(app.history.thread(first.conversation_id)) == 4


def test_regenerate_and_edit_keep_versions(app):
    _, first = collect(send(app.engine, "Name a planet.", params=GREEDY))
    _, again = collect(
        regenerate(
            app.engine,
            first.message_id,
            params=SamplingParams(temperature=1.5, seed=7, max_tokens=12),
        )
    )
    versions = app.history.siblings(first.message_id)
    assert [v.id for v in versions] == [first.message_id, again.message_id]
    user = app.history.thread(first.conversation_id)[0]
    _, edited = collect(edit(app.engine, user.id, "Name a star.", params=GREEDY))
    assert [m.content for m in app.history.siblings(user.id)] == ["Name a planet.", "Name a star."]
    assert app.history.thread(first.conversation_id)[0].content == "Name a star."
    assert edited.conversation_id == first.conversation_id


def test_cancel_keeps_partial_reply_marked_stopped(app):
    cancel = CancelToken()
    seen = 0
    events = []
    for event in send(
        app.engine,
        "Write a long story.",
        params=SamplingParams(temperature=0, max_tokens=300),
        cancel=cancel,
    ):
        events.append(event)
        if isinstance(event, TextDelta):
            seen += 1
            if seen == 5:
                cancel.cancel()
    done = events[-1]
    assert isinstance(done, TurnDone) and done.finish_reason == "cancelled"
    stored = app.history.get_message(done.message_id)
    assert stored.status == "stopped" and stored.content == done.text and stored.content


def test_closing_the_stream_early_keeps_partial_reply(app):
    stream = send(
        app.engine, "Write a long poem.", params=SamplingParams(temperature=0, max_tokens=200)
    )
    started = next(stream)
    for event in stream:
        if isinstance(event, TextDelta):
            break
    stream.close()
    thread = app.history.thread(started.conversation_id)
    assert thread[-1].role == "assistant" and thread[-1].status == "stopped"


def test_overflow_drops_oldest_turns_and_says_so(app, smollm_path):
    app.models.get(str(smollm_path), LoadOptions(n_ctx=256))
    params = SamplingParams(temperature=0, max_tokens=16)
    conv_id = None
    trimmed = []
    for i in range(8):
        events, done = collect(
            send(
                app.engine,
                f"Tell me fact number {i} about the ocean, in detail please.",
                conversation_id=conv_id,
                model=str(smollm_path),
                params=params,
            )
        )
        assert isinstance(done, TurnDone)
        conv_id = done.conversation_id
        trimmed += [e for e in events if isinstance(e, ContextTrimmed)]
    assert trimmed and trimmed[-1].dropped_messages > 0
    assert done.dropped_messages == trimmed[-1].dropped_messages
    assert len(app.history.thread(conv_id)) == 16  # nothing removed from history


def test_bad_model_yields_error_and_writes_nothing(app, not_gguf):
    events = list(send(app.engine, "hi", model=str(not_gguf)))
    assert len(events) == 1 and isinstance(events[0], TurnError)
    assert "not a GGUF" in events[0].message
    assert app.history.list_conversations() == []


def test_slash_command_runs_the_tool_and_the_model_answers_with_it(app):
    tools = ToolPolicy()
    events, done = collect(send(app.engine, "/calc 17*23", params=GREEDY, tools=tools))
    calls = [e for e in events if isinstance(e, ToolCall)]
    results = [e for e in events if isinstance(e, ToolResult)]
    assert [(c.name, c.arguments) for c in calls] == [("calculator", {"expression": "17*23"})]
    assert results[0].output == "391" and not results[0].is_error
    stored = app.history.get_message(done.message_id)
    assert stored.tool_calls[0]["name"] == "calculator"
    assert stored.tool_calls[0]["output"] == "391"
    assert stored.tool_calls[0]["source"] == "user"
    # the model saw the result as data in its prompt
    conv = app.history.get_conversation(done.conversation_id)
    user = app.history.thread(conv.id)[0]
    assert user.content == "/calc 17*23"


def test_model_proposed_network_call_waits_for_approval(app):
    """With tools offered, a weather call runs only if the user says yes."""
    from tests.scripted_backend import ScriptedBackend

    def reply(messages):
        if messages[-1]["content"] == "Weather in Oslo?":
            return '{"tool": "weather", "arguments": {"place": "Oslo"}}'
        return "Done."

    backend = ScriptedBackend(reply_for=reply)
    app.engine.models = type("Models", (), {"get": lambda self, path=None: backend})()
    asked = []
    request = TurnRequest(
        "Weather in Oslo?",
        tools=ToolPolicy(
            offer=True,
            approve=lambda tool, a: asked.append((tool.name, a)) or False,
            routing=False,  # the model proposes the call here, not the router
        ),
    )
    events, done = collect(app.engine.run(request))
    assert asked == [("weather", {"place": "Oslo"})]
    result = next(e for e in events if isinstance(e, ToolResult))
    assert result.is_error and result.output.startswith("the user declined")
    stored = app.history.get_message(done.message_id)
    assert stored.tool_calls[0]["name"] == "weather" and stored.tool_calls[0]["is_error"]
    assert stored.tool_calls[0]["source"] == "model"
    assert done.text == "Done."
