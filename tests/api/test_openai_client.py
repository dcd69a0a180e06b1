"""The official ``openai`` client against the real server on 127.0.0.1 with the bundled model."""

from __future__ import annotations

import json
import threading
import time

import jsonschema
import numpy as np
import openai
import pytest

from tests.api.helpers import TimedBackend, client, scripted_services, start

pytestmark = pytest.mark.slow

WEATHER = {
    "type": "function",
    "function": {
        "name": "get_weather",
        "description": "Current weather for a city",
        "parameters": {
            "type": "object",
            "properties": {
                "city": {"type": "string"},
                "unit": {"type": "string", "enum": ["celsius", "fahrenheit"]},
            },
            "required": ["city", "unit"],
        },
    },
}
TIME = {
    "type": "function",
    "function": {
        "name": "get_time",
        "description": "The time in a time zone",
        "parameters": {
            "type": "object",
            "properties": {"zone": {"type": "string"}},
            "required": ["zone"],
        },
    },
}


def test_model_list_and_lookup(real_server):
    c = client(real_server)
    models = c.models.list().data
    kinds = {m.id: m.model_extra["type"] for m in models}
    assert kinds["SmolLM2-135M-Instruct.Q4_1"] == "chat"
    assert kinds["all-MiniLM-L6-v2"] == "embedding"
    embedders = real_server.services.embedders
    assert {s.name for s in embedders.specs() if s.available} <= set(kinds)
    assert c.models.retrieve("SmolLM2-135M-Instruct.Q4_1").owned_by == "fireside"
    assert c.models.retrieve("all-MiniLM-L6-v2").model_extra["type"] == "embedding"
    with pytest.raises(openai.NotFoundError):
        c.models.retrieve("no-such-model")


def test_an_embedder_from_the_list_and_a_chat_model_id_both_embed(real_server):
    c = client(real_server)
    listed = [m.id for m in c.models.list().data if m.model_extra["type"] == "embedding"]
    for name in listed:
        result = c.embeddings.create(model=name, input="a lighthouse on a cliff")
        assert result.model == name and len(result.data[0].embedding) > 100
    chat_id = next(m.id for m in c.models.list().data if m.model_extra["type"] == "chat")
    result = c.embeddings.create(model=chat_id, input="a lighthouse on a cliff")
    assert result.model == "all-MiniLM-L6-v2"  # the default embedder answered, and says so
    assert len(result.data[0].embedding) == 384


def test_chat(real_server):
    c = client(real_server)
    reply = c.chat.completions.create(
        model="SmolLM2-135M-Instruct.Q4_1",
        messages=[
            {"role": "system", "content": "You are terse."},
            {"role": "user", "content": "Name a colour."},
        ],
        max_tokens=12,
        temperature=0,
    )
    choice = reply.choices[0]
    assert choice.message.role == "assistant"
    assert choice.message.content.strip()
    assert choice.finish_reason in ("stop", "length")
    assert reply.model == "SmolLM2-135M-Instruct.Q4_1"
    assert 0 < reply.usage.completion_tokens <= 12
    assert reply.usage.prompt_tokens > 10
    assert reply.usage.total_tokens == reply.usage.prompt_tokens + reply.usage.completion_tokens


def test_same_seed_same_reply_and_stop(real_server):
    c = client(real_server)
    args = dict(
        model="default",
        messages=[{"role": "user", "content": "Write a sentence about the sea."}],
        max_tokens=16,
        temperature=0.9,
        seed=42,
        presence_penalty=0.5,
        frequency_penalty=0.5,
    )
    first = c.chat.completions.create(**args).choices[0].message.content
    assert c.chat.completions.create(**args).choices[0].message.content == first
    words = first.split()
    cut = c.chat.completions.create(**args, stop=[words[2]]).choices[0].message.content
    assert words[2] not in cut and first.startswith(cut.rstrip())


def test_streaming_with_usage(real_server):
    c = client(real_server)
    chunks = list(
        c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "Count from one to ten."}],
            max_completion_tokens=20,
            stream=True,
            stream_options={"include_usage": True},
        )
    )
    text = "".join(ch.choices[0].delta.content or "" for ch in chunks if ch.choices)
    finish = [ch.choices[0].finish_reason for ch in chunks if ch.choices][-1]
    assert text.strip() and finish in ("stop", "length")
    assert chunks[0].choices[0].delta.role == "assistant"
    assert len([ch for ch in chunks if ch.choices and ch.choices[0].delta.content]) > 3
    usage = chunks[-1].usage
    assert chunks[-1].choices == [] and usage is not None
    assert usage.completion_tokens == 20 if finish == "length" else usage.completion_tokens > 0
    assert len({ch.id for ch in chunks}) == 1


def test_forced_tool_call_has_valid_arguments(real_server):
    c = client(real_server)
    for choice in ("required", {"type": "function", "function": {"name": "get_weather"}}):
        reply = c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "What's the weather like in Oslo?"}],
            tools=[WEATHER, TIME],
            tool_choice=choice,
            max_tokens=80,
        )
        message = reply.choices[0].message
        assert reply.choices[0].finish_reason == "tool_calls"
        assert message.tool_calls, message
        call = message.tool_calls[0]
        assert call.type == "function" and call.id
        args = json.loads(call.function.arguments)
        schema = WEATHER if call.function.name == "get_weather" else TIME
        jsonschema.validate(args, schema["function"]["parameters"])
        if isinstance(choice, dict):
            assert call.function.name == "get_weather"


def test_streamed_tool_call_and_tool_result_round_trip(real_server):
    c = client(real_server)
    chunks = list(
        c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "Time in Tokyo?"}],
            tools=[TIME],
            tool_choice="required",
            max_tokens=60,
            stream=True,
        )
    )
    deltas = [d for ch in chunks if ch.choices for d in (ch.choices[0].delta.tool_calls or [])]
    assert deltas and deltas[0].function.name == "get_time"
    args = json.loads(deltas[0].function.arguments)
    assert isinstance(args["zone"], str)
    assert chunks[-1].choices[0].finish_reason == "tool_calls"
    # The client runs the tool and sends the result back: the model answers in words.
    reply = c.chat.completions.create(
        model="default",
        messages=[
            {"role": "user", "content": "Time in Tokyo?"},
            {
                "role": "assistant",
                "content": None,
                "tool_calls": [
                    {
                        "id": deltas[0].id,
                        "type": "function",
                        "function": {"name": "get_time", "arguments": deltas[0].function.arguments},
                    }
                ],
            },
            {"role": "tool", "tool_call_id": deltas[0].id, "content": "14:05"},
        ],
        tools=[TIME],
        tool_choice="none",
        max_tokens=20,
    )
    assert reply.choices[0].message.content.strip()
    assert not reply.choices[0].message.tool_calls


def test_json_schema_output_validates(real_server):
    c = client(real_server)
    schema = {
        "type": "object",
        "properties": {
            "name": {"type": "string", "maxLength": 24},
            "age": {"type": "integer", "minimum": 0, "maximum": 120},
            "likes_cats": {"type": "boolean"},
        },
        "required": ["name", "age", "likes_cats"],
        "additionalProperties": False,
    }
    reply = c.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": "Describe a made-up person."}],
        response_format={"type": "json_schema", "json_schema": {"name": "p", "schema": schema}},
        max_tokens=80,
        temperature=0.8,
    )
    data = json.loads(reply.choices[0].message.content)
    jsonschema.validate(data, schema)
    reply = c.chat.completions.create(
        model="default",
        messages=[{"role": "user", "content": "Give me a JSON object about a dog."}],
        response_format={"type": "json_object"},
        max_tokens=80,
    )
    assert isinstance(json.loads(reply.choices[0].message.content), dict)


def test_json_mode_replies_parse(real_server):
    """JSON mode is a grammar, not a request: every reply that ends by itself parses
    (strings hold no raw control characters, which JSON forbids)."""
    c = client(real_server)
    prompts = [
        "Give me a JSON object about a dog.",
        "JSON for a book with a multi-line summary.",
        "Weather report JSON for Paris.",
        "A person with address and phone, as JSON.",
    ]
    ended = 0
    for seed, prompt in enumerate(prompts):
        reply = c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": prompt}],
            response_format={"type": "json_object"},
            max_tokens=300,
            temperature=0.8,
            seed=seed,
        )
        if reply.choices[0].finish_reason == "length":
            continue
        ended += 1
        assert isinstance(json.loads(reply.choices[0].message.content), dict)
    assert ended >= 2


def test_api_turns_are_not_kept_unless_asked(real_server):
    c = client(real_server)
    history = real_server.services.engine.history
    before = len(history.list_conversations())
    c.chat.completions.create(
        model="default", messages=[{"role": "user", "content": "Say hi."}], max_tokens=4
    )
    assert len(history.list_conversations()) == before
    messages = [
        {"role": "system", "content": "You are terse."},
        {"role": "user", "content": "Name a colour."},
        {"role": "assistant", "content": "Blue."},
        {"role": "user", "content": "Another one."},
    ]
    reply = c.chat.completions.create(
        model="default", messages=messages, max_tokens=4, extra_body={"fireside": {"save": True}}
    )
    cid = reply.model_extra["fireside"]["conversation_id"]
    thread = history.thread(cid)
    assert [m.content for m in thread[:3]] == ["Name a colour.", "Blue.", "Another one."]
    assert thread[3].content == reply.choices[0].message.content
    assert history.get_conversation(cid).system_prompt == "You are terse."


def test_text_completion(real_server):
    c = client(real_server)
    reply = c.completions.create(model="default", prompt="The capital of France is", max_tokens=8)
    assert reply.choices[0].text and reply.usage.completion_tokens <= 8
    streamed = list(
        c.completions.create(model="default", prompt="Once upon a time", max_tokens=8, stream=True)
    )
    assert "".join(ch.choices[0].text for ch in streamed if ch.choices).strip()


def test_embeddings_batch(real_server):
    c = client(real_server)
    texts = ["The cat sat on the mat.", "A kitten rested on the rug.", "Stock prices fell."]
    result = c.embeddings.create(model="all-MiniLM-L6-v2", input=texts)
    vecs = np.array([d.embedding for d in result.data])
    assert vecs.shape == (3, 384) and [d.index for d in result.data] == [0, 1, 2]
    assert vecs[0] @ vecs[1] > vecs[0] @ vecs[2]
    assert result.usage.prompt_tokens > 10
    # the openai client asks for base64 by default when numpy is present; both decode alike
    single = c.embeddings.create(model="all-MiniLM-L6-v2", input=texts[0], encoding_format="float")
    assert np.allclose(single.data[0].embedding, vecs[0], atol=1e-4)
    with pytest.raises(openai.NotFoundError):
        c.embeddings.create(model="text-embedding-3-small", input="x")


def test_error_statuses(real_server):
    c = client(real_server)
    with pytest.raises(openai.NotFoundError) as err:
        c.chat.completions.create(model="gpt-4o", messages=[{"role": "user", "content": "hi"}])
    assert err.value.body["code"] == "model_not_found" and err.value.body["param"] == "model"
    with pytest.raises(openai.BadRequestError) as err:
        c.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "hi"}], logit_bias={"1": 5}
        )
    assert "logit_bias" in err.value.message and err.value.body["param"] == "logit_bias"
    with pytest.raises(openai.BadRequestError) as err:
        c.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "hi"}], n=2
        )
    assert err.value.body["param"] == "n"
    with pytest.raises(openai.BadRequestError) as err:
        c.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "hi"}], temperature=7
        )
    assert err.value.body["param"] == "temperature"
    with pytest.raises(openai.AuthenticationError):
        client(real_server, api_key="wrong").models.list()
    with pytest.raises(openai.APIStatusError) as err:
        c.chat.completions.create(
            model="default", messages=[{"role": "user", "content": "x" * 100_000}]
        )
    assert err.value.status_code == 413
    assert err.value.body["code"] == "request_too_large"


def test_two_clients_at_once_are_answered_in_order(real_server):
    c1, c2 = client(real_server), client(real_server)
    spans: dict[str, list[float]] = {}

    def ask(name, c, delay):
        time.sleep(delay)
        times = []
        for ch in c.chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": f"Tell me about {name}."}],
            max_tokens=16,
            stream=True,
        ):
            if ch.choices and ch.choices[0].delta.content:
                times.append(time.monotonic())
        spans[name] = times

    threads = [
        threading.Thread(target=ask, args=("apples", c1, 0.0)),
        threading.Thread(target=ask, args=("boats", c2, 0.3)),
    ]
    for t in threads:
        t.start()
    for t in threads:
        t.join(120)
    assert spans["apples"] and spans["boats"]
    assert spans["apples"][-1] < spans["boats"][0]


def test_client_that_leaves_stops_the_real_model(real_server, tmp_path):
    """The bundled model, watched token by token: it stops within one token of the cancel."""
    real_server.services.models.get(None)
    backend = TimedBackend(real_server.services.models.current)
    server = start(scripted_services(tmp_path, backend))
    try:
        stream = client(server).chat.completions.create(
            model="default",
            messages=[{"role": "user", "content": "Write a very long story about a dragon."}],
            max_tokens=1500,
            stream=True,
        )
        seen = 0
        for chunk in stream:
            seen += bool(chunk.choices and chunk.choices[0].delta.content)
            if seen >= 3:
                break
        stream.close()  # the client goes away mid-reply
        assert backend.done.wait(30)
        assert backend.finish == "cancelled"
        assert backend.tokens_after_cancel() <= 1
        assert len(backend.token_times) < 200
    finally:
        server.stop()
