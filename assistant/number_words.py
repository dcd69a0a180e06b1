"""Numbers written in words, English or Chinese, rewritten as digits.

"seventeen times twenty-three" becomes "17 times 23" and "十七乘以二十三" becomes
"17乘以23", so that an arithmetic question in words can go to the calculator. Only whole
runs of number words are replaced; everything else is left as it was.
"""

from __future__ import annotations

import re

_EN_UNITS = {
    "zero": 0, "oh": 0, "one": 1, "two": 2, "three": 3, "four": 4, "five": 5, "six": 6,
    "seven": 7, "eight": 8, "nine": 9, "ten": 10, "eleven": 11, "twelve": 12,
    "thirteen": 13, "fourteen": 14, "fifteen": 15, "sixteen": 16, "seventeen": 17,
    "eighteen": 18, "nineteen": 19,
}  # fmt: skip
_EN_TENS = {
    "twenty": 20, "thirty": 30, "forty": 40, "fourty": 40, "fifty": 50, "sixty": 60,
    "seventy": 70, "eighty": 80, "ninety": 90,
}  # fmt: skip
_EN_SCALES = {"thousand": 10**3, "million": 10**6, "billion": 10**9, "trillion": 10**12}
_EN_WORDS = set(_EN_UNITS) | set(_EN_TENS) | set(_EN_SCALES) | {"hundred", "a"}
_EN_FIRST = "|".join(sorted(_EN_WORDS - {"a"}, key=len, reverse=True))
_EN_ANY = "|".join(sorted(_EN_WORDS, key=len, reverse=True))
_EN_A = r"a(?=\s+(?:hundred|thousand|million|billion)\b)"  # "a hundred", not "a cat"
_EN_RUN = re.compile(
    rf"\b(?:(?:{_EN_FIRST}|{_EN_A})(?:[\s-]+(?:and[\s-]+)?(?=(?:{_EN_ANY})\b))?)+"
    rf"(?:\s+point(?:\s+(?:{'|'.join(_EN_UNITS)}))+)?\b",
    re.I,
)

_ZH_DIGITS = {
    "零": 0, "〇": 0, "一": 1, "二": 2, "两": 2, "三": 3, "四": 4, "五": 5, "六": 6,
    "七": 7, "八": 8, "九": 9,
}  # fmt: skip
_ZH_UNITS = {"十": 10, "百": 100, "千": 1000}
_ZH_BIG = {"万": 10**4, "亿": 10**8}
_ZH_CHARS = "".join(_ZH_DIGITS) + "".join(_ZH_UNITS) + "".join(_ZH_BIG)
_ZH_RUN = re.compile(f"[{_ZH_CHARS}]+(?:点[{''.join(_ZH_DIGITS)}]+)?")


def english_number(words: str) -> int | float | None:
    """``"one hundred and five"`` -> 105, ``"three point five"`` -> 3.5; None if not one."""
    whole, _, fraction = re.sub(r"\s+", " ", words.lower().strip()).partition(" point ")
    tokens = [t for t in re.split(r"[\s-]+", whole) if t and t != "and"]
    if not tokens:
        return None
    total = current = 0
    seen = False
    for token in tokens:
        if token == "a":
            current = max(current, 1)
        elif token in _EN_UNITS:
            current += _EN_UNITS[token]
        elif token in _EN_TENS:
            current += _EN_TENS[token]
        elif token == "hundred":
            current = (current or 1) * 100
        elif token in _EN_SCALES:
            total += (current or 1) * _EN_SCALES[token]
            current = 0
        else:
            return None
        seen = True
    if not seen:
        return None
    value = total + current
    if fraction:
        digits = "".join(str(_EN_UNITS[t]) for t in fraction.split() if t in _EN_UNITS)
        return float(f"{value}.{digits}") if digits else value
    return value


def chinese_number(text: str) -> int | float | None:
    """``"二十三"`` -> 23, ``"一百零五"`` -> 105, ``"两千"`` -> 2000, ``"三点五"`` -> 3.5."""
    whole, _, fraction = text.partition("点")
    if not whole or any(ch not in _ZH_CHARS for ch in whole):
        return None
    if len(whole) > 1 and all(ch in _ZH_DIGITS for ch in whole):
        value = int("".join(str(_ZH_DIGITS[ch]) for ch in whole))  # 一二三 read digit by digit
    else:
        total = section = number = 0
        for ch in whole:
            if ch in _ZH_DIGITS:
                number = _ZH_DIGITS[ch]
            elif ch in _ZH_UNITS:
                section += (number or 1) * _ZH_UNITS[ch]
                number = 0
            elif ch == "亿":
                total = (total + section + number) * _ZH_BIG[ch]
                section = number = 0
            else:  # 万
                total += (section + number) * _ZH_BIG[ch]
                section = number = 0
        value = total + section + number
    if fraction:
        digits = "".join(str(_ZH_DIGITS[ch]) for ch in fraction if ch in _ZH_DIGITS)
        return float(f"{value}.{digits}")
    return value


def numbers_to_digits(text: str) -> str:
    """``text`` with every run of English or Chinese number words replaced by digits."""

    def english(match: re.Match) -> str:
        value = english_number(match.group(0))
        return match.group(0) if value is None else str(value)

    def chinese(match: re.Match) -> str:
        value = chinese_number(match.group(0))
        return match.group(0) if value is None else str(value)

    return _ZH_RUN.sub(chinese, _EN_RUN.sub(english, text))
