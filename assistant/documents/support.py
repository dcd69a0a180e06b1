"""Which sentences of a document answer the cited passages back, and which they do not.

After a reply from documents every sentence that states something is compared with the
passages the model was given (and the other passages retrieved for the question): is what
it says in them? A small model paraphrases little and invents a lot, and what it invents is
mostly a number, a name or a whole sentence the sources never say; so the check is lexical
and strict, which makes it fast (a few milliseconds per answer, no model) and explainable:

- the sentence's content words (English words without stopwords, lightly stemmed; Chinese
  segmented into words, Traditional folded to Simplified) are looked up in the passages,
  weighed by how rare they are there; ``coverage`` is the weighed share found, in the one
  passage that covers most of them;
- every number in the sentence must occur in that passage (a changed figure is the commonest
  invention), and so must every name (a capitalised word inside an English sentence, a
  Latin-script word inside a Chinese one);
- the verdict: ``supported`` when nearly all of it is there and no number or name is missing,
  ``partial`` when a good part is there and nothing contradicts it, ``unsupported``
  otherwise; with it, the passage (its citation number) and the passage sentence that
  support it best.

Across languages (a Chinese answer from English passages) words cannot match; those
sentences are compared by the embedder instead when one is given (``semantic``), and are
left ``partial`` at best, since a paraphrase across languages cannot be verified word by word.
Sentences with no content word ("Sure.", "以下是答案：") are not claims and are not judged.
"""

from __future__ import annotations

import math
import re
from collections.abc import Callable, Sequence
from dataclasses import dataclass

from fireside.assistant.documents.keywords import STOPWORDS, KeywordText
from fireside.assistant.events import SentenceCheck
from fireside.assistant.language import main_language

SUPPORTED, PARTIAL, UNSUPPORTED = "supported", "partial", "unsupported"
SUPPORTED_COVERAGE = 0.75
PARTIAL_COVERAGE = 0.4
MOSTLY_UNSUPPORTED = 0.5  # share of judged sentences above which the answer says so

_SENTENCE_END = re.compile(r"(?<=[.!?])\s+(?=[\"'(\[A-Z0-9*_\-])|(?<=[。！？；])|\n+")
_CJK = re.compile(r"[\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
_LATIN_WORD = re.compile(r"[A-Za-z][A-Za-z'\-]*[A-Za-z]|[A-Za-z]")
_NUMBER = re.compile(r"\d+(?:[.,:]\d+)*")
_NAME = re.compile(r"\b[A-Z][a-zA-Z\-]+\b")
_MARKUP = re.compile(r"`{1,3}|\*\*?|__?|^#+\s*|^\s*[-*+]\s+|^\s*\d+[.)]\s+|\[\d+\]", re.M)
_CITATION_MARK = re.compile(r"\[(?:source\s*)?\d+\]|【\d+】", re.I)
# Chinese numerals: a run of two or more, or one that is itself a power of ten ("三万", "十")
_CHINESE_NUMBER = re.compile(r"[零〇一二两三四五六七八九十百千万亿]{2,}|[十百千万亿]")
# words that carry no claim of their own in an answer
_FILLER_WORDS = """
sure yes okay ok hello hi thank thanks please answer question according document text
passage source based here following mention say state note also however
好的 当然 是的 以下 答案 根据 文档 资料 内容 提到
"""
_FILLER = frozenset(_FILLER_WORDS.split())


@dataclass
class SupportReport:
    sentences: list[SentenceCheck]

    @property
    def unsupported_share(self) -> float:
        if not self.sentences:
            return 0.0
        return sum(s.verdict == UNSUPPORTED for s in self.sentences) / len(self.sentences)

    @property
    def mostly_unsupported(self) -> bool:
        return len(self.sentences) > 0 and self.unsupported_share > MOSTLY_UNSUPPORTED


def split_sentences(text: str) -> list[tuple[int, int]]:
    """(start, end) of each sentence of ``text``: English and Chinese end marks, and lines."""
    spans, pos = [], 0
    for m in _SENTENCE_END.finditer(text):
        if m.start() > pos:
            spans.append((pos, m.start()))
        pos = m.end()
    if pos < len(text):
        spans.append((pos, len(text)))
    out = []
    for start, end in spans:
        chunk = text[start:end]
        lead = len(chunk) - len(chunk.lstrip())
        trail = len(chunk.rstrip())
        if trail > lead:
            out.append((start + lead, start + trail))
    return out


def _stem(word: str) -> str:
    """Plurals off, then long words cut to five letters (truncation stemming), so that
    "release", "releases" and "released" meet without a dictionary."""
    if word.endswith("ies") and len(word) > 4:
        word = word[:-3] + "y"
    elif word.endswith("s") and not word.endswith("ss") and len(word) > 3:
        word = word[:-1]
    return word[:5] if len(word) > 5 else word


class SupportChecker:
    """Judges answers against passages; ``words`` segments Chinese (the store's segmenter)."""

    def __init__(
        self,
        words: KeywordText | None = None,
        semantic: Callable[[list[str], list[str]], list[list[float]]] | None = None,
    ) -> None:
        self.keywords = words or KeywordText()
        # semantic(sentences, passages) -> similarity of each sentence to each passage, 0..1
        self.semantic = semantic

    def terms(self, text: str) -> list[str]:
        """Content words of ``text``: stemmed English words and Chinese words, no stopwords."""
        out = [_stem(w.lower()) for w in _LATIN_WORD.findall(text)]
        out = [w for w in out if w not in STOPWORDS and w not in _FILLER and len(w) > 1]
        if _CJK.search(text):
            out += [w for w in self.keywords.query_words(text) if _CJK.search(w)]
            out = [w for w in out if w not in STOPWORDS]
        return out

    def check(
        self, answer: str, passages: Sequence[str], cited: int | None = None
    ) -> SupportReport:
        """Judge each sentence of ``answer`` against ``passages`` (the first ``cited`` are the
        citations, numbered from 1; later ones are other retrieved passages)."""
        cited = len(passages) if cited is None else cited
        if not passages:
            return SupportReport([])
        folded = [self._fold(p) for p in passages]
        bags = [set(self.terms(p)) for p in passages]
        weights = _rarity(bags)
        numbers = [set(_numbers(p)) for p in passages]
        out: list[SentenceCheck] = []
        pending: list[int] = []  # sentences in another language than their passages
        for start, end in split_sentences(answer):
            raw = answer[start:end]
            sentence = _CITATION_MARK.sub(" ", _MARKUP.sub(" ", raw)).strip()
            terms = set(self.terms(sentence))
            if not terms and not _numbers(sentence):
                continue  # no claim in it
            judged = self._judge(sentence, terms, passages, folded, bags, numbers, weights)
            judged.text, judged.start, judged.end = raw, start, end
            if judged.source is not None and judged.source > cited:
                judged.source = None  # supported by a passage the model was not given
            if self._other_language(sentence, passages):
                pending.append(len(out))
            out.append(judged)
        if pending and self.semantic is not None:
            self._judge_across_languages([out[i] for i in pending], passages, cited)
        return SupportReport(out)

    # -- one sentence ------------------------------------------------------------------------
    def _judge(self, sentence, terms, passages, folded, bags, numbers, weights) -> SentenceCheck:
        unseen = 1.0 + math.log((len(bags) + 1) / 0.5)  # a word no passage has: the rarest
        wanted = sum(weights.get(t, unseen) for t in terms) or 1.0
        best, best_cov = 0, -1.0
        for i, bag in enumerate(bags):
            cov = sum(weights.get(t, unseen) for t in terms if t in bag) / wanted
            if cov > best_cov:
                best, best_cov = i, cov
        if not terms:
            best_cov = 1.0
        missing = [n for n in _numbers(sentence) if n not in numbers[best]]
        folded_best = folded[best]
        missing += [
            n
            for n in self._names(sentence)
            if n.lower() not in folded_best and n not in passages[best] and n not in missing
        ]
        if missing:
            verdict = UNSUPPORTED
        elif best_cov >= SUPPORTED_COVERAGE:
            verdict = SUPPORTED
        elif best_cov >= PARTIAL_COVERAGE:
            verdict = PARTIAL
        else:
            verdict = UNSUPPORTED
        evidence = self._evidence(terms, passages[best]) if best_cov > 0 else None
        return SentenceCheck(
            text=sentence,
            start=0,
            end=0,
            verdict=verdict,
            coverage=round(max(best_cov, 0.0), 3),
            source=best + 1 if verdict != UNSUPPORTED or best_cov > 0 else None,
            evidence=evidence,
            missing=missing,
        )

    def _names(self, sentence: str) -> list[str]:
        """Proper names: capitalised words not opening the sentence (English), or any
        Latin-script word inside a Chinese sentence."""
        if main_language(sentence) == "zh":
            latin = [w for w in _LATIN_WORD.findall(sentence) if len(w) > 1]
            return latin + self._chinese_names(sentence)
        names = []
        for m in _NAME.finditer(sentence):
            before = sentence[: m.start()].rstrip()
            if not before or before[-1] in ".!?:\"'(“":
                continue  # the first word of a sentence or a quote is capitalised anyway
            word = m.group()
            if word.lower() in STOPWORDS:
                continue
            names.append(word)
        return names

    def _chinese_names(self, sentence: str) -> list[str]:
        return self.keywords.chinese_names(sentence)

    def _evidence(self, terms: set[str], passage: str) -> str | None:
        best, best_hits = None, 0
        for start, end in split_sentences(passage):
            piece = passage[start:end]
            hits = len(terms & set(self.terms(piece)))
            if hits > best_hits:
                best, best_hits = piece, hits
        return best

    def _fold(self, text: str) -> str:
        return " ".join(_LATIN_WORD.findall(text)).lower()

    @staticmethod
    def _other_language(sentence: str, passages: Sequence[str]) -> bool:
        mine = main_language(sentence)
        theirs = {main_language(p) for p in passages} - {None}
        return mine is not None and bool(theirs) and mine not in theirs

    def _judge_across_languages(
        self, items: list[SentenceCheck], passages: Sequence[str], cited: int
    ) -> None:
        sims = self.semantic([s.text for s in items], list(passages))
        for item, row in zip(items, sims, strict=True):
            best = max(range(len(row)), key=lambda i: row[i])
            if item.missing and any(_NUMBER.fullmatch(m) for m in item.missing):
                continue  # a number not in any source stays unsupported in any language
            item.missing = []
            item.coverage = round(float(row[best]), 3)
            item.verdict = PARTIAL if row[best] >= 0.5 else UNSUPPORTED
            item.source = best + 1 if best < cited and item.verdict == PARTIAL else None
            item.evidence = None


def _numbers(text: str) -> list[str]:
    """Numbers as written, commas between thousands removed ("1,000" is "1000"), and
    Chinese numerals ("两万")."""
    out = _CHINESE_NUMBER.findall(text)
    for m in _NUMBER.finditer(text):
        value = m.group()
        if re.fullmatch(r"\d{1,3}(,\d{3})+", value):
            value = value.replace(",", "")
        out.append(value.rstrip(".,:"))
    return out


def _rarity(bags: list[set[str]]) -> dict[str, float]:
    """A word found in fewer passages weighs more (IDF over the passages at hand)."""
    n = len(bags)
    counts: dict[str, int] = {}
    for bag in bags:
        for t in bag:
            counts[t] = counts.get(t, 0) + 1
    return {t: 1.0 + math.log((n + 1) / (c + 0.5)) for t, c in counts.items()}
