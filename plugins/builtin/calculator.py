"""The calculator tool: exact arithmetic for models that are bad at it.

Evaluation goes through ``simpleeval`` restricted to numbers, a fixed set of functions and
arithmetic operators (never ``eval``). Work that would run away is refused *before* it
starts (huge powers, products and factorials), because a thread stuck in one long C-level
big-integer operation cannot be interrupted by the tool time limit. Angles are in radians;
``sind``/``cosd``/... take degrees. Percent rules are in ``calc_syntax``.
"""

from __future__ import annotations

import ast
import math
import operator
from decimal import Decimal
from typing import Annotated, Any

from fireside.plugins.builtin.calc_syntax import (
    MAX_EXPRESSION_CHARS,
    PERCENT_FUNC,
    CalcSyntaxError,
    to_python,
    tokenize,
)
from fireside.plugins.hookspecs import hookimpl
from fireside.plugins.tools import ToolError
from simpleeval import InvalidExpression, SimpleEval

MAX_DIGITS = 1000
MAX_BITS = int(MAX_DIGITS * math.log2(10))
MAX_FACTORIAL = 400


def _check(value: Any) -> Any:
    if isinstance(value, bool) or not isinstance(value, int | float):
        raise ToolError("the result is not a real number")
    if isinstance(value, int) and value.bit_length() > MAX_BITS:
        raise ToolError(f"the result is too large (more than {MAX_DIGITS} digits)")
    if isinstance(value, float) and not math.isfinite(value):
        raise ToolError("the result is too large or undefined")
    return value


def _digits(base: float, exponent: float) -> float:
    return exponent * math.log10(abs(base)) if abs(base) > 1 else 0.0


def _pow(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and b > 0 and _digits(a, b) > MAX_DIGITS:
        raise ToolError(
            f"the result would have about {_digits(a, b):.3g} digits (the limit is {MAX_DIGITS})"
        )
    return operator.pow(a, b)


def _mul(a: Any, b: Any) -> Any:
    if isinstance(a, int) and isinstance(b, int) and a.bit_length() + b.bit_length() > MAX_BITS + 1:
        raise ToolError(f"the result is too large (more than {MAX_DIGITS} digits)")
    return a * b


def _factorial(n: float) -> int:
    if isinstance(n, float) and n.is_integer():
        n = int(n)
    if not isinstance(n, int) or not 0 <= n <= MAX_FACTORIAL:
        raise ToolError(f"factorial is limited to whole numbers from 0 to {MAX_FACTORIAL}")
    return math.factorial(n)


def _root(x: float, n: float) -> float:
    if n == 0:
        raise ToolError("root(x, 0) is undefined")
    if x < 0 and float(n).is_integer() and int(n) % 2 == 1:
        return -((-x) ** (1 / n))
    if x < 0:
        raise ToolError("even roots of negative numbers are not real")
    return x ** (1 / n)


def _snap(fn):
    """Trigonometry that shows sin(pi) as 0, not 1.2e-16."""
    return lambda x: 0.0 if abs(r := fn(x)) < 1e-15 else r


def _sqrt(x: float) -> float:
    if x < 0:
        raise ToolError("the square root of a negative number is not real")
    return math.sqrt(x)


FUNCTIONS = {
    "sqrt": _sqrt,
    "cbrt": math.cbrt,
    "root": _root,
    "sin": _snap(math.sin),
    "cos": _snap(math.cos),
    "tan": _snap(math.tan),
    "asin": math.asin,
    "acos": math.acos,
    "atan": math.atan,
    "sind": _snap(lambda d: math.sin(math.radians(d))),
    "cosd": _snap(lambda d: math.cos(math.radians(d))),
    "tand": _snap(lambda d: math.tan(math.radians(d))),
    "asind": lambda x: math.degrees(math.asin(x)),
    "acosd": lambda x: math.degrees(math.acos(x)),
    "atand": lambda x: math.degrees(math.atan(x)),
    "deg": math.degrees,
    "rad": math.radians,
    "degrees": math.degrees,
    "radians": math.radians,
    "log": math.log,
    "ln": math.log,
    "log10": math.log10,
    "log2": math.log2,
    "exp": math.exp,
    "abs": abs,
    "round": round,
    "floor": math.floor,
    "ceil": math.ceil,
    "factorial": _factorial,
    "min": min,
    "max": max,
}
CONSTANTS = {"pi": math.pi, "e": math.e, "tau": math.tau}
OPERATORS = {
    ast.Add: operator.add,
    ast.Sub: operator.sub,
    ast.Mult: _mul,
    ast.Div: operator.truediv,
    ast.FloorDiv: operator.floordiv,
    ast.Mod: operator.mod,
    ast.Pow: _pow,
    ast.USub: operator.neg,
    ast.UAdd: operator.pos,
}


def _is_percent(node: ast.AST) -> bool:
    return (
        isinstance(node, ast.Call)
        and isinstance(node.func, ast.Name)
        and node.func.id == PERCENT_FUNC
    )


class _Evaluator(SimpleEval):
    """simpleeval limited to arithmetic; every intermediate result is size-checked."""

    def __init__(self) -> None:
        functions = dict(FUNCTIONS, **{PERCENT_FUNC: lambda x: x / 100})
        super().__init__(operators=OPERATORS, functions=functions, names=dict(CONSTANTS))
        self.nodes = {
            ast.BinOp: self._eval_binop,
            ast.UnaryOp: self._eval_unaryop,
            ast.Call: self._eval_call,
            ast.Name: self._eval_name,
            ast.Constant: self._eval_number,
            ast.Tuple: self._eval_tuple,
        }

    def _eval_tuple(self, node: ast.Tuple) -> Any:
        raise ToolError("commas only separate function arguments (write 1000, not 1,000)")

    def _eval_number(self, node: ast.Constant) -> Any:
        return _check(node.value)

    def _eval_binop(self, node: ast.BinOp) -> Any:
        # A + B% means A plus B percent of A (unless A is a percentage itself).
        percent_of_left = _is_percent(node.right) and not _is_percent(node.left)
        if isinstance(node.op, ast.Add | ast.Sub) and percent_of_left:
            base = self._eval(node.left)
            share = _mul(base, self._eval(node.right))
            return _check(base + share if isinstance(node.op, ast.Add) else base - share)
        return _check(super()._eval_binop(node))

    def _eval_unaryop(self, node: ast.UnaryOp) -> Any:
        return _check(super()._eval_unaryop(node))

    def _eval_call(self, node: ast.Call) -> Any:
        if not isinstance(node.func, ast.Name) or node.keywords:
            raise ToolError("only plain function calls like sqrt(2) are supported")
        name = node.func.id
        if name in CONSTANTS:
            raise ToolError(f"'{name}' is a number, not a function")
        try:
            return _check(super()._eval_call(node))
        except TypeError as exc:
            raise ToolError(f"{name}() was given the wrong number or kind of arguments") from exc

    def _eval_name(self, node: ast.Name) -> Any:
        if node.id in FUNCTIONS:
            raise ToolError(f"'{node.id}' is a function: call it, as in {node.id}(2)")
        return super()._eval_name(node)


def format_number(value: float) -> str:
    """Whole numbers without ``.0``, 12 significant digits, scientific notation when large."""
    if isinstance(value, float) and value.is_integer() and abs(value) < 1e15:
        value = int(value)
    if isinstance(value, int):
        if abs(value) < 10**15:
            return str(value)
        mantissa, exp = f"{Decimal(value):.11e}".split("e")
        return f"{mantissa.rstrip('0').rstrip('.')}e{int(exp):+d}"
    return f"{value:.12g}"


def evaluate(expression: str) -> float:
    """The value of ``expression``; ``ToolError`` with a one-line reason when refused."""
    try:
        text = to_python(tokenize(expression, set(FUNCTIONS) | set(CONSTANTS)))
        tree = ast.parse(text, mode="eval")
    except CalcSyntaxError as exc:
        raise ToolError(str(exc)) from None
    except (SyntaxError, ValueError):
        raise ToolError(f"could not understand '{expression.strip()}'") from None
    try:
        return _Evaluator().eval(text, previously_parsed=tree.body)
    except ToolError:
        raise
    except ZeroDivisionError:
        raise ToolError("division by zero") from None
    except OverflowError:
        raise ToolError("the result is too large") from None
    except ValueError as exc:
        raise ToolError(f"math error: {exc}") from None
    except InvalidExpression as exc:
        raise ToolError(f"not supported: {exc}") from None
    except RecursionError:
        raise ToolError("the expression is nested too deeply") from None


def calculator(
    expression: Annotated[
        str,
        "The arithmetic expression, e.g. 12*(3+4), sqrt(2), 15% of 80",
        {"pattern": r"^[0-9A-Za-z_ .+*/%^(),-]+$", "maxLength": MAX_EXPRESSION_CHARS},
    ],
) -> str:
    """Evaluate an arithmetic expression exactly. Supports + - * / // % ** ^, parentheses,
    sqrt, cbrt, root(x, n), sin/cos/tan (radians), sind/cosd/tand (degrees), log (natural),
    log10, log2, exp, abs, round, floor, ceil, factorial, pi, e, and percentages
    (15% of 80, 200 + 10%)."""
    return format_number(evaluate(expression))


@hookimpl
def register_tools(register) -> None:
    register(calculator, timeout_s=5.0)
