"""Tools from typed functions: schemas, argument checking, and running that never raises."""

from __future__ import annotations

import threading
from typing import Annotated, Literal, Optional

import pytest
from fireside.plugins.registry import ToolRegistry
from fireside.plugins.schema import ToolArgumentError, function_schema, validate_arguments
from fireside.plugins.tools import MAX_OUTPUT_CHARS, Tool, ToolError, run_tool


def sample(
    count: int,
    ratio: float,
    label: str,
    flag: bool = False,
    note: Optional[str] = None,  # noqa: UP045 - the old spelling must work too
    tags: list[str] | None = None,
    mode: Literal["fast", "slow"] = "fast",
    level: Annotated[int, "How loud"] = 3,
) -> str:
    """Do a sample thing.

    Args:
        count: How many.
        ratio (float): A ratio.
    """
    return f"{count} {ratio} {label} {flag} {note} {tags} {mode} {level}"


def test_schema_from_signature():
    schema = function_schema(sample)
    props = schema["properties"]
    assert schema["required"] == ["count", "ratio", "label"]
    assert schema["additionalProperties"] is False
    assert props["count"] == {"type": "integer", "description": "How many."}
    assert props["ratio"] == {"type": "number", "description": "A ratio."}
    assert props["label"] == {"type": "string"}
    assert props["flag"] == {"type": "boolean", "default": False}
    assert props["note"] == {"anyOf": [{"type": "string"}, {"type": "null"}], "default": None}
    assert props["tags"]["anyOf"][0] == {"type": "array", "items": {"type": "string"}}
    assert props["mode"] == {"enum": ["fast", "slow"], "type": "string", "default": "fast"}
    assert props["level"] == {"type": "integer", "description": "How loud", "default": 3}


def test_tool_from_function_takes_name_and_description_from_the_code():
    tool = Tool.from_function(sample, network=True)
    assert tool.name == "sample"
    assert tool.description == "Do a sample thing."
    assert tool.needs_approval
    assert tool.to_dict()["parameters"] == function_schema(sample)


@pytest.mark.parametrize(
    "func",
    [
        lambda x: x,  # no annotation
        lambda *args: 1,
    ],
)
def test_undescribable_functions_are_rejected(func):
    with pytest.raises(TypeError):
        Tool.from_function(func, name="bad")


def test_unsupported_types_are_rejected_with_the_parameter_name():
    def bad(data: dict) -> str:
        return ""

    with pytest.raises(TypeError, match="'data'"):
        Tool.from_function(bad)


def test_invalid_tool_name_is_rejected():
    with pytest.raises(TypeError, match="invalid tool name"):
        Tool.from_function(sample, name="no spaces please")


def test_arguments_are_coerced_like_a_model_means_them():
    schema = function_schema(sample)
    args = validate_arguments(
        schema,
        {"count": "12", "ratio": 2, "label": 7, "flag": "true", "tags": ["a", 1], "level": 4.0},
    )
    assert args == {
        "count": 12,
        "ratio": 2.0,
        "label": "7",
        "flag": True,
        "tags": ["a", "1"],
        "level": 4,
    }
    assert (
        validate_arguments(schema, {"count": 1, "ratio": 1, "label": "x", "note": None})["note"]
        is None
    )


@pytest.mark.parametrize(
    "arguments, message",
    [
        ({"ratio": 1, "label": "x"}, "missing required argument 'count'"),
        ({"count": 1, "ratio": 1, "label": "x", "extra": 1}, "unknown argument 'extra'"),
        ({"count": "many", "ratio": 1, "label": "x"}, "argument 'count' must be integer"),
        ({"count": 1.5, "ratio": 1, "label": "x"}, "argument 'count' must be integer"),
        ({"count": True, "ratio": 1, "label": "x"}, "argument 'count' must be integer"),
        ({"count": 1, "ratio": 1, "label": "x", "mode": "medium"}, "must be one of"),
        ({"count": 1, "ratio": 1, "label": ["x"]}, "argument 'label' must be string"),
        ([1, 2], "must be a JSON object"),
    ],
)
def test_bad_arguments_are_named(arguments, message):
    with pytest.raises(ToolArgumentError, match=message):
        validate_arguments(function_schema(sample), arguments)


def test_running_a_tool_returns_its_output():
    outcome = run_tool(Tool.from_function(sample), {"count": 2, "ratio": 0.5, "label": "x"})
    assert not outcome.is_error
    assert outcome.output.startswith("2 0.5 x False")
    assert outcome.duration_s >= 0


def test_structured_results_become_json_and_long_ones_are_cut():
    def listing() -> dict:
        """Give a dict."""
        return {"a": [1, 2]}

    def flood() -> str:
        """Say a lot."""
        return "x" * (MAX_OUTPUT_CHARS * 2)

    assert run_tool(Tool.from_function(listing), {}).output == '{"a": [1, 2]}'
    out = run_tool(Tool.from_function(flood), None).output
    assert len(out) < MAX_OUTPUT_CHARS + 100
    assert "cut" in out


def test_a_raising_tool_becomes_an_error_result():
    def broken(x: int) -> int:
        """Fail."""
        raise ZeroDivisionError("no dividing today")

    outcome = run_tool(Tool.from_function(broken), {"x": 1})
    assert outcome.is_error
    assert outcome.output == "ZeroDivisionError: no dividing today"
    assert not outcome.refused  # a bug, not a refusal: the command line exits 1


def test_tool_error_messages_are_shown_as_written():
    def polite() -> str:
        """Fail politely."""
        raise ToolError("the service is closed on Sundays")

    outcome = run_tool(Tool.from_function(polite), {})
    assert (outcome.output, outcome.is_error) == ("the service is closed on Sundays", True)
    assert outcome.refused  # the command line exits 2, as for bad input


def test_even_system_exit_inside_a_tool_does_not_escape():
    def exits() -> str:
        """Exit."""
        raise SystemExit(3)

    assert run_tool(Tool.from_function(exits), {}).is_error


@pytest.mark.timeout(30)
def test_a_hanging_tool_is_cut_off_by_the_time_limit():
    release = threading.Event()

    def hangs() -> str:
        """Wait forever (until the test releases it)."""
        release.wait()
        return "finally"

    tool = Tool.from_function(hangs, timeout_s=0.2)
    try:
        outcome = run_tool(tool, {})
    finally:
        release.set()
    assert outcome.is_error
    assert outcome.output == "hangs timed out after 0.2 s"


def test_invalid_arguments_never_reach_the_function():
    called = []

    def record(x: int) -> str:
        """Record."""
        called.append(x)
        return "ok"

    outcome = run_tool(Tool.from_function(record), {"x": "not a number"})
    assert outcome.is_error and "invalid arguments for record" in outcome.output
    assert called == []


def test_registry_finds_runs_and_refuses_unknown_names():
    registry = ToolRegistry([Tool.from_function(sample)])
    assert "sample" in registry and len(registry) == 1
    unknown = registry.run("nope", {})
    assert unknown.is_error and "unknown tool 'nope' (available: sample)" in unknown.output
    with pytest.raises(ValueError, match="already provided"):
        registry.add(Tool.from_function(sample))
