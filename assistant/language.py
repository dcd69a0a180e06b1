"""Which language a text is in, and the fixed texts the core writes in that language.

One detector for the whole core. ``main_language`` reads the script a text is written in:
Han characters are Chinese (unless kana show it is Japanese), Hangul Korean, Cyrillic
Russian, Latin letters English (the keyword index stems English; other Latin-script
languages share its tokenizer, so for keyword purposes they count as one). Counts compare
like with like: a Chinese character carries about one word, so Han characters are weighed
against Latin *words*: "请解释一下 transformer 的原理" is Chinese, "what does 幻觉 mean?"
English. No model, no dictionary: a passage or a query is classified in microseconds.

A reply should come in the user's language, including the sentences Fireside writes itself
("the documents do not contain this", notices about collections): ``LanguageDetector``
tells English from Simplified and Traditional Chinese, the latter two by which way the
OpenCC tables change the text.
"""

from __future__ import annotations

import re

from opencc import OpenCC

ENGLISH, SIMPLIFIED, TRADITIONAL = "en", "zh-Hans", "zh-Hant"
CHINESE = "zh"  # the script-level answer of ``main_language``
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]")
_KANA = re.compile(r"[\u3040-\u30ff]")
_HANGUL = re.compile(r"[\uac00-\ud7af\u1100-\u11ff]")
_CYRILLIC_WORD = re.compile(r"[\u0400-\u04ff]+")
_LATIN_WORD = re.compile(r"[A-Za-z\u00c0-\u024f]+")

_TEXTS: dict[str, dict[str, str]] = {
    "no_answer": {
        ENGLISH: "The documents{where} do not contain information about this, so I cannot "
        "answer it from them.",
        SIMPLIFIED: "文档{where}中没有关于这个问题的信息，所以我无法根据这些文档回答。",
        TRADITIONAL: "文件{where}中沒有關於這個問題的資訊，所以我無法根據這些文件回答。",
    },
    "where": {ENGLISH: " in {names}", SIMPLIFIED: "（{names}）", TRADITIONAL: "（{names}）"},
    "collection_gone": {
        ENGLISH: "The collection {names} no longer exists; answering without it.",
        SIMPLIFIED: "文档集 {names} 已不存在；本次回答不使用它。",
        TRADITIONAL: "文件集 {names} 已不存在；本次回答不使用它。",
    },
    "collections_gone": {
        ENGLISH: "The collections {names} no longer exist; answering without them.",
        SIMPLIFIED: "文档集 {names} 已不存在；本次回答不使用它们。",
        TRADITIONAL: "文件集 {names} 已不存在；本次回答不使用它們。",
    },
    "all_collections_gone": {
        ENGLISH: "None of this chat's document collections exist any more: choose others or "
        "switch documents off for this chat.",
        SIMPLIFIED: "此对话使用的文档集都已不存在：请选择其他文档集，或为此对话关闭文档。",
        TRADITIONAL: "此對話使用的文件集都已不存在：請選擇其他文件集，或為此對話關閉文件。",
    },
    "cancelled_reading": {
        ENGLISH: "cancelled while reading the documents",
        SIMPLIFIED: "阅读文档时已取消",
        TRADITIONAL: "閱讀文件時已取消",
    },
    "mostly_unsupported": {
        ENGLISH: "(Most of this answer is not found in the cited documents: check it against "
        "the sources.)",
        SIMPLIFIED: "（这个回答的大部分内容在所引用的文档中找不到，请对照来源核实。）",
        TRADITIONAL: "（這個回答的大部分內容在所引用的文件中找不到，請對照來源核實。）",
    },
    "answer_in": {
        ENGLISH: "Answer in the language of the user's question.",
        SIMPLIFIED: "The user writes in Simplified Chinese: answer in Simplified Chinese "
        "(简体中文).",
        TRADITIONAL: "The user writes in Traditional Chinese: answer in Traditional Chinese "
        "(繁體中文).",
    },
}


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


class LanguageDetector:
    """Tells English from Simplified and Traditional Chinese; owns its conversion tables."""

    def __init__(self) -> None:
        self._to_simplified: OpenCC | None = None
        self._to_traditional: OpenCC | None = None

    def detect(self, text: str) -> str:
        if main_language(text) != CHINESE:
            return ENGLISH
        chars = "".join(_HAN.findall(text))
        if self._to_simplified is None:
            self._to_simplified, self._to_traditional = OpenCC("t2s"), OpenCC("s2t")
        traditional = _changed(chars, self._to_simplified.convert(chars))
        simplified = _changed(chars, self._to_traditional.convert(chars))
        return TRADITIONAL if traditional > simplified else SIMPLIFIED


def _changed(before: str, after: str) -> int:
    if len(before) != len(after):  # phrase tables may change the length: count what differs
        return sum(1 for c in before if c not in after)
    return sum(1 for a, b in zip(before, after, strict=True) if a != b)


def text(key: str, language: str = ENGLISH, **values: str) -> str:
    """The fixed text ``key`` in ``language`` (English when there is no translation)."""
    variants = _TEXTS[key]
    return variants.get(language, variants[ENGLISH]).format(**values)


def no_answer_text(collections: list[str], language: str = ENGLISH) -> str:
    """The fixed reply when the documents hold nothing about the question."""
    where = text("where", language, names=quoted_names(collections, language))
    return text("no_answer", language, where=where if collections else "")


def is_chinese(language: str) -> bool:
    return language in (SIMPLIFIED, TRADITIONAL)


def quoted_names(names: list[str], language: str = ENGLISH) -> str:
    if is_chinese(language):
        return "、".join(f"“{n}”" for n in names)
    return ", ".join(repr(n) for n in names)
