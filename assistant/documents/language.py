"""The main language of a text, from the scripts its letters are written in.

Fusion only needs to know whether a question and a passage are in the same language, and
for the languages that matter here the script says it: Han characters are Chinese (unless
kana show it is Japanese), Hangul is Korean, Cyrillic Russian, Latin letters English (the
keyword index stems English; other Latin-script languages share its script and its
tokenizer, so for keyword purposes they count as one). No model, no dictionary: a passage
or a query is classified in microseconds.

Counts compare like with like: a Chinese character is about one word, an English word about
five letters, so Han characters are weighed against Latin *words*.
"""

from __future__ import annotations

import re

_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")

CHINESE = "zh"
ENGLISH = "en"


def main_language(text: str) -> str | None:
    """``"zh"``, ``"en"``, ``"ja"``, ``"ko"``, ``"ru"``, or None for text with no letters."""
    han = len(_HAN.findall(text))
    kana = len(_KANA.findall(text))
    counts = {
        CHINESE: han if kana * 4 < han else 0,
        "ja": han + kana if kana * 4 >= han and kana else 0,
        "ko": len(_HANGUL.findall(text)),
        "ru": len(_CYRILLIC_WORD.findall(text)),
        ENGLISH: len(_LATIN_WORD.findall(text)),
    }
    best = max(counts, key=lambda k: counts[k])
    return best if counts[best] else None


def same_language(a: str | None, b: str | None) -> bool:
    """Unknown (None) matches anything: a number or a code name is language-neutral."""
    return a is None or b is None or a == b
