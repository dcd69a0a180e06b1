"""The calculator: right answers, and quick, clear refusals of everything but arithmetic."""

from __future__ import annotations

import pytest
from fireside.plugins.builtin.calculator import calculator, format_number
from fireside.plugins.tools import Tool, run_tool

TOOL = Tool.from_function(calculator, timeout_s=5.0)


def calc(expression: str, limit: float = 5.0):
    return run_tool(TOOL, {"expression": expression}, timeout_s=limit)


@pytest.mark.parametrize(
    "expression, expected",
    [
        ("12*(3+4)", "84"),
        ("17*23", "391"),
        ("1 + 2 * 3", "7"),
        ("(1 + 2) * 3", "9"),
        ("7 / 2", "3.5"),
        ("7 // 2", "3"),
        ("17 % 5", "2"),
        ("10 % (-3)", "-2"),
        ("2 ** 10", "1024"),
        ("2^10", "1024"),
        ("-2**2", "-4"),
        ("0.1 + 0.2", "0.3"),
        ("1/3", "0.333333333333"),
        ("sqrt(16)", "4"),
        ("sqrt(2)", "1.41421356237"),
        ("cbrt(27)", "3"),
        ("cbrt(-8)", "-2"),
        ("root(16, 4)", "2"),
        ("root(-32, 5)", "-2"),
        ("sin(0)", "0"),
        ("sin(pi)", "0"),
        ("cos(pi)", "-1"),
        ("sin(pi/6)", "0.5"),
        ("tan(pi/4)", "1"),
        ("atan(1)*4", "3.14159265359"),
        ("sind(30)", "0.5"),
        ("cosd(90)", "0"),
        ("asind(1)", "90"),
        ("deg(pi)", "180"),
        ("rad(180)", "3.14159265359"),
        ("log(e)", "1"),
        ("ln(e^2)", "2"),
        ("log(8, 2)", "3"),
        ("log10(1000)", "3"),
        ("log2(1024)", "10"),
        ("exp(0)", "1"),
        ("abs(-7.5)", "7.5"),
        ("round(2.567, 2)", "2.57"),
        ("floor(-2.5)", "-3"),
        ("ceil(2.1)", "3"),
        ("factorial(5)", "120"),
        ("factorial(0)", "1"),
        ("pi", "3.14159265359"),
        ("e", "2.71828182846"),
        ("tau / 2", "3.14159265359"),
        ("15% of 80", "12"),
        ("200 + 10%", "220"),
        ("200 - 10%", "180"),
        ("50%", "0.5"),
        ("80 * 15%", "12"),
        ("(10 + 10)% of 50", "10"),
        ("10% + 5%", "0.15"),
        ("3 × 4 ÷ 2", "6"),
        ("17*23 =", "391"),
        ("2**100", "1.26765060023e+30"),
        ("10**20", "1e+20"),
        ("1e-20", "1e-20"),
        ("factorial(30)", "2.65252859812e+32"),
        ("2**-2", "0.25"),
    ],
)
def test_expressions(expression, expected):
    outcome = calc(expression)
    assert (outcome.output, outcome.is_error) == (expected, False)


@pytest.mark.parametrize(
    "value, text",
    [
        (3.0, "3"),
        (-0.0, "0"),
        (123456789012345, "123456789012345"),
        (10**15, "1e+15"),
        (1234.5678, "1234.5678"),
        (2.5e-7, "2.5e-07"),
        (10**500 + 1, "1e+500"),
    ],
)
def test_number_formatting(value, text):
    assert format_number(value) == text


@pytest.mark.parametrize(
    "expression, message",
    [
        ("9**9**9**9", "digits (the limit is 1000)"),
        ("2**100000", "digits (the limit is 1000)"),
        ("10**999 * 10**999", "too large"),
        ("factorial(100000)", "factorial is limited"),
        ("factorial(-1)", "factorial is limited"),
        ("factorial(2.5)", "factorial is limited"),
        ("exp(10000)", "too large"),
        ("'a'*10**10", "quoted strings"),
        ("'abc'", "quoted strings"),
        ('"a" + "b"', "quoted strings"),
        ("__import__('os')", "names starting with '_'"),
        ("__import__", "names starting with '_'"),
        ("pi.real", "attribute access"),
        ("(1).__class__", "attribute access"),
        ("x + 1", "unknown name 'x'"),
        ("open(1)", "unknown name 'open'"),
        ("lambda: 1", "lambda is not allowed"),
        ("(lambda x: x)(2)", "lambda is not allowed"),
        ("[x for x in (1, 2)]", "comprehensions"),
        ("max(x for x in (1, 2))", "comprehensions"),
        ("1 if 2 else 3", "conditional"),
        ("1 == 1", "comparisons"),
        ("1; 2", "one expression"),
        ("1" * 301, "too long"),
        ("1/0", "division by zero"),
        ("sqrt(-1)", "negative number"),
        ("(-8)**0.5", "not a real number"),
        ("log(0)", "math error"),
        ("sin", "is a function"),
        ("pi(2)", "is a number, not a function"),
        ("sqrt(1, 2)", "wrong number or kind of arguments"),
        ("1,000", "commas"),
        ("of 5", "'of' must follow a percentage"),
        ("", "empty"),
        ("2 3", "could not understand"),
    ],
)
def test_refusals_are_quick_and_clear(expression, message):
    outcome = calc(expression, limit=1.0)  # an overrun would read "timed out", not message
    assert outcome.is_error
    assert message in outcome.output


def test_the_calculator_schema_constrains_the_expression():
    prop = TOOL.parameters["properties"]["expression"]
    assert TOOL.parameters["required"] == ["expression"]
    assert prop["type"] == "string" and prop["pattern"].startswith("^")
    assert not TOOL.network and not TOOL.filesystem
