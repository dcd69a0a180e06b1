"""An attacker on the same machine, with the key, against a real ``fireside serve``.

One server process for the module, over the bundled SmolLM2, with its history and
documents databases damaged by hand and an address-space limit (``serve_process``): every
case below once exhausted memory, crashed the model worker, answered 500 with a traceback
on the server's stderr, or ran without bound. The last test checks what the whole module
did to the server: no traceback on its stderr, and the same model worker throughout.
"""

from __future__ import annotations

import hashlib
import json

import pytest

from tests.api.serve_process import KEY, serve_process, small_replies

pytestmark = pytest.mark.slow

CHAT = "/chat/completions"
HI = [{"role": "user", "content": "hi"}]


def schema_format(schema: dict) -> dict:
    return {"type": "json_schema", "json_schema": {"name": "x", "schema": schema}}


def digest(path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


@pytest.fixture(scope="module")
def server(smollm_path, tmp_path_factory):
    home = tmp_path_factory.mktemp("hostile") / "home"
    data = home / "data"
    data.mkdir(parents=True)
    (data / "history.db").write_bytes(b"\x00not a history" * 4096)
    (data / "documents.db").write_bytes(b"\x00not documents" * 4096)
    small_replies(home, smollm_path)
    served = serve_process(home, smollm_path)
    served.first_worker = served.model_worker_pid()
    served.digests = {p.name: digest(p) for p in data.glob("*.db")}
    yield served
    served.stop()


def refused(response, param: str | None = None, *words: str) -> dict:
    """The body of a 400 in OpenAI's shape, naming ``param`` and saying ``words``."""
    assert response.status_code == 400, response.text
    error = response.json()["error"]
    assert error["type"] == "invalid_request_error"
    if param is not None:
        assert error["param"] == param, error
    for word in words:
        assert word in error["message"], error
    return error


def test_damaged_stores_block_only_what_uses_them(server):
    with server.client() as h:
        # the server started; a chat that is not saved does not need the history
        reply = h.post(CHAT, json={"messages": HI})
        assert reply.status_code == 200, reply.text
        saved = h.post(CHAT, json={"messages": HI, "fireside": {"save": True}})
        assert saved.status_code == 503, saved.text
        assert saved.json()["error"]["code"] == "store_damaged"
        assert saved.json()["error"]["message"].startswith("history.db: ")  # no folder
        cols = h.get("/fireside/collections")
        assert cols.status_code == 503 and cols.json()["error"]["code"] == "store_damaged"
        assert "documents.db" in cols.json()["error"]["message"]
        # embeddings do not need the documents database
        assert h.post("/embeddings", json={"input": "hello"}).status_code == 200
    data = server.home / "data"
    assert {p.name: digest(p) for p in data.glob("*.db")} == server.digests  # untouched


@pytest.mark.parametrize(
    "schema, words",
    [
        ({"type": "array", "minItems": 1_000_000_000}, ["'minItems' is 1000000000"]),
        ({"type": "string", "minLength": 10_000_000}, ["'minLength'"]),
        ({"type": "string", "maxLength": 100_000}, ["'maxLength'"]),
        ({"type": "string", "pattern": "^(a{4000}){4000}$"}, ["'pattern' repeats too much"]),
        (
            {
                "type": "object",
                "properties": {
                    f"p{i}": {"type": "string", "minLength": 3000, "maxLength": 4000}
                    for i in range(6)
                },
            },
            ["too large"],
        ),
        ({"type": "array", "items": {"type": "array", "minItems": 3, "maxItems": 2}}, ["larger"]),
        ({"type": "string", "maxLength": 1001}, ["by at most 1000"]),
        ({"type": "string", "pattern": "^[a-z]{0,2000}$"}, ["wider than 1000"]),
    ],
)
def test_schemas_that_would_exhaust_memory_are_refused(server, schema, words):
    with server.client() as h:
        response = h.post(CHAT, json={"messages": HI, "response_format": schema_format(schema)})
        refused(response, "response_format", *words)
        tool = {"type": "function", "function": {"name": "f", "parameters": schema}}
        response = h.post(CHAT, json={"messages": HI, "tools": [tool], "tool_choice": "required"})
        refused(response, "tools", *words)
    assert server.alive


def test_client_strings_never_reach_llama_cpp_malformed(server):
    worker = server.model_worker_pid()
    with server.client() as h:
        bad_name = {"type": "function", "function": {"name": 'a"b'}}
        refused(
            h.post(CHAT, json={"messages": HI, "tools": [bad_name], "tool_choice": "required"}),
            "tools",
            "function name",
        )
        refused(
            h.post(CHAT, json={"messages": HI, "response_format": schema_format({"enum": []})}),
            "response_format",
            "'enum' must be a non-empty list",
        )
        # quotes and backslashes in literals are escaped, so the grammar holds and the reply
        # is exactly the constant
        for value in ('a"b', "back\\slash", 'end\\"'):
            body = {
                "messages": HI,
                "max_tokens": 40,
                "response_format": schema_format({"const": value}),
            }
            reply = h.post(CHAT, json=body)
            assert reply.status_code == 200, reply.text
            assert json.loads(reply.json()["choices"][0]["message"]["content"]) == value
        quoted = {
            "type": "object",
            "properties": {'say "hi"': {"type": "boolean"}},
            "required": ['say "hi"'],
        }
        body = {"messages": HI, "max_tokens": 40, "response_format": schema_format(quoted)}
        reply = h.post(CHAT, json=body)
        assert reply.status_code == 200, reply.text
        assert list(json.loads(reply.json()["choices"][0]["message"]["content"])) == ['say "hi"']
        # a schema llama.cpp's converter turns into a grammar llama.cpp cannot read
        broken = schema_format({"type": "string", "pattern": "^[a-$"})
        refused(h.post(CHAT, json={"messages": HI, "response_format": broken}), "response_format")
        remote = schema_format({"$ref": "https://example.com/schema.json"})
        refused(h.post(CHAT, json={"messages": HI, "response_format": remote}), "response_format")
    assert server.model_worker_pid() == worker


def _deep_schema(depth: int) -> bytes:
    """A body with a schema ``depth`` levels deep, written as text (too deep for json)."""
    schema = '{"type": "array", "items": ' * depth + '{"type": "string"}' + "}" * depth
    body = '{"messages": [{"role": "user", "content": "hi"}], "response_format": '
    body += '{"type": "json_schema", "json_schema": {"schema": ' + schema + "}}}"
    return body.encode()


@pytest.mark.parametrize(
    "path, body, param, words",
    [
        (CHAT, b"[" * 100_000, None, ["nested"]),
        ("/embeddings", b"[" * 100_000, None, ["nested"]),
        ("/completions", b'{"a": ' * 50_000, None, ["nested"]),
        (CHAT, _deep_schema(5_000), None, ["nested"]),
        (CHAT, _deep_schema(40), "response_format", ["nested more than 16 deep"]),
        (CHAT, b'{"messages": "hi"}', "messages", []),
        (CHAT, b'{"messages": [{"role": "user", "content": 5}]}', "messages[0].content", []),
        (CHAT, b'{"messages": [{"role": "user", "content": null}]}', "messages[0].content", []),
        (CHAT, b'{"messages": [{"role": "user", "content": "x"}], "n": true}', "n", []),
        (CHAT, b'{"messages": [{"role": "user", "content": "x"}], "top_k": 1e30}', "top_k", []),
        (
            CHAT,
            b'{"messages": [{"role": "user", "content": "x"}], "top_k": 100000000000000000000}',
            "top_k",
            [],
        ),
        (
            CHAT,
            b'{"messages": [{"role": "assistant", "content": "x", "tool_calls": 5}]}',
            "messages[0]",
            ["tool_calls"],
        ),
    ],
)
def test_malformed_requests_are_400_not_500(server, path, body, param, words):
    with server.client() as h:
        response = h.post(path, content=body, headers={"Content-Type": "application/json"})
    refused(response, param, *words)


def test_malformed_tools_are_400_naming_them(server):
    fn = {"type": "function", "function": {"name": "f"}}
    cases = [
        ({"tools": [fn], "tool_choice": {"type": "function", "function": "f"}}, "tool_choice"),
        ({"tools": [fn], "tool_choice": {"type": "function", "function": {"name": 5}}}, None),
        ({"tools": [fn], "tool_choice": {"type": "function", "function": {"name": "g"}}}, None),
        (
            {
                "tools": [
                    {
                        "type": "function",
                        "function": {
                            "name": "f",
                            "parameters": {"type": "banana", "properties": 5, "required": ["x"]},
                        },
                    }
                ]
            },
            "tools",
        ),
        (
            {
                "tools": [
                    {
                        "type": "function",
                        "function": {"name": "f", "parameters": {"properties": 5}},
                    }
                ]
            },
            "tools",
        ),
        ({"tools": [{"type": "function", "function": {"name": "x" * 65}}]}, "tools"),
        ({"tools": [fn] * 129}, "tools"),
        ({"tools": [{"type": "function", "function": {"name": "f", "description": 5}}]}, "tools"),
    ]
    with server.client() as h:
        for extra, param in cases:
            response = h.post(CHAT, json={"messages": HI, **extra})
            refused(response, param or "tool_choice")


@pytest.mark.parametrize(
    "path, body, param",
    [
        (CHAT, '{"messages": [{"role": "user", "content": "\\ud800"}]}', "messages"),
        (CHAT, '{"model": "\\udfff", "messages": [{"role": "user", "content": "x"}]}', "model"),
        (
            CHAT,
            '{"messages": [{"role": "user", "content": [{"type": "text", "text": "\\ud800"}]}]}',
            "messages",
        ),
        ("/completions", '{"prompt": "a\\ud800b"}', "prompt"),
        ("/fireside/search", '{"query": "\\ud800"}', "query"),
        ("/embeddings", '{"input": ["fine", "\\ud800"]}', "input"),
        (CHAT, '{"messages": [{"role": "user", "content": "x", "\\ud800": 1}]}', "messages"),
    ],
)
def test_lone_surrogates_are_400_naming_the_field(server, path, body, param):
    with server.client() as h:
        response = h.post(path, content=body.encode(), headers={"Content-Type": "application/json"})
    refused(response, param, "surrogate")


def test_every_request_is_bounded(server):
    with server.client() as h:
        refused(h.post("/fireside/search", json={"query": "word " * 10_000}), "query", "longer")
        big = "x" * (5 * 2**20)
        refused(h.post("/fireside/search", json={"query": big}), "query", "longer")
        refused(h.post("/embeddings", json={"input": ["x"] * 10_000}), "input", "at most 2048")
        refused(h.post("/embeddings", json={"input": "y" * 40_000}), "input", "longer")
        names = {"fireside": {"collections": [f"c{i}" for i in range(65)]}}
        refused(h.post(CHAT, json={"messages": HI, **names}), "fireside.collections")
        # thousands of messages: the context is fitted by bisection, and the reply comes
        many = [
            {"role": "user" if i % 2 == 0 else "assistant", "content": f"m{i}"} for i in range(3001)
        ]
        reply = h.post(CHAT, json={"messages": many})
        assert reply.status_code == 200, reply.text
        assert reply.json()["usage"]["prompt_tokens"] < 2048


def test_small_holes(server):
    with server.client() as h:
        for host in ("localhost:8765@evil.com", "localhost:abc", "localhost:99999", "a b"):
            assert h.get("/models", headers={"Host": host}).status_code == 400, host
        assert h.get("/models", headers={"Host": "localhost:8765"}).status_code == 200
        # a key sent in the query string is not written to the access log
        h.get("/models", params={"api_key": KEY + "-in-query"})
        # a text completion's context error names 'prompt', and no folder
        long = h.post("/completions", json={"prompt": "word " * 5000})
        error = refused(long, "prompt", "tokens")
        assert error["code"] == "context_length_exceeded"
        assert str(server.model.parent) not in long.text
        # an assistant message that only calls functions may have no content
        calls = {
            "role": "assistant",
            "content": None,
            "tool_calls": [
                {"id": "1", "type": "function", "function": {"name": "f", "arguments": "{}"}}
            ],
        }
        tool = {"role": "tool", "tool_call_id": "1", "content": "done"}
        reply = h.post(CHAT, json={"messages": [*HI, calls, tool]})
        assert reply.status_code == 200, reply.text
    assert "in-query" not in server.stdout() and "/v1/models?" in server.stdout()


def test_the_server_printed_no_traceback_and_kept_its_worker(server):
    """Runs last: what every case above left behind."""
    assert server.alive
    assert server.model_worker_pid() == server.first_worker
    stderr = server.stderr()
    assert "Traceback" not in stderr, stderr[-3000:]
    assert "Exception in ASGI" not in stderr
