"""Is this message nothing but an arithmetic question? Then which expression?

"What is 17 times 23?", "十七乘以二十三是多少", "15% of 80", "2的10次方": the question is
stripped of its polite wrapping, number words become digits, operator words become
operators, and what is left must be arithmetic and nothing else. Anything that remains
unexplained ("17 times 23 apples for my aunt") means the message is more than a sum, and
it is left to the model. Being strict here is the point: routing must never surprise.
"""

from __future__ import annotations

import re

from fireside.assistant.number_words import numbers_to_digits

MAX_CHARS = 200
_NUM = r"\d+(?:\.\d+)?"

# Wrapping that may surround the arithmetic: removed from both ends, repeatedly.
_EN_LEAD = re.compile(
    r"^(?:hey|hi|ok|okay|so|please|quick question|can you|could you|would you|will you|"
    r"tell me|calculate|compute|evaluate|work out|figure out|solve|what(?:'s| is| are)|whats|"
    r"how much is|how much are|how much|how many is|find|give me|do you know|i need|"
    r"the (?:answer|result|value) (?:of|to|for)|what does|equals?)\b[\s,:]*",
    re.I,
)
_EN_TAIL = re.compile(
    r"[\s,]*(?:please|equals?|equal to|is what|make|makes|come to|give|gives|"
    r"for me|exactly|in total|altogether|now)?\s*[?.!=]*\s*$",
    re.I,
)
_ZH_LEAD = re.compile(
    r"^(?:请问|请你|请|帮我|帮忙|你能|能不能|麻烦|计算一下|计算|算一下|算算|算|求)+"
)
_ZH_TAIL = re.compile(
    r"(?:是多少|等于多少|等于几|得多少|是几|得几|多少|等于|结果是|的结果|呢|吗|啊|呀|吧|[？?。！!=\s])+$"
)

# Rewrites applied after number words became digits; order matters (longest first).
_REWRITES: list[tuple[re.Pattern, str]] = [
    # Chinese shapes that put the operator around the operands.
    (re.compile(rf"({_NUM})的({_NUM})%"), r"\2% of \1"),
    (re.compile(rf"({_NUM})的({_NUM})次(?:方|幂)"), r"\1^\2"),
    (re.compile(rf"({_NUM})的平方根"), r"sqrt(\1)"),
    (re.compile(rf"({_NUM})的立方根"), r"cbrt(\1)"),
    (re.compile(rf"({_NUM})的平方"), r"\1^2"),
    (re.compile(rf"({_NUM})的立方"), r"\1^3"),
    (re.compile(rf"(?:根号|开方)\s*({_NUM})"), r"sqrt(\1)"),
    (re.compile(rf"({_NUM})\s*(?:和|与|跟)\s*({_NUM})\s*的(?:和|总和)"), r"\1 + \2"),
    (re.compile(rf"({_NUM})\s*(?:和|与|跟)\s*({_NUM})\s*的(?:积|乘积)"), r"\1 * \2"),
    (re.compile(rf"({_NUM})\s*(?:和|与|跟)\s*({_NUM})\s*的差"), r"\1 - \2"),
    (re.compile(r"乘以|乘上|乘"), " * "),
    (re.compile(r"除以"), " / "),
    (re.compile(r"加上|加"), " + "),
    (re.compile(r"减去|减"), " - "),
    # English shapes.
    (re.compile(rf"\bsubtract\s+({_NUM})\s+from\s+({_NUM})", re.I), r"\2 - \1"),
    (re.compile(rf"\badd\s+({_NUM})\s+(?:and|to)\s+({_NUM})", re.I), r"\1 + \2"),
    (re.compile(rf"\bmultiply\s+({_NUM})\s+(?:by|and|with)\s+({_NUM})", re.I), r"\1 * \2"),
    (re.compile(rf"\bdivide\s+({_NUM})\s+by\s+({_NUM})", re.I), r"\1 / \2"),
    (re.compile(rf"\bthe sum of\s+({_NUM})\s+and\s+({_NUM})", re.I), r"\1 + \2"),
    (re.compile(rf"\bthe product of\s+({_NUM})\s+and\s+({_NUM})", re.I), r"\1 * \2"),
    (re.compile(rf"\bthe difference between\s+({_NUM})\s+and\s+({_NUM})", re.I), r"\1 - \2"),
    (re.compile(rf"\bthe (?:square root|sqrt) of\s+({_NUM})", re.I), r"sqrt(\1)"),
    (re.compile(rf"\b(?:square root|sqrt) of\s+({_NUM})", re.I), r"sqrt(\1)"),
    (re.compile(rf"\b(?:the )?cube root of\s+({_NUM})", re.I), r"cbrt(\1)"),
    (re.compile(rf"({_NUM})\s+squared\b", re.I), r"\1^2"),
    (re.compile(rf"({_NUM})\s+cubed\b", re.I), r"\1^3"),
    (re.compile(rf"({_NUM})\s+to the\s+({_NUM})(?:st|nd|rd|th)?\s+power\b", re.I), r"\1^\2"),
    (re.compile(r"\b(?:raised )?to the power of\b|\braised to\b", re.I), " ^ "),
    (re.compile(r"\b(?:multiplied by|times)\b", re.I), " * "),
    (re.compile(r"\b(?:divided by|over)\b", re.I), " / "),
    (re.compile(r"\b(?:plus|added to)\b", re.I), " + "),
    (re.compile(r"\bminus\b", re.I), " - "),
    (re.compile(r"\s*(?:percent|per cent|pct)\b", re.I), "%"),
    (re.compile(rf"(?<=\d)\s*[x×]\s*(?={_NUM})", re.I), " * "),
    (re.compile(r"[÷]"), " / "),
    (re.compile(r"[−–]"), " - "),
    (re.compile(r"\*\*"), "^"),
]
_ALLOWED = re.compile(rf"^(?:\s|{_NUM}|[-+*/^%(),]|sqrt|cbrt|\bof\b)+$")
_BINARY = re.compile(r"\d%?\s*\)?\s*(?:[-+*/^]|%\s*of)\s*\(?\s*\d|sqrt\(|cbrt\(")


def _strip_wrapping(text: str) -> str:
    previous = None
    while previous != text:
        previous = text
        text = _EN_LEAD.sub("", text).strip()
        text = _ZH_LEAD.sub("", text).strip()
        text = _EN_TAIL.sub("", text).strip()
        text = _ZH_TAIL.sub("", text).strip()
    return text


def arithmetic_expression(message: str) -> str | None:
    """The calculator expression ``message`` asks for, or None when it asks something else."""
    text = " ".join(message.split())
    if not text or len(text) > MAX_CHARS:
        return None
    text = re.sub(r"百分之", "%PCT%", text)  # before 百 is read as a hundred
    text = _strip_wrapping(text)
    text = numbers_to_digits(text)
    text = re.sub(rf"%PCT%\s*({_NUM})", r"\1%", text)
    text = re.sub(r"(?<=\d),(?=\d{3}\b)", "", text)  # 1,000 -> 1000
    for pattern, replacement in _REWRITES:
        text = pattern.sub(replacement, text)
    text = _strip_wrapping(text)
    expression = " ".join(text.split())
    if not expression or not _ALLOWED.match(expression) or not _BINARY.search(expression):
        return None
    if expression.count("(") != expression.count(")"):
        return None
    return expression
