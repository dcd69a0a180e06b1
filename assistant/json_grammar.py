"""JSON schemas as GBNF grammars, for replies that must parse: JSON mode and tool calls.

Every grammar built from a schema goes through here, for three reasons:

* llama.cpp's converter (``json_schema_to_gbnf``) lets a string hold raw control characters
  (a newline, a tab), which JSON forbids: a reply written under its grammar could still fail
  ``json.loads`` ("Invalid control character"). Strings are restricted to what JSON allows.
* It writes a literal without escaping backslashes, so ``{"const": "a\\"b"}`` or a property
  name with a quote became a grammar llama.cpp cannot read (and that crashed the model
  worker). Literals are escaped here.
* A schema from a request is checked against ``schema_limits`` before it is converted.

Building a grammar from a request's schema is done in a child process (``grammar_sandbox``);
``schema_grammar`` is the conversion itself, which runs there (and in process for the
plugins' own tools).
"""

from __future__ import annotations

import json
import re
from collections.abc import Callable, Sequence

from fireside.assistant.request_error import RequestError
from fireside.assistant.schema_limits import check_schema

_CHAR_RULE = re.compile(r"^char ::= .*$", re.M)
_STRICT_CHAR = (
    r'char ::= [^"\\\x7F\x00-\x1F] | "\\" (["\\/bfnrt] | "u" [0-9a-fA-F] [0-9a-fA-F] '
    r"[0-9a-fA-F] [0-9a-fA-F])"
)
_LITERAL_ESCAPES = {"\\": "\\\\", '"': '\\"', "\r": "\\r", "\n": "\\n", "\t": "\\t"}
_LITERAL_SPECIAL = re.compile(r'[\\"\r\n\t]')
JSON_OBJECT_HINT = "Reply with only a JSON object."
MAX_GRAMMAR_CHARS = 2_000_000


def gbnf_literal(text: str) -> str:
    """``text`` as a GBNF string literal that llama.cpp reads back as exactly ``text``."""
    return '"' + _LITERAL_SPECIAL.sub(lambda m: _LITERAL_ESCAPES[m.group(0)], text) + '"'


def _converter(order: Sequence[str] | None):
    from llama_cpp.llama_grammar import SchemaConverter

    class Converter(SchemaConverter):
        def _format_literal(self, literal: str) -> str:
            return gbnf_literal(literal)

    return Converter(
        prop_order={name: i for i, name in enumerate(order or ())},
        allow_fetch=False,
        dotall=False,
        raw_pattern=False,
    )


def schema_grammar(schema: dict, order: Sequence[str] | None = None) -> str:
    """GBNF whose ``root`` is a JSON value following ``schema`` (strict strings)."""
    converter = _converter(order)
    schema = converter.resolve_refs(json.loads(json.dumps(schema)), "input")
    converter.visit(schema, "")
    return _CHAR_RULE.sub(lambda _: _STRICT_CHAR, converter.format_grammar())


def response_schema(response_format) -> tuple[dict | None, str | None]:
    """``(schema, instruction for the system message)`` for an OpenAI ``response_format``;
    ``(None, None)`` for plain text. The schema is checked (``RequestError`` when refused)."""
    if not response_format:
        return None, None
    kind = response_format.get("type") if isinstance(response_format, dict) else None
    if kind == "text":
        return None, None
    if kind == "json_object":
        return {"type": "object"}, JSON_OBJECT_HINT
    if kind != "json_schema":
        raise RequestError(
            f"response_format type {kind!r} is not supported (text, json_object, json_schema)",
            "response_format",
        )
    spec = response_format.get("json_schema")
    schema = spec.get("schema") if isinstance(spec, dict) else None
    if not isinstance(schema, dict):
        raise RequestError(
            "response_format.json_schema.schema must be a JSON schema object", "response_format"
        )
    check_schema(schema, "response_format.json_schema.schema", "response_format")
    hint = "Reply with only a JSON object that follows this JSON schema: " + json.dumps(
        schema, separators=(",", ":")
    )
    return schema, hint


def response_grammar(
    response_format, build: Callable[[dict], str] | None = None
) -> tuple[str | None, str | None]:
    """``(GBNF, instruction for the system message)`` for an OpenAI ``response_format``.

    ``build`` turns the checked schema into a grammar (the app's grammar sandbox); without
    one it is converted here.
    """
    schema, hint = response_schema(response_format)
    if schema is None:
        return None, None
    if build is not None:
        return build(schema), hint
    try:
        return schema_grammar(schema), hint
    except Exception as exc:  # noqa: BLE001 - the converter raises many kinds
        raise RequestError(
            f"response_format: this JSON schema cannot be enforced ({short(str(exc))})",
            "response_format",
        ) from None


def short(text: str, limit: int = 200) -> str:
    """One line of at most ``limit`` characters (converters quote whole schemas)."""
    text = " ".join(text.split())
    return text if len(text) <= limit else text[: limit - 1] + "…"
