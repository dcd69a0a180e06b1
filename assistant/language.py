"""Which language a question is in, and the fixed texts the core writes in that language.

A reply should come in the user's language, including the sentences Fireside writes itself
("the documents do not contain this", notices about collections). Only English and Chinese
are told apart: by the ratio of Han characters to Latin letters (one Han character carries
about as much as three letters, so "请解释一下 transformer 的原理" is Chinese while
"what does 幻觉 mean?" is English), then Simplified against Traditional by which way the
OpenCC tables change the text.
"""

from __future__ import annotations

import re

from opencc import OpenCC

ENGLISH, SIMPLIFIED, TRADITIONAL = "en", "zh-Hans", "zh-Hant"
_HAN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN = re.compile(r"[A-Za-z]")
HAN_WEIGHT = 3  # letters one Han character counts as

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
    "answer_in": {
        ENGLISH: "Answer in the language of the user's question.",
        SIMPLIFIED: "The user writes in Simplified Chinese: answer in Simplified Chinese "
        "(简体中文).",
        TRADITIONAL: "The user writes in Traditional Chinese: answer in Traditional Chinese "
        "(繁體中文).",
    },
}


class LanguageDetector:
    """Tells English from Simplified and Traditional Chinese; owns its conversion tables."""

    def __init__(self) -> None:
        self._to_simplified: OpenCC | None = None
        self._to_traditional: OpenCC | None = None

    def detect(self, text: str) -> str:
        han = _HAN.findall(text)
        if not han or len(han) * HAN_WEIGHT < len(_LATIN.findall(text)):
            return ENGLISH
        chars = "".join(han)
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


def is_chinese(language: str) -> bool:
    return language in (SIMPLIFIED, TRADITIONAL)


def quoted_names(names: list[str], language: str = ENGLISH) -> str:
    if is_chinese(language):
        return "、".join(f"“{n}”" for n in names)
    return ", ".join(repr(n) for n in names)
