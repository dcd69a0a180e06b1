"""Turn calculator input into a plain Python expression, refusing anything but arithmetic.

Checking the text before parsing gives one clear message per misuse (quotes, attribute
access, lambda, brackets) and keeps the evaluator's input to numbers, known names,
operators and parentheses. Calculator spellings are rewritten here:

* ``^`` is a power (``2^10`` = 1024), ``×``/``÷``/``−`` are ``*``/``/``/``-``;
* a ``%`` directly after an operand is a percentage: ``50%`` = 0.5, ``15% of 80`` = 12,
  and ``A + B%``/``A - B%`` add or take B percent *of A* (``200 + 10%`` = 220);
* a ``%`` between two operands is the remainder (``17 % 5`` = 2); a ``%`` followed by
  ``+`` or ``-`` is read as a percentage, so write ``10 % (-3)`` for a negative divisor.
"""

from __future__ import annotations

import keyword
import re

PERCENT_FUNC = "_pct"  # user names may not start with "_", so this cannot be typed
MAX_EXPRESSION_CHARS = 300

_TOKEN = re.compile(
    r"\s*(?:(?P<num>(?:\d+\.?\d*|\.\d+)(?:[eE][+-]?\d+)?)"
    r"|(?P<name>[A-Za-z_][A-Za-z0-9_]*)"
    r"|(?P<op>\*\*|//|[-+*/%^(),]))"
)
_REPLACEMENTS = {"×": "*", "÷": "/", "−": "-", "–": "-", "·": "*"}
_BAD_CHARS = {
    "'": "text (quoted strings) is not supported; the calculator works with numbers only",
    '"': "text (quoted strings) is not supported; the calculator works with numbers only",
    ".": "attribute access ('.') is not allowed",
    "[": "lists, indexing and comprehensions are not supported",
    "]": "lists, indexing and comprehensions are not supported",
    "{": "sets and dictionaries are not supported",
    "}": "sets and dictionaries are not supported",
    "=": "comparisons and assignments are not supported",
    "<": "comparisons are not supported",
    ">": "comparisons are not supported",
    "!": "comparisons are not supported (use factorial(n) for n!)",
    ":": "lambda, slices and dictionaries are not supported",
    "&": "bitwise operators are not supported",
    "|": "bitwise operators are not supported",
    "~": "bitwise operators are not supported",
    "@": "matrix multiplication is not supported",
    ";": "only one expression at a time",
}
_KEYWORD_MESSAGES = {
    "lambda": "lambda is not allowed",
    "for": "comprehensions and loops are not supported",
    "async": "comprehensions and loops are not supported",
    "import": "import is not allowed",
    "if": "conditional expressions are not supported",
}
_AFTER_PERCENT = {"+", "-", "*", "/", "//", "**", "^", ")", ",", "%"}


class CalcSyntaxError(ValueError):
    """The input is not something the calculator evaluates; the message says why."""


def tokenize(text: str, names: set[str]) -> list[tuple[str, str]]:
    """Split into ``(kind, text)`` tokens; ``names`` are the constants and functions known."""
    for old, new in _REPLACEMENTS.items():
        text = text.replace(old, new)
    text = text.strip().rstrip("=").strip()
    if not text:
        raise CalcSyntaxError("the expression is empty")
    if len(text) > MAX_EXPRESSION_CHARS:
        raise CalcSyntaxError(
            f"the expression is too long ({len(text)} characters; the limit is "
            f"{MAX_EXPRESSION_CHARS})"
        )
    tokens: list[tuple[str, str]] = []
    pos = 0
    while pos < len(text):
        if text[pos:].strip() == "":
            break
        match = _TOKEN.match(text, pos)
        if not match:
            ch = text[pos:].lstrip()[0]
            raise CalcSyntaxError(_BAD_CHARS.get(ch, f"unexpected character {ch!r}"))
        kind = match.lastgroup or "op"
        value = match.group(kind)
        if kind == "name":
            _check_name(value)
        tokens.append((kind, value))
        pos = match.end()
    unknown = [v for k, v in tokens if k == "name" and v not in names and v != "of"]
    if unknown:
        raise CalcSyntaxError(f"unknown name '{unknown[0]}' (known: {', '.join(sorted(names))})")
    return tokens


def _check_name(name: str) -> None:
    """Keywords and private names are refused as soon as they are seen."""
    if keyword.iskeyword(name):
        raise CalcSyntaxError(_KEYWORD_MESSAGES.get(name, f"'{name}' is not allowed"))
    if name.startswith("_"):
        raise CalcSyntaxError(f"names starting with '_' are not allowed ({name})")


def _operand_start(out: list[tuple[str, str]]) -> int:
    """Index in ``out`` where the operand that ends ``out`` begins (a number, name or call)."""
    if not out:
        raise CalcSyntaxError("'%' needs a number before it")
    kind, value = out[-1]
    if kind in ("num", "name"):
        return len(out) - 1
    if value != ")":
        raise CalcSyntaxError("'%' needs a number before it")
    depth = 0
    for i in range(len(out) - 1, -1, -1):
        depth += {")": 1, "(": -1}.get(out[i][1], 0)
        if depth == 0:
            return i - 1 if i > 0 and out[i - 1][0] == "name" else i
    raise CalcSyntaxError("unbalanced parentheses")


def to_python(tokens: list[tuple[str, str]]) -> str:
    """Rewrite ``^``, postfix ``%`` and ``of``; return text for ``ast.parse``."""
    out: list[tuple[str, str]] = []
    percent_before = False
    for i, (kind, value) in enumerate(tokens):
        after = tokens[i + 1] if i + 1 < len(tokens) else None
        if (
            kind == "op"
            and value == "%"
            and (after is None or after[1] in _AFTER_PERCENT or after[1] == "of")
        ):
            start = _operand_start(out)
            out[start:] = [("name", PERCENT_FUNC), ("op", "("), *out[start:], ("op", ")")]
            percent_before = True
            continue
        if kind == "name" and value == "of":
            if not percent_before:
                raise CalcSyntaxError("'of' must follow a percentage, as in 15% of 80")
            out.append(("op", "*"))
        else:
            out.append(("op", "**") if value == "^" else (kind, value))
        percent_before = False
    return " ".join(value for _, value in out)
