"""The words the keyword index stores and a question searches for, in any script.

FTS5's ``unicode61`` tokenizer splits on spaces and punctuation, so a run of Chinese
characters becomes one "word" and a two-character query word can never match inside it
(``trigram`` cannot match words shorter than three characters at all). Chinese runs are
therefore cut into words with jieba's search mode (``cut_for_search``: the long word *and*
the shorter words inside it, so "共和国" and "中华人民共和国" both match) and written with
spaces between them before FTS5 sees them. Traditional characters are folded to Simplified
first (OpenCC's ``t2s`` table), on both sides, so a question in either script finds a
document in either; jieba's dictionary is Simplified too.

Everything outside CJK runs is passed through untouched, so English text reaches the
Porter tokenizer exactly as before and English keyword search is unchanged.

jieba's dictionary takes about a second to load and OpenCC's tables a little less: both load
on first use, under a lock, never at import; jieba's prefix-dictionary cache file goes to
the application's cache folder instead of the system temp folder.
"""

from __future__ import annotations

import logging
import re
import threading
from pathlib import Path

_CJK_RUN = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff\U00020000-\U0002fa1f]+")
_WORD = re.compile(r"\w+", re.UNICODE)

_ENGLISH_STOPWORDS = """
a an and are as at be been but by can could did do does for from had has have how i if
in into is it its of on or our so such than that the their them then there these they
this to was we were what when where which who whom why will with would you your about
all also any me my no not only other some more most very just should may might must
"""
# Function words and question words: in a question they carry no topic, and as OR-ed
# keywords they would match nearly every Chinese passage.
_CHINESE_STOPWORDS = """
的 了 着 过 是 在 和 与 及 或 而 且 吗 呢 吧 啊 呀 嘛 么 之 其 把 被 让 给 对 从 到 向 为
以 于 也 都 就 还 又 很 太 更 最 这 那 这个 那个 这些 那些 这样 那样 这里 那里 哪 哪个
哪些 哪里 谁 几 多少 什么 怎么 怎样 怎么样 如何 为什么 为何 是否 是不是 有没有 我 你 您
他 她 它 我们 你们 他们 她们 它们 自己 一个 一些 有 没有 没 不 请问 请 能 能够 会 可以
可能 要 想 应该 需要 得 地 吗 个 种 些 中 上 下 里 及其 以及 关于 告诉 说说 介绍 一下
"""
STOPWORDS = frozenset(_ENGLISH_STOPWORDS.split()) | frozenset(_CHINESE_STOPWORDS.split())
_NAME_TAGS = ("nr", "ns", "nt", "nz")  # jieba's person, place, organisation, other proper


class KeywordText:
    """Segments and folds Chinese for the keyword index; safe to share between threads."""

    def __init__(self, cache_dir: str | Path | None = None) -> None:
        self.cache_dir = Path(cache_dir) if cache_dir else None
        self._lock = threading.Lock()
        self._jieba = None
        self._opencc = None
        self._pos = None

    def _tools(self):
        with self._lock:
            if self._jieba is None:
                import jieba
                import opencc

                jieba.setLogLevel(logging.WARNING)
                tokenizer = jieba.Tokenizer()
                if self.cache_dir is not None:
                    self.cache_dir.mkdir(parents=True, exist_ok=True)
                    tokenizer.tmp_dir = str(self.cache_dir)
                tokenizer.initialize()
                self._opencc = opencc.OpenCC("t2s")
                self._jieba = tokenizer
            return self._jieba, self._opencc

    def chinese_names(self, sentence: str) -> list[str]:
        """Names of people, places and organisations in a Chinese sentence (jieba's
        part-of-speech tags ``nr``, ``ns``, ``nt``, ``nz``), folded to Simplified."""
        tokenizer, converter = self._tools()
        with self._lock:
            if self._pos is None:
                import jieba.posseg

                self._pos = jieba.posseg.POSTokenizer(tokenizer)
            pos = self._pos
        return [
            w.word
            for w in pos.cut(converter.convert(sentence))
            if w.flag in _NAME_TAGS and len(w.word) > 1
        ]

    def close(self) -> None:
        """Nothing to end here (a segmenter in a child process ends its child)."""

    def _words(self, run: str) -> list[str]:
        jieba_, opencc_ = self._tools()
        return [w for w in jieba_.cut_for_search(opencc_.convert(run)) if w.strip()]

    @staticmethod
    def needs_segmenting(text: str | None) -> bool:
        """Whether ``text`` has Chinese (or other CJK) runs for jieba to cut."""
        return bool(text) and _CJK_RUN.search(text) is not None

    def index_text(self, text: str | None) -> str | None:
        """What FTS5 indexes for ``text``: None when that is ``text`` itself (no CJK)."""
        if not self.needs_segmenting(text):
            return None
        return _CJK_RUN.sub(lambda m: " " + " ".join(self._words(m.group())) + " ", text)

    def query_words(self, text: str) -> list[str]:
        """The words a query searches for: lower-cased, segmented, stopwords dropped, once each.

        When every word is a stopword ("你好", "what is it") they are all kept.
        """
        words: list[str] = []
        pos = 0
        for m in _CJK_RUN.finditer(text):
            words += [w.lower() for w in _WORD.findall(text[pos : m.start()])]
            words += self._words(m.group())
            pos = m.end()
        words += [w.lower() for w in _WORD.findall(text[pos:])]
        kept = [w for w in words if w not in STOPWORDS] or words
        return list(dict.fromkeys(kept))
