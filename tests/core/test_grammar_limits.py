"""Schemas from requests become grammars only within bounds, in a helper process, and only
once llama.cpp has read the grammar (``schema_limits``, ``json_grammar``,
``grammar_sandbox``, ``models/grammar_check``)."""

from __future__ import annotations

import json
import os
import signal
import time
from dataclasses import dataclass

import pytest
from fireside.assistant.grammar_sandbox import GrammarRequest, GrammarSandbox
from fireside.assistant.json_grammar import gbnf_literal, response_grammar, schema_grammar
from fireside.assistant.request_error import RequestError
from fireside.assistant.schema_limits import check_schema, pattern_weight
from fireside.assistant.tool_grammar import call_grammar
from fireside.models.grammar_check import grammar_error


@pytest.fixture
def sandbox():
    box = GrammarSandbox()
    yield box
    box.close()


@pytest.mark.parametrize(
    "schema, words",
    [
        ([], "must be an object"),
        ({"type": "banana"}, "'type' must be one of"),
        ({"type": []}, "'type' must be one of"),
        ({"enum": []}, "non-empty list"),
        ({"enum": list(range(600))}, "more than 512"),
        ({"type": "array", "minItems": 10**9}, "'minItems' is 1000000000"),
        ({"type": "array", "minItems": True}, "non-negative integer"),
        ({"type": "string", "minLength": 5, "maxLength": 2}, "larger than"),
        ({"properties": 5}, "'properties' must be an object"),
        ({"properties": {"a": True}}, "must be an object"),
        ({"properties": {"": {}}}, "property names"),
        ({"required": "a"}, "'required'"),
        ({"anyOf": []}, "non-empty list"),
        ({"$ref": "https://example.com/s.json"}, "'$ref' may only point inside"),
        ({"pattern": 5}, "'pattern' must be a string"),
        ({"pattern": "^(a{100}){100}$"}, "repeats too much"),
        ({"format": 3}, "'format'"),
        ({"additionalProperties": "no"}, "additionalProperties"),
    ],
)
def test_malformed_or_oversized_schemas_are_refused_naming_the_place(schema, words):
    with pytest.raises(RequestError, match="x") as err:
        check_schema(
            {"properties": {"x": schema}} if isinstance(schema, dict) else schema, "x", "p"
        )
    assert words in str(err.value) and err.value.param == "p"


def test_depth_count_and_weight_limits():
    deep: dict = {"type": "string"}
    for _ in range(17):
        deep = {"type": "array", "items": deep}
    with pytest.raises(RequestError, match="nested more than 16 deep"):
        check_schema(deep, "s", "p")
    wide = {"type": "object", "properties": {f"p{i}": {} for i in range(257)}}
    with pytest.raises(RequestError, match="more than 256 properties"):
        check_schema(wide, "s", "p")
    heavy = {
        "type": "object",
        "properties": {
            f"p{i}": {"type": "string", "minLength": 3000, "maxLength": 4000} for i in range(6)
        },
    }
    with pytest.raises(RequestError, match="too large"):
        check_schema(heavy, "s", "p")
    check_schema({"type": "array", "items": {"type": "string", "maxLength": 1000}}, "s", "p")
    with pytest.raises(RequestError, match="by at most 1000"):
        check_schema({"type": "string", "minLength": 5, "maxLength": 1006}, "s", "p")


def test_pattern_weight_multiplies_nested_repetition():
    assert pattern_weight("^abc$") == 3
    assert pattern_weight("^a{10}$") == 10
    assert pattern_weight("^(ab){10}$") == 20
    assert pattern_weight("^(a{10}){10}$") == 100
    assert pattern_weight("^[a-z]{3}x*$") == 4


@pytest.mark.parametrize("text", ['a"b', "back\\slash", 'end\\"', "line\nbreak\ttab\r", "\\\\"])
def test_literals_and_constants_are_escaped_so_llama_cpp_reads_them(text):
    assert grammar_error(f"root ::= {gbnf_literal(text)}") is None
    for schema in (
        {"const": text},
        {"enum": [text, "other"]},
        {"type": "object", "properties": {text: {"type": "integer"}}, "required": [text]},
    ):
        assert grammar_error(schema_grammar(schema)) is None, schema


def test_grammar_error_is_llama_cpps_own_verdict():
    assert grammar_error('root ::= "a" | "b"') is None
    assert grammar_error('root ::= "a') is not None
    assert grammar_error("root ::= undefined-rule") is not None
    assert grammar_error('other ::= "a"') is not None  # no root
    assert grammar_error("") is not None
    assert grammar_error('root ::= "a"\x00') is not None


def test_the_sandbox_builds_json_and_call_grammars_that_parse(sandbox):
    text = sandbox.schema_grammar({"type": "object", "properties": {"q": {"const": 'a"b'}}})
    assert grammar_error(text) is None
    params = {"type": "object", "properties": {"city": {"type": "string"}}, "required": ["city"]}
    call = sandbox.build(GrammarRequest(functions=(("weather", params),), fmt="hermes"))
    assert grammar_error(call) is None and "<tool_call>" in call
    assert call == call_grammar([_Fn("weather", params)], "hermes")
    grammar, hint = response_grammar(
        {"type": "json_schema", "json_schema": {"schema": {"enum": ["x"]}}},
        sandbox.schema_grammar,
    )
    assert (
        grammar_error(grammar) is None
        and json.dumps({"enum": ["x"]}, separators=(",", ":")) in hint
    )


def test_the_sandbox_refuses_what_the_converter_or_llama_cpp_cannot_use(sandbox):
    with pytest.raises(RequestError, match="cannot be enforced") as err:
        sandbox.schema_grammar({"type": "string", "pattern": "^[a-$"})
    assert err.value.param == "response_format"
    with pytest.raises(RequestError, match="cannot be enforced"):
        sandbox.schema_grammar({"type": "string", "pattern": "no anchors"})
    # refusals do not end the helper
    pid = sandbox.pid
    assert grammar_error(sandbox.schema_grammar({"type": "integer"})) is None
    assert sandbox.pid == pid


# Requests whose building misbehaves, to show what the helper's limits do (the schema
# limits keep real schemas far from them).
@dataclass(frozen=True)
class _Greedy(GrammarRequest):
    def build(self) -> str:
        return str(len([bytearray(64 * 2**20) for _ in range(64)]))  # 4 GiB


@dataclass(frozen=True)
class _Slow(GrammarRequest):
    def build(self) -> str:
        time.sleep(30)
        return 'root ::= "late"'


@dataclass(frozen=True)
class _Crashing(GrammarRequest):
    def build(self) -> str:
        os.kill(os.getpid(), signal.SIGSEGV)
        return 'root ::= "never"'


def test_the_helper_has_a_memory_limit(sandbox):
    with pytest.raises(RequestError, match="more memory than allowed"):
        sandbox.build(_Greedy(schema={"type": "string"}))
    assert grammar_error(sandbox.schema_grammar({"type": "integer"})) is None


def test_a_helper_that_takes_too_long_is_killed_and_replaced(sandbox):
    sandbox.schema_grammar({"type": "boolean"})
    first = sandbox.pid
    sandbox.timeout_s = 1.0
    with pytest.raises(RequestError, match="took longer than 1 s"):
        sandbox.build(_Slow(schema={"type": "string"}))
    assert sandbox.pid is None
    assert grammar_error(sandbox.schema_grammar({"type": "number"})) is None
    assert sandbox.pid not in (None, first)


def test_a_helper_that_crashes_is_a_refusal_and_then_replaced(sandbox):
    with pytest.raises(RequestError, match="SIGSEGV") as err:
        sandbox.build(_Crashing(schema={"type": "string"}, param="tools"))
    assert err.value.param == "tools"
    assert grammar_error(sandbox.schema_grammar({"type": "null"})) is None


class _Fn:
    def __init__(self, name, parameters):
        self.name, self.parameters = name, parameters
