"""JSON schemas from typed Python signatures, and checking arguments against them.

A plugin author writes an ordinary annotated function; the schema that the model sees (and
that the call grammar is built from) is derived from it, so the two can never disagree.
Arguments arrive from a model or a command line, so validation also coerces the near misses
a model makes ("12" for 12, 7 for "7") instead of failing on them.
"""

from __future__ import annotations

import inspect
import re
import types
import typing
from collections.abc import Callable, Mapping
from typing import Annotated, Any, Literal, Union

_PRIMITIVES: dict[type, str] = {int: "integer", float: "number", str: "string", bool: "boolean"}
_TRUE = {"true", "yes", "1", "on"}
_FALSE = {"false", "no", "0", "off"}


class ToolArgumentError(ValueError):
    """Arguments that do not fit a tool's schema; the message names the argument."""


def type_schema(annotation: Any) -> dict:
    """The JSON schema for one annotation: int/float/str/bool, Optional, list, Literal.

    ``Annotated[T, "text"]`` adds a description; ``Annotated[T, {...}]`` merges extra schema
    keywords (``pattern``, ``maxLength``...) that also constrain the call grammar.
    """
    origin = typing.get_origin(annotation)
    if origin is Annotated:
        base, *extras = typing.get_args(annotation)
        schema = type_schema(base)
        for extra in extras:
            if isinstance(extra, str):
                schema["description"] = extra
            elif isinstance(extra, Mapping):
                schema.update(extra)
        return schema
    if annotation in _PRIMITIVES:
        return {"type": _PRIMITIVES[annotation]}
    if origin is Literal:
        values = list(typing.get_args(annotation))
        kinds = {_PRIMITIVES.get(type(v)) for v in values}
        schema: dict = {"enum": values}
        if len(kinds) == 1 and None not in kinds:
            schema["type"] = kinds.pop()
        return schema
    if origin in (Union, types.UnionType):
        members = [a for a in typing.get_args(annotation) if a is not type(None)]
        if len(members) == 1 and len(typing.get_args(annotation)) == 2:
            return {"anyOf": [type_schema(members[0]), {"type": "null"}]}
        raise TypeError(f"unions other than Optional[X] are not supported ({annotation})")
    if annotation is list or origin is list:
        args = typing.get_args(annotation)
        return {"type": "array", "items": type_schema(args[0])} if args else {"type": "array"}
    raise TypeError(f"unsupported type {annotation!r} (use int, float, str, bool, list, Literal)")


def _param_docs(doc: str) -> dict[str, str]:
    """Per-parameter text from a Google-style ``Args:`` section."""
    docs: dict[str, str] = {}
    match = re.search(r"^\s*(?:Args|Arguments|Parameters):\s*$(.*)", doc, re.M | re.S)
    if not match:
        return docs
    for line in match.group(1).splitlines():
        item = re.match(r"^\s+(\w+)(?:\s*\([^)]*\))?:\s*(.+)$", line)
        if item:
            docs[item.group(1)] = item.group(2).strip()
        elif line.strip() and not line.startswith((" ", "\t")):
            break  # the next section
    return docs


def summary(doc: str | None) -> str:
    """The docstring up to its ``Args:`` section, as one paragraph."""
    text = inspect.cleandoc(doc or "")
    text = re.split(r"^\s*(?:Args|Arguments|Parameters|Returns|Raises):\s*$", text, flags=re.M)[0]
    return " ".join(text.split())


def function_schema(func: Callable) -> dict:
    """The ``object`` schema of a function's parameters; defaults make a parameter optional."""
    hints = typing.get_type_hints(func, include_extras=True)
    docs = _param_docs(inspect.getdoc(func) or "")
    properties: dict[str, dict] = {}
    required: list[str] = []
    for param in inspect.signature(func).parameters.values():
        if param.kind in (param.VAR_POSITIONAL, param.VAR_KEYWORD):
            raise TypeError(f"{func.__name__}: *args and **kwargs cannot be described to a model")
        if param.name not in hints:
            raise TypeError(f"{func.__name__}: parameter '{param.name}' needs a type annotation")
        try:
            schema = type_schema(hints[param.name])
        except TypeError as exc:
            raise TypeError(f"{func.__name__}: parameter '{param.name}': {exc}") from None
        if param.name in docs and "description" not in schema:
            schema["description"] = docs[param.name]
        if param.default is param.empty:
            required.append(param.name)
        elif param.default is None or isinstance(param.default, int | float | str | bool):
            schema["default"] = param.default
        properties[param.name] = schema
    return {
        "type": "object",
        "properties": properties,
        "required": required,
        "additionalProperties": False,
    }


def _coerce(name: str, schema: dict, value: Any) -> Any:
    if "anyOf" in schema:
        if value is None:
            return None
        inner = [s for s in schema["anyOf"] if s.get("type") != "null"]
        return _coerce(name, inner[0], value)
    kind = schema.get("type")
    value = _coerce_type(name, kind, value, schema) if kind else value
    if "enum" in schema and value not in schema["enum"]:
        choices = ", ".join(repr(v) for v in schema["enum"])
        raise ToolArgumentError(f"argument '{name}' must be one of {choices}, not {value!r}")
    return value


def _coerce_type(name: str, kind: str, value: Any, schema: dict) -> Any:
    wrong = ToolArgumentError(f"argument '{name}' must be {kind}, not {value!r}")
    if kind == "string":
        if isinstance(value, str):
            return value
        if isinstance(value, int | float) and not isinstance(value, bool):
            return str(value)
        raise wrong
    if kind == "boolean":
        if isinstance(value, bool):
            return value
        text = str(value).strip().lower()
        if isinstance(value, str | int) and text in _TRUE | _FALSE:
            return text in _TRUE
        raise wrong
    if kind in ("integer", "number"):
        if isinstance(value, bool):
            raise wrong
        if isinstance(value, str):
            try:
                value = float(value.strip()) if kind == "number" else int(value.strip())
            except ValueError:
                raise wrong from None
        if isinstance(value, float) and kind == "integer":
            if not value.is_integer():
                raise wrong
            value = int(value)
        if not isinstance(value, int | float):
            raise wrong
        return float(value) if kind == "number" else value
    if kind == "array":
        if not isinstance(value, list | tuple):
            raise wrong
        items = schema.get("items")
        return [_coerce(f"{name}[{i}]", items, v) if items else v for i, v in enumerate(value)]
    return value


def validate_arguments(schema: dict, arguments: Mapping[str, Any] | None) -> dict[str, Any]:
    """Check and coerce ``arguments``; raise ``ToolArgumentError`` naming the first problem."""
    if arguments is None:
        arguments = {}
    if not isinstance(arguments, Mapping):
        raise ToolArgumentError(f"arguments must be a JSON object, not {type(arguments).__name__}")
    properties: dict = schema.get("properties", {})
    unknown = [k for k in arguments if k not in properties]
    if unknown:
        expected = ", ".join(properties) or "none"
        raise ToolArgumentError(f"unknown argument '{unknown[0]}' (expected: {expected})")
    for name in schema.get("required", []):
        if name not in arguments:
            raise ToolArgumentError(f"missing required argument '{name}'")
    return {name: _coerce(name, properties[name], value) for name, value in arguments.items()}
