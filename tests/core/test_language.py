"""Telling the user's language from a question: English, Simplified or Traditional Chinese."""

from __future__ import annotations

import pytest
from fireside.assistant.language import (
    ENGLISH,
    SIMPLIFIED,
    TRADITIONAL,
    LanguageDetector,
    quoted_names,
    text,
)


@pytest.mark.parametrize(
    ("question", "language"),
    [
        ("What is a hallucination?", ENGLISH),
        ("什么是幻觉？", SIMPLIFIED),
        ("什麼是幻覺？", TRADITIONAL),
        ("這個模型為什麼會產生幻覺", TRADITIONAL),
        ("请解释一下 transformer attention 的原理", SIMPLIFIED),  # Chinese with English terms
        ("What does 幻觉 mean in this paper?", ENGLISH),  # English with a Chinese term
        ("高", SIMPLIFIED),  # the same in both scripts: Simplified
        ("", ENGLISH),
        ("1 + 1 = ?", ENGLISH),
    ],
)
def test_detect(question, language):
    assert LanguageDetector().detect(question) == language


def test_fixed_texts_fall_back_to_english():
    assert text("cancelled_reading", "fr") == "cancelled while reading the documents"
    assert text("cancelled_reading", TRADITIONAL) == "閱讀文件時已取消"
    assert quoted_names(["a", "b"]) == "'a', 'b'"
    assert quoted_names(["a", "b"], SIMPLIFIED) == "“a”、“b”"
