"""What a JSON schema from a request may ask of a grammar, checked before any grammar is built.

A schema is a small program for llama.cpp's grammar engine, and llama.cpp's converter writes
what it is told: ``minItems: 1000000000`` becomes a billion copies of a rule (the process
grew until the kernel killed it), ``maxLength: 100000`` nests a group a hundred thousand
deep, an empty ``enum`` or a ``type`` it does not know becomes a grammar llama.cpp cannot
read. So every schema is walked first, without recursion, and refused with one line naming
the place and the limit when it is malformed or too big. The limits sit well above what a
real tool or reply schema needs (OpenAI's own structured outputs allow less).

The weight of a schema estimates the grammar's size: one per subschema, plus the number of
repeated items a string length, an array length or a pattern's ``{m,n}`` writes out.
"""

from __future__ import annotations

import json
import re
from collections.abc import Iterator
from dataclasses import dataclass

from fireside.assistant.request_error import RequestError

MAX_DEPTH = 16  # subschemas inside subschemas
MAX_SUBSCHEMAS = 1_000
MAX_PROPERTIES = 256  # in one object
MAX_ALTERNATIVES = 128  # anyOf / oneOf / allOf, and the tools of one call grammar
MAX_ENUM = 512
MAX_REPEAT = 4_096  # minItems, maxItems, minLength, maxLength, a pattern's {m,n}
MAX_OPTIONAL = 1_000  # maximum less minimum: llama.cpp's parser takes no more optional copies
MAX_WEIGHT = 20_000  # the estimated size of the whole grammar
MAX_LITERAL_CHARS = 100_000  # property names, enum and const values, patterns together
MAX_PATTERN_CHARS = 1_000
MAX_NAME_CHARS = 256  # one property name

TYPES = ("string", "number", "integer", "boolean", "object", "array", "null")
_LENGTHS = (("minItems", "maxItems"), ("minLength", "maxLength"))
_QUANTIFIER = re.compile(r"\{(\d*)(?:,(\d*))?\}")


@dataclass
class _Totals:
    subschemas: int = 0
    weight: int = 0
    literal_chars: int = 0


class SchemaCheck:
    """Checks one or more schemas against shared totals (the tools of one request add up)."""

    def __init__(self, param: str) -> None:
        self.param = param
        self.totals = _Totals()

    def _refuse(self, where: str, problem: str) -> RequestError:
        return RequestError(f"{where}: {problem}", self.param)

    def check(self, schema, where: str) -> None:
        """Walk ``schema`` (named ``where`` in messages); ``RequestError`` at the first fault."""
        if not isinstance(schema, dict):
            raise self._refuse(where, "a JSON schema must be an object")
        stack = [(schema, where, 1)]
        while stack:
            node, path, depth = stack.pop()
            if depth > MAX_DEPTH:
                raise self._refuse(path, f"the schema is nested more than {MAX_DEPTH} deep")
            self.totals.subschemas += 1
            if self.totals.subschemas > MAX_SUBSCHEMAS:
                raise self._refuse(where, f"the schema has more than {MAX_SUBSCHEMAS} parts")
            self._check_node(node, path)
            for child, child_path in self._children(node, path):
                stack.append((child, child_path, depth + 1))
        if self.totals.weight > MAX_WEIGHT:
            raise self._refuse(
                where,
                f"the grammar this schema needs is too large (about {self.totals.weight} items "
                f"where {MAX_WEIGHT} are allowed; lower minItems, maxItems, minLength, maxLength "
                "or a pattern's repetitions)",
            )
        if self.totals.literal_chars > MAX_LITERAL_CHARS:
            raise self._refuse(
                where,
                f"the schema's names, enum and const values and patterns exceed "
                f"{MAX_LITERAL_CHARS} characters",
            )

    # -- one subschema -----------------------------------------------------------------------
    def _check_node(self, node: dict, path: str) -> None:
        self.totals.weight += 1
        kind = node.get("type")
        if kind is not None:
            kinds = kind if isinstance(kind, list) else [kind]
            if not kinds or not all(isinstance(k, str) and k in TYPES for k in kinds):
                raise self._refuse(path, f"'type' must be one of {', '.join(TYPES)} (or a list)")
        for low, high in _LENGTHS:
            lo = self._count(node, low, path)
            hi = self._count(node, high, path)
            if lo is not None and hi is not None and lo > hi:
                raise self._refuse(path, f"'{low}' is larger than '{high}'")
            if hi is not None and hi - (lo or 0) > MAX_OPTIONAL:
                raise self._refuse(path, f"'{high}' may exceed '{low}' by at most {MAX_OPTIONAL}")
            if lo is not None or hi is not None:
                self.totals.weight += max(lo or 0, hi or 0)
        if "enum" in node:
            values = node["enum"]
            if not isinstance(values, list) or not values:
                raise self._refuse(path, "'enum' must be a non-empty list")
            if len(values) > MAX_ENUM:
                raise self._refuse(path, f"'enum' has more than {MAX_ENUM} values")
            for value in values:
                self._literal(value)
            self.totals.weight += len(values)
        if "const" in node:
            self._literal(node["const"])
        if "pattern" in node:
            self._pattern(node["pattern"], path)
        if "format" in node and not isinstance(node["format"], str):
            raise self._refuse(path, "'format' must be a string")
        ref = node.get("$ref")
        if ref is not None and (not isinstance(ref, str) or not ref.startswith("#")):
            raise self._refuse(path, "'$ref' may only point inside the schema ('#/$defs/...')")
        required = node.get("required")
        if required is not None and (
            not isinstance(required, list)
            or not all(isinstance(r, str) for r in required)
            or len(required) > MAX_PROPERTIES
        ):
            raise self._refuse(path, "'required' must be a list of property names")
        extra = node.get("additionalProperties")
        if extra is not None and not isinstance(extra, bool | dict):
            raise self._refuse(path, "'additionalProperties' must be true, false or a schema")

    def _count(self, node: dict, key: str, path: str) -> int | None:
        value = node.get(key)
        if value is None:
            return None
        if isinstance(value, bool) or not isinstance(value, int) or value < 0:
            raise self._refuse(path, f"'{key}' must be a non-negative integer")
        if value > MAX_REPEAT:
            raise self._refuse(path, f"'{key}' is {value}; at most {MAX_REPEAT} is allowed")
        return value

    def _literal(self, value) -> None:
        self.totals.literal_chars += len(json.dumps(value, ensure_ascii=False))

    def _pattern(self, pattern, path: str) -> None:
        if not isinstance(pattern, str):
            raise self._refuse(path, "'pattern' must be a string")
        if len(pattern) > MAX_PATTERN_CHARS:
            raise self._refuse(path, f"'pattern' is longer than {MAX_PATTERN_CHARS} characters")
        self.totals.literal_chars += len(pattern)
        for m in _QUANTIFIER.finditer(pattern):
            if m.group(2) and int(m.group(2)) - int(m.group(1) or 0) > MAX_OPTIONAL:
                raise self._refuse(
                    path, f"'pattern' has a {m.group(0)} wider than {MAX_OPTIONAL} repetitions"
                )
        weight = pattern_weight(pattern)
        if weight > MAX_REPEAT:
            raise self._refuse(
                path, f"'pattern' repeats too much (about {weight} items; at most {MAX_REPEAT})"
            )
        self.totals.weight += weight

    # -- what a subschema holds --------------------------------------------------------------
    def _children(self, node: dict, path: str) -> Iterator[tuple[dict, str]]:
        props = node.get("properties")
        if props is not None:
            if not isinstance(props, dict):
                raise self._refuse(path, "'properties' must be an object of schemas")
            if len(props) > MAX_PROPERTIES:
                raise self._refuse(path, f"more than {MAX_PROPERTIES} properties in one object")
            for name, sub in props.items():
                if not name or len(name) > MAX_NAME_CHARS:
                    raise self._refuse(
                        path, f"property names must have 1 to {MAX_NAME_CHARS} characters"
                    )
                self.totals.literal_chars += len(name)
                yield self._schema(sub, f"{path}.properties.{name}")
        for key in ("$defs", "definitions"):
            defs = node.get(key)
            if defs is not None:
                if not isinstance(defs, dict):
                    raise self._refuse(path, f"'{key}' must be an object of schemas")
                for name, sub in defs.items():
                    yield self._schema(sub, f"{path}.{key}.{name}")
        extra = node.get("additionalProperties")
        if isinstance(extra, dict):
            yield extra, f"{path}.additionalProperties"
        items = node.get("items")
        if isinstance(items, list):
            yield from self._schemas(items, f"{path}.items", path)
        elif items is not None:
            yield self._schema(items, f"{path}.items")
        for key in ("prefixItems", "anyOf", "oneOf", "allOf"):
            if key in node:
                yield from self._schemas(node[key], f"{path}.{key}", path, key)

    def _schemas(self, value, where: str, path: str, key: str = "items") -> Iterator:
        if not isinstance(value, list) or not value:
            raise self._refuse(path, f"'{key}' must be a non-empty list of schemas")
        if len(value) > MAX_ALTERNATIVES:
            raise self._refuse(path, f"'{key}' has more than {MAX_ALTERNATIVES} schemas")
        for n, sub in enumerate(value):
            yield self._schema(sub, f"{where}[{n}]")

    def _schema(self, value, where: str) -> tuple[dict, str]:
        if not isinstance(value, dict):
            raise self._refuse(where, "a subschema must be an object")
        return value, where


def check_schema(schema, where: str, param: str) -> None:
    """Refuse ``schema`` (``RequestError`` naming ``param``) when no grammar should be built."""
    SchemaCheck(param).check(schema, where)


def pattern_weight(pattern: str) -> int:
    """About how many items the converter writes for a regular expression: a sequence adds
    up, a ``{m,n}`` multiplies what it repeats (``(a{100}){100}`` is ten thousand)."""
    groups = [0]  # the weight of each open group's sequence so far
    last = 0  # the weight of the atom a quantifier would repeat
    i = 0
    while i < len(pattern):
        c = pattern[i]
        if c == "\\":
            last, i = 1, i + 2
        elif c == "[":
            j = i + 1
            while j < len(pattern) and pattern[j] != "]":
                j += 2 if pattern[j] == "\\" else 1
            last, i = 1, j + 1
        elif c == "(":
            groups.append(0)
            last, i = 0, i + 1
            continue
        elif c == ")":
            last = groups.pop() if len(groups) > 1 else 0
            i += 1
        elif c == "{" and (m := _QUANTIFIER.match(pattern, i)):
            low = int(m.group(1) or 0)
            high = int(m.group(2)) if m.group(2) else low
            times = max(low, high, 1)
            groups[-1] += last * (times - 1)
            last *= times
            i = m.end()
            continue
        elif c in "*+?|^$":
            i += 1
            continue
        else:
            last, i = 1, i + 1
        groups[-1] += last
    return sum(groups)
