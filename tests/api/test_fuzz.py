"""Generated hostile requests against a real ``fireside serve``: bodies for the chat, text
completion, embeddings and search endpoints, schemas for ``response_format`` and tool
parameters, built by Hypothesis from a fixed seed (``derandomize``) with a bounded number of
examples (about a minute on two cores).

Every answer must be a 200, a 400 or a 404 in OpenAI's shape (never a 500), the model
worker must be the same process at the end, and the server's stderr must hold no
traceback. ``-s`` shows what was sent and answered.
"""

from __future__ import annotations

import json
import time
from collections import Counter

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from tests.api.serve_process import serve_process, small_replies

pytestmark = [pytest.mark.slow, pytest.mark.timeout(900)]

FUZZ = settings(
    derandomize=True,  # the same examples on every run
    database=None,
    deadline=None,
    suppress_health_check=list(HealthCheck),
)
ANSWERS = (200, 400, 404)

# -- building blocks ----------------------------------------------------------------------------
NASTY = [
    "\ud800",
    "\udfff",
    "<|im_end|>",
    "<|im_start|>system\n",
    '"',
    "\\",
    "\x00",
    "\n",
    "{",
    "[TOOL_CALLS]",
    "日本語",
    "😀",
    "%s",
    "a" * 300,
]
texts = st.one_of(
    st.text(max_size=12),
    st.lists(st.one_of(st.sampled_from(NASTY), st.text(max_size=4)), max_size=4).map("".join),
)
scalars = st.one_of(
    st.none(),
    st.booleans(),
    st.integers(-(2**70), 2**70),
    st.floats(allow_nan=True, allow_infinity=True),
    texts,
)
json_values = st.recursive(
    scalars,
    lambda inner: st.one_of(st.lists(inner, max_size=4), st.dictionaries(texts, inner, max_size=4)),
    max_leaves=10,
)
counts = st.one_of(
    st.integers(-3, 40), st.sampled_from([4096, 4097, 10**6, 10**9, 2**63]), json_values
)
TYPES = ["string", "number", "integer", "boolean", "object", "array", "null"]
PATTERNS = [
    "^a+$",
    "^[a-z]{2,5}$",
    "^(ab){3}$",
    "^[a-$",
    "^x{9999}$",
    "^.*$",
    '^"\\\\$',
    "no-anchors",
]


def schemas() -> st.SearchStrategy:
    leaf = st.fixed_dictionaries(
        {},
        optional={
            "type": st.one_of(
                st.sampled_from([*TYPES, "banana"]), st.lists(st.sampled_from(TYPES)), scalars
            ),
            "minItems": counts,
            "maxItems": counts,
            "minLength": counts,
            "maxLength": counts,
            "enum": st.one_of(st.lists(json_values, max_size=4), scalars),
            "const": json_values,
            "pattern": st.one_of(st.sampled_from(PATTERNS), texts),
            "format": st.one_of(st.sampled_from(["date", "uuid", "date-time", "email"]), scalars),
            "$ref": st.one_of(
                st.sampled_from(["#/$defs/a", "#/definitions/b", "#", "https://e.x/s.json"]),
                scalars,
            ),
        },
    )

    def nest(inner):
        return st.fixed_dictionaries(
            {},
            optional={
                "type": st.sampled_from(["object", "array"]),
                "properties": st.one_of(st.dictionaries(texts, inner, max_size=4), scalars),
                "required": st.one_of(st.lists(texts, max_size=3), scalars),
                "items": st.one_of(inner, st.lists(inner, max_size=3), scalars),
                "anyOf": st.one_of(st.lists(inner, max_size=3), scalars),
                "allOf": st.lists(inner, max_size=2),
                "additionalProperties": st.one_of(st.booleans(), inner, scalars),
                "$defs": st.dictionaries(st.sampled_from(["a", "b"]), inner, max_size=2),
            },
        )

    return st.recursive(leaf, nest, max_leaves=8)


def either(strategy):
    """``strategy`` most of the time, anything JSON sometimes."""
    return st.one_of(strategy, strategy, strategy, json_values)


names = st.one_of(st.from_regex(r"[a-zA-Z0-9_-]{1,8}", fullmatch=True), texts)
small_tokens = st.one_of(st.integers(1, 6), st.sampled_from([0, -1, "3", 1.5, True, None]))
part = st.fixed_dictionaries(
    {"type": st.sampled_from(["text", "image_url", "input_audio"])}, optional={"text": texts}
)
tool_call = st.fixed_dictionaries(
    {},
    optional={
        "id": either(texts),
        "type": st.just("function"),
        "function": either(
            st.fixed_dictionaries(
                {}, optional={"name": either(names), "arguments": either(st.just('{"a": 1}'))}
            )
        ),
    },
)
message = st.fixed_dictionaries(
    {},
    optional={
        "role": either(st.sampled_from(["user", "system", "assistant", "developer", "tool", ""])),
        "content": st.one_of(texts, texts, st.none(), st.lists(either(part), max_size=3)),
        "tool_calls": either(st.lists(tool_call, max_size=2)),
        "tool_call_id": either(texts),
        "name": either(texts),
    },
)
tool = either(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["function", "function", "code"])},
        optional={
            "function": either(
                st.fixed_dictionaries(
                    {"name": either(names)},
                    optional={"description": either(texts), "parameters": either(schemas())},
                )
            )
        },
    )
)
response_format = either(
    st.fixed_dictionaries(
        {"type": st.sampled_from(["json_schema", "json_schema", "json_object", "text", "yaml"])},
        optional={
            "json_schema": either(
                st.fixed_dictionaries({"schema": either(schemas())}, optional={"name": texts})
            )
        },
    )
)
fireside_ext = either(
    st.fixed_dictionaries(
        {},
        optional={
            "collections": either(st.lists(texts, max_size=2)),
            "tools": either(st.lists(st.sampled_from(["calculator", "weather", "nope"]))),
            "save": either(st.booleans()),
        },
    )
)
common = {
    "model": either(st.sampled_from(["default", "SmolLM2-135M-Instruct.Q4_1", "nope"])),
    "stream": either(st.booleans()),
    "stream_options": either(st.fixed_dictionaries({}, optional={"include_usage": st.booleans()})),
    "max_tokens": small_tokens,
    "temperature": either(st.floats(-1, 3)),
    "top_p": either(st.floats(-0.5, 1.5)),
    "top_k": either(st.integers(-5, 2**40)),
    "min_p": either(st.floats(-1, 2)),
    "repeat_penalty": either(st.floats(-1, 12)),
    "presence_penalty": either(st.floats(-3, 3)),
    "seed": either(st.integers(-(2**70), 2**70)),
    "stop": either(st.one_of(texts, st.lists(texts, max_size=5))),
    "n": either(st.sampled_from([1, 2, True, 0])),
    "logprobs": either(st.booleans()),
    "user": texts,
}
wild_chat = st.fixed_dictionaries(
    {"messages": either(st.lists(message, max_size=4))},
    optional={
        **common,
        "max_completion_tokens": small_tokens,
        "tools": either(st.lists(tool, max_size=3)),
        "tool_choice": either(
            st.one_of(
                st.sampled_from(["auto", "none", "required", "any"]),
                st.fixed_dictionaries(
                    {"type": st.just("function")},
                    optional={"function": either(st.fixed_dictionaries({"name": names}))},
                ),
            )
        ),
        "response_format": response_format,
        "parallel_tool_calls": either(st.booleans()),
        "fireside": fireside_ext,
        "functions": json_values,
    },
)
clean_texts = st.lists(
    st.one_of(st.sampled_from(NASTY[2:]), st.text(st.characters(exclude_categories=["Cs"]))),
    min_size=1,
    max_size=4,
).map("".join)
good_messages = st.lists(
    st.fixed_dictionaries(
        {"role": st.sampled_from(["user", "user", "system"]), "content": clean_texts}
    ),
    min_size=1,
    max_size=3,
).map(lambda ms: [*ms, {"role": "user", "content": "hi"}])
good_names = st.from_regex(r"[a-zA-Z0-9_-]{1,12}", fullmatch=True)
schema_chat = st.fixed_dictionaries(
    {
        "messages": good_messages,
        "max_tokens": st.integers(1, 6),
        "response_format": st.fixed_dictionaries(
            {
                "type": st.just("json_schema"),
                "json_schema": st.fixed_dictionaries({"name": good_names, "schema": schemas()}),
            }
        ),
    },
    optional={"stream": st.booleans()},
)
tools_chat = st.fixed_dictionaries(
    {
        "messages": good_messages,
        "max_tokens": st.integers(1, 6),
        "tools": st.lists(
            st.fixed_dictionaries(
                {
                    "type": st.just("function"),
                    "function": st.fixed_dictionaries(
                        {"name": good_names},
                        optional={"description": clean_texts, "parameters": schemas()},
                    ),
                }
            ),
            min_size=1,
            max_size=3,
            unique_by=lambda t: t["function"]["name"],
        ),
        "tool_choice": st.sampled_from(["auto", "required", "none"]),
    },
    optional={"stream": st.booleans(), "parallel_tool_calls": st.booleans()},
)
plain_chat = st.fixed_dictionaries(
    {"messages": good_messages, "max_tokens": st.integers(1, 6)},
    optional={k: common[k] for k in ("temperature", "top_p", "top_k", "seed", "stop", "stream")},
)
chat_body = st.one_of(wild_chat, schema_chat, schema_chat, tools_chat, tools_chat, plain_chat)
completion_body = st.fixed_dictionaries(
    {"prompt": either(st.one_of(texts, st.lists(texts, max_size=2)))},
    optional={**common, "echo": either(st.booleans()), "suffix": texts},
)
embedding_body = st.fixed_dictionaries(
    {"input": either(st.one_of(texts, st.lists(texts, max_size=4), st.lists(st.integers())))},
    optional={
        "model": either(st.sampled_from(["default", "all-MiniLM-L6-v2", "text-embedding-3-small"])),
        "encoding_format": either(st.sampled_from(["float", "base64", "hex"])),
        "dimensions": json_values,
        "user": texts,
    },
)
search_body = st.fixed_dictionaries(
    {"query": either(texts)},
    optional={
        "collections": either(st.one_of(texts, st.lists(texts, max_size=2))),
        "k": either(st.integers(-2, 60)),
    },
)


# -- the server and the checks ------------------------------------------------------------------
@pytest.fixture(scope="module")
def server(smollm_path, tmp_path_factory):
    home = tmp_path_factory.mktemp("fuzz") / "home"
    small_replies(home, smollm_path, max_tokens=6)
    served = serve_process(home, smollm_path)
    served.first_worker = served.model_worker_pid()
    served.http = served.client()
    served.seen = Counter()
    served.busy = Counter()  # seconds spent per endpoint
    served.slowest = (0.0, "", 0)
    served.started = time.monotonic()
    yield served
    served.http.close()
    served.stop()


def send(server, path: str, body) -> None:
    raw = body if isinstance(body, bytes) else json.dumps(body).encode()  # \ud800 escaped
    started = time.monotonic()
    response = server.http.post(path, content=raw, headers={"Content-Type": "application/json"})
    server.seen[(path, response.status_code)] += 1
    server.slowest = max(server.slowest, (time.monotonic() - started, path, len(raw)))
    server.busy[path] += time.monotonic() - started
    assert response.status_code in ANSWERS, (path, raw[:2000], response.text[:2000])
    if response.status_code != 200:
        error = response.json()["error"]
        assert error["type"] in ("invalid_request_error", "not_found_error"), error
    elif response.headers.get("content-type", "").startswith("text/event-stream"):
        assert '"server_error"' not in response.text, (raw[:2000], response.text[-2000:])


@settings(FUZZ, max_examples=50)
@given(body=chat_body)
def test_chat_completions(server, body):
    send(server, "/chat/completions", body)


@settings(FUZZ, max_examples=40)
@given(body=completion_body)
def test_completions(server, body):
    send(server, "/completions", body)


@settings(FUZZ, max_examples=25)
@given(body=embedding_body)
def test_embeddings(server, body):
    send(server, "/embeddings", body)


@settings(FUZZ, max_examples=40)
@given(body=search_body)
def test_search(server, body):
    send(server, "/fireside/search", body)


@settings(FUZZ, max_examples=30)
@given(
    path=st.sampled_from(["/chat/completions", "/completions", "/embeddings", "/fireside/search"]),
    body=st.one_of(st.binary(max_size=64), json_values.map(lambda v: json.dumps(v).encode())),
)
def test_any_body(server, path, body):
    send(server, path, body)


def test_the_fuzzed_server_kept_its_worker_and_printed_no_traceback(server):
    """Runs last: the whole run's outcome, and what was sent."""
    elapsed = time.monotonic() - server.started
    total = sum(server.seen.values())
    classes = Counter(f"{status // 100}xx" for (_, status) in server.seen.elements())
    print(f"\nfuzz: {total} requests in {elapsed:.0f} s; status classes {dict(classes)}")
    for (path, status), n in sorted(server.seen.items()):
        print(f"  {path} {status}: {n}")
    print(f"  seconds per endpoint: { {p: round(t, 1) for p, t in server.busy.items()} }")
    print(f"  slowest: {server.slowest[0]:.2f} s, {server.slowest[1]}, {server.slowest[2]} bytes")
    assert total > 0 and server.alive
    assert server.model_worker_pid() == server.first_worker
    stderr = server.stderr()
    assert "Traceback" not in stderr, stderr[-3000:]
