"""Reading settings values against their dataclass annotations: the one place that decides
what a field may hold.

A settings file is edited by people, older versions and other programs, so any field may
hold anything. ``load`` turns JSON data into a dataclass field by field: a value of the wrong
type or shape is reported (the key, what was expected, what was found) and replaced by the
field's default, and every other field is kept. A bad element of a list is left out on its
own, so one broken remote connection does not cost the others. ``parse_text`` turns what a
user typed on the command line into a value of a field's type, checked the same way.

Annotations understood: ``str``, ``int``, ``float``, ``bool``, ``None``, unions of these,
``Literal[...]``, ``list[T]``, ``dict[str, T]``, dataclasses, and ``Annotated[T, Range(...)]``
for numbers with bounds.
"""

from __future__ import annotations

import dataclasses
import json
import types
import typing
from dataclasses import MISSING, dataclass
from functools import cache
from typing import Any, Literal, Union


@dataclass(frozen=True)
class Range:
    """Bounds of a number field, both included; None: unbounded on that side."""

    low: float | None = None
    high: float | None = None

    def holds(self, value: float) -> bool:
        return (self.low is None or value >= self.low) and (self.high is None or value <= self.high)

    def text(self) -> str:
        if self.low is not None and self.high is not None:
            return f" from {_num(self.low)} to {_num(self.high)}"
        if self.low is not None:
            return f" of at least {_num(self.low)}"
        return f" of at most {_num(self.high)}" if self.high is not None else ""


class BadValue(ValueError):
    """A value that does not fit its annotation; the message says what was expected."""


@cache
def hints(cls: type) -> dict[str, Any]:
    """The resolved annotations of a dataclass's fields (``Annotated`` kept)."""
    return typing.get_type_hints(cls, include_extras=True)


def default_of(field: dataclasses.Field) -> Any:
    if field.default is not MISSING:
        return field.default
    if field.default_factory is not MISSING:
        return field.default_factory()
    return MISSING


def load(cls: type, data: Any, key: str, problems: list[str]) -> Any:
    """An instance of dataclass ``cls`` from ``data``, defaults for what does not fit.

    ``problems`` receives one line per field replaced or element left out, each naming its
    dotted key. Raises ``BadValue`` only when ``data`` is not an object, or a field without a
    default is missing or bad (the caller decides what to do with the whole object).
    """
    return _convert(cls, data, key, problems)


def check(tp: Any, value: Any, key: str) -> Any:
    """``value`` as a value of ``tp``; ``BadValue`` naming ``key`` if any part does not fit."""
    problems: list[str] = []
    try:
        result = _convert(tp, value, key, problems)
    except BadValue as exc:
        raise BadValue(f"{key}: expected {exc}, found {found(value)}") from None
    if problems:
        raise BadValue(problems[0])
    return result


def parse_text(tp: Any, text: str, key: str) -> Any:
    """What a user typed for a field of type ``tp``, as a checked value (``BadValue`` if not)."""
    base, _meta = _split_annotated(tp)
    origin, args = typing.get_origin(base), typing.get_args(base)
    if _is_union(base):
        if type(None) in args and text.strip().lower() in ("", "null", "none"):
            return None
        for arm in args:
            if arm is type(None):
                continue
            try:
                return parse_text(arm, text, key)
            except BadValue:
                continue
        raise BadValue(f"{key}: expected {describe(tp)}, found {text!r}")
    if base is bool:
        words = {
            "true": True,
            "yes": True,
            "on": True,
            "1": True,
            "false": False,
            "no": False,
            "off": False,
            "0": False,
        }
        if text.strip().lower() not in words:
            raise BadValue(f"{key}: expected {describe(tp)}, found {text!r}")
        return check(tp, words[text.strip().lower()], key)
    if base in (int, float):
        try:
            number = int(text) if base is int else float(text)
        except ValueError:
            raise BadValue(f"{key}: expected {describe(tp)}, found {text!r}") from None
        return check(tp, number, key)
    if base is str or origin is Literal:
        return check(tp, text, key)
    if origin is list and not text.lstrip().startswith("["):
        items = [part.strip() for part in text.split(",") if part.strip()]
        return check(tp, items, key)
    try:
        value = json.loads(text)
    except ValueError:
        raise BadValue(f"{key}: expected {describe(tp)} written as JSON, found {text!r}") from None
    return check(tp, value, key)


def describe(tp: Any) -> str:
    """What a field of type ``tp`` holds, in words, for error lines."""
    base, meta = _split_annotated(tp)
    ranges = "".join(m.text() for m in meta if isinstance(m, Range))
    origin, args = typing.get_origin(base), typing.get_args(base)
    if _is_union(base):
        return " or ".join(describe(a) for a in args)
    if base is type(None):
        return "null"
    if origin is Literal:
        return "one of " + ", ".join(json.dumps(a) for a in args)
    if origin is list:
        return f"a list of {_plural(args[0])}" if args else "a list"
    if origin is dict or dataclasses.is_dataclass(base):
        return "an object"
    names = {str: "text", bool: "true or false", int: "a whole number", float: "a number"}
    return names.get(base, getattr(base, "__name__", str(base))) + ranges


def found(value: Any) -> str:
    text = json.dumps(value, ensure_ascii=False, default=str)
    return text if len(text) <= 60 else text[:57] + "..."


# -- the conversion ----------------------------------------------------------------------------
def _convert(tp: Any, value: Any, key: str, problems: list[str]) -> Any:
    base, meta = _split_annotated(tp)
    origin, args = typing.get_origin(base), typing.get_args(base)
    if base is Any:
        return value
    if _is_union(base):
        for arm in args:
            trial: list[str] = []
            try:
                result = _convert(arm, value, key, trial)
            except BadValue:
                continue
            problems.extend(trial)
            return result
        raise BadValue(describe(tp))
    if base is type(None):
        if value is None:
            return None
        raise BadValue("null")
    if origin is Literal:
        if any(value == a and type(value) is type(a) for a in args):
            return value
        raise BadValue(describe(tp))
    if base is bool:
        if isinstance(value, bool):
            return value
        raise BadValue(describe(tp))
    if base in (int, float):
        ok = isinstance(value, int) if base is int else isinstance(value, int | float)
        if not ok or isinstance(value, bool) or (base is float and value != value):
            raise BadValue(describe(tp))
        for m in meta:
            if isinstance(m, Range) and not m.holds(value):
                raise BadValue(describe(tp))
        return float(value) if base is float else value
    if base is str:
        if isinstance(value, str):
            return value
        raise BadValue(describe(tp))
    if origin is list:
        if not isinstance(value, list):
            raise BadValue(describe(tp))
        item_type = args[0] if args else Any
        items = []
        for i, item in enumerate(value):
            try:
                items.append(_convert(item_type, item, f"{key}[{i}]", problems))
            except BadValue as exc:
                problems.append(f"{key}[{i}]: expected {exc}, found {found(item)}; it is left out")
        return items
    if origin is dict:
        if not isinstance(value, dict):
            raise BadValue(describe(tp))
        item_type = args[1] if len(args) == 2 else Any
        entries = {}
        for name, item in value.items():
            try:
                entries[str(name)] = _convert(item_type, item, f"{key}[{name!r}]", problems)
            except BadValue as exc:
                problems.append(
                    f"{key}[{name!r}]: expected {exc}, found {found(item)}; it is left out"
                )
        return entries
    if dataclasses.is_dataclass(base):
        return _dataclass(base, value, key, problems)
    raise TypeError(f"settings field {key}: annotation {tp!r} is not supported")


def _dataclass(cls: type, value: Any, key: str, problems: list[str]) -> Any:
    if isinstance(value, cls):
        value = dataclasses.asdict(value)
    if not isinstance(value, dict):
        raise BadValue("an object")
    types_of = hints(cls)
    kwargs = {}
    own: list[str] = []
    for field in dataclasses.fields(cls):
        if not field.init:
            continue
        sub_key = f"{key}.{field.name}" if key else field.name
        default = default_of(field)
        if field.name not in value:
            if default is MISSING:
                raise BadValue(f"an object with {field.name!r}")
            continue
        try:
            kwargs[field.name] = _convert(types_of[field.name], value[field.name], sub_key, own)
        except BadValue as exc:
            if default is MISSING:
                raise BadValue(f"an object whose {field.name!r} is {exc}") from None
            own.append(
                f"{sub_key}: expected {exc}, found {found(value[field.name])}; "
                f"the default ({found(_plain(default))}) is used"
            )
    problems.extend(own)
    return cls(**kwargs)


def _plain(value: Any) -> Any:
    return dataclasses.asdict(value) if dataclasses.is_dataclass(value) else value


def _split_annotated(tp: Any) -> tuple[Any, tuple]:
    if typing.get_origin(tp) is typing.Annotated:
        return tp.__origin__, tp.__metadata__
    return tp, ()


def _is_union(tp: Any) -> bool:
    return typing.get_origin(tp) in (Union, types.UnionType)


def _plural(tp: Any) -> str:
    text = describe(tp)
    for article in ("a ", "an "):
        if text.startswith(article):
            return text[len(article) :].replace("number", "numbers").replace("object", "objects")
    return text


def _num(value: float) -> str:
    return str(int(value)) if float(value).is_integer() else str(value)
