"""The support check on real documents: quotes are supported, a planted false sentence (a
number changed, a name swapped) is not; and the engine runs it after a document reply,
streams the verdicts and stores them with the message."""

from __future__ import annotations

import re

import pytest
from fireside.assistant.documents.context import DocumentsProvider
from fireside.assistant.documents.loaders import LoaderRegistry
from fireside.assistant.documents.support import SupportChecker, split_sentences
from fireside.assistant.engine import ChatEngine
from fireside.assistant.events import SupportChecked, TextDelta, TurnDone
from fireside.assistant.history import HistoryStore
from fireside.assistant.settings import Settings
from fireside.assistant.turn_request import RetrievalOptions, TurnRequest
from fireside.models.embedder import HashEmbedder

from tests.documents.helpers import index
from tests.scripted_backend import ScriptedBackend


def _faq_paragraph(data) -> str:
    text = (data / "text" / "debian-faq.en.txt").read_text(encoding="utf-8")
    paragraphs = [" ".join(p.split()) for p in re.split(r"\n\s*\n", text)]
    # a paragraph with a number and a name in it, as written in the FAQ
    return next(p for p in paragraphs if "Debian" in p and re.search(r"\b\d{4}\b", p))


def _sentence_with(passage: str, pattern: str) -> str:
    for start, end in split_sentences(passage):
        s = passage[start:end]
        if re.search(pattern, s) and len(s.split()) >= 6:
            return s
    raise AssertionError(f"no sentence matching {pattern!r}")


def test_verbatim_quotes_are_supported(data):
    passage = _faq_paragraph(data)
    quote = _sentence_with(passage, r"\d{4}")
    report = SupportChecker().check(quote, [passage, "Unrelated text about cooking pasta."])
    [verdict] = report.sentences
    assert verdict.verdict == "supported" and verdict.source == 1
    assert verdict.evidence and verdict.evidence.strip() == quote.strip()


def test_a_changed_number_is_unsupported(data):
    passage = _faq_paragraph(data)
    quote = _sentence_with(passage, r"\b\d{4}\b")
    year = re.search(r"\b\d{4}\b", quote).group()
    changed = quote.replace(year, str(int(year) + 7), 1)
    report = SupportChecker().check(f"{quote} {changed}", [passage])
    first, second = report.sentences
    assert first.verdict == "supported"
    assert second.verdict == "unsupported" and str(int(year) + 7) in second.missing


def test_a_swapped_name_is_unsupported(data):
    blocks = LoaderRegistry().load(data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf")
    text = " ".join(" ".join(b.text.split()) for b in blocks)
    quote = _sentence_with(text, r"\bGrant\b|\bPemberton\b|\bVicksburg\b")
    name = re.search(r"\bGrant\b|\bPemberton\b|\bVicksburg\b", quote).group()
    swapped = quote.replace(name, "Napoleon", 1)
    report = SupportChecker().check(swapped, [text])
    [verdict] = report.sentences
    assert verdict.verdict == "unsupported" and "Napoleon" in verdict.missing


def test_chinese_answers_are_checked_word_by_word():
    hsk = pytest.importorskip("hsk_sentences_audio")
    sentences = [s["chinese"] for s in hsk.load_sentences()[:400]]
    passage = next(s for s in sentences if re.search(r"[一二两三四五六七八九十]", s))
    numeral = re.search(r"[一二两三四五六七八九十]+", passage).group()
    other = "九" if "九" not in numeral else "三"
    changed = passage.replace(numeral, other * 2, 1)
    report = SupportChecker().check(passage + changed, [passage, *sentences[:5]])
    quote, planted = report.sentences
    assert quote.verdict == "supported"
    assert planted.verdict == "unsupported"


def test_an_invented_answer_is_mostly_unsupported(data):
    passage = _faq_paragraph(data)
    answer = (
        "The moon is made of green cheese. Penguins invented the steam engine in 1642. "
        + _sentence_with(passage, r"Debian")
    )
    report = SupportChecker().check(answer, [passage])
    verdicts = [s.verdict for s in report.sentences]
    assert verdicts[:2] == ["unsupported", "unsupported"] and report.mostly_unsupported


class Models:
    def __init__(self, backend) -> None:
        self.backend = backend

    def get(self, path=None, options=None):
        return self.backend


def _engine(tmp_path, store, data, reply: str) -> ChatEngine:
    index(store, [data / "text" / "debian-faq.en.txt"], collection="faq")
    return ChatEngine(
        HistoryStore(tmp_path / "history.db"),
        Models(ScriptedBackend(tokens=[reply])),
        Settings(),
        documents=DocumentsProvider(store, embedders={"hash-384": HashEmbedder(384)}),
    )


def test_the_engine_checks_a_document_reply_and_stores_the_verdicts(tmp_path, store, data):
    passage = _faq_paragraph(data)
    quote = _sentence_with(passage, r"Debian")
    engine = _engine(tmp_path, store, data, f"{quote} It was founded by Napoleon in 1642.")
    events = list(
        engine.run(
            TurnRequest(
                quote, collections=["faq"], retrieval=RetrievalOptions(threshold=0.0), tools=None
            )
        )
    )
    [checked] = [e for e in events if isinstance(e, SupportChecked)]
    assert events.index(checked) == len(events) - 2 or isinstance(events[-2], TextDelta)
    assert isinstance(events[-1], TurnDone)
    verdicts = [s.verdict for s in checked.sentences]
    assert verdicts[-1] == "unsupported" and "Napoleon" in checked.sentences[-1].missing
    stored = engine.history.get_message(events[-1].message_id)
    assert [s["verdict"] for s in stored.support] == verdicts
    assert stored.support[-1]["start"] > 0


def test_a_mostly_invented_reply_says_so_at_its_end(tmp_path, store, data):
    engine = _engine(
        tmp_path,
        store,
        data,
        "Penguins invented the steam engine in 1642. The moon is made of green cheese.",
    )
    events = list(
        engine.run(
            TurnRequest(
                "What is Debian?",
                collections=["faq"],
                retrieval=RetrievalOptions(threshold=0.0),
                tools=None,
            )
        )
    )
    [checked] = [e for e in events if isinstance(e, SupportChecked)]
    assert checked.mostly_unsupported
    done = events[-1]
    assert done.text.endswith("check it against the sources.)")
    assert engine.history.get_message(done.message_id).content == done.text
