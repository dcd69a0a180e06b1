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
    # The system prompt of a user who has not written one: in their own language, since an
    # English instruction at the top of a Chinese chat pulls a small model towards English.
    "system_prompt": {
        ENGLISH: "You are a helpful assistant.",
        SIMPLIFIED: "你是一个乐于助人的助手。",
        TRADITIONAL: "你是一個樂於助人的助手。",
    },
    "no_answer": {
        ENGLISH: "The documents{where} do not contain information about this, so I cannot "
        "answer it from them.",
        SIMPLIFIED: "文档{where}中没有关于这个问题的信息，所以我无法根据这些文档回答。",
        TRADITIONAL: "文件{where}中沒有關於這個問題的資訊，所以我無法根據這些文件回答。",
    },
    "where": {ENGLISH: " in {names}", SIMPLIFIED: "（{names}）", TRADITIONAL: "（{names}）"},
    "web_unreachable": {
        ENGLISH: "the web is not reachable",
        SIMPLIFIED: "无法连接到互联网",
        TRADITIONAL: "無法連上網際網路",
    },
    "web_off": {
        ENGLISH: "the web is off for this chat; turn it on (the globe, or --web) to search",
        SIMPLIFIED: "此对话未开启网络；开启后（地球按钮或 --web）才能搜索",
        TRADITIONAL: "此對話未開啟網路；開啟後（地球按鈕或 --web）才能搜尋",
    },
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
    "assistant_gone": {
        ENGLISH: "The assistant {name} no longer exists; this chat goes on without it.",
        SIMPLIFIED: "助手 {name} 已不存在；此对话将不再使用它。",
        TRADITIONAL: "助手 {name} 已不存在；此對話將不再使用它。",
    },
    "no_collections_for": {
        ENGLISH: "The assistant {name} answers only from documents, and there are no "
        "document collections yet: add some first (Documents, or fireside docs add).",
        SIMPLIFIED: "助手 {name} 只根据文档回答，但目前还没有文档集：请先添加文档。",
        TRADITIONAL: "助手 {name} 只根據文件回答，但目前還沒有文件集：請先加入文件。",
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
    # Tool routing: the tool's result as the assistant's own words, then the request to use
    # it, both in the user's language (an English lead makes even a Chinese question's
    # answer English).
    "routed_failed": {
        ENGLISH: "I tried the {tool} tool, but it failed: {output}",
        SIMPLIFIED: "我试着用了 {tool} 工具，但它出错了：{output}",
        TRADITIONAL: "我試著用了 {tool} 工具，但它出錯了：{output}",
    },
    "routed_failed_ask": {
        ENGLISH: "Say in one sentence that it could not be done, and why.",
        SIMPLIFIED: "请用一句话说明这件事做不到，以及原因。",
        TRADITIONAL: "請用一句話說明這件事做不到，以及原因。",
    },
    "routed_arithmetic": {
        ENGLISH: "Using the calculator, the answer is {output}.",
        SIMPLIFIED: "答案是 {output}。",
        TRADITIONAL: "答案是 {output}。",
    },
    "routed_arithmetic_ask": {
        ENGLISH: "Say the answer in one sentence.",
        SIMPLIFIED: "请用中文说出答案。",
        TRADITIONAL: "請用中文說出答案。",
    },
    "routed_time": {
        ENGLISH: "Using the clock: it is {output}.",
        SIMPLIFIED: "看了时钟：现在是 {output}。",
        TRADITIONAL: "看了時鐘：現在是 {output}。",
    },
    "routed_time_ask": {
        ENGLISH: "Answer my question in one sentence using that date and time.",
        SIMPLIFIED: "请根据这个日期和时间，用一句中文回答我的问题。",
        TRADITIONAL: "請根據這個日期和時間，用一句中文回答我的問題。",
    },
    "routed_tool": {
        ENGLISH: "Using the {tool} tool:\n{output}",
        SIMPLIFIED: "用 {tool} 工具得到：\n{output}",
        TRADITIONAL: "用 {tool} 工具得到：\n{output}",
    },
    "routed_tool_ask": {
        ENGLISH: "Answer my question in a few sentences using that result.",
        SIMPLIFIED: "请根据这个结果，用几句中文回答我的问题。",
        TRADITIONAL: "請根據這個結果，用幾句中文回答我的問題。",
    },
    "image_as_text": {
        ENGLISH: "{model} cannot see pictures: it was given the text read from {name} instead.",
        SIMPLIFIED: "{model} 无法查看图片：已改为提供从 {name} 中识别出的文字。",
        TRADITIONAL: "{model} 無法檢視圖片：已改為提供從 {name} 中辨識出的文字。",
    },
    "image_no_text": {
        ENGLISH: "{model} cannot see pictures, and no text was found in {name}: the model "
        "does not know what it shows. Choose a vision model to ask about it.",
        SIMPLIFIED: "{model} 无法查看图片，且在 {name} 中没有找到文字：模型不知道图片的内容。"
        "请选择视觉模型来询问它。",
        TRADITIONAL: "{model} 無法檢視圖片，且在 {name} 中沒有找到文字：模型不知道圖片的內容。"
        "請選擇視覺模型來詢問它。",
    },
    "image_no_ocr": {
        ENGLISH: "{model} cannot see pictures, and text cannot be read from {name} here "
        "(OCR is not installed): the model does not know what it shows.",
        SIMPLIFIED: "{model} 无法查看图片，且此处无法识别 {name} 中的文字（未安装 OCR）："
        "模型不知道图片的内容。",
        TRADITIONAL: "{model} 無法檢視圖片，且此處無法辨識 {name} 中的文字（未安裝 OCR）："
        "模型不知道圖片的內容。",
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


def default_system_prompt(language: str = ENGLISH) -> str:
    return text("system_prompt", language)


def is_default_system_prompt(prompt: str | None) -> bool:
    """Whether ``prompt`` is the default (in any language), i.e. the user has not written
    one of their own."""
    return prompt is not None and prompt.strip() in _TEXTS["system_prompt"].values()


def system_prompt_in(prompt: str, language: str) -> str:
    """The prompt a chat in ``language`` uses: the default in that language while the user
    has not changed it; a prompt the user wrote, as they wrote it."""
    return default_system_prompt(language) if is_default_system_prompt(prompt) else prompt


def from_locale(tag: str | None) -> str:
    """The language of a locale or window language tag (``zh_CN``, ``zh-Hant-HK``, ``en``):
    English, Simplified or Traditional Chinese; English for any other."""
    parts = (tag or "").replace("-", "_").replace(".", "_").lower().split("_")
    if parts[0] != "zh":
        return ENGLISH
    if "hans" in parts:
        return SIMPLIFIED
    traditional = any(p in ("hant", "tw", "hk", "mo") for p in parts[1:])
    return TRADITIONAL if traditional else SIMPLIFIED


def is_chinese(language: str) -> bool:
    return language in (SIMPLIFIED, TRADITIONAL)


def quoted_names(names: list[str], language: str = ENGLISH) -> str:
    if is_chinese(language):
        return "、".join(f"“{n}”" for n in names)
    return ", ".join(repr(n) for n in names)
