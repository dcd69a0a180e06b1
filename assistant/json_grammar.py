"""JSON schemas as GBNF grammars, for replies that must parse: JSON mode and tool calls.

llama.cpp's converter (``json_schema_to_gbnf``) lets a string hold raw control characters
(a newline, a tab), which JSON forbids: a reply written under its grammar can still fail
``json.loads`` ("Invalid control character"). Every grammar built from a schema goes through
here, and strings are restricted to what JSON allows.
"""

from __future__ import annotations

import json
import re
from collections.abc import Sequence

from fireside.assistant.request_error import RequestError

_CHAR_RULE = re.compile(r"^char ::= .*$", re.M)
_STRICT_CHAR = (
    r'char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] '
    r"[0-9a-fA-F] [0-9a-fA-F])"
)
JSON_OBJECT_HINT = "Reply with only a JSON object."


def schema_grammar(schema: dict, order: Sequence[str] | None = None) -> str:
    """GBNF whose ``root`` is a JSON value following ``schema`` (strict strings)."""
    from llama_cpp.llama_grammar import json_schema_to_gbnf

    rules = json_schema_to_gbnf(json.dumps(schema), list(order) if order else None)
    return _CHAR_RULE.sub(lambda _: _STRICT_CHAR, rules)


def response_grammar(response_format: dict | None) -> tuple[str | None, str | None]:
    """``(GBNF, instruction for the system message)`` for an OpenAI ``response_format``."""
    if not response_format:
        return None, None
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "text":
        return None, None
    if kind == "json_object":
        schema, hint = {"type": "object"}, JSON_OBJECT_HINT
    elif kind == "json_schema":
        spec = response_format.get("json_schema")
        schema = spec.get("schema") if isinstance(spec, dict) else None
        if not isinstance(schema, dict):
            raise RequestError(
                "response_format.json_schema.schema must be a JSON schema object",
                "response_format",
            )
        hint = "Reply with only a JSON object that follows this JSON schema: " + json.dumps(
            schema, separators=(",", ":")
        )
    else:
        raise RequestError(
            f"response_format type {kind!r} is not supported (text, json_object, json_schema)",
            "response_format",
        )
    try:
        grammar = schema_grammar(schema)
        _check(grammar)
    except RequestError:
        raise
    except Exception as exc:  # noqa: BLE001 - the converter raises many kinds
        raise RequestError(
            f"response_format: this JSON schema cannot be enforced ({exc})", "response_format"
        ) from None
    return grammar, hint


def _check(text: str) -> None:
    from llama_cpp import LlamaGrammar

    try:
        LlamaGrammar.from_string(text, verbose=False)
    except ValueError as exc:
        raise RequestError(f"the grammar does not compile ({exc})", "response_format") from None
